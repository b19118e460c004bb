# Storage: the project KMS key and its alias, the four data buckets (raw, transformed, models, outputs) and the
# access-log bucket that receives their S3 server access logs.
#
# Every data bucket is configured in one place, the local module ./bucket, called once per purpose.
# The access-log bucket is configured here because it differs on purpose: S3 server access log delivery supports
# only SSE-S3 on the target bucket, and the target must not log to itself.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # pulso.json has no entry for the access-log bucket; its name follows the data buckets' pattern.
  access_log_bucket = "${var.names.project}-${var.names.environment}-access-logs-${local.account_id}"

  # Each data bucket logs under its own name in the access-log bucket; the log bucket policy admits exactly these.
  access_log_prefixes = { for purpose, name in var.names.buckets : purpose => "${name}/" }

  # Current objects that expire, per bucket purpose: batch transform input shards are rebuilt on every run.
  expiring_prefixes = {
    transformed = { (var.names.layout.transform_input) = 30 }
  }

  # Incomplete multipart uploads are aborted after this many days, in every bucket.
  abort_incomplete_multipart_upload_days = 7

  # Server access logs are kept for a year.
  access_log_expiration_days = 365
}

# ---------------------------------------------------------------------------------------------------------------------
# KMS key
# ---------------------------------------------------------------------------------------------------------------------

# Key policy:
# - The account root holds kms:*, which enables IAM policies: the component roles (Glue, SageMaker, Lambda, Step
#   Functions, Athena users) use the key through S3, Glue, SageMaker, SNS, Athena, Lambda and Step Functions with the
#   KMS permissions their own IAM policies grant (scoped to this key), and no principal is locked out of it.
# - CloudWatch Logs is a service principal, not an IAM principal: it gets the key for log groups of this account and
#   region only (encryption context condition).
# - CloudWatch alarms and EventBridge publish to the SNS topic encrypted with this key; SNS asks KMS on the publisher's
#   behalf, so those service principals need Decrypt and GenerateDataKey (the AWS-documented statement, no condition
#   keys: these deliveries do not carry aws:SourceArn to KMS).
data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" means this key only; the root statement is the standard delegation to IAM.
  #checkov:skip=CKV_AWS_111:A key policy's Resource "*" means this key only; the root statement is the standard delegation to IAM.
  #checkov:skip=CKV_AWS_356:A key policy's Resource "*" means this key only.
  statement {
    sid       = "EnableIamPoliciesOfTheAccount"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid = "AllowCloudWatchLogsOfThisAccount"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.${data.aws_partition.current.dns_suffix}"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }

  statement {
    sid       = "AllowAlarmAndEventDeliveryToEncryptedTopics"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.names.project} ${var.names.environment}: data in S3, Glue, SageMaker, Athena, logs and notifications"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = var.names.kms_alias
  target_key_id = aws_kms_key.this.key_id
}

# ---------------------------------------------------------------------------------------------------------------------
# Access-log bucket
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "access_logs" {
  #checkov:skip=CKV_AWS_18:This is the server access log target; logging it to itself would loop.
  #checkov:skip=CKV_AWS_145:S3 server access log delivery supports only SSE-S3 on the target bucket.
  #checkov:skip=CKV_AWS_144:Access logs are not replicated across regions.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events from the access-log bucket.
  bucket        = local.access_log_bucket
  force_destroy = var.force_destroy
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = length(local.access_log_bucket) <= 63
      error_message = "The access-log bucket name ${local.access_log_bucket} is longer than 63 characters; shorten the project or environment name."
    }
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket = aws_s3_bucket.access_logs.bucket

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.bucket

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.bucket

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.bucket

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.bucket

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {
      prefix = ""
    }

    expiration {
      days = local.access_log_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = local.abort_incomplete_multipart_upload_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

# Log delivery is granted by bucket policy (ACLs are disabled by BucketOwnerEnforced): one statement per data bucket
# of this account, each admitting deliveries from that bucket only under its own prefix. Source ARNs are built from
# the names, so the policy does not wait for the data buckets.
data "aws_iam_policy_document" "access_logs" {
  dynamic "statement" {
    for_each = local.access_log_prefixes

    content {
      sid       = "AllowS3ServerAccessLogDelivery${title(statement.key)}"
      actions   = ["s3:PutObject"]
      resources = ["${aws_s3_bucket.access_logs.arn}/${statement.value}*"]

      principals {
        type        = "Service"
        identifiers = ["logging.s3.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = ["arn:${local.partition}:s3:::${var.names.buckets[statement.key]}"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
    }
  }

  dynamic "statement" {
    for_each = var.enable_deny_policies ? [1] : []

    content {
      sid       = "DenyInsecureTransport"
      effect    = "Deny"
      actions   = ["s3:*"]
      resources = [aws_s3_bucket.access_logs.arn, "${aws_s3_bucket.access_logs.arn}/*"]

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
  }
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.bucket
  policy = data.aws_iam_policy_document.access_logs.json

  depends_on = [
    aws_s3_bucket_public_access_block.access_logs,
    aws_s3_bucket_ownership_controls.access_logs,
  ]
}

# ---------------------------------------------------------------------------------------------------------------------
# Data buckets
# ---------------------------------------------------------------------------------------------------------------------

module "bucket" {
  source   = "./bucket"
  for_each = var.names.buckets

  name        = each.value
  kms_key_arn = aws_kms_key.this.arn

  # Taken from the policy resource, so logging is switched on only once the log bucket admits the delivery.
  access_log_bucket = aws_s3_bucket_policy.access_logs.bucket
  access_log_prefix = local.access_log_prefixes[each.key]

  force_destroy                          = var.force_destroy
  noncurrent_version_days                = var.noncurrent_version_days
  abort_incomplete_multipart_upload_days = local.abort_incomplete_multipart_upload_days
  expiring_prefixes                      = lookup(local.expiring_prefixes, each.key, {})
  enable_deny_policies                   = var.enable_deny_policies
  tags                                   = var.tags
}
