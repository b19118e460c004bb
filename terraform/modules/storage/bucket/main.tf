# One private project bucket: the single place where a Pulso data bucket is configured. The storage module calls it
# once per purpose (raw, transformed, models, outputs).
#
# - Private: every public access block switch on, ACLs disabled (BucketOwnerEnforced).
# - Versioned; noncurrent versions expire, incomplete multipart uploads are aborted, chosen prefixes expire.
# - Default encryption SSE-KMS with the project key and an S3 Bucket Key (fewer KMS requests).
# - Server access logs go to the project's access-log bucket under `access_log_prefix`.
# - Optional policy (enable_deny_policies): TLS only, and uploads may not pick another encryption or another key.

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery decision per deployment; the data is reproducible from the raw bucket, which is versioned.
  #checkov:skip=CKV2_AWS_62:Event notifications (EventBridge) belong to the module that consumes them (orchestration: raw and models buckets); only one notification resource may exist per bucket.
  bucket        = var.name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.bucket

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.bucket

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.bucket

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.bucket

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.bucket

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    # `prefix = ""` selects every object; an empty `filter {}` draws a provider warning since 5.90.
    filter {
      prefix = ""
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {
      prefix = ""
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
  }

  dynamic "rule" {
    for_each = var.expiring_prefixes

    content {
      id     = "expire-${replace(trimsuffix(rule.key, "/"), "/", "-")}"
      status = "Enabled"

      filter {
        prefix = rule.key
      }

      expiration {
        days = rule.value
      }
    }
  }

  # Lifecycle rules on noncurrent versions need versioning in place first.
  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_logging" "this" {
  bucket = aws_s3_bucket.this.bucket

  target_bucket = var.access_log_bucket
  target_prefix = var.access_log_prefix
}

data "aws_iam_policy_document" "deny" {
  count = var.enable_deny_policies ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # Deny an upload that asks for an encryption other than SSE-KMS. The `Null = false` condition limits the deny to
  # requests that carry the header at all: a request without it is encrypted by the bucket default (the project key),
  # so clients that rely on default encryption keep working. A plain "deny unless header = aws:kms" would reject them.
  statement {
    sid       = "DenyNonKmsEncryptionHeader"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }
  }

  # Deny an upload that names a KMS key other than the project key (S3 compares the key ARN, so clients that name the
  # key pass its ARN, or no key at all and get the bucket default).
  statement {
    sid       = "DenyOtherKmsKey"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = [var.kms_key_arn]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count = var.enable_deny_policies ? 1 : 0

  bucket = aws_s3_bucket.this.bucket
  policy = data.aws_iam_policy_document.deny[0].json

  # S3 rejects concurrent changes of the public access block and the policy (OperationAborted).
  depends_on = [aws_s3_bucket_public_access_block.this]
}
