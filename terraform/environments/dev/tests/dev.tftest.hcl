# The dev root with a mocked provider: the modules wire together, every bucket uses the project key, the
# state machine calls the expected integrations, and the optional Redshift stack follows its switch.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/test"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mock"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:eu-west-1:123456789012:function:mock"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:123456789012:mock"
    }
  }
  mock_resource "aws_sfn_state_machine" {
    defaults = {
      arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:mock"
    }
  }
  mock_resource "aws_glue_job" {
    defaults = {
      arn = "arn:aws:glue:eu-west-1:123456789012:job/mock"
    }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = {
      arn = "arn:aws:events:eu-west-1:123456789012:rule/mock"
    }
  }
  mock_resource "aws_sagemaker_model_package_group" {
    defaults = {
      arn = "arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/mock"
    }
  }
}

override_resource {
  target = module.storage.module.bucket["raw"].aws_s3_bucket.this
  values = {
    arn = "arn:aws:s3:::pulso-dev-raw-123456789012"
  }
}

override_resource {
  target = module.storage.module.bucket["transformed"].aws_s3_bucket.this
  values = {
    arn = "arn:aws:s3:::pulso-dev-transformed-123456789012"
  }
}

override_resource {
  target = module.storage.module.bucket["models"].aws_s3_bucket.this
  values = {
    arn = "arn:aws:s3:::pulso-dev-models-123456789012"
  }
}

override_resource {
  target = module.storage.module.bucket["outputs"].aws_s3_bucket.this
  values = {
    arn = "arn:aws:s3:::pulso-dev-outputs-123456789012"
  }
}

variables {
  artifacts_dir = "../../build"
}

run "default_stack" {
  command = apply

  assert {
    condition     = length(module.storage.bucket_names) == 4
    error_message = "four data buckets"
  }

  assert {
    condition     = module.storage.bucket_names.raw == "pulso-dev-raw-123456789012"
    error_message = "bucket names come from pulso.json"
  }

  assert {
    condition = toset([
      for state in values(jsondecode(module.orchestration.definition).States) : state.Resource if state.Type == "Task"
      ]) == toset([
      "arn:aws:states:::glue:startJobRun.sync",
      "arn:aws:states:::sagemaker:createTrainingJob.sync",
      "arn:aws:states:::sagemaker:createTransformJob.sync",
      "arn:aws:states:::sagemaker:createModel",
      "arn:aws:states:::aws-sdk:sagemaker:createModelPackage",
      "arn:aws:states:::lambda:invoke",
      "arn:aws:states:::sns:publish",
    ])
    error_message = "the state machine uses exactly the expected integrations"
  }

  assert {
    # images.json is what `make images` resolved for var.region (eu-west-1: registry 763104351884).
    condition = (
      jsondecode(module.orchestration.definition).States["Train a candidate model"].Parameters.AlgorithmSpecification.TrainingImage == jsondecode(file("../../build/images.json")).training_image
      && jsondecode(module.orchestration.definition).States["Register the candidate model"].Parameters.InferenceSpecification.Containers[0].Image == jsondecode(file("../../build/images.json")).inference_image
      && startswith(jsondecode(file("../../build/images.json")).training_image, "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:")
    )
    error_message = "the state machine uses the SageMaker images resolved for the deployment's region (images.json)"
  }

  assert {
    condition     = module.analytics.redshift_external_schema_sql == null
    error_message = "Redshift is off by default"
  }

  assert {
    condition = (
      output.discover_job_name == "pulso-dev-discover-topics"
      && output.approve_topics_function_name == "pulso-dev-approve-topics"
      && output.weekly_discovery_schedule_name == "pulso-dev-weekly-discovery"
      && output.topic_approvals_uri == "s3://pulso-dev-models-123456789012/topic-approvals/"
    )
    error_message = "the topic discovery resources are named from pulso.json"
  }

  assert {
    condition     = contains(keys(module.monitoring.log_group_names), "lambda_approve_topics") && module.orchestration.lambda_names.approve_topics == "pulso-dev-approve-topics"
    error_message = "approve_topics logs to the log group modules/monitoring creates for it"
  }
}

run "with_redshift" {
  command = apply

  variables {
    enable_redshift = true
  }

  assert {
    condition     = module.analytics.redshift_external_schema_sql != null
    error_message = "enable_redshift creates the Redshift stack"
  }
}

run "effective_configuration_reaches_every_job" {
  command = plan

  assert {
    condition = (
      module.etl.config_uri == "s3://pulso-dev-models-123456789012/code/config/pulso.json"
      && jsondecode(module.orchestration.definition).States["Train a candidate model"].Parameters.Environment.PULSO_CONFIG_URI == module.etl.config_uri
      && jsondecode(module.orchestration.definition).States["Create the model"].Parameters.PrimaryContainer.Environment.PULSO_CONFIG_URI == module.etl.config_uri
    )
    error_message = "the training job and the transform model read the effective configuration modules/etl uploads (the modules' own tests cover the functions and the Glue jobs)"
  }
}

run "rejects_an_overlay_without_its_effective_configuration" {
  command = plan

  variables {
    # `make effective-config CONFIG_OVERLAY=tests/fixtures/overlay.json` was not run for this overlay.
    config_overlay_path = "tests/fixtures/overlay.json"
  }

  expect_failures = [var.config_overlay_path]
}
