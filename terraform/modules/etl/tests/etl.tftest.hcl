# Offline plan tests of modules/etl: names come from the real pulso.json through modules/names; the provider is
# mocked, with ARN-shaped values for what the outputs and the job definitions read.

mock_provider "aws" {
  override_during = plan

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/pulso-dev-glue"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

override_resource {
  target          = aws_glue_job.this["etl"]
  override_during = plan
  values = {
    arn = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-etl"
  }
}

override_resource {
  target          = aws_glue_job.this["publish"]
  override_during = plan
  values = {
    arn = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-publish-predictions"
  }
}

override_resource {
  target          = aws_glue_job.this["report"]
  override_during = plan
  values = {
    arn = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-run-report"
  }
}

override_resource {
  target          = aws_glue_job.this["discover"]
  override_during = plan
  values = {
    arn = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-discover-topics"
  }
}

variables {
  config                    = jsondecode(file("../../../src/pulso/config/pulso.json"))
  kms_key_arn               = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  etl_script_path           = "tests/fixtures/etl_job.py"
  publish_script_path       = "tests/fixtures/publish_job.py"
  report_script_path        = "tests/fixtures/report_job.py"
  discover_script_path      = "tests/fixtures/discover_job.py"
  shared_package_wheel_path = "tests/fixtures/pulso_glue-0.1.0-py3-none-any.whl"
  dependency_wheel_paths    = ["tests/fixtures/markupsafe-3.0.4-py3-none-any.whl", "tests/fixtures/jinja2-3.1.6-py3-none-any.whl"]
  tags                      = { project = "pulso", environment = "dev" }
}

run "names" {
  command = plan

  module {
    source = "../names"
  }

  variables {
    account_id = "123456789012"
  }
}

run "jobs_mirror_the_emulated_account" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
  }

  assert {
    condition     = aws_glue_job.this["etl"].name == "pulso-dev-etl" && aws_glue_job.this["publish"].name == "pulso-dev-publish-predictions"
    error_message = "Job names must come from names.glue_jobs."
  }

  assert {
    condition = alltrue([
      for job in aws_glue_job.this : job.command[0].name == "pythonshell" && job.command[0].python_version == "3.9" && job.glue_version == "3.0" && job.max_capacity == 1
    ])
    error_message = "Both jobs must be Python shell 3.9 jobs on Glue 3.0 with 1 DPU."
  }

  assert {
    condition     = alltrue([for job in aws_glue_job.this : job.default_arguments["library-set"] == "analytics"])
    error_message = "Both jobs must load the analytics library set (awswrangler, pandas, pyarrow)."
  }

  assert {
    condition     = aws_glue_job.this["etl"].command[0].script_location == "s3://pulso-dev-models-123456789012/code/glue/etl_job.py"
    error_message = "The ETL job must run s3://<models>/code/glue/etl_job.py."
  }

  assert {
    condition     = aws_glue_job.this["publish"].command[0].script_location == "s3://pulso-dev-models-123456789012/code/glue/publish_job.py"
    error_message = "The publish job must run s3://<models>/code/glue/publish_job.py."
  }

  assert {
    condition = alltrue([for job in aws_glue_job.this : job.default_arguments["--extra-py-files"] == join(",", [
      "s3://pulso-dev-models-123456789012/code/glue/markupsafe-3.0.4-py3-none-any.whl",
      "s3://pulso-dev-models-123456789012/code/glue/jinja2-3.1.6-py3-none-any.whl",
      "s3://pulso-dev-models-123456789012/code/glue/pulso_glue-0.1.0-py3-none-any.whl",
    ])])
    error_message = "Every job must install the dependencies in their order, then the shared package, from wheels at s3://<models>/code/glue/<PEP 427 file name>."
  }

  assert {
    condition = (
      aws_glue_job.this["etl"].default_arguments["--output_root"] == "s3://pulso-dev-transformed-123456789012/" &&
      aws_glue_job.this["publish"].default_arguments["--output_root"] == "s3://pulso-dev-outputs-123456789012/"
    )
    error_message = "The ETL job writes under the transformed bucket, the publish job under the outputs bucket."
  }

  assert {
    condition     = alltrue([for job in aws_glue_job.this : job.default_arguments["--kms_key_id"] == var.kms_key_arn && job.default_arguments["--enable-continuous-cloudwatch-log"] == "true"])
    error_message = "Both jobs must upload with SSE-KMS under the project key and log continuously."
  }

  assert {
    condition     = alltrue([for job in aws_glue_job.this : job.security_configuration == aws_glue_security_configuration.this.name && job.max_retries == 0])
    error_message = "Both jobs must use the security configuration and leave retries to Step Functions."
  }

  assert {
    condition     = alltrue([for job in aws_glue_job.this : job.role_arn == "arn:aws:iam::123456789012:role/pulso-dev-glue"])
    error_message = "Both jobs must run with the module's Glue role."
  }

  assert {
    condition     = aws_glue_catalog_database.this.name == "pulso_dev"
    error_message = "The database must be names.glue_database."
  }

  assert {
    condition = (
      aws_glue_job.this["discover"].name == "pulso-dev-discover-topics"
      && aws_glue_job.this["discover"].command[0].script_location == "s3://pulso-dev-models-123456789012/code/glue/discover_job.py"
      && aws_glue_job.this["discover"].timeout == 60
    )
    error_message = "The discover job must be names.glue_jobs.discover, run s3://<models>/code/glue/discover_job.py and time out after 60 minutes by default."
  }

  assert {
    condition = (
      aws_glue_job.this["discover"].default_arguments["--transformed_root"] == "s3://pulso-dev-transformed-123456789012/" &&
      aws_glue_job.this["discover"].default_arguments["--outputs_root"] == "s3://pulso-dev-outputs-123456789012/" &&
      aws_glue_job.this["discover"].default_arguments["--models_root"] == "s3://pulso-dev-models-123456789012/" &&
      aws_glue_job.this["discover"].default_arguments["--glue_database"] == "pulso_dev" &&
      aws_glue_job.this["discover"].default_arguments["--additional-python-modules"] == "umap-learn==0.5.7" &&
      !contains(keys(aws_glue_job.this["discover"].default_arguments), "--output_root")
    )
    error_message = "The discover job gets the three bucket roots, the database and umap-learn, and no --output_root."
  }

  assert {
    condition = length(aws_glue_job.this) == 4 && alltrue([
      for job in aws_glue_job.this : job.default_arguments["--config_uri"] == "s3://pulso-dev-models-123456789012/code/config/pulso.json"
    ])
    error_message = "Every job must get the effective configuration's URI as the default argument --config_uri."
  }

  assert {
    condition     = alltrue([for job in aws_glue_job.this : !contains(keys(job.default_arguments), "--config_overlay")])
    error_message = "No job may get a --config_overlay: the effective configuration is the one way in."
  }
}

run "discovery_without_extra_modules" {
  command = plan

  variables {
    names                    = run.names
    bucket_names             = run.names.buckets
    bucket_arns              = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    discovery_python_modules = ""
  }

  assert {
    condition     = !contains(keys(aws_glue_job.this["discover"].default_arguments), "--additional-python-modules")
    error_message = "An empty discovery_python_modules must leave --additional-python-modules out (PCA fallback)."
  }

  assert {
    condition = alltrue([
      for key, job in aws_glue_job.this : job.timeout == var.config.pipeline.limits.glue_job_timeout_minutes[key]
    ])
    error_message = "Every job's timeout must come from pulso.json (pipeline.limits.glue_job_timeout_minutes), as locally."
  }
}

run "code_is_uploaded_encrypted_and_tracked_by_content" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
  }

  assert {
    condition     = aws_s3_object.script["etl"].key == "code/glue/etl_job.py" && aws_s3_object.script["publish"].key == "code/glue/publish_job.py" && aws_s3_object.script["discover"].key == "code/glue/discover_job.py" && aws_s3_object.shared_package.key == "code/glue/pulso_glue-0.1.0-py3-none-any.whl"
    error_message = "Scripts and the shared package must sit under code/glue/ in the models bucket."
  }

  assert {
    condition = (
      aws_s3_object.effective_config.bucket == "pulso-dev-models-123456789012"
      && aws_s3_object.effective_config.key == "code/config/pulso.json"
      && aws_s3_object.effective_config.server_side_encryption == "aws:kms"
      && aws_s3_object.effective_config.kms_key_id == var.kms_key_arn
      && aws_s3_object.effective_config.content_type == "application/json"
      && jsondecode(aws_s3_object.effective_config.content) == var.config
    )
    error_message = "The effective configuration must be the whole configuration as JSON at s3://<models>/<layout.effective_config>, SSE-KMS with the project key."
  }

  assert {
    condition = alltrue([
      for object in concat(values(aws_s3_object.script), values(aws_s3_object.dependency_wheel), [aws_s3_object.shared_package]) :
      object.bucket == "pulso-dev-models-123456789012" && object.server_side_encryption == "aws:kms" && object.kms_key_id == var.kms_key_arn
    ])
    error_message = "Every code object must go to the models bucket, SSE-KMS with the project key."
  }

  assert {
    condition = (
      aws_s3_object.script["etl"].source_hash == filemd5(var.etl_script_path) &&
      aws_s3_object.script["publish"].source_hash == filemd5(var.publish_script_path) &&
      aws_s3_object.script["discover"].source_hash == filemd5(var.discover_script_path) &&
      aws_s3_object.shared_package.source_hash == filemd5(var.shared_package_wheel_path) &&
      aws_s3_object.dependency_wheel["jinja2-3.1.6-py3-none-any.whl"].source_hash == filemd5("tests/fixtures/jinja2-3.1.6-py3-none-any.whl")
    )
    error_message = "source_hash must follow the local files, so a code change re-uploads."
  }

  assert {
    condition = (
      aws_glue_security_configuration.this.encryption_configuration[0].s3_encryption[0].s3_encryption_mode == "SSE-KMS" &&
      aws_glue_security_configuration.this.encryption_configuration[0].cloudwatch_encryption[0].cloudwatch_encryption_mode == "SSE-KMS" &&
      aws_glue_security_configuration.this.encryption_configuration[0].job_bookmarks_encryption[0].job_bookmarks_encryption_mode == "CSE-KMS" &&
      aws_glue_security_configuration.this.encryption_configuration[0].s3_encryption[0].kms_key_arn == var.kms_key_arn &&
      aws_glue_security_configuration.this.encryption_configuration[0].cloudwatch_encryption[0].kms_key_arn == var.kms_key_arn &&
      aws_glue_security_configuration.this.encryption_configuration[0].job_bookmarks_encryption[0].kms_key_arn == var.kms_key_arn
    )
    error_message = "The security configuration must encrypt S3, CloudWatch logs and bookmarks with the project key."
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
    condition     = aws_iam_role.glue.name == "pulso-dev-glue" && one(one(data.aws_iam_policy_document.glue_assume.statement).principals).identifiers == toset(["glue.amazonaws.com"])
    error_message = "The role must be names.roles.glue, assumable by Glue only."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.glue.statement : s.actions if s.sid == "ReadTheRawUploads"]) == toset(["s3:GetObject"])
    error_message = "The raw bucket must be read-only for the jobs."
  }

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.glue.statement : [
        for action in s.actions : !startswith(action, "s3:") || alltrue([for arn in s.resources : !startswith(arn, "arn:aws:s3:::pulso-dev-raw-123456789012/")]) || action == "s3:GetObject"
      ]
    ]))
    error_message = "No statement may write to the raw bucket."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.glue.statement : s.resources if s.sid == "ReadTheJobCode"]) == toset(["arn:aws:s3:::pulso-dev-models-123456789012/code/glue/*"])
    error_message = "The models bucket must be readable under code/glue/ only."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "ReadTheEffectiveConfiguration"]).actions == toset(["s3:GetObject"])
      && one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "ReadTheEffectiveConfiguration"]).resources == toset(["arn:aws:s3:::pulso-dev-models-123456789012/code/config/pulso.json"])
      && contains(one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "UseTheProjectKey"]).actions, "kms:Decrypt")
    )
    error_message = "The jobs may read exactly the effective configuration object, and decrypt it with the project key."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.glue.statement : !contains(tolist(s.resources), "*") || s.actions == toset(["cloudwatch:PutMetricData"])])
    error_message = "Only cloudwatch:PutMetricData may use the \"*\" resource."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.glue.statement : s.sid == "PutMetricsInTheJobNamespaces" && anytrue([
        for c in s.condition : c.test == "StringEquals" && c.variable == "cloudwatch:namespace" && toset(c.values) == toset(["Pulso/ETL", "Pulso/Drift"])
      ])
    ])
    error_message = "cloudwatch:PutMetricData must be limited to the Pulso/ETL and Pulso/Drift namespaces."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.glue.statement : s.sid == "RegisterTheRunPartitions" && s.resources == toset([
        "arn:aws:glue:eu-west-1:123456789012:catalog",
        "arn:aws:glue:eu-west-1:123456789012:database/pulso_dev",
        "arn:aws:glue:eu-west-1:123456789012:table/pulso_dev/messages",
        "arn:aws:glue:eu-west-1:123456789012:table/pulso_dev/quarantine",
        "arn:aws:glue:eu-west-1:123456789012:table/pulso_dev/predictions",
        "arn:aws:glue:eu-west-1:123456789012:table/pulso_dev/topic_assignments",
      ]) && !contains(tolist(s.actions), "glue:DeletePartition")
    ])
    error_message = "The jobs may register partitions of exactly the run-partitioned tables."
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.glue.statement : s.resources if contains(tolist(s.actions), "glue:DeletePartition")
      ] == [toset([
        "arn:aws:glue:eu-west-1:123456789012:catalog",
        "arn:aws:glue:eu-west-1:123456789012:database/pulso_dev",
        "arn:aws:glue:eu-west-1:123456789012:table/pulso_dev/topic_assignments",
    ])]
    error_message = "Only the topic_assignments table's partitions may be deleted (a repeated discovery run replaces its own)."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "DiscoverReadsEmbeddingsAndTopicMaps"]).actions == toset(["s3:GetObject"])
      && one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "DiscoverReadsEmbeddingsAndTopicMaps"]).resources == toset([
        "arn:aws:s3:::pulso-dev-models-123456789012/embeddings/*",
        "arn:aws:s3:::pulso-dev-models-123456789012/topic-maps/*",
      ])
      && one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "DiscoverWritesItsRunArtifacts"]).actions == toset(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
      && one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "DiscoverWritesItsRunArtifacts"]).resources == toset(["arn:aws:s3:::pulso-dev-models-123456789012/topic-discovery/*"])
    )
    error_message = "The discover job may read embeddings/ and topic-maps/ and replace topic-discovery/ in the models bucket, nothing more."
  }

  assert {
    # No statement writes to the models bucket outside topic-discovery/ (the job code is uploaded by Terraform).
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.glue.statement : [
        for arn in s.resources : !startswith(arn, "arn:aws:s3:::pulso-dev-models-123456789012/") || arn == "arn:aws:s3:::pulso-dev-models-123456789012/topic-discovery/*"
      ] if contains(tolist(s.actions), "s3:PutObject") || contains(tolist(s.actions), "s3:DeleteObject")
    ]))
    error_message = "The jobs may write to the models bucket under topic-discovery/ only."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "ReadTheTablesAndRunFiles"]).actions == toset(["s3:GetObject"])
      && one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "ReadTheTablesAndRunFiles"]).resources == toset([
        "arn:aws:s3:::pulso-dev-transformed-123456789012/messages/*",
        "arn:aws:s3:::pulso-dev-transformed-123456789012/quarantine/*",
        "arn:aws:s3:::pulso-dev-transformed-123456789012/manifests/*",
        "arn:aws:s3:::pulso-dev-outputs-123456789012/predictions/*",
        "arn:aws:s3:::pulso-dev-outputs-123456789012/runs/*",
        "arn:aws:s3:::pulso-dev-outputs-123456789012/predictions-manifests/*",
        "arn:aws:s3:::pulso-dev-outputs-123456789012/transform-output/*",
      ])
    )
    error_message = "The jobs may read exactly the prefixes they read in the transformed and outputs buckets (tables, manifests, summaries, Batch Transform output)."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "ReplaceTheRunOutputs"]).actions == toset(["s3:PutObject", "s3:DeleteObject"])
      && one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "ReplaceTheRunOutputs"]).resources == toset([
        "arn:aws:s3:::pulso-dev-transformed-123456789012/messages/*",
        "arn:aws:s3:::pulso-dev-transformed-123456789012/quarantine/*",
        "arn:aws:s3:::pulso-dev-transformed-123456789012/transform-input/*",
        "arn:aws:s3:::pulso-dev-outputs-123456789012/predictions/*",
        "arn:aws:s3:::pulso-dev-outputs-123456789012/prediction-errors/*",
        "arn:aws:s3:::pulso-dev-outputs-123456789012/predictions-manifests/*",
        "arn:aws:s3:::pulso-dev-outputs-123456789012/topic-assignments/*",
      ])
    )
    error_message = "The jobs may delete (to replace a re-run's outputs) under exactly the prefixes they replace."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "WriteTheRunFiles"]).actions == toset(["s3:PutObject"])
      && one([for s in data.aws_iam_policy_document.glue.statement : s if s.sid == "WriteTheRunFiles"]).resources == toset([
        "arn:aws:s3:::pulso-dev-transformed-123456789012/manifests/*",
        "arn:aws:s3:::pulso-dev-outputs-123456789012/reports/*",
        "arn:aws:s3:::pulso-dev-outputs-123456789012/topics/*",
      ])
    )
    error_message = "The manifests, run reports and discovery reports are written (overwritten on a re-run), never deleted."
  }

  assert {
    # No statement grants anything on a whole data bucket: the runs table is the record_run Lambda's to write,
    # transform-output/ Batch Transform's, and nothing outside the configured layout is the jobs' to touch.
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.glue.statement : [
        for arn in s.resources : !contains([
          "arn:aws:s3:::pulso-dev-transformed-123456789012/*",
          "arn:aws:s3:::pulso-dev-outputs-123456789012/*",
        ], arn)
      ]
    ]))
    error_message = "No statement may cover a whole transformed or outputs bucket (transformed/* or outputs/*)."
  }

  assert {
    # Deleting is limited to the replaced prefixes: no statement but ReplaceTheRunOutputs and the discover job's own
    # models prefix may delete.
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.glue.statement : s.resources if contains(tolist(s.actions), "s3:DeleteObject")
      ])) == toset(concat(
      tolist(one([for s in data.aws_iam_policy_document.glue.statement : s.resources if s.sid == "ReplaceTheRunOutputs"])),
      ["arn:aws:s3:::pulso-dev-models-123456789012/topic-discovery/*"],
    ))
    error_message = "s3:DeleteObject must be limited to the replaced run prefixes and topic-discovery/."
  }

  assert {
    condition = alltrue([
      for prefix, actions in { "topics/" = ["s3:PutObject"], "topic-assignments/" = ["s3:PutObject", "s3:DeleteObject"] } : anytrue([
        for s in data.aws_iam_policy_document.glue.statement :
        contains(tolist(s.resources), "arn:aws:s3:::pulso-dev-outputs-123456789012/${prefix}*") && length(setsubtract(actions, s.actions)) == 0
      ])
    ])
    error_message = "The discover job must be able to write topics/ and replace topic-assignments/ in the outputs bucket."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.glue.statement : s.resources if s.sid == "UseTheProjectKey"]) == toset([var.kms_key_arn])
    error_message = "KMS permissions must name the project key only."
  }

  assert {
    condition     = alltrue([for arn in one([for s in data.aws_iam_policy_document.glue.statement : s.resources if s.sid == "WriteTheGlueLogs"]) : startswith(arn, "arn:aws:logs:eu-west-1:123456789012:log-group:/aws-glue/")])
    error_message = "Log permissions must be limited to the Glue log groups of the deployment's region and account."
  }
}

run "outputs_follow_the_contract" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
  }

  assert {
    condition = output.glue_job_arns == {
      etl      = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-etl",
      publish  = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-publish-predictions",
      report   = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-run-report",
      discover = "arn:aws:glue:eu-west-1:123456789012:job/pulso-dev-discover-topics",
    }
    error_message = "glue_job_arns must map etl, publish, report and discover to the job ARNs."
  }

  assert {
    condition     = output.etl_job_name == "pulso-dev-etl" && output.publish_job_name == "pulso-dev-publish-predictions" && output.discover_job_name == "pulso-dev-discover-topics" && output.glue_database_name == "pulso_dev"
    error_message = "Job and database name outputs must be the rendered names."
  }

  assert {
    condition     = output.glue_role_arn == "arn:aws:iam::123456789012:role/pulso-dev-glue"
    error_message = "glue_role_arn must be the role's ARN."
  }

  assert {
    condition = (
      output.config_uri == "s3://pulso-dev-models-123456789012/code/config/pulso.json"
      && output.config_object_arn == "arn:aws:s3:::pulso-dev-models-123456789012/code/config/pulso.json"
    )
    error_message = "config_uri and config_object_arn must name the uploaded effective configuration."
  }
}

run "rejects_an_alias_instead_of_a_key_arn" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    kms_key_arn  = "alias/pulso-dev"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_buckets_that_are_not_the_rendered_names" {
  command = plan

  variables {
    names        = run.names
    bucket_names = merge(run.names.buckets, { outputs = "someone-elses-bucket" })
    bucket_arns  = merge({ for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }, { outputs = "arn:aws:s3:::someone-elses-bucket" })
  }

  expect_failures = [var.bucket_names]
}

run "rejects_a_missing_package" {
  command = plan

  variables {
    names                     = run.names
    bucket_names              = run.names.buckets
    bucket_arns               = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    shared_package_wheel_path = "tests/fixtures/missing-0.1.0-py3-none-any.whl"
  }

  expect_failures = [var.shared_package_wheel_path]
}

run "rejects_a_package_that_is_not_a_pep427_wheel" {
  command = plan

  variables {
    names                     = run.names
    bucket_names              = run.names.buckets
    bucket_arns               = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    shared_package_wheel_path = "tests/fixtures/etl_job.py"
  }

  expect_failures = [var.shared_package_wheel_path]
}

run "rejects_a_dependency_that_is_not_a_pep427_wheel_or_is_named_twice" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    dependency_wheel_paths = [
      "tests/fixtures/etl_job.py",
      "tests/fixtures/jinja2-3.1.6-py3-none-any.whl",
      "tests/fixtures/jinja2-3.1.6-py3-none-any.whl",
    ]
  }

  expect_failures = [var.dependency_wheel_paths]
}

run "rejects_a_missing_discover_script_and_bad_modules" {
  command = plan

  variables {
    names                    = run.names
    bucket_names             = run.names.buckets
    bucket_arns              = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    discover_script_path     = "tests/fixtures/missing_discover_job.py"
    discovery_python_modules = "umap-learn==0.5.7, hdbscan"
  }

  expect_failures = [var.discover_script_path, var.discovery_python_modules]
}
