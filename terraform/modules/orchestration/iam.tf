# Three roles: the functions' role (one role shared by the six functions, as modules/names names one; one
# statement per function need), the state machine's role (one statement group per service integration, see
# https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html) and the
# schedules' role (the daily predict and weekly discovery runs: start this state machine, nothing else).

# --- Lambda functions --------------------------------------------------------------------------------------

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  name               = var.names.roles.lambda
  description        = "Pulso pipeline functions: on_upload, read_manifest, quality_gate, find_champion, record_run, approve_topics."
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "lambda" {
  #checkov:skip=CKV_AWS_356:Only sagemaker:ListModelPackages (read-only metadata) uses "*"; see ModelRegistryListsPackages.
  # Log groups /aws/lambda/<name> are created (with retention) by modules/monitoring, so no CreateLogGroup.
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for arn in values(local.lambda_log_group_arns) : "${arn}:*"]
  }

  # Active tracing: X-Ray accepts no resource-level permissions.
  statement {
    sid       = "WriteTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  # on_upload: one run per uploaded object.
  statement {
    sid       = "OnUploadStartsRuns"
    actions   = ["states:StartExecution"]
    resources = [local.state_machine_arn]
  }

  # on_upload: looks the execution up first, so a redelivered event starts nothing new.
  statement {
    sid       = "OnUploadLooksUpRuns"
    actions   = ["states:DescribeExecution"]
    resources = [local.state_machine_execution]
  }

  # read_manifest: the ETL job's run manifest.
  statement {
    sid       = "ReadManifestReadsManifests"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.transformed}/${local.layout.manifests}*"]
  }

  # Every function: the deployment's effective configuration ($PULSO_CONFIG_URI), SSE-KMS (UseProjectKey decrypts).
  statement {
    sid       = "ReadTheEffectiveConfiguration"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.models}/${local.layout.effective_config}"]
  }

  # quality_gate: evaluation.json streamed out of the candidate's model.tar.gz.
  statement {
    sid       = "QualityGateReadsModelArtifacts"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.models}/${local.layout.training_jobs}*"]
  }

  # quality_gate and find_champion: the newest Approved package of the group. ListModelPackages names no
  # resource in the request (it filters by ModelPackageGroupName), and which ARN IAM authorizes it against is
  # not documented, so it gets "*"; DescribeModelPackage below is scoped to the group's packages.
  statement {
    sid       = "ModelRegistryListsPackages"
    actions   = ["sagemaker:ListModelPackages"]
    resources = ["*"]
  }

  statement {
    sid       = "ModelRegistryDescribesPackages"
    actions   = ["sagemaker:DescribeModelPackage"]
    resources = ["${local.sagemaker_arn_prefix}:model-package/${lower(var.names.model_package_group)}/*"]
  }

  # record_run: one JSON line per run under runs/.
  statement {
    sid       = "RecordRunWritesRunRecords"
    actions   = ["s3:PutObject"]
    resources = ["${var.bucket_arns.outputs}/${local.layout.runs}*"]
  }

  # record_run: registers the run's date partition of the runs table (Athena projects it; Redshift Spectrum
  # reads only registered partitions).
  statement {
    sid     = "RecordRunRegistersRunPartitions"
    actions = ["glue:GetTable", "glue:CreatePartition", "glue:UpdatePartition"]
    resources = [
      "${local.arn_prefix}:glue:${var.region}:${var.account_id}:catalog",
      "${local.arn_prefix}:glue:${var.region}:${var.account_id}:database/${var.names.glue_database}",
      "${local.arn_prefix}:glue:${var.region}:${var.account_id}:table/${var.names.glue_database}/runs",
    ]
  }

  # record_run: the publish job's summary (prediction count).
  statement {
    sid       = "RecordRunReadsPublishSummaries"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.outputs}/${lookup(local.layout, "prediction_manifests", "predictions-manifests/")}*"]
  }

  # record_run tolerates a missing publish summary only when S3 answers 404, which it does for callers that
  # may list the bucket (otherwise 403, and the run record would fail).
  statement {
    sid       = "RecordRunSeesMissingSummaries"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arns.outputs]
  }

  # approve_topics: the analyst's approval object, the discovery run it names (embedder.npz, clusters.json) and
  # the current topic map.
  statement {
    sid     = "ApproveTopicsReadsApprovalsDiscoveriesAndMaps"
    actions = ["s3:GetObject"]
    resources = [
      "${var.bucket_arns.models}/${local.layout.topic_approvals}*",
      "${var.bucket_arns.models}/${local.layout.topic_discovery}*",
      "${var.bucket_arns.models}/${local.layout.topic_maps}*",
    ]
  }

  # approve_topics: the run's discovery report (summary.json), to name the decision in the notification.
  statement {
    sid       = "ApproveTopicsReadsDiscoveryReports"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns.outputs}/${local.layout.topic_reports}*"]
  }

  # approve_topics: the next map version (topic-maps/vNNNN/map.json), the latest.json pointer and the result of
  # each approval object. No DeleteObject: map versions are never replaced.
  statement {
    sid     = "ApproveTopicsWritesMapsAndResults"
    actions = ["s3:PutObject"]
    resources = [
      "${var.bucket_arns.models}/${local.layout.topic_maps}*",
      "${var.bucket_arns.models}/${local.layout.topic_approval_results}*",
    ]
  }

  # approve_topics: lists the existing map versions to number the next one, under topic-maps/ only. With the
  # prefix condition, a GetObject of a missing key answers 403 (AccessDenied), not 404.
  statement {
    sid       = "ApproveTopicsListsMapVersions"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arns.models]
    # Unconditioned on purpose: S3 answers 404 (not 403) for a missing object only to a caller that may list the
    # bucket, and the Lambda reads "no topic-maps/latest.json yet" and "no such discovery run" from that 404.
  }

  # approve_topics: notifies the decision (approved or rejected) on the project topic.
  statement {
    sid       = "ApproveTopicsNotifies"
    actions   = ["sns:Publish"]
    resources = [var.sns_topic_arn]
  }

  # Environment variables are encrypted with the project key; objects are SSE-KMS with it (reads decrypt,
  # record_run's and approve_topics' PutObject generate a data key, as does approve_topics' Publish to the
  # encrypted topic).
  statement {
    sid       = "UseProjectKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "lambda" {
  name   = "pipeline-functions"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda.json
}

# --- State machine -----------------------------------------------------------------------------------------

data "aws_iam_policy_document" "states_trust" {
  statement {
    sid     = "StepFunctionsAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }

    # Confused-deputy protection as the Step Functions guide recommends it: this account's state machines in
    # this region.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["${local.arn_prefix}:states:${var.region}:${var.account_id}:stateMachine:*"]
    }
  }
}

resource "aws_iam_role" "states" {
  name               = var.names.roles.states
  description        = "Pulso pipeline state machine: Glue, SageMaker, Lambda and SNS integrations."
  assume_role_policy = data.aws_iam_policy_document.states_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "states" {
  # glue:startJobRun.sync (https://docs.aws.amazon.com/step-functions/latest/dg/glue-iam.html)
  statement {
    sid       = "GlueRunJobSync"
    actions   = ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"]
    resources = sort(values(var.glue_job_arns))
  }

  # sagemaker:createTrainingJob.sync (https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html):
  # the job, the MANAGED_BY_AWS tag Step Functions adds, and the managed EventBridge rule it waits with.
  statement {
    sid = "SageMakerTrainingJobSync"
    actions = [
      "sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob",
      "sagemaker:AddTags", "sagemaker:ListTags",
    ]
    resources = ["${local.sagemaker_arn_prefix}:training-job/*"]
  }

  statement {
    sid       = "SageMakerTrainingJobSyncEvents"
    actions   = ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    resources = ["${local.events_arn_prefix}:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule"]
  }

  # sagemaker:createTransformJob.sync
  statement {
    sid = "SageMakerTransformJobSync"
    actions = [
      "sagemaker:CreateTransformJob", "sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob",
      "sagemaker:AddTags", "sagemaker:ListTags",
    ]
    resources = ["${local.sagemaker_arn_prefix}:transform-job/*"]
  }

  statement {
    sid       = "SageMakerTransformJobSyncEvents"
    actions   = ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    resources = ["${local.events_arn_prefix}:rule/StepFunctionsGetEventsForSageMakerTransformJobsRule"]
  }

  # sagemaker:createModel (request-response; the definition tags the model).
  statement {
    sid       = "SageMakerCreateModel"
    actions   = ["sagemaker:CreateModel", "sagemaker:AddTags"]
    resources = ["${local.sagemaker_arn_prefix}:model/*"]
  }

  # aws-sdk:sagemaker:createModelPackage: a new version in the project's model package group.
  statement {
    sid     = "SageMakerCreateModelPackage"
    actions = ["sagemaker:CreateModelPackage"]
    resources = [
      "${local.sagemaker_arn_prefix}:model-package/${lower(var.names.model_package_group)}/*",
      "${local.sagemaker_arn_prefix}:model-package-group/${lower(var.names.model_package_group)}",
    ]
  }

  # Training jobs and models run as the SageMaker execution role; only SageMaker may receive it.
  statement {
    sid       = "SageMakerPassExecutionRole"
    actions   = ["iam:PassRole"]
    resources = [var.sagemaker_role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com"]
    }
  }

  # lambda:invoke of the functions the definition calls (and their versions/aliases).
  statement {
    sid       = "LambdaInvokePipelineFunctions"
    actions   = ["lambda:InvokeFunction"]
    resources = flatten([for key in local.state_machine_lambda_keys : [local.lambda_arns[key], "${local.lambda_arns[key]}:*"]])
  }

  # sns:publish of the success and failure notifications.
  statement {
    sid       = "SnsPublishNotifications"
    actions   = ["sns:Publish"]
    resources = [var.sns_topic_arn]
  }

  # KMS: the notification topic is encrypted with the project key (publishing generates a data key).
  statement {
    sid       = "KmsUseProjectKey"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  # KMS: training and transform jobs encrypt their volumes with the project key (VolumeKmsKeyId), for which
  # SageMaker creates grants on the caller's behalf.
  statement {
    sid       = "KmsGrantsForSageMakerVolumes"
    actions   = ["kms:CreateGrant"]
    resources = [var.kms_key_arn]

    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }

  # CloudWatch Logs delivery for the state machine's logging configuration. These actions accept no
  # resource-level permissions, hence "*" (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
  statement {
    sid = "LogsDelivery"
    actions = [
      "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  # X-Ray tracing (https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html): no resource-level permissions.
  statement {
    sid       = "XRayTracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "states" {
  name   = "pipeline-integrations"
  role   = aws_iam_role.states.id
  policy = data.aws_iam_policy_document.states.json
}

# --- Schedules (daily predict, weekly discovery) ------------------------------------------------------------

data "aws_iam_policy_document" "scheduler_trust" {
  statement {
    sid     = "SchedulerAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }

    # The Scheduler guide names the schedule group as source; the schedule itself is accepted too.
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values = [
        "${local.arn_prefix}:scheduler:${var.region}:${var.account_id}:schedule-group/default",
        "${local.arn_prefix}:scheduler:${var.region}:${var.account_id}:schedule/default/${var.names.daily_schedule}",
        "${local.arn_prefix}:scheduler:${var.region}:${var.account_id}:schedule/default/${var.names.weekly_discovery_schedule}",
      ]
    }
  }
}

# modules/names has no role name for the schedules: the role is named after the daily schedule it was made for.
# The weekly discovery schedule shares it: both need exactly states:StartExecution on this state machine.
resource "aws_iam_role" "scheduler" {
  name               = var.names.daily_schedule
  description        = "EventBridge Scheduler: start the daily predict and weekly discovery runs of the Pulso pipeline."
  assume_role_policy = data.aws_iam_policy_document.scheduler_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "StartScheduledRuns"
    actions   = ["states:StartExecution"]
    resources = [local.state_machine_arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "start-pipeline"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}
