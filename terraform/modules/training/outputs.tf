output "sagemaker_role_arn" {
  description = "ARN of the SageMaker execution role (training jobs, models, Batch Transform jobs)."
  value       = aws_iam_role.sagemaker.arn
}

output "model_package_group_arn" {
  description = "ARN of the Model Registry group the quality gate registers candidates in."
  value       = aws_sagemaker_model_package_group.this.arn
}

output "model_package_group_name" {
  description = "Name of the Model Registry group."
  value       = aws_sagemaker_model_package_group.this.model_package_group_name
}
