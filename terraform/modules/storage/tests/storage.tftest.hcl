# Plan-only tests of the storage module and of its per-bucket module ./bucket, with a mocked AWS provider.
# Names come from the real modules/names rendering of src/pulso/config/pulso.json.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/terraform-test"
      user_id    = "AIDATERRAFORMTEST"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0000-4000-8000-123456789012"
      key_id = "0a1b2c3d-0000-4000-8000-123456789012"
    }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::mocked-bucket"
    }
  }
}

variables {
  account_id  = "123456789012"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0000-4000-8000-123456789012"
}

run "names" {
  command = plan

  module {
    source = "../names"
  }

  variables {
    config     = jsondecode(file("../../../src/pulso/config/pulso.json"))
    account_id = var.account_id
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# The storage module
# ---------------------------------------------------------------------------------------------------------------------

run "defaults" {
  command = plan

  variables {
    names = run.names
    tags  = { project = "pulso" }
  }

  override_resource {
    target          = aws_s3_bucket.access_logs
    override_during = plan
    values          = { arn = "arn:aws:s3:::pulso-dev-access-logs-123456789012" }
  }

  override_resource {
    target          = module.bucket["raw"].aws_s3_bucket.this
    override_during = plan
    values          = { arn = "arn:aws:s3:::pulso-dev-raw-123456789012" }
  }

  override_resource {
    target          = module.bucket["models"].aws_s3_bucket.this
    override_during = plan
    values          = { arn = "arn:aws:s3:::pulso-dev-models-123456789012" }
  }

  assert {
    condition     = output.bucket_names == run.names.buckets
    error_message = "bucket_names must be the four names rendered by modules/names."
  }

  assert {
    condition     = output.bucket_names.raw == "pulso-dev-raw-123456789012" && output.bucket_names.outputs == "pulso-dev-outputs-123456789012"
    error_message = "Bucket names must follow {project}-{environment}-<purpose>-{account_id}."
  }

  assert {
    condition     = sort(keys(output.bucket_arns)) == tolist(["models", "outputs", "raw", "transformed"])
    error_message = "bucket_arns must be keyed by the four purposes."
  }

  assert {
    condition     = output.bucket_arns.raw == "arn:aws:s3:::pulso-dev-raw-123456789012" && output.bucket_arns.models == "arn:aws:s3:::pulso-dev-models-123456789012"
    error_message = "bucket_arns must map each purpose to its own bucket's ARN."
  }

  assert {
    condition     = output.kms_key_arn == var.kms_key_arn && output.kms_key_id == "0a1b2c3d-0000-4000-8000-123456789012"
    error_message = "kms_key_arn and kms_key_id must come from the project key."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_key.this.deletion_window_in_days == 30
    error_message = "The key must rotate and keep the default 30-day deletion window."
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/pulso-dev" && aws_kms_alias.this.target_key_id == aws_kms_key.this.key_id
    error_message = "The alias must be names.kms_alias and point at the project key."
  }

  assert {
    condition     = aws_kms_key.this.tags == tomap({ project = "pulso" }) && aws_s3_bucket.access_logs.tags == tomap({ project = "pulso" })
    error_message = "Tags must reach the key and the buckets."
  }

  # Key policy
  assert {
    condition = [for s in data.aws_iam_policy_document.key.statement : s.sid] == [
      "EnableIamPoliciesOfTheAccount", "AllowCloudWatchLogsOfThisAccount", "AllowAlarmAndEventDeliveryToEncryptedTopics",
    ]
    error_message = "The key policy must enable IAM, CloudWatch Logs and alarm/event delivery to encrypted topics."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.key.statement[0].principals).identifiers == toset(["arn:aws:iam::123456789012:root"])
    error_message = "The first key policy statement must name the account root."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.key.statement[1].principals).identifiers == toset(["logs.eu-west-1.amazonaws.com"])
    error_message = "CloudWatch Logs of the current region must be allowed to use the key."
  }

  assert {
    condition     = toset(one(data.aws_iam_policy_document.key.statement[1].condition).values) == toset(["arn:aws:logs:eu-west-1:123456789012:log-group:*"])
    error_message = "CloudWatch Logs may use the key only for log groups of this account and region."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.key.statement[2].principals).identifiers == toset(["cloudwatch.amazonaws.com", "events.amazonaws.com"])
    error_message = "CloudWatch alarms and EventBridge must be able to publish to topics encrypted with the key."
  }

  # Data buckets
  assert {
    condition     = length(module.bucket) == 4
    error_message = "One bucket module per purpose."
  }

  assert {
    condition     = module.bucket["transformed"].name == "pulso-dev-transformed-123456789012"
    error_message = "The transformed bucket must be named by modules/names."
  }

  # Access-log bucket
  assert {
    condition     = output.access_log_bucket == "pulso-dev-access-logs-123456789012"
    error_message = "The access-log bucket must be named {project}-{environment}-access-logs-{account_id}."
  }

  assert {
    condition     = !aws_s3_bucket.access_logs.force_destroy
    error_message = "force_destroy must default to false."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.access_logs.block_public_acls,
      aws_s3_bucket_public_access_block.access_logs.block_public_policy,
      aws_s3_bucket_public_access_block.access_logs.ignore_public_acls,
      aws_s3_bucket_public_access_block.access_logs.restrict_public_buckets,
    ])
    error_message = "The access-log bucket must block all public access."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.access_logs.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "The access-log bucket must disable ACLs."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.access_logs.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "The access-log bucket must use SSE-S3, the only encryption log delivery supports."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.access_logs.versioning_configuration).status == "Enabled"
    error_message = "The access-log bucket must be versioned."
  }

  assert {
    condition = (
      one(aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].expiration).days == 365 &&
      one(aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].noncurrent_version_expiration).noncurrent_days == 30 &&
      one(aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].abort_incomplete_multipart_upload).days_after_initiation == 7
    )
    error_message = "Access logs expire after a year; noncurrent versions and incomplete uploads are cleaned up."
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.access_logs.statement : s.sid] == [
      "AllowS3ServerAccessLogDeliveryModels", "AllowS3ServerAccessLogDeliveryOutputs",
      "AllowS3ServerAccessLogDeliveryRaw", "AllowS3ServerAccessLogDeliveryTransformed", "DenyInsecureTransport",
    ]
    error_message = "The access-log bucket policy must admit log delivery from each data bucket and deny plain HTTP."
  }

  assert {
    condition = alltrue([
      for s in slice(data.aws_iam_policy_document.access_logs.statement, 0, 4) :
      one(s.principals).identifiers == toset(["logging.s3.amazonaws.com"])
    ])
    error_message = "Log delivery must be granted to the S3 logging service principal."
  }

  # Each statement pairs one source bucket with its own prefix: a bucket cannot write into another's logs.
  assert {
    condition = alltrue([
      for purpose, name in run.names.buckets : anytrue([
        for s in data.aws_iam_policy_document.access_logs.statement :
        s.resources == toset(["arn:aws:s3:::pulso-dev-access-logs-123456789012/${name}/*"]) &&
        toset(flatten([for c in s.condition : c.values if c.variable == "aws:SourceArn"])) == toset(["arn:aws:s3:::${name}"])
      ])
    ])
    error_message = "Log delivery must be limited to each data bucket, under that bucket's own prefix."
  }

  assert {
    condition = alltrue([
      for s in slice(data.aws_iam_policy_document.access_logs.statement, 0, 4) :
      toset(flatten([for c in s.condition : c.values if c.variable == "aws:SourceAccount"])) == toset(["123456789012"])
    ])
    error_message = "Log delivery must be limited to this account."
  }
}

run "without_deny_policies" {
  command = plan

  variables {
    names                    = run.names
    enable_deny_policies     = false
    force_destroy            = true
    noncurrent_version_days  = 90
    kms_deletion_window_days = 7
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.access_logs.statement : s.sid if s.effect == "Deny"]) == 0
    error_message = "Without deny policies the access-log bucket keeps only the log delivery grant."
  }

  assert {
    condition     = aws_s3_bucket.access_logs.force_destroy
    error_message = "force_destroy must reach the access-log bucket."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.access_logs.rule[0].noncurrent_version_expiration).noncurrent_days == 90
    error_message = "noncurrent_version_days must reach the access-log bucket."
  }

  assert {
    condition     = aws_kms_key.this.deletion_window_in_days == 7
    error_message = "kms_deletion_window_days must reach the key."
  }
}

run "rejects_short_deletion_window" {
  command = plan

  variables {
    names                    = run.names
    kms_deletion_window_days = 5
  }

  expect_failures = [var.kms_deletion_window_days]
}

run "rejects_zero_noncurrent_days" {
  command = plan

  variables {
    names                   = run.names
    noncurrent_version_days = 0
  }

  expect_failures = [var.noncurrent_version_days]
}

run "rejects_missing_bucket_purpose" {
  command = plan

  variables {
    names = merge(run.names, { buckets = { raw = "pulso-dev-raw-123456789012" } })
  }

  expect_failures = [var.names]
}

# ---------------------------------------------------------------------------------------------------------------------
# The per-bucket module, as the storage module calls it for the transformed bucket
# ---------------------------------------------------------------------------------------------------------------------

run "bucket_transformed" {
  command = plan

  module {
    source = "./bucket"
  }

  variables {
    name              = run.names.buckets.transformed
    kms_key_arn       = var.kms_key_arn
    access_log_bucket = "pulso-dev-access-logs-123456789012"
    access_log_prefix = "${run.names.buckets.transformed}/"
    expiring_prefixes = { (run.names.layout.transform_input) = 30 }
  }

  override_resource {
    target          = aws_s3_bucket.this
    override_during = plan
    values          = { arn = "arn:aws:s3:::pulso-dev-transformed-123456789012" }
  }

  assert {
    condition     = output.name == "pulso-dev-transformed-123456789012" && output.arn == "arn:aws:s3:::pulso-dev-transformed-123456789012"
    error_message = "Outputs must be the bucket's name and ARN."
  }

  assert {
    condition     = !aws_s3_bucket.this.force_destroy
    error_message = "force_destroy must default to false."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "Every public access block switch must be on."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "Versioning must be enabled."
  }

  assert {
    condition = (
      one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" &&
      one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn &&
      one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled
    )
    error_message = "Default encryption must be SSE-KMS with the project key and an S3 Bucket Key."
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id] == ["abort-incomplete-multipart-uploads", "expire-noncurrent-versions", "expire-transform-input"]
    error_message = "The transformed bucket needs the two common lifecycle rules and the transform-input expiry."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this.rule[0].abort_incomplete_multipart_upload).days_after_initiation == 7
    error_message = "Incomplete multipart uploads must be aborted after 7 days."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this.rule[1].noncurrent_version_expiration).noncurrent_days == 30
    error_message = "Noncurrent versions must expire after noncurrent_version_days (30)."
  }

  assert {
    condition     = alltrue([for r in slice(aws_s3_bucket_lifecycle_configuration.this.rule, 0, 2) : one(r.filter).prefix == ""])
    error_message = "The common lifecycle rules must apply to the whole bucket."
  }

  assert {
    condition = (
      one(aws_s3_bucket_lifecycle_configuration.this.rule[2].filter).prefix == "transform-input/" &&
      one(aws_s3_bucket_lifecycle_configuration.this.rule[2].expiration).days == 30
    )
    error_message = "Objects under transform-input/ must expire after 30 days."
  }

  assert {
    condition     = alltrue([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.status == "Enabled"])
    error_message = "Every lifecycle rule must be enabled."
  }

  assert {
    condition     = aws_s3_bucket_logging.this.target_bucket == "pulso-dev-access-logs-123456789012" && aws_s3_bucket_logging.this.target_prefix == "pulso-dev-transformed-123456789012/"
    error_message = "Server access logs must go to the access-log bucket under the bucket's own prefix."
  }

  assert {
    condition     = length(aws_s3_bucket_policy.this) == 1
    error_message = "Deny policies are on by default."
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.deny[0].statement : s.sid] == ["DenyInsecureTransport", "DenyNonKmsEncryptionHeader", "DenyOtherKmsKey"]
    error_message = "The bucket policy must deny plain HTTP, non-KMS encryption headers and other KMS keys."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.deny[0].statement : s.effect == "Deny"])
    error_message = "The bucket policy must only deny."
  }

  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.deny[0].statement[0].condition :
      c.test == "Bool" && c.variable == "aws:SecureTransport" && toset(c.values) == toset(["false"])
    ])
    error_message = "Plain HTTP requests must be denied."
  }

  # Requests without the encryption header must stay allowed (bucket default encryption): the deny needs the header
  # to be present (Null = false) and different from aws:kms.
  assert {
    condition = (
      anytrue([
        for c in data.aws_iam_policy_document.deny[0].statement[1].condition :
        c.test == "Null" && c.variable == "s3:x-amz-server-side-encryption" && toset(c.values) == toset(["false"])
      ]) &&
      anytrue([
        for c in data.aws_iam_policy_document.deny[0].statement[1].condition :
        c.test == "StringNotEquals" && c.variable == "s3:x-amz-server-side-encryption" && toset(c.values) == toset(["aws:kms"])
      ])
    )
    error_message = "Only uploads that ask for an encryption other than aws:kms may be denied."
  }

  assert {
    condition = (
      anytrue([
        for c in data.aws_iam_policy_document.deny[0].statement[2].condition :
        c.test == "Null" && c.variable == "s3:x-amz-server-side-encryption-aws-kms-key-id" && toset(c.values) == toset(["false"])
      ]) &&
      anytrue([
        for c in data.aws_iam_policy_document.deny[0].statement[2].condition :
        c.test == "StringNotEquals" && c.variable == "s3:x-amz-server-side-encryption-aws-kms-key-id" && toset(c.values) == toset([var.kms_key_arn])
      ])
    )
    error_message = "Only uploads that name a KMS key other than the project key may be denied."
  }
}

run "bucket_without_deny_policies" {
  command = plan

  module {
    source = "./bucket"
  }

  variables {
    name                    = run.names.buckets.raw
    kms_key_arn             = var.kms_key_arn
    access_log_bucket       = "pulso-dev-access-logs-123456789012"
    access_log_prefix       = "${run.names.buckets.raw}/"
    enable_deny_policies    = false
    force_destroy           = true
    noncurrent_version_days = 14
  }

  assert {
    condition     = length(aws_s3_bucket_policy.this) == 0 && length(data.aws_iam_policy_document.deny) == 0
    error_message = "No bucket policy when deny policies are off."
  }

  assert {
    condition     = aws_s3_bucket.this.force_destroy
    error_message = "force_destroy must reach the bucket."
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id] == ["abort-incomplete-multipart-uploads", "expire-noncurrent-versions"]
    error_message = "Buckets other than transformed have no expiring prefix."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this.rule[1].noncurrent_version_expiration).noncurrent_days == 14
    error_message = "noncurrent_version_days must reach the lifecycle rule."
  }
}

run "bucket_rejects_bad_inputs" {
  command = plan

  module {
    source = "./bucket"
  }

  variables {
    name              = "Not_A_Bucket"
    kms_key_arn       = "alias/pulso-dev"
    access_log_bucket = "pulso-dev-access-logs-123456789012"
    access_log_prefix = "no-trailing-slash"
    expiring_prefixes = { "transform-input" = 0 }
  }

  expect_failures = [var.name, var.kms_key_arn, var.access_log_prefix, var.expiring_prefixes]
}
