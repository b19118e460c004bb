# Offline tests of modules/orchestration: a mocked aws provider, names from the real modules/names and the real
# pulso.json, the real statemachine template. Run from terraform/modules/orchestration: `terraform test`.

mock_provider "aws" {
  # Computed attributes the assertions compare get ARN-shaped values already at plan time.
  override_during = plan

  mock_resource "aws_sfn_state_machine" {
    defaults = {
      arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:pulso-dev-pipeline"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:eu-west-1:123456789012:function:mocked"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mocked"
    }
  }

  mock_resource "aws_cloudwatch_event_rule" {
    defaults = {
      arn = "arn:aws:events:eu-west-1:123456789012:rule/pulso-dev-pipeline-raw-upload"
    }
  }

  mock_resource "aws_scheduler_schedule" {
    defaults = {
      arn = "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/pulso-dev-daily-predict"
    }
  }

  # The policy documents are data sources (mocked): the roles need valid JSON, the assertions read the statements.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  config                   = jsondecode(file("../../../src/pulso/config/pulso.json"))
  region                   = "eu-west-1"
  account_id               = "123456789012"
  kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  sagemaker_role_arn       = "arn:aws:iam::123456789012:role/pulso-dev-sagemaker"
  sns_topic_arn            = "arn:aws:sns:eu-west-1:123456789012:pulso-dev-notifications"
  lambda_zip_path          = "tests/fixtures/lambda.zip"
  definition_template_path = "../../../statemachine/pipeline.asl.json.tftpl"
  config_uri               = "s3://pulso-dev-models-123456789012/code/config/pulso.json"
  tags                     = { project = "pulso", environment = "dev" }
  bucket_names = {
    raw         = "pulso-dev-raw-123456789012"
    transformed = "pulso-dev-transformed-123456789012"
    models      = "pulso-dev-models-123456789012"
    outputs     = "pulso-dev-outputs-123456789012"
  }
  bucket_arns = {
    raw         = "arn:aws:s3:::pulso-dev-raw-123456789012"
    transformed = "arn:aws:s3:::pulso-dev-transformed-123456789012"
    models      = "arn:aws:s3:::pulso-dev-models-123456789012"
    outputs     = "arn:aws:s3:::pulso-dev-outputs-123456789012"
  }
  glue_job_arns = {
    etl      = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-etl"
    publish  = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-publish-predictions"
    report   = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-run-report"
    discover = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-discover-topics"
  }
  # What `make images` writes for eu-west-1: registry account and tag format of the SageMaker SDK's
  # image_uri_config/pytorch.json (sagemaker-core 2.27.0), for the configured framework version.
  images = {
    training_image  = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:${jsondecode(file("../../../src/pulso/config/pulso.json")).pipeline.sagemaker.framework_version}-cpu-${jsondecode(file("../../../src/pulso/config/pulso.json")).pipeline.sagemaker.py_version}"
    inference_image = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:${jsondecode(file("../../../src/pulso/config/pulso.json")).pipeline.sagemaker.framework_version}-cpu-${jsondecode(file("../../../src/pulso/config/pulso.json")).pipeline.sagemaker.py_version}"
  }
}

# The names object exactly as the environment root passes it.
run "names" {
  command = apply

  module {
    source = "../names"
  }

  variables {
    account_id = "123456789012"
  }
}

run "state_machine_definition" {
  command = plan

  variables {
    names = run.names
  }

  assert {
    condition = toset([
      for state in values(jsondecode(aws_sfn_state_machine.pipeline.definition).States) : state.Resource if state.Type == "Task"
      ]) == toset([
      "arn:aws:states:::glue:startJobRun.sync",
      "arn:aws:states:::sagemaker:createTrainingJob.sync",
      "arn:aws:states:::sagemaker:createTransformJob.sync",
      "arn:aws:states:::sagemaker:createModel",
      "arn:aws:states:::aws-sdk:sagemaker:createModelPackage",
      "arn:aws:states:::lambda:invoke",
      "arn:aws:states:::sns:publish",
    ])
    error_message = "The Task resources of the definition are not exactly the seven expected integrations."
  }

  assert {
    condition     = !strcontains(aws_sfn_state_machine.pipeline.definition, "$${")
    error_message = "The rendered definition still holds a template placeholder."
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.Environment.PULSO_CONFIG_URI == var.config_uri
      && jsondecode(aws_sfn_state_machine.pipeline.definition).States["Create the model"].Parameters.PrimaryContainer.Environment.PULSO_CONFIG_URI == var.config_uri
      && var.config_uri == "s3://pulso-dev-models-123456789012/code/config/pulso.json"
    )
    error_message = "The training job and the transform model must get the effective configuration's URI as PULSO_CONFIG_URI."
  }

  assert {
    condition = toset(compact([
      for state in values(jsondecode(aws_sfn_state_machine.pipeline.definition).States) : try(state.Parameters.FunctionName, "")
      ])) == toset([
      "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-read-manifest",
      "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-quality-gate",
      "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-find-champion",
      "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-record-run",
    ])
    error_message = "The definition invokes other functions than read_manifest, quality_gate, find_champion and record_run."
  }

  assert {
    # discover_job_name is a template variable; the discover branch may or may not use it yet.
    condition = length(setsubtract(
      toset(compact([for state in values(jsondecode(aws_sfn_state_machine.pipeline.definition).States) : try(state.Parameters.JobName, "")])),
      ["pulso-dev-etl", "pulso-dev-publish-predictions", "pulso-dev-run-report", "pulso-dev-discover-topics"],
      )) == 0 && length(setsubtract(
      ["pulso-dev-etl", "pulso-dev-publish-predictions", "pulso-dev-run-report"],
      toset(compact([for state in values(jsondecode(aws_sfn_state_machine.pipeline.definition).States) : try(state.Parameters.JobName, "")])),
    )) == 0
    error_message = "The definition must start the etl, publish and report jobs (and the discover job), no other Glue job."
  }

  assert {
    condition     = local.definition_values.discover_job_name == "pulso-dev-discover-topics"
    error_message = "The template variable discover_job_name must be names.glue_jobs.discover."
  }

  assert {
    condition = alltrue(flatten([
      for state in values(jsondecode(aws_sfn_state_machine.pipeline.definition).States) : [
        for retry in try(state.Retry, []) : retry.IntervalSeconds == 10
      ]
    ]))
    error_message = "Every Retry must wait retry_interval_seconds (default 10)."
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.pipeline.definition).TimeoutSeconds == var.config.pipeline.limits.execution_timeout_seconds
    error_message = "The execution timeout must come from pulso.json (pipeline.limits.execution_timeout_seconds), as locally."
  }

  assert {
    condition = alltrue([
      for name, state in jsondecode(aws_sfn_state_machine.pipeline.definition).States : can(state.TimeoutSeconds) if state.Type == "Task"
    ])
    error_message = "Every Task must have its own TimeoutSeconds."
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Validate and transform the upload"].TimeoutSeconds == var.config.pipeline.limits.glue_job_timeout_minutes.etl * 60 + var.config.pipeline.limits.task_timeout_margin_seconds
      && jsondecode(aws_sfn_state_machine.pipeline.definition).States["Read the run manifest"].TimeoutSeconds == var.config.pipeline.limits.lambdas.read_manifest.timeout_seconds + var.config.pipeline.limits.task_timeout_margin_seconds
    )
    error_message = "Task timeouts must be the job's or function's limit plus the margin, as pulso_local.definition.task_timeouts."
  }

  assert {
    condition = alltrue([
      for key, function in aws_lambda_function.this :
      function.timeout == var.config.pipeline.limits.lambdas[key].timeout_seconds && function.memory_size == var.config.pipeline.limits.lambdas[key].memory_mb && function.runtime == var.config.pipeline.limits.lambda_runtime
    ])
    error_message = "Lambda timeout and memory must come from pulso.json (pipeline.limits.lambdas), as in the emulated account."
  }

  assert {
    condition = jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.HyperParameters == {
      sagemaker_program          = "\"train.py\""
      sagemaker_submit_directory = "\"s3://pulso-dev-models-123456789012/code/training/sourcedir.tar.gz\""
      sagemaker_region           = "\"eu-west-1\""
    }
    error_message = "The training hyperparameters must be the JSON-encoded SageMaker entries (no extra ones configured)."
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.AlgorithmSpecification.TrainingImage == var.images.training_image
      && jsondecode(aws_sfn_state_machine.pipeline.definition).States["Register the candidate model"].Parameters.InferenceSpecification.Containers[0].Image == var.images.inference_image
      && jsondecode(aws_sfn_state_machine.pipeline.definition).States["Register the candidate model"].Parameters.InferenceSpecification.Containers[0].FrameworkVersion == var.config.pipeline.sagemaker.framework_version
    )
    error_message = "The training job and the registered model must use the images given in var.images."
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.AlgorithmSpecification.MetricDefinitions
      == var.config.training.metric_definitions
    )
    error_message = "The metric definitions must be config.training.metric_definitions."
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.StoppingCondition == { MaxRuntimeInSeconds = 7200 }
      && jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.EnableManagedSpotTraining == false
    )
    error_message = "Without spot training the stopping condition holds only MaxRuntimeInSeconds."
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Predict sentiment in batch"].Parameters.TransformResources.InstanceCount == 1
      && jsondecode(aws_sfn_state_machine.pipeline.definition).States["Predict sentiment in batch"].Parameters.MaxPayloadInMB == 6
    )
    error_message = "Numbers from config.pipeline.sagemaker must be inserted as JSON numbers."
  }

  assert {
    condition = alltrue([
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Notify success"].Parameters.TopicArn == var.sns_topic_arn,
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.RoleArn == var.sagemaker_role_arn,
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Create the model"].Parameters.ExecutionRoleArn == var.sagemaker_role_arn,
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Register the candidate model"].Parameters.ModelPackageGroupName == "pulso-dev-sentiment",
    ])
    error_message = "The definition must use the given topic and SageMaker role and the configured model package group."
  }

  assert {
    condition = (
      aws_sfn_state_machine.pipeline.name == "pulso-dev-pipeline"
      && aws_sfn_state_machine.pipeline.type == "STANDARD"
      && aws_sfn_state_machine.pipeline.logging_configuration[0].log_destination == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/pulso-dev-pipeline:*"
      && aws_sfn_state_machine.pipeline.logging_configuration[0].level == "ALL"
      && aws_sfn_state_machine.pipeline.logging_configuration[0].include_execution_data == false
      && aws_sfn_state_machine.pipeline.tracing_configuration[0].enabled
    )
    error_message = "The state machine must be STANDARD, log ALL without execution data to /aws/vendedlogs/states/<name>, and trace."
  }
}

run "state_machine_role" {
  command = plan

  variables {
    names = run.names
  }

  assert {
    condition     = aws_iam_role.states.name == "pulso-dev-states"
    error_message = "The state machine role must be names.roles.states."
  }

  assert {
    condition = (
      length([for s in data.aws_iam_policy_document.states.statement : s if contains(s.actions, "iam:PassRole")]) == 1
      && alltrue([
        for s in data.aws_iam_policy_document.states.statement : (
          s.resources == toset([var.sagemaker_role_arn])
          && length(s.condition) == 1
          && alltrue([
            for c in s.condition : c.test == "StringEquals" && c.variable == "iam:PassedToService" && toset(c.values) == toset(["sagemaker.amazonaws.com"])
          ])
        ) if contains(s.actions, "iam:PassRole")
      ])
    )
    error_message = "iam:PassRole must be granted once, on the SageMaker role only, with iam:PassedToService = sagemaker.amazonaws.com."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.states.statement :
      contains(["LogsDelivery", "XRayTracing"], s.sid) if contains(s.resources, "*")
    ])
    error_message = "Only the log delivery and X-Ray statements may use Resource \"*\"."
  }

  assert {
    condition = alltrue([
      for sid, rule in {
        SageMakerTrainingJobSyncEvents  = "StepFunctionsGetEventsForSageMakerTrainingJobsRule"
        SageMakerTransformJobSyncEvents = "StepFunctionsGetEventsForSageMakerTransformJobsRule"
        } : one([
          for s in data.aws_iam_policy_document.states.statement :
          s.actions == toset(["events:PutTargets", "events:PutRule", "events:DescribeRule"])
          && s.resources == toset(["arn:aws:events:eu-west-1:123456789012:rule/${rule}"]) if s.sid == sid
      ])
    ])
    error_message = "The SageMaker .sync integrations need the managed EventBridge rule actions on their rules."
  }

  assert {
    condition = alltrue([
      for sid in ["SageMakerTrainingJobSync", "SageMakerTransformJobSync", "SageMakerCreateModel"] :
      one([for s in data.aws_iam_policy_document.states.statement : contains(s.actions, "sagemaker:AddTags") if s.sid == sid])
    ])
    error_message = "The SageMaker integrations need sagemaker:AddTags."
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.states.statement : (
        s.actions == toset(["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"])
        && s.resources == toset(values(var.glue_job_arns))
        && contains(s.resources, "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-discover-topics")
      ) if s.sid == "GlueRunJobSync"
    ])
    error_message = "glue:startJobRun.sync needs StartJobRun, GetJobRun, GetJobRuns and BatchStopJobRun on the four jobs."
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.states.statement : s.resources == toset([
        "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-read-manifest",
        "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-read-manifest:*",
        "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-quality-gate",
        "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-quality-gate:*",
        "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-find-champion",
        "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-find-champion:*",
        "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-record-run",
        "arn:aws:lambda:eu-west-1:123456789012:function:pulso-dev-record-run:*",
      ]) if contains(s.actions, "lambda:InvokeFunction")
    ])
    error_message = "The state machine may invoke exactly the four functions its definition calls."
  }
}

run "lambda_functions" {
  command = plan

  variables {
    names = run.names
  }

  assert {
    condition     = keys(aws_lambda_function.this) == ["approve_topics", "find_champion", "on_upload", "quality_gate", "read_manifest", "record_run"]
    error_message = "The module must create the six functions."
  }

  assert {
    condition = alltrue([
      for key, function in aws_lambda_function.this : (
        function.function_name == run.names.lambdas[key]
        && function.handler == "lambdas.${key}.handler"
        && function.runtime == "python3.12"
        && function.kms_key_arn == var.kms_key_arn
        && function.tracing_config[0].mode == "Active"
        && function.filename == var.lambda_zip_path
        && function.reserved_concurrent_executions == -1
      )
    ])
    error_message = "Each function must be names.lambdas.<key> with handler lambdas.<key>.handler, python3.12, the shared zip, the KMS key and active tracing."
  }

  assert {
    condition = aws_lambda_function.this["on_upload"].environment[0].variables == tomap({
      STATE_MACHINE_ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:pulso-dev-pipeline"
      DEFAULT_MODE      = "train_and_predict"
      PULSO_CONFIG_URI  = var.config_uri
    })
    error_message = "on_upload needs STATE_MACHINE_ARN and DEFAULT_MODE."
  }

  assert {
    condition = aws_lambda_function.this["record_run"].environment[0].variables == tomap({
      OUTPUTS_BUCKET   = "pulso-dev-outputs-123456789012"
      KMS_KEY_ID       = var.kms_key_arn
      PULSO_CONFIG_URI = var.config_uri
    })
    error_message = "record_run needs OUTPUTS_BUCKET and KMS_KEY_ID."
  }

  assert {
    condition = aws_lambda_function.this["approve_topics"].environment[0].variables == tomap({
      MODELS_BUCKET    = "pulso-dev-models-123456789012"
      OUTPUTS_BUCKET   = "pulso-dev-outputs-123456789012"
      KMS_KEY_ID       = var.kms_key_arn
      SNS_TOPIC_ARN    = var.sns_topic_arn
      PULSO_CONFIG_URI = var.config_uri
    })
    error_message = "approve_topics needs MODELS_BUCKET, OUTPUTS_BUCKET, KMS_KEY_ID and SNS_TOPIC_ARN."
  }

  assert {
    condition = alltrue([
      for key in ["read_manifest", "quality_gate", "find_champion"] :
      aws_lambda_function.this[key].environment[0].variables == tomap({ PULSO_CONFIG_URI = var.config_uri })
    ])
    error_message = "read_manifest, quality_gate and find_champion take only PULSO_CONFIG_URI."
  }

  assert {
    condition = length(aws_lambda_function.this) == 6 && alltrue([
      for function in aws_lambda_function.this :
      function.environment[0].variables["PULSO_CONFIG_URI"] == "s3://pulso-dev-models-123456789012/code/config/pulso.json"
    ])
    error_message = "Every function must get the effective configuration's URI as PULSO_CONFIG_URI."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "ReadTheEffectiveConfiguration"]).actions == toset(["s3:GetObject"])
      && one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "ReadTheEffectiveConfiguration"]).resources == toset(["arn:aws:s3:::pulso-dev-models-123456789012/code/config/pulso.json"])
      && contains(one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "UseProjectKey"]).actions, "kms:Decrypt")
    )
    error_message = "The functions may read exactly the effective configuration object, and decrypt it with the project key."
  }

  assert {
    condition = aws_iam_role.lambda.name == "pulso-dev-lambda" && alltrue([
      for s in data.aws_iam_policy_document.lambda.statement :
      contains(["WriteTraces", "ModelRegistryListsPackages"], s.sid) if contains(s.resources, "*")
    ])
    error_message = "The functions' role is names.roles.lambda; only X-Ray and ListModelPackages may use Resource \"*\"."
  }

  assert {
    condition = alltrue([
      for sid, expected in {
        OnUploadStartsRuns             = ["arn:aws:states:eu-west-1:123456789012:stateMachine:pulso-dev-pipeline"]
        OnUploadLooksUpRuns            = ["arn:aws:states:eu-west-1:123456789012:execution:pulso-dev-pipeline:*"]
        ReadManifestReadsManifests     = ["arn:aws:s3:::pulso-dev-transformed-123456789012/manifests/*"]
        QualityGateReadsModelArtifacts = ["arn:aws:s3:::pulso-dev-models-123456789012/training-jobs/*"]
        ModelRegistryDescribesPackages = ["arn:aws:sagemaker:eu-west-1:123456789012:model-package/pulso-dev-sentiment/*"]
        RecordRunWritesRunRecords      = ["arn:aws:s3:::pulso-dev-outputs-123456789012/runs/*"]
        RecordRunReadsPublishSummaries = ["arn:aws:s3:::pulso-dev-outputs-123456789012/predictions-manifests/*"]
        UseProjectKey                  = [var.kms_key_arn]
        ApproveTopicsReadsApprovalsDiscoveriesAndMaps = [
          "arn:aws:s3:::pulso-dev-models-123456789012/topic-approvals/*",
          "arn:aws:s3:::pulso-dev-models-123456789012/topic-discovery/*",
          "arn:aws:s3:::pulso-dev-models-123456789012/topic-maps/*",
        ]
        ApproveTopicsReadsDiscoveryReports = ["arn:aws:s3:::pulso-dev-outputs-123456789012/topics/*"]
        ApproveTopicsWritesMapsAndResults = [
          "arn:aws:s3:::pulso-dev-models-123456789012/topic-maps/*",
          "arn:aws:s3:::pulso-dev-models-123456789012/topic-approval-results/*",
        ]
        ApproveTopicsListsMapVersions = ["arn:aws:s3:::pulso-dev-models-123456789012"]
        ApproveTopicsNotifies         = [var.sns_topic_arn]
        ReadTheEffectiveConfiguration = ["arn:aws:s3:::pulso-dev-models-123456789012/code/config/pulso.json"]
      } : one([for s in data.aws_iam_policy_document.lambda.statement : s.resources == toset(expected) if s.sid == sid])
    ])
    error_message = "Each function need must be scoped to its resources."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.lambda.statement : s.resources if s.sid == "WriteOwnLogs"]) == toset([
      for name in values(run.names.lambdas) : "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/${name}:*"
    ])
    error_message = "The functions may write only to their own log groups."
  }

  assert {
    condition = alltrue([
      for sid, actions in {
        ApproveTopicsReadsApprovalsDiscoveriesAndMaps = ["s3:GetObject"]
        ApproveTopicsReadsDiscoveryReports            = ["s3:GetObject"]
        ApproveTopicsWritesMapsAndResults             = ["s3:PutObject"]
        ApproveTopicsListsMapVersions                 = ["s3:ListBucket"]
        ApproveTopicsNotifies                         = ["sns:Publish"]
      } : one([for s in data.aws_iam_policy_document.lambda.statement : s.actions == toset(actions) if s.sid == sid])
    ])
    error_message = "approve_topics may read, write, list and publish only what its statements name."
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.lambda.statement : length(s.condition) == 0 if s.sid == "ApproveTopicsListsMapVersions"
    ])
    error_message = "approve_topics lists the models bucket without a prefix condition (S3 then answers 404, not 403, for a missing latest.json)."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.lambda.statement : alltrue([
        for arn in s.resources : !startswith(arn, "arn:aws:s3:::pulso-dev-models-123456789012/") || contains([
          "arn:aws:s3:::pulso-dev-models-123456789012/topic-maps/*",
          "arn:aws:s3:::pulso-dev-models-123456789012/topic-approval-results/*",
        ], arn)
      ]) if contains(s.actions, "s3:PutObject") || contains(s.actions, "s3:DeleteObject")
    ])
    error_message = "The functions may write to the models bucket under topic-maps/ and topic-approval-results/ only."
  }

  assert {
    condition     = keys(output.lambda_arns) == ["approve_topics", "find_champion", "on_upload", "quality_gate", "read_manifest", "record_run"]
    error_message = "lambda_arns must map the six function keys."
  }

  assert {
    condition     = output.lambda_names.approve_topics == "pulso-dev-approve-topics" && aws_lambda_function.this["approve_topics"].handler == "lambdas.approve_topics.handler"
    error_message = "approve_topics must be names.lambdas.approve_topics with handler lambdas.approve_topics.handler."
  }
}

run "upload_trigger" {
  command = plan

  variables {
    names = run.names
  }

  assert {
    condition     = aws_s3_bucket_notification.to_eventbridge["raw"].bucket == "pulso-dev-raw-123456789012" && aws_s3_bucket_notification.to_eventbridge["raw"].eventbridge
    error_message = "The raw bucket must send its events to EventBridge."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.s3_trigger["raw_upload"].event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["Object Created"]
      detail = {
        bucket = { name = ["pulso-dev-raw-123456789012"] }
        object = { key = [{ prefix = "incoming/" }] }
      }
    }
    error_message = "The rule must match Object Created under incoming/ in the raw bucket only."
  }

  assert {
    condition     = aws_cloudwatch_event_target.s3_trigger["raw_upload"].arn == aws_lambda_function.this["on_upload"].arn
    error_message = "The rule must target on_upload."
  }

  assert {
    condition = (
      aws_lambda_permission.s3_trigger["raw_upload"].principal == "events.amazonaws.com"
      && aws_lambda_permission.s3_trigger["raw_upload"].source_arn == aws_cloudwatch_event_rule.s3_trigger["raw_upload"].arn
      && aws_lambda_permission.s3_trigger["raw_upload"].function_name == "pulso-dev-on-upload"
    )
    error_message = "Only the rule may invoke on_upload."
  }
}

run "topic_approval_trigger" {
  command = plan

  variables {
    names = run.names
  }

  assert {
    condition     = aws_s3_bucket_notification.to_eventbridge["models"].bucket == "pulso-dev-models-123456789012" && aws_s3_bucket_notification.to_eventbridge["models"].eventbridge
    error_message = "The models bucket must send its events to EventBridge."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.s3_trigger["topic_approval"].event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["Object Created"]
      detail = {
        bucket = { name = ["pulso-dev-models-123456789012"] }
        object = { key = [{ prefix = "topic-approvals/" }] }
      }
    }
    error_message = "The rule must match Object Created under topic-approvals/ in the models bucket only."
  }

  assert {
    condition     = aws_cloudwatch_event_target.s3_trigger["topic_approval"].arn == aws_lambda_function.this["approve_topics"].arn && aws_cloudwatch_event_target.s3_trigger["topic_approval"].rule == aws_cloudwatch_event_rule.s3_trigger["topic_approval"].name
    error_message = "The rule must target approve_topics."
  }

  assert {
    condition = (
      aws_lambda_permission.s3_trigger["topic_approval"].principal == "events.amazonaws.com"
      && aws_lambda_permission.s3_trigger["topic_approval"].source_arn == aws_cloudwatch_event_rule.s3_trigger["topic_approval"].arn
      && aws_lambda_permission.s3_trigger["topic_approval"].function_name == "pulso-dev-approve-topics"
    )
    error_message = "Only the rule may invoke approve_topics."
  }

  assert {
    condition     = output.topic_approvals_uri == "s3://pulso-dev-models-123456789012/topic-approvals/"
    error_message = "topic_approvals_uri must be s3://<models>/topic-approvals/."
  }
}

run "daily_schedule" {
  command = plan

  variables {
    names = run.names
  }

  assert {
    condition = (
      aws_scheduler_schedule.run["daily_predict"].name == "pulso-dev-daily-predict"
      && aws_scheduler_schedule.run["daily_predict"].schedule_expression == "cron(0 6 * * ? *)"
      && aws_scheduler_schedule.run["daily_predict"].target[0].arn == "arn:aws:states:eu-west-1:123456789012:stateMachine:pulso-dev-pipeline"
      && aws_scheduler_schedule.run["daily_predict"].target[0].role_arn == aws_iam_role.scheduler.arn
    )
    error_message = "The daily schedule must start the state machine at 06:00 UTC with its own role."
  }

  assert {
    condition = jsondecode(aws_scheduler_schedule.run["daily_predict"].target[0].input) == {
      input          = "s3://pulso-dev-raw-123456789012/incoming/tweets/batch/"
      profile        = "tweets"
      mode           = "predict"
      scheduled_time = "<aws.scheduler.scheduled-time>"
    }
    error_message = "The daily run must be mode predict over incoming/tweets/batch/, with the scheduled time."
  }

  assert {
    condition     = strcontains(aws_scheduler_schedule.run["daily_predict"].target[0].input, "\"<aws.scheduler.scheduled-time>\"")
    error_message = "Scheduler replaces context attributes only where they are written out, not as \\u003c...\\u003e."
  }

  assert {
    condition = (
      length(data.aws_iam_policy_document.scheduler.statement) == 1
      && data.aws_iam_policy_document.scheduler.statement[0].actions == toset(["states:StartExecution"])
      && data.aws_iam_policy_document.scheduler.statement[0].resources == toset(["arn:aws:states:eu-west-1:123456789012:stateMachine:pulso-dev-pipeline"])
    )
    error_message = "The schedule's role may only start this state machine."
  }
}

run "weekly_discovery_schedule" {
  command = plan

  variables {
    names = run.names
  }

  assert {
    condition = (
      aws_scheduler_schedule.run["weekly_discovery"].name == "pulso-dev-weekly-discovery"
      && aws_scheduler_schedule.run["weekly_discovery"].schedule_expression == "cron(0 6 ? * MON *)"
      && aws_scheduler_schedule.run["weekly_discovery"].schedule_expression_timezone == "UTC"
      && aws_scheduler_schedule.run["weekly_discovery"].target[0].arn == "arn:aws:states:eu-west-1:123456789012:stateMachine:pulso-dev-pipeline"
      && aws_scheduler_schedule.run["weekly_discovery"].target[0].role_arn == aws_iam_role.scheduler.arn
      && output.weekly_discovery_schedule_name == "pulso-dev-weekly-discovery"
    )
    error_message = "The weekly schedule must start the state machine on Mondays at 06:00 UTC with the schedules' role."
  }

  assert {
    condition     = jsondecode(aws_scheduler_schedule.run["weekly_discovery"].target[0].input) == { mode = "discover" }
    error_message = "The weekly run's input must be exactly {\"mode\": \"discover\"}."
  }

  assert {
    condition = contains(flatten([
      for s in data.aws_iam_policy_document.scheduler_trust.statement : [for c in s.condition : c.values if c.variable == "aws:SourceArn"]
    ]), "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/pulso-dev-weekly-discovery")
    error_message = "The schedules' role must trust the weekly schedule."
  }
}

run "spot_training_and_options" {
  command = plan

  variables {
    names = run.names
    config = merge(var.config, {
      pipeline = merge(var.config.pipeline, {
        hyperparameters = { epochs = 5, learning_rate = "0.001" }
        sagemaker       = merge(var.config.pipeline.sagemaker, { use_spot = true })
      })
    })
    retry_interval_seconds      = 3
    daily_profile               = "twcs"
    daily_schedule_expression   = "cron(30 4 * * ? *)"
    lambda_reserved_concurrency = { on_upload = 5 }

    weekly_discovery_schedule_expression = "cron(0 3 ? * SUN *)"
    log_group_names = {
      state_machine    = "/aws/vendedlogs/states/from-monitoring"
      lambda_on_upload = "/aws/lambda/from-monitoring"
    }
  }

  assert {
    condition = (
      aws_sfn_state_machine.pipeline.logging_configuration[0].log_destination == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/from-monitoring:*"
      && aws_lambda_function.this["on_upload"].logging_config[0].log_group == "/aws/lambda/from-monitoring"
      && aws_lambda_function.this["record_run"].logging_config[0].log_group == "/aws/lambda/pulso-dev-record-run"
      && contains(one([for s in data.aws_iam_policy_document.lambda.statement : s.resources if s.sid == "WriteOwnLogs"]), "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/from-monitoring:*")
    )
    error_message = "Log group names given by modules/monitoring must be used by the state machine, the functions and their policy."
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.StoppingCondition == { MaxRuntimeInSeconds = 7200, MaxWaitTimeInSeconds = 10800 }
      && jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.EnableManagedSpotTraining == true
    )
    error_message = "Spot training adds MaxWaitTimeInSeconds and enables managed spot training."
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.HyperParameters.epochs == "5"
      && jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.HyperParameters.learning_rate == "0.001"
      && jsondecode(aws_sfn_state_machine.pipeline.definition).States["Train a candidate model"].Parameters.HyperParameters.sagemaker_program == "\"train.py\""
    )
    error_message = "Configured hyperparameters are added as strings next to the SageMaker entries."
  }

  assert {
    condition = alltrue(flatten([
      for state in values(jsondecode(aws_sfn_state_machine.pipeline.definition).States) : [
        for retry in try(state.Retry, []) : retry.IntervalSeconds == 3
      ]
    ]))
    error_message = "Every Retry must wait retry_interval_seconds."
  }

  assert {
    condition = (
      jsondecode(aws_scheduler_schedule.run["daily_predict"].target[0].input).input == "s3://pulso-dev-raw-123456789012/incoming/twcs/batch/"
      && jsondecode(aws_scheduler_schedule.run["daily_predict"].target[0].input).mode == "predict"
      && aws_scheduler_schedule.run["daily_predict"].schedule_expression == "cron(30 4 * * ? *)"
    )
    error_message = "daily_profile and daily_schedule_expression must reach the schedule."
  }

  assert {
    condition     = aws_scheduler_schedule.run["weekly_discovery"].schedule_expression == "cron(0 3 ? * SUN *)"
    error_message = "weekly_discovery_schedule_expression must reach the weekly schedule."
  }

  assert {
    condition = aws_lambda_function.this["on_upload"].reserved_concurrent_executions == 5 && alltrue([
      for key in ["read_manifest", "quality_gate", "find_champion", "record_run", "approve_topics"] : aws_lambda_function.this[key].reserved_concurrent_executions == -1
    ])
    error_message = "lambda_reserved_concurrency reserves only the functions it names."
  }
}

run "rejects_unknown_daily_profile" {
  command = plan

  variables {
    names         = run.names
    daily_profile = "no-such-profile"
  }

  expect_failures = [var.daily_profile]
}

run "rejects_buckets_other_than_the_named_ones" {
  command = plan

  variables {
    names        = run.names
    bucket_names = merge(var.bucket_names, { outputs = "some-other-bucket" })
  }

  expect_failures = [var.bucket_names]
}

run "rejects_boolean_hyperparameters" {
  command = plan

  variables {
    names  = run.names
    config = merge(var.config, { pipeline = merge(var.config.pipeline, { hyperparameters = { debug = true } }) })
  }

  expect_failures = [var.config]
}

run "rejects_bad_inputs" {
  command = plan

  variables {
    names                     = run.names
    region                    = "Ireland"
    retry_interval_seconds    = 0
    lambda_zip_path           = "tests/fixtures/missing.zip"
    sagemaker_role_arn        = "pulso-dev-sagemaker"
    kms_key_arn               = "alias/pulso-dev"
    glue_job_arns             = {}
    daily_schedule_expression = "every day"

    weekly_discovery_schedule_expression = "mondays"
  }

  expect_failures = [
    var.region,
    var.retry_interval_seconds,
    var.lambda_zip_path,
    var.sagemaker_role_arn,
    var.kms_key_arn,
    var.glue_job_arns,
    var.daily_schedule_expression,
    var.weekly_discovery_schedule_expression,
  ]
}

run "rejects_glue_job_arns_without_the_discover_job" {
  command = plan

  variables {
    names = run.names
    glue_job_arns = {
      etl     = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-etl"
      publish = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-publish-predictions"
      report  = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-run-report"
    }
  }

  expect_failures = [var.glue_job_arns]
}

run "rejects_images_of_another_region" {
  command = plan

  variables {
    names  = run.names
    region = "ap-east-1" # the images are eu-west-1's (registry 763104351884; ap-east-1's is 871362719292)
  }

  expect_failures = [var.images]
}

run "rejects_images_of_another_framework_version" {
  command = plan

  variables {
    names  = run.names
    config = merge(var.config, { pipeline = merge(var.config.pipeline, { sagemaker = merge(var.config.pipeline.sagemaker, { framework_version = "0.0.1" }) }) })
  }

  expect_failures = [var.images]
}

run "rejects_missing_or_foreign_images" {
  command = plan

  variables {
    names = run.names
    images = {
      training_image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-own-image:latest"
    }
  }

  expect_failures = [var.images]
}

run "rejects_a_config_uri_other_than_the_uploaded_object" {
  command = plan

  variables {
    names      = run.names
    config_uri = "s3://pulso-dev-raw-123456789012/overlay.json"
  }

  expect_failures = [var.config_uri]
}
