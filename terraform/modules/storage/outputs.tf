output "kms_key_arn" {
  description = "ARN of the project KMS key (S3 default encryption, log groups, SNS, Glue, SageMaker, Athena)."
  value       = aws_kms_key.this.arn
}

output "kms_key_id" {
  description = "Id of the project KMS key."
  value       = aws_kms_key.this.key_id
}

output "bucket_arns" {
  description = "Data bucket ARNs by purpose: raw, transformed, models, outputs."
  value       = { for purpose, bucket in module.bucket : purpose => bucket.arn }
}

output "bucket_names" {
  description = "Data bucket names by purpose: raw, transformed, models, outputs."
  value       = { for purpose, bucket in module.bucket : purpose => bucket.name }
}

output "access_log_bucket" {
  description = "Name of the bucket that receives the data buckets' S3 server access logs (under <bucket name>/)."
  value       = aws_s3_bucket.access_logs.bucket
  depends_on = [
    aws_s3_bucket_public_access_block.access_logs,
    aws_s3_bucket_server_side_encryption_configuration.access_logs,
    aws_s3_bucket_policy.access_logs,
  ]
}
