locals {
  # The statemachine template and pulso_local.definition build ARNs in the aws partition.
  arn_prefix = "arn:aws"

  layout = var.names.layout

  # The six functions: one package, one handler module each (src/lambdas/README.md).
  lambda_keys = ["on_upload", "read_manifest", "quality_gate", "find_champion", "record_run", "approve_topics"]
  lambda_names = {
    for key in local.lambda_keys : key => var.names.lambdas[key]
  }
  # ARNs derived from the names, exactly as pulso_local.definition.definition_values derives them: the
  # definition is then known at plan time and identical to what the local runtime renders.
  lambda_arns = {
    for key, name in local.lambda_names : key => "${local.arn_prefix}:lambda:${var.region}:${var.account_id}:function:${name}"
  }
  # Log groups are created by modules/monitoring; its names, when given, also order the creation.
  lambda_log_groups = {
    for key, name in local.lambda_names : key => lookup(var.log_group_names, "lambda_${key}", "/aws/lambda/${name}")
  }
  lambda_log_group_arns = {
    for key, group in local.lambda_log_groups : key => "${local.arn_prefix}:logs:${var.region}:${var.account_id}:log-group:${group}"
  }
  # Functions the state machine invokes (on_upload and approve_topics are started by EventBridge, never by the
  # state machine).
  state_machine_lambda_keys = ["read_manifest", "quality_gate", "find_champion", "record_run"]

  state_machine_arn           = "${local.arn_prefix}:states:${var.region}:${var.account_id}:stateMachine:${var.names.state_machine}"
  state_machine_execution     = "${local.arn_prefix}:states:${var.region}:${var.account_id}:execution:${var.names.state_machine}:*"
  state_machine_log_group     = lookup(var.log_group_names, "state_machine", "/aws/vendedlogs/states/${var.names.state_machine}")
  state_machine_log_group_arn = "${local.arn_prefix}:logs:${var.region}:${var.account_id}:log-group:${local.state_machine_log_group}"

  sagemaker_arn_prefix = "${local.arn_prefix}:sagemaker:${var.region}:${var.account_id}"
  events_arn_prefix    = "${local.arn_prefix}:events:${var.region}:${var.account_id}"

  # --- Template variables: the same names and values as pulso_local.definition.definition_values. ---
  sagemaker = var.config.pipeline.sagemaker
  stopping_condition = merge(
    { MaxRuntimeInSeconds = local.sagemaker.max_runtime_seconds },
    { for key, value in { MaxWaitTimeInSeconds = local.sagemaker.max_wait_seconds } : key => value if local.sagemaker.use_spot },
  )
  hyperparameters = merge(
    {
      # The SageMaker PyTorch container reads its own entries JSON-encoded.
      sagemaker_program          = jsonencode("train.py")
      sagemaker_submit_directory = jsonencode("s3://${var.names.buckets.models}/${local.layout.code}training/sourcedir.tar.gz")
      sagemaker_region           = jsonencode(var.region)
    },
    # pulso.config turns every configured hyperparameter into a string (SageMaker wants strings).
    { for key, value in try(var.config.pipeline.hyperparameters, {}) : key => tostring(value) },
  )

  definition_values = {
    project                 = var.names.project
    kms_key_arn             = var.kms_key_arn
    transformed_bucket      = var.names.buckets.transformed
    models_bucket           = var.names.buckets.models
    outputs_bucket          = var.names.buckets.outputs
    etl_job_name            = var.names.glue_jobs.etl
    publish_job_name        = var.names.glue_jobs.publish
    report_job_name         = var.names.glue_jobs.report
    discover_job_name       = var.names.glue_jobs.discover
    glue_database           = var.names.glue_database
    read_manifest_arn       = local.lambda_arns.read_manifest
    quality_gate_arn        = local.lambda_arns.quality_gate
    find_champion_arn       = local.lambda_arns.find_champion
    record_run_arn          = local.lambda_arns.record_run
    sns_topic_arn           = var.sns_topic_arn
    sagemaker_role_arn      = var.sagemaker_role_arn
    model_package_group     = var.names.model_package_group
    training_image          = var.images.training_image
    inference_image         = var.images.inference_image
    framework_version       = local.sagemaker.framework_version
    training_instance_type  = local.sagemaker.training_instance_type
    transform_instance_type = local.sagemaker.transform_instance_type
    manifests_prefix        = local.layout.manifests
    embeddings_prefix       = local.layout.embeddings
    training_jobs_prefix    = local.layout.training_jobs
    transform_output_prefix = local.layout.transform_output
    messages_prefix         = var.config.tables.messages.prefix
    config_uri              = var.config_uri
    # Inserted bare by the template, so passed as JSON text.
    transform_instance_count  = jsonencode(local.sagemaker.transform_instance_count)
    max_payload_mb            = jsonencode(local.sagemaker.max_payload_mb)
    use_spot                  = jsonencode(local.sagemaker.use_spot)
    stopping_condition        = jsonencode(local.stopping_condition)
    metric_definitions        = jsonencode(var.config.training.metric_definitions)
    hyperparameters           = jsonencode(local.hyperparameters)
    known_profile_rules       = jsonencode([for name in sort(keys(var.config.profiles)) : { Variable = "$.profile", StringEquals = name }])
    retry_interval_seconds    = jsonencode(var.retry_interval_seconds)
    execution_timeout_seconds = jsonencode(local.limits.execution_timeout_seconds)
  }
  # Task timeouts, as pulso_local.definition.task_timeouts computes them: the job's or function's own limit plus
  # a margin, so the service's own timeout (a clear error) comes first.
  limits = var.config.pipeline.limits
  margin = local.limits.task_timeout_margin_seconds
  task_timeouts = merge(
    { for job, minutes in local.limits.glue_job_timeout_minutes : "timeout_${job}" => minutes * 60 + local.margin },
    { for key in local.state_machine_lambda_keys : "timeout_${key}" => local.limits.lambdas[key].timeout_seconds + local.margin },
    {
      timeout_training  = (local.sagemaker.use_spot ? local.sagemaker.max_wait_seconds : local.sagemaker.max_runtime_seconds) + local.margin
      timeout_transform = local.limits.transform_timeout_seconds
      timeout_api_call  = local.margin
    },
  )

  definition = templatefile(var.definition_template_path, merge(local.definition_values, local.task_timeouts))

  # The weekly run clusters the recent curated messages (the discover branch reads its window from pulso.json).
  weekly_discovery_input = { mode = "discover" }

  # The daily predict run reads the previous UTC day's folder of incoming/<profile>/batch/ (on_upload leaves that
  # folder alone): EventBridge Scheduler puts the scheduled time in the input, the ETL job derives the day from it,
  # so a replay predicts the same folder and an empty day ends as a recorded no-op.
  daily_input = {
    input          = "s3://${var.bucket_names.raw}/${local.layout.raw_incoming}${var.daily_profile}/batch/"
    profile        = var.daily_profile
    mode           = "predict"
    scheduled_time = "<aws.scheduler.scheduled-time>"
  }
}
