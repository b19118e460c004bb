# The Glue jobs' role: read the raw uploads, read and write the transformed and outputs buckets, read the job
# code, use the project key, write the Glue logs and put metrics in the Pulso/ETL namespace. Nothing else.

locals {
  glue_log_groups = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/*"
}

data "aws_iam_policy_document" "glue_assume" {
  statement {
    sid     = "GlueAssumesTheRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "glue" {
  name               = var.names.roles.glue
  description        = "Pulso Glue jobs (${var.names.glue_jobs.etl}, ${var.names.glue_jobs.publish})."
  assume_role_policy = data.aws_iam_policy_document.glue_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "glue" {
  statement {
    sid       = "ListTheDataBuckets"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arns.raw, var.bucket_arns.transformed, var.bucket_arns.outputs, var.bucket_arns.models]
  }

  statement {
    sid       = "ReadTheRawUploads"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.raw}/*"]
  }

  # The jobs replace a re-run's outputs (DeleteObject) and read what they wrote before (manifests, Batch
  # Transform output under transform-output/).
  statement {
    sid       = "ReadAndWriteTheTablesAndRunFiles"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.bucket_arns.transformed}/*", "${var.bucket_arns.outputs}/*"]
  }

  # Glue fetches the script and --extra-py-files with this role; the jobs never write code.
  statement {
    sid       = "ReadTheJobCode"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.models}/${local.glue_prefix}*"]
  }

  # The publish job's drift check reads the model that predicted (its profile and vocabulary); the report job
  # reads the candidate's evaluation (output.tar.gz). Both live under the training jobs' output prefix.
  statement {
    sid       = "ReadTheTrainedModels"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.models}/${var.config.layout.training_jobs}*"]
  }

  # The ETL and publish jobs register the partition of the run they wrote (messages, quarantine, predictions),
  # so Athena sees it; glue:GetTable reads the table's storage descriptor for the partition.
  statement {
    sid     = "RegisterTheRunPartitions"
    effect  = "Allow"
    actions = ["glue:GetTable", "glue:GetPartition", "glue:CreatePartition", "glue:UpdatePartition"]
    resources = concat(
      [
        "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog",
        "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${var.names.glue_database}",
      ],
      [for table in local.run_partitioned_tables : "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${var.names.glue_database}/${table}"],
    )
  }

  # SSE-KMS objects (GenerateDataKey on write, Decrypt on read), the security configuration's bookmark
  # encryption (Encrypt/Decrypt) and its CloudWatch Logs encryption.
  statement {
    sid       = "UseTheProjectKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  # Glue writes the job logs under /aws-glue/ (python-jobs/output and error, jobs/logs-v2 for continuous
  # logging; with a security configuration the group names carry its name), and associates the key with them.
  statement {
    sid       = "WriteTheGlueLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"]
    resources = [local.glue_log_groups, "${local.glue_log_groups}:log-stream:*"]
  }

  # cloudwatch:PutMetricData supports no resource-level permissions, so the resource must be "*"; the
  # cloudwatch:namespace condition keeps the role to the jobs' own namespace.
  statement {
    sid       = "PutMetricsInTheJobNamespaces"
    effect    = "Allow"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = local.metrics_namespaces
    }
  }
}

resource "aws_iam_role_policy" "glue" {
  name   = "${var.names.roles.glue}-jobs"
  role   = aws_iam_role.glue.id
  policy = data.aws_iam_policy_document.glue.json
}
