# Offline plan tests of modules/training: names come from the real pulso.json through modules/names; the provider
# is mocked, with ARN-shaped values for what the outputs read.

mock_provider "aws" {
  override_during = plan

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/pulso-dev-sagemaker"
    }
  }

  mock_resource "aws_sagemaker_model_package_group" {
    defaults = {
      arn = "arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/pulso-dev-sentiment"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  kms_key_arn     = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  source_dir_path = "tests/fixtures/sourcedir.tar.gz"
  tags            = { project = "pulso", environment = "dev" }
}

run "names" {
  command = plan

  module {
    source = "../names"
  }

  variables {
    config     = jsondecode(file("../../../src/pulso/config/pulso.json"))
    account_id = "123456789012"
  }
}

run "registry_and_source_dir" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
  }

  assert {
    condition     = aws_sagemaker_model_package_group.this.model_package_group_name == "pulso-dev-sentiment"
    error_message = "The model package group must be names.model_package_group."
  }

  assert {
    condition = (
      aws_s3_object.source_dir.bucket == "pulso-dev-models-123456789012" &&
      aws_s3_object.source_dir.key == "code/training/sourcedir.tar.gz" &&
      aws_s3_object.source_dir.server_side_encryption == "aws:kms" &&
      aws_s3_object.source_dir.kms_key_id == var.kms_key_arn &&
      aws_s3_object.source_dir.source_hash == filemd5(var.source_dir_path)
    )
    error_message = "sourcedir.tar.gz must go to s3://<models>/code/training/, SSE-KMS, re-uploaded when its content changes."
  }

  assert {
    condition = (
      output.sagemaker_role_arn == "arn:aws:iam::123456789012:role/pulso-dev-sagemaker" &&
      output.model_package_group_arn == "arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/pulso-dev-sentiment" &&
      output.model_package_group_name == "pulso-dev-sentiment"
    )
    error_message = "Outputs must follow the contract: sagemaker_role_arn, model_package_group_arn, model_package_group_name."
  }
}

run "role_is_least_privilege" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
  }

  assert {
    condition     = aws_iam_role.sagemaker.name == "pulso-dev-sagemaker" && one(one(data.aws_iam_policy_document.sagemaker_assume.statement).principals).identifiers == toset(["sagemaker.amazonaws.com"])
    error_message = "The role must be names.roles.sagemaker, assumable by SageMaker only."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.sagemaker.statement : s.resources if s.sid == "ReadTrainingDataEmbeddingsSourceAndTransformInput"]) == toset([
      "arn:aws:s3:::pulso-dev-transformed-123456789012/messages/*",
      "arn:aws:s3:::pulso-dev-transformed-123456789012/transform-input/*",
      "arn:aws:s3:::pulso-dev-models-123456789012/embeddings/*",
      "arn:aws:s3:::pulso-dev-models-123456789012/code/training/*",
    ])
    error_message = "Reads must be the messages, transform-input, embeddings and training code prefixes."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.sagemaker.statement : s.resources if s.sid == "ReadAndWriteModelArtifactsAndCheckpoints"]) == toset([
      "arn:aws:s3:::pulso-dev-models-123456789012/training-jobs/*",
      "arn:aws:s3:::pulso-dev-models-123456789012/checkpoints/*",
    ])
    error_message = "Model artifacts and checkpoints must be the only read-write prefixes of the models bucket."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.sagemaker.statement : s.resources if s.sid == "WriteTransformOutput"]) == toset(["arn:aws:s3:::pulso-dev-outputs-123456789012/transform-output/*"])
    error_message = "The outputs bucket must be writable under transform-output/ only."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.sagemaker.statement : s if s.sid == "ReadTheEffectiveConfiguration"]).actions == toset(["s3:GetObject"])
      && one([for s in data.aws_iam_policy_document.sagemaker.statement : s if s.sid == "ReadTheEffectiveConfiguration"]).resources == toset(["arn:aws:s3:::pulso-dev-models-123456789012/code/config/pulso.json"])
      && contains(one([for s in data.aws_iam_policy_document.sagemaker.statement : s if s.sid == "UseTheProjectKey"]).actions, "kms:Decrypt")
    )
    error_message = "The training job may read exactly the effective configuration object ($PULSO_CONFIG_URI), and decrypt it."
  }

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.sagemaker.statement : [
        for arn in s.resources : !strcontains(arn, "pulso-dev-raw-123456789012")
      ]
    ]))
    error_message = "SageMaker never touches the raw bucket."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.sagemaker.statement : anytrue([
        for c in s.condition : c.variable == "s3:prefix" && c.test == "StringLike"
      ]) if contains(tolist(s.actions), "s3:ListBucket")
    ])
    error_message = "Every s3:ListBucket must be limited by an s3:prefix condition."
  }

  assert {
    condition = {
      for s in data.aws_iam_policy_document.sagemaker.statement : one(s.resources) => toset(one(s.condition).values) if contains(tolist(s.actions), "s3:ListBucket")
      } == {
      "arn:aws:s3:::pulso-dev-transformed-123456789012" = toset(["messages/*", "transform-input/*"])
      "arn:aws:s3:::pulso-dev-models-123456789012"      = toset(["embeddings/*", "code/training/*", "training-jobs/*", "checkpoints/*"])
    }
    error_message = "Listing must be limited to the transformed and models buckets, under the prefixes the jobs use."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.sagemaker.statement : !contains(tolist(s.resources), "*") || contains([toset(["cloudwatch:PutMetricData"]), toset(["ecr:GetAuthorizationToken"])], s.actions)
    ])
    error_message = "Only cloudwatch:PutMetricData and ecr:GetAuthorizationToken may use the \"*\" resource."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.sagemaker.statement : s.sid == "PutMetricsInSageMakerNamespaces" && anytrue([
        for c in s.condition : c.variable == "cloudwatch:namespace" && toset(c.values) == toset(["/aws/sagemaker/*"])
      ])
    ])
    error_message = "cloudwatch:PutMetricData must be limited to SageMaker's namespaces."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.sagemaker.statement : s.resources if s.sid == "PullFrameworkImages"]) == toset([
      "arn:aws:ecr:eu-west-1:*:repository/pytorch-training",
      "arn:aws:ecr:eu-west-1:*:repository/pytorch-inference",
    ])
    error_message = "Image pulls must be limited to the PyTorch framework repositories of the region."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.sagemaker.statement : s.resources == toset([var.kms_key_arn]) if anytrue([for action in s.actions : startswith(action, "kms:")])
    ])
    error_message = "KMS permissions must name the project key only."
  }
}

run "rejects_a_missing_source_dir" {
  command = plan

  variables {
    names           = run.names
    bucket_names    = run.names.buckets
    bucket_arns     = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    source_dir_path = "tests/fixtures/missing.tar.gz"
  }

  expect_failures = [var.source_dir_path]
}

run "rejects_mismatched_bucket_maps" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = merge({ for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }, { models = "arn:aws:s3:::another-bucket" })
  }

  expect_failures = [var.bucket_names]
}
