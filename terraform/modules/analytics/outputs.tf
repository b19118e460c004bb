output "athena_workgroup_name" {
  description = "Athena workgroup for the tables and the named queries (results SSE-KMS in s3://<outputs>/athena-results/)."
  value       = aws_athena_workgroup.this.name
}

output "table_names" {
  description = "Glue catalog tables created from config.tables (database: names.glue_database)."
  value       = sort(keys(aws_glue_catalog_table.this))
}

output "redshift_external_schema_sql" {
  description = "With enable_redshift: the SQL that makes the Glue database readable from Redshift Serverless (run it once in the workgroup). Null otherwise."
  value = var.enable_redshift ? join(" ", [
    "CREATE EXTERNAL SCHEMA IF NOT EXISTS ${local.database}",
    "FROM DATA CATALOG DATABASE '${local.database}'",
    "IAM_ROLE '${aws_iam_role.redshift[0].arn}'",
    "REGION '${local.region}';",
  ]) : null
}
