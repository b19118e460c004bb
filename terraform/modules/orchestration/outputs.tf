output "state_machine_arn" {
  description = "ARN of the pipeline state machine (modules/monitoring alarms on its failed executions)."
  value       = aws_sfn_state_machine.pipeline.arn
}

output "state_machine_role_arn" {
  description = "ARN of the state machine's IAM role."
  value       = aws_iam_role.states.arn
}

output "lambda_arns" {
  description = "ARNs of the five functions by handler module: on_upload, read_manifest, quality_gate, find_champion, record_run."
  value       = { for key, function in aws_lambda_function.this : key => function.arn }
}

output "definition" {
  description = "The rendered state machine definition (JSON), as deployed."
  value       = aws_sfn_state_machine.pipeline.definition
}
