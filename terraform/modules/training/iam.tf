# The SageMaker execution role: read the training data, embeddings and source, write the model artifacts and
# checkpoints, read the Batch Transform input and write its output, use the project key, write SageMaker logs
# and metrics, pull the framework images. Nothing else.

locals {
  sagemaker_log_groups = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/sagemaker/*"
}

data "aws_iam_policy_document" "sagemaker_assume" {
  statement {
    sid     = "SageMakerAssumesTheRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "sagemaker" {
  name               = var.names.roles.sagemaker
  description        = "Pulso SageMaker training jobs, models and Batch Transform jobs."
  assume_role_policy = data.aws_iam_policy_document.sagemaker_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "sagemaker" {
  # S3Prefix channels, checkpoint sync and the artifacts read back need listing, but only under those prefixes.
  dynamic "statement" {
    for_each = local.listed

    content {
      sid       = "ListPrefixesOf${title(statement.key)}Bucket"
      effect    = "Allow"
      actions   = ["s3:ListBucket"]
      resources = [var.bucket_arns[statement.key]]

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = [for prefix in statement.value : "${prefix}*"]
      }
    }
  }

  statement {
    sid       = "ReadTrainingDataEmbeddingsSourceAndTransformInput"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = [for place in local.reads : "${var.bucket_arns[place.bucket]}/${place.prefix}*"]
  }

  # The training job reads the deployment's effective configuration ($PULSO_CONFIG_URI, which the state machine
  # passes to it and to the transform model), the object modules/etl uploads; UseTheProjectKey decrypts it.
  statement {
    sid       = "ReadTheEffectiveConfiguration"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.models}/${local.layout.effective_config}"]
  }

  statement {
    sid       = "ReadAndWriteModelArtifactsAndCheckpoints"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
    resources = [for place in local.read_writes : "${var.bucket_arns[place.bucket]}/${place.prefix}*"]
  }

  statement {
    sid       = "WriteTransformOutput"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = [for place in local.writes : "${var.bucket_arns[place.bucket]}/${place.prefix}*"]
  }

  # SSE-KMS objects, OutputDataConfig.KmsKeyId and TransformOutput.KmsKeyId.
  statement {
    sid       = "UseTheProjectKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  # VolumeKmsKeyId: the instance volumes are encrypted through a grant, only for AWS resources.
  statement {
    sid       = "GrantTheKeyToTheJobVolumes"
    effect    = "Allow"
    actions   = ["kms:CreateGrant"]
    resources = [var.kms_key_arn]

    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }

  statement {
    sid       = "WriteSageMakerLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = [local.sagemaker_log_groups, "${local.sagemaker_log_groups}:log-stream:*"]
  }

  # cloudwatch:PutMetricData supports no resource-level permissions, so the resource must be "*"; the
  # cloudwatch:namespace condition keeps the role to SageMaker's namespaces.
  statement {
    sid       = "PutMetricsInSageMakerNamespaces"
    effect    = "Allow"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringLike"
      variable = "cloudwatch:namespace"
      values   = local.metrics_namespaces
    }
  }

  # ecr:GetAuthorizationToken is account-wide (it returns a registry login token) and supports no resource-level
  # permissions, so the resource must be "*". The image pulls themselves are limited to the framework repositories.
  statement {
    sid       = "GetRegistryLoginToken"
    effect    = "Allow"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullFrameworkImages"
    effect    = "Allow"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = [for repository in local.framework_repositories : "arn:${local.partition}:ecr:${local.region}:*:repository/${repository}"]
  }
}

resource "aws_iam_role_policy" "sagemaker" {
  name   = "${var.names.roles.sagemaker}-jobs"
  role   = aws_iam_role.sagemaker.id
  policy = data.aws_iam_policy_document.sagemaker.json
}
