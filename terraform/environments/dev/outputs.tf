output "state_machine_arn" {
  description = "Start a run: aws stepfunctions start-execution --state-machine-arn <this> --input '{...}'."
  value       = module.orchestration.state_machine_arn
}

output "buckets" {
  description = "Bucket names by purpose (upload data to s3://<raw>/incoming/<profile>/...)."
  value       = module.storage.bucket_names
}

output "athena_workgroup" {
  description = "Athena workgroup for the named queries."
  value       = module.analytics.athena_workgroup_name
}

output "glue_database" {
  description = "Glue catalog database of the tables."
  value       = module.etl.glue_database_name
}

output "sns_topic_arn" {
  description = "Notifications topic."
  value       = module.monitoring.sns_topic_arn
}

output "model_package_group" {
  description = "Model Registry group."
  value       = module.training.model_package_group_name
}

output "discover_job_name" {
  description = "Glue job of the topic discovery runs (mode discover)."
  value       = module.etl.discover_job_name
}

output "approve_topics_function_name" {
  description = "Lambda function that applies a topic approval (invoked by objects created under topic_approvals_uri)."
  value       = module.orchestration.lambda_names.approve_topics
}

output "weekly_discovery_schedule_name" {
  description = "EventBridge Scheduler schedule that starts the weekly topic discovery run."
  value       = module.orchestration.weekly_discovery_schedule_name
}

output "topic_approvals_uri" {
  description = "Write an approval here as <discovery_run_id>/<name>.json; approve_topics applies it and writes the result under topic-approval-results/."
  value       = module.orchestration.topic_approvals_uri
}
