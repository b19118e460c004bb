# ETL: the four AWS Glue Python shell jobs (validate and transform an upload; publish the predictions; write the
# run report; discover topics), their code in the models bucket, the Glue security configuration and the Glue Data
# Catalog database. The settings mirror what pulso_local.account creates in the emulated account: Python shell 3.9
# with the "analytics" library set, GlueVersion 3.0, MaxCapacity 1.0, scripts at s3://<models>/<layout.code>glue/<script>.

locals {
  # The key ARN is validated (arn:<partition>:kms:<region>:<account>:key/<id>): it says where the module deploys,
  # without data sources (which the offline tests would have to mock).
  arn_parts  = split(":", var.kms_key_arn)
  partition  = local.arn_parts[1]
  region     = local.arn_parts[3]
  account_id = local.arn_parts[4]

  models_bucket = var.bucket_names.models
  glue_prefix   = "${var.config.layout.code}glue/"
  # The shared code is a wheel, which Glue installs with pip: the key keeps its PEP 427 file name.
  package_key = "${local.glue_prefix}${basename(var.shared_package_wheel_path)}"
  # The third-party wheels, by file name, in install order; --extra-py-files lists them before the shared code.
  dependency_wheels = { for path in var.dependency_wheel_paths : basename(path) => path }
  extra_py_files = join(",", concat(
    [for path in var.dependency_wheel_paths : "s3://${local.models_bucket}/${aws_s3_object.dependency_wheel[basename(path)].key}"],
    ["s3://${aws_s3_object.shared_package.bucket}/${aws_s3_object.shared_package.key}"],
  ))
  config_uri = "s3://${aws_s3_object.effective_config.bucket}/${aws_s3_object.effective_config.key}"

  # CloudWatch namespace of the jobs' own metrics (the role may put metrics only there).
  metrics_namespaces = ["Pulso/ETL", "Pulso/Drift"]

  # Tables whose run partitions the jobs register in the catalog (see modules/analytics).
  run_partitioned_tables = [
    for name, table in var.config.tables : name
    if contains([for key in try(table.partition_keys, []) : key.name], "run_id")
  ]

  jobs = {
    etl = {
      name        = var.names.glue_jobs.etl
      description = "Validate and transform an upload: curated messages, quarantine, Batch Transform input and the run manifest."
      script_path = var.etl_script_path
      script_key  = "${local.glue_prefix}etl_job.py"
      arguments   = { "--output_root" = "s3://${var.bucket_names.transformed}/" }
    }
    publish = {
      name        = var.names.glue_jobs.publish
      description = "Publish the Batch Transform output as the predictions table, with the run's error records and summary."
      script_path = var.publish_script_path
      script_key  = "${local.glue_prefix}publish_job.py"
      arguments   = { "--output_root" = "s3://${var.bucket_names.outputs}/" }
    }
    report = {
      name        = var.names.glue_jobs.report
      description = "Write the self-contained HTML run report (accounting, evaluation, sentiment, support queue, drift)."
      script_path = var.report_script_path
      script_key  = "${local.glue_prefix}report_job.py"
      arguments   = { "--output_root" = "s3://${var.bucket_names.outputs}/" }
    }
    discover = {
      name        = var.names.glue_jobs.discover
      description = "Discover topics: cluster recent curated messages, write the discovery report, the run's embedder and clusters, and the topic_assignments table."
      script_path = var.discover_script_path
      script_key  = "${local.glue_prefix}discover_job.py"
      # It reads messages (transformed), predictions (outputs) and the approved topic map (models), and writes to
      # outputs and models: it gets the three roots instead of one --output_root.
      arguments = merge(
        {
          "--transformed_root" = "s3://${var.bucket_names.transformed}/"
          "--outputs_root"     = "s3://${var.bucket_names.outputs}/"
          "--models_root"      = "s3://${var.bucket_names.models}/"
          "--glue_database"    = var.names.glue_database
        },
        # UMAP for the report's 2-D map; left out (empty), the job draws a PCA map with what the library set has.
        var.discovery_python_modules == "" ? {} : { "--additional-python-modules" = var.discovery_python_modules },
      )
    }
  }

  # Arguments every run gets; the state machine adds --input/--profile/--run_mode/--run_id (ETL),
  # --predictions_input/--run_id/--ingest_date (publish) or --run_id/--request (discover) and repeats the roots and
  # --kms_key_id.
  common_arguments = {
    "library-set"                        = "analytics"
    "--extra-py-files"                   = local.extra_py_files
    "--kms_key_id"                       = var.kms_key_arn
    "--config_uri"                       = local.config_uri
    "--job-language"                     = "python"
    "--enable-continuous-cloudwatch-log" = "true"
    # Python shell jobs cannot use bookmarks; say so rather than rely on the default.
    "--job-bookmark-option" = "job-bookmark-disable"
  }
}

resource "aws_s3_object" "script" {
  for_each = local.jobs

  bucket                 = local.models_bucket
  key                    = each.value.script_key
  source                 = each.value.script_path
  source_hash            = filemd5(each.value.script_path)
  content_type           = "text/x-python"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.kms_key_arn
  tags                   = var.tags
}

resource "aws_s3_object" "shared_package" {
  bucket                 = local.models_bucket
  key                    = local.package_key
  source                 = var.shared_package_wheel_path
  source_hash            = filemd5(var.shared_package_wheel_path)
  content_type           = "application/zip"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.kms_key_arn
  tags                   = var.tags
}

resource "aws_s3_object" "dependency_wheel" {
  for_each = local.dependency_wheels

  bucket                 = local.models_bucket
  key                    = "${local.glue_prefix}${each.key}"
  source                 = each.value
  source_hash            = filemd5(each.value)
  content_type           = "application/zip"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.kms_key_arn
  tags                   = var.tags
}

# The deployment's effective configuration: pulso.json deep-merged with the deployment's overlay, as one JSON
# document (var.config, which the environment root reads from `make effective-config`'s output when it has an
# overlay). Every job reads it from here: the Glue jobs (--config_uri), the functions (PULSO_CONFIG_URI, through
# modules/orchestration) and the training job and transform model (the definition's config_uri).
resource "aws_s3_object" "effective_config" {
  bucket                 = local.models_bucket
  key                    = var.config.layout.effective_config
  content                = jsonencode(var.config)
  content_type           = "application/json"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.kms_key_arn
  tags                   = var.tags
}

# One security configuration for the component, named like its role: S3 writes by Glue, the jobs' CloudWatch
# logs and job bookmarks are all encrypted with the project key.
resource "aws_glue_security_configuration" "this" {
  name = var.names.roles.glue

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = var.kms_key_arn
    }

    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = var.kms_key_arn
    }

    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = var.kms_key_arn
    }
  }
}

resource "aws_glue_catalog_database" "this" {
  name        = var.names.glue_database
  description = "Pulso tables over S3 (curated messages, quarantine, predictions, runs, topic assignments); schemas from pulso.json."
  tags        = var.tags
}

resource "aws_glue_job" "this" {
  for_each = local.jobs

  name         = each.value.name
  description  = each.value.description
  role_arn     = aws_iam_role.glue.arn
  glue_version = "3.0"
  # 1 DPU (16 GB) for every job, discover included: its heaviest step is KMeans over at most
  # topics.max_messages (50k) messages x topics.svd_dimensions (50) dimensions, about 20 MB of float64.
  max_capacity           = 1
  timeout                = var.config.pipeline.limits.glue_job_timeout_minutes[each.key] # pulso.json, as locally
  security_configuration = aws_glue_security_configuration.this.name
  # Step Functions retries the task (with backoff) and records the failure: no hidden Glue-level retries.
  max_retries = 0

  command {
    name            = "pythonshell"
    python_version  = "3.9"
    script_location = "s3://${aws_s3_object.script[each.key].bucket}/${aws_s3_object.script[each.key].key}"
  }

  default_arguments = merge(local.common_arguments, each.value.arguments)

  execution_property {
    max_concurrent_runs = 4
  }

  tags = var.tags

  # The job reads its code at run time: make sure the role may do so before the first run can start.
  depends_on = [aws_iam_role_policy.glue]
}
