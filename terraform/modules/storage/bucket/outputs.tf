# Both outputs wait for the bucket's configuration, so a consumer (an upload, a role policy) never sees a bucket that
# is not yet private, encrypted and versioned.

output "name" {
  description = "Bucket name."
  value       = aws_s3_bucket.this.bucket
  depends_on = [
    aws_s3_bucket_public_access_block.this,
    aws_s3_bucket_ownership_controls.this,
    aws_s3_bucket_versioning.this,
    aws_s3_bucket_server_side_encryption_configuration.this,
    aws_s3_bucket_policy.this,
  ]
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.this.arn
  depends_on = [
    aws_s3_bucket_public_access_block.this,
    aws_s3_bucket_ownership_controls.this,
    aws_s3_bucket_versioning.this,
    aws_s3_bucket_server_side_encryption_configuration.this,
    aws_s3_bucket_policy.this,
  ]
}
