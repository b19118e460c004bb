output "glue_role_arn" {
  description = "ARN of the role the Glue jobs run with."
  value       = aws_iam_role.glue.arn
}

output "etl_job_name" {
  description = "Name of the \"validate and transform\" Glue job."
  value       = aws_glue_job.this["etl"].name
}

output "publish_job_name" {
  description = "Name of the \"publish predictions\" Glue job."
  value       = aws_glue_job.this["publish"].name
}

output "discover_job_name" {
  description = "Name of the \"discover topics\" Glue job (the state machine's discover branch starts it)."
  value       = aws_glue_job.this["discover"].name
}

output "glue_database_name" {
  description = "Glue Data Catalog database the tables live in (modules/analytics creates them)."
  value       = aws_glue_catalog_database.this.name
}

output "glue_job_arns" {
  description = "Glue job ARNs by purpose: etl, publish, report, discover (the state machine role may start exactly these)."
  value       = { for key, job in aws_glue_job.this : key => job.arn }
}

output "config_uri" {
  description = "S3 URI of the deployment's effective configuration (s3://<models>/<layout.effective_config>): the Glue jobs' --config_uri, and PULSO_CONFIG_URI for modules/orchestration's functions and definition."
  value       = local.config_uri
}

output "config_object_arn" {
  description = "ARN of the effective configuration object, for the policies of roles outside this module (SageMaker: modules/training)."
  value       = "${var.bucket_arns.models}/${aws_s3_object.effective_config.key}"
}
