output "project" {
  description = "Project name (tags, prefixes)."
  value       = var.config.project
}

output "environment" {
  description = "Environment name."
  value       = var.config.environment
}

output "buckets" {
  description = "Bucket names by purpose: raw, transformed, models, outputs."
  value       = { for k in keys(local.resources.buckets) : k => local.render["buckets.${k}"] }
}

output "glue_jobs" {
  description = "Glue job names: etl, publish, report, discover."
  value       = { for k in keys(local.resources.glue_jobs) : k => local.render["glue_jobs.${k}"] }
}

output "lambdas" {
  description = "Lambda function names by handler module: on_upload, read_manifest, quality_gate, find_champion, record_run, approve_topics."
  value       = { for k in keys(local.resources.lambdas) : k => local.render["lambdas.${k}"] }
}

output "roles" {
  description = "IAM role names per component: glue, sagemaker, states, lambda."
  value       = { for k in keys(local.resources.roles) : k => local.render["roles.${k}"] }
}

output "kms_alias" {
  description = "KMS alias of the project key."
  value       = local.render["kms_alias"]
}

output "glue_database" {
  description = "Glue Data Catalog database."
  value       = local.render["glue_database"]
}

output "state_machine" {
  description = "Step Functions state machine name."
  value       = local.render["state_machine"]
}

output "model_package_group" {
  description = "SageMaker Model Registry group."
  value       = local.render["model_package_group"]
}

output "sns_topic" {
  description = "SNS topic for notifications."
  value       = local.render["sns_topic"]
}

output "athena_workgroup" {
  description = "Athena workgroup."
  value       = local.render["athena_workgroup"]
}

output "daily_schedule" {
  description = "EventBridge Scheduler schedule for the daily predict run."
  value       = local.render["daily_schedule"]
}

output "weekly_discovery_schedule" {
  description = "EventBridge Scheduler schedule for the weekly topic discovery run."
  value       = local.render["weekly_discovery_schedule"]
}

output "layout" {
  description = "Object key prefixes (layout in pulso.json)."
  value       = var.config.layout
}
