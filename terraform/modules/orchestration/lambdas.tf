# The six functions of src/lambdas: one deployment package (lambdas/ + pulso/), handler lambdas.<key>.handler.
# Their log groups (/aws/lambda/<name>) are created with retention by modules/monitoring (var.log_group_names).

locals {
  lambda_settings = {
    on_upload = {
      description = "S3 Object Created under incoming/ -> one pipeline run (StartExecution, idempotent per object version)."
      environment = {
        STATE_MACHINE_ARN = aws_sfn_state_machine.pipeline.arn
        DEFAULT_MODE      = "train_and_predict"
        PULSO_CONFIG_URI  = var.config_uri
      }
    }
    read_manifest = {
      description = "Read the ETL run manifest: counts, enough labelled rows, transform input."
      environment = { PULSO_CONFIG_URI = var.config_uri }
    }
    quality_gate = {
      description = "Compare the candidate's evaluation.json with the champion's metrics: approve or hold for review."
      environment = { PULSO_CONFIG_URI = var.config_uri }
    }
    find_champion = {
      description = "Find the newest Approved model package of the group (the model every prediction uses)."
      environment = { PULSO_CONFIG_URI = var.config_uri }
    }
    record_run = {
      description = "Write the run record (runs table) and compose the notification."
      environment = {
        OUTPUTS_BUCKET   = var.bucket_names.outputs
        KMS_KEY_ID       = var.kms_key_arn
        PULSO_CONFIG_URI = var.config_uri
      }
    }
    approve_topics = {
      description = "S3 Object Created under ${local.layout.topic_approvals} (models): apply an analyst's decision on a discovery run, write the next topic map version and notify."
      environment = {
        MODELS_BUCKET    = var.bucket_names.models
        OUTPUTS_BUCKET   = var.bucket_names.outputs
        KMS_KEY_ID       = var.kms_key_arn
        SNS_TOPIC_ARN    = var.sns_topic_arn
        PULSO_CONFIG_URI = var.config_uri
      }
    }
  }
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:The functions call only AWS APIs (S3, SageMaker, Step Functions); a VPC would add endpoints or NAT for nothing.
  #checkov:skip=CKV_AWS_272:The zip is built by tools/build_artifacts.py without a signing profile; code signing is an open point.
  #checkov:skip=CKV_AWS_116:Four functions are invoked synchronously by Step Functions (Retry + Catch); approve_topics' failures raise an alarm (modules/monitoring); on_upload's async failures are an open point.
  for_each = local.lambda_settings

  function_name    = local.lambda_names[each.key]
  description      = each.value.description
  role             = aws_iam_role.lambda.arn
  runtime          = var.config.pipeline.limits.lambda_runtime
  handler          = "lambdas.${each.key}.handler"
  filename         = var.lambda_zip_path
  source_code_hash = filebase64sha256(var.lambda_zip_path)
  # Timeout and memory come from pulso.json (pipeline.limits.lambdas), as in the emulated account.
  timeout     = var.config.pipeline.limits.lambdas[each.key].timeout_seconds
  memory_size = var.config.pipeline.limits.lambdas[each.key].memory_mb
  kms_key_arn = var.kms_key_arn

  reserved_concurrent_executions = lookup(var.lambda_reserved_concurrency, each.key, -1)

  dynamic "environment" {
    for_each = length(each.value.environment) > 0 ? [each.value.environment] : []
    content {
      variables = environment.value
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "Text"
    log_group  = local.lambda_log_groups[each.key]
  }

  tags = var.tags

  # The role's policy must be in place before a function can run (or be invoked by a test).
  depends_on = [aws_iam_role_policy.lambda]
}
