output "state_machine_arn" {
  description = "ARN of the pipeline state machine (modules/monitoring alarms on its failed executions)."
  value       = aws_sfn_state_machine.pipeline.arn
}

output "state_machine_role_arn" {
  description = "ARN of the state machine's IAM role."
  value       = aws_iam_role.states.arn
}

output "lambda_arns" {
  description = "ARNs of the six functions by handler module: on_upload, read_manifest, quality_gate, find_champion, record_run, approve_topics."
  value       = { for key, function in aws_lambda_function.this : key => function.arn }
}

output "definition" {
  description = "The rendered state machine definition (JSON), as deployed."
  value       = aws_sfn_state_machine.pipeline.definition
}

output "lambda_names" {
  description = "Names of the six functions by handler module (approve_topics: the function an approval object invokes)."
  value       = { for key, function in aws_lambda_function.this : key => function.function_name }
}

output "weekly_discovery_schedule_name" {
  description = "Name of the EventBridge Scheduler schedule of the weekly topic discovery run."
  value       = aws_scheduler_schedule.run["weekly_discovery"].name
}

output "topic_approvals_uri" {
  description = "Where analysts write approval objects (s3://<models>/<layout.topic_approvals><discovery_run_id>/<name>.json); each one invokes approve_topics."
  value       = "s3://${aws_s3_bucket_notification.to_eventbridge["models"].bucket}/${local.layout.topic_approvals}"
}
