# The Glue jobs' role: read the raw uploads, read and write exactly the prefixes of the transformed and outputs
# buckets the jobs use (the S3 layout of pulso.json), read the job code, read and write the topic discovery
# prefixes of the models bucket, use the project key, write the Glue logs and put metrics in the Pulso/ETL
# namespace. Nothing else.

locals {
  glue_log_groups = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/*"
  glue_catalog    = "arn:${local.partition}:glue:${local.region}:${local.account_id}"

  # The discover job's table (modules/analytics creates it from config.tables, named by its key).
  topic_assignments_table = "topic_assignments"

  # The prefixes of the transformed and outputs buckets the jobs use, by what they do there (glue_jobs/*):
  layout = var.config.layout
  tables = var.config.tables
  s3_prefixes = {
    # read: publish, report and discover read the curated messages; report reads the quarantine, the ETL
    # manifests, the runs table and the publish summaries; discover reads the predictions; publish reads the
    # Batch Transform output and its own earlier summary.
    read = {
      transformed = [local.tables.messages.prefix, local.tables.quarantine.prefix, local.layout.manifests]
      outputs = [local.tables.predictions.prefix, local.tables.runs.prefix, local.layout.prediction_manifests,
      local.layout.transform_output]
    }
    # replace: a re-run deletes what an earlier attempt wrote there (its run's partition or folder), then writes.
    replace = {
      transformed = [local.tables.messages.prefix, local.tables.quarantine.prefix, local.layout.transform_input]
      outputs = [local.tables.predictions.prefix, local.layout.prediction_errors, local.layout.prediction_manifests,
      local.tables[local.topic_assignments_table].prefix]
    }
    # write: fixed keys per run, overwritten by a re-run (ETL manifest, run report, discovery report).
    write = {
      transformed = [local.layout.manifests]
      outputs     = [local.layout.reports, local.layout.topic_reports]
    }
  }
  s3_resources = {
    for action, buckets in local.s3_prefixes : action => sort(flatten([
      for bucket, prefixes in buckets : [for prefix in prefixes : "${var.bucket_arns[bucket]}/${prefix}*"]
    ]))
  }
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
  description        = "Pulso Glue jobs (${join(", ", [for key in sort(keys(local.jobs)) : local.jobs[key].name])})."
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

  # The transformed and outputs buckets: only the prefixes of local.s3_prefixes, each with only what the jobs do
  # there. The runs table (written by the record_run Lambda) and transform-output/ (by Batch Transform) are read.
  statement {
    sid       = "ReadTheTablesAndRunFiles"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = local.s3_resources.read
  }

  # A re-run first deletes its earlier attempt's partition or folder under these prefixes (DeleteObject), then
  # writes them again.
  statement {
    sid       = "ReplaceTheRunOutputs"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = local.s3_resources.replace
  }

  # Fixed keys per run (manifest.json, report.html, ...) that a re-run overwrites: no DeleteObject.
  statement {
    sid       = "WriteTheRunFiles"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = local.s3_resources.write
  }

  # Glue fetches the script and --extra-py-files with this role; the jobs never write code.
  statement {
    sid       = "ReadTheJobCode"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.models}/${local.glue_prefix}*"]
  }

  # Every job reads the deployment's effective configuration (--config_uri), SSE-KMS (UseTheProjectKey decrypts).
  statement {
    sid       = "ReadTheEffectiveConfiguration"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.models}/${var.config.layout.effective_config}"]
  }

  # The publish job's drift check reads the model that predicted (its profile and vocabulary); the report job
  # reads the candidate's evaluation (output.tar.gz). Both live under the training jobs' output prefix.
  statement {
    sid       = "ReadTheTrainedModels"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.models}/${var.config.layout.training_jobs}*"]
  }

  # The discover job: its report (report.html, report.json, summary.json) under topics/, the topic_assignments
  # table, the latest predictions (labels) and the curated messages are covered by the statements above. The models
  # bucket is not: the statements below open exactly the discovery prefixes.

  # discover reads the training embeddings (the GloVe vectors the embedder averages) and the approved topic map.
  statement {
    sid     = "DiscoverReadsEmbeddingsAndTopicMaps"
    effect  = "Allow"
    actions = ["s3:GetObject"]
    resources = [
      "${var.bucket_arns.models}/${var.config.layout.embeddings}*",
      "${var.bucket_arns.models}/${var.config.layout.topic_maps}*",
    ]
  }

  # discover writes its run's embedder.npz and clusters.json (the approve_topics Lambda reads them), replacing
  # them when a run is repeated.
  statement {
    sid       = "DiscoverWritesItsRunArtifacts"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.bucket_arns.models}/${var.config.layout.topic_discovery}*"]
  }

  # The ETL, publish and discover jobs register the partition of the run they wrote (messages, quarantine,
  # predictions, topic_assignments), so Athena sees it; glue:GetTable reads the table's storage descriptor for the
  # partition.
  statement {
    sid     = "RegisterTheRunPartitions"
    effect  = "Allow"
    actions = ["glue:GetTable", "glue:GetPartition", "glue:CreatePartition", "glue:UpdatePartition"]
    resources = concat(
      [
        "${local.glue_catalog}:catalog",
        "${local.glue_catalog}:database/${var.names.glue_database}",
      ],
      [for table in local.run_partitioned_tables : "${local.glue_catalog}:table/${var.names.glue_database}/${table}"],
    )
  }

  # A repeated discovery run replaces its topic_assignments partition: the one table whose partitions a job deletes.
  statement {
    sid     = "ReplaceTheTopicAssignmentPartitions"
    effect  = "Allow"
    actions = ["glue:DeletePartition"]
    resources = [
      "${local.glue_catalog}:catalog",
      "${local.glue_catalog}:database/${var.names.glue_database}",
      "${local.glue_catalog}:table/${var.names.glue_database}/${local.topic_assignments_table}",
    ]
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
