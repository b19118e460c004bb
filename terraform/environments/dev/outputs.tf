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
