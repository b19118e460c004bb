output "sns_topic_arn" {
  description = "ARN of the KMS-encrypted notification topic (pipeline run summaries, alarms). Publishers in the account need sns:Publish on it and kms:GenerateDataKey*/kms:Decrypt on the project key in their IAM policies."
  value       = aws_sns_topic.this.arn
  depends_on  = [aws_sns_topic_policy.this]
}

output "log_group_names" {
  description = "Log group names by owner: state_machine (/aws/vendedlogs/states/<name>, for the state machine's logging configuration) and lambda_<handler> (/aws/lambda/<function>) for each Lambda function. Glue and SageMaker write to AWS-shared log groups that this module does not manage."
  value       = { for key, group in aws_cloudwatch_log_group.this : key => group.name }
}
