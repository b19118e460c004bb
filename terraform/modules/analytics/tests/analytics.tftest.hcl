# Offline plan tests of modules/analytics: tables from the real pulso.json, named queries from the real sql/,
# names through modules/names; the provider is mocked, with ARN-shaped values for what the outputs read.

mock_provider "aws" {
  override_during = plan

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/pulso-dev-redshift"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  config               = jsondecode(file("../../../src/pulso/config/pulso.json"))
  kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  sql_dir              = "../../../sql"
  bytes_scanned_cutoff = 10737418240
  tags                 = { project = "pulso", environment = "dev" }
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

run "workgroup_is_encrypted_capped_and_enforced" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
  }

  assert {
    condition     = aws_athena_workgroup.this.name == "pulso-dev" && output.athena_workgroup_name == "pulso-dev"
    error_message = "The workgroup must be names.athena_workgroup."
  }

  assert {
    condition = (
      aws_athena_workgroup.this.configuration[0].enforce_workgroup_configuration == true &&
      aws_athena_workgroup.this.configuration[0].publish_cloudwatch_metrics_enabled == true &&
      aws_athena_workgroup.this.configuration[0].bytes_scanned_cutoff_per_query == 10737418240
    )
    error_message = "The workgroup must enforce its configuration, publish metrics and cap the bytes scanned per query."
  }

  assert {
    condition = (
      aws_athena_workgroup.this.configuration[0].result_configuration[0].output_location == "s3://pulso-dev-outputs-123456789012/athena-results/" &&
      aws_athena_workgroup.this.configuration[0].result_configuration[0].encryption_configuration[0].encryption_option == "SSE_KMS" &&
      aws_athena_workgroup.this.configuration[0].result_configuration[0].encryption_configuration[0].kms_key_arn == var.kms_key_arn
    )
    error_message = "Results must go to s3://<outputs>/athena-results/, SSE-KMS with the project key."
  }
}

run "every_configured_table_is_in_the_catalog" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
  }

  assert {
    condition     = output.table_names == sort(keys(var.config.tables)) && output.table_names == tolist(["messages", "predictions", "quarantine", "runs", "topic_assignments"])
    error_message = "There must be one table per entry of config.tables."
  }

  assert {
    condition     = alltrue([for name, table in aws_glue_catalog_table.this : table.database_name == "pulso_dev" && table.table_type == "EXTERNAL_TABLE"])
    error_message = "Every table must be an external table of names.glue_database."
  }

  assert {
    condition = alltrue([
      for name, spec in var.config.tables :
      [for column in aws_glue_catalog_table.this[name].storage_descriptor[0].columns : [column.name, column.type, column.comment]] == [for column in spec.columns : [column.name, column.type, column.comment]]
    ])
    error_message = "Columns (names, types, comments, order) must be those of config.tables."
  }

  assert {
    condition = alltrue([
      for name, spec in var.config.tables :
      [for key in aws_glue_catalog_table.this[name].partition_keys : [key.name, key.type]] == [for key in spec.partition_keys : [key.name, key.type]]
    ])
    error_message = "Partition keys must be those of config.tables."
  }

  assert {
    condition = (
      aws_glue_catalog_table.this["messages"].storage_descriptor[0].location == "s3://pulso-dev-transformed-123456789012/messages/" &&
      aws_glue_catalog_table.this["quarantine"].storage_descriptor[0].location == "s3://pulso-dev-transformed-123456789012/quarantine/" &&
      aws_glue_catalog_table.this["predictions"].storage_descriptor[0].location == "s3://pulso-dev-outputs-123456789012/predictions/" &&
      aws_glue_catalog_table.this["runs"].storage_descriptor[0].location == "s3://pulso-dev-outputs-123456789012/runs/" &&
      aws_glue_catalog_table.this["topic_assignments"].storage_descriptor[0].location == "s3://pulso-dev-outputs-123456789012/topic-assignments/"
    )
    error_message = "Locations must be s3://<bucket of table.bucket>/<table.prefix>."
  }

  assert {
    condition = alltrue([
      for name in ["messages", "quarantine", "predictions", "topic_assignments"] :
      aws_glue_catalog_table.this[name].storage_descriptor[0].ser_de_info[0].serialization_library == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" &&
      aws_glue_catalog_table.this[name].storage_descriptor[0].input_format == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat" &&
      aws_glue_catalog_table.this[name].parameters["classification"] == "parquet"
    ])
    error_message = "The job-written tables must be Parquet."
  }

  assert {
    condition = (
      aws_glue_catalog_table.this["runs"].storage_descriptor[0].ser_de_info[0].serialization_library == "org.openx.data.jsonserde.JsonSerDe" &&
      aws_glue_catalog_table.this["runs"].storage_descriptor[0].input_format == "org.apache.hadoop.mapred.TextInputFormat" &&
      aws_glue_catalog_table.this["runs"].parameters["classification"] == "json"
    )
    error_message = "The runs table must read the run records as JSON lines (OpenX JSON SerDe)."
  }
}

run "partitions" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
  }

  # runs is partitioned by date only: Athena projects its partitions.
  assert {
    condition = (
      aws_glue_catalog_table.this["runs"].parameters["projection.enabled"] == "true" &&
      aws_glue_catalog_table.this["runs"].parameters["projection.ingest_date.type"] == "date" &&
      aws_glue_catalog_table.this["runs"].parameters["projection.ingest_date.format"] == "yyyy-MM-dd" &&
      aws_glue_catalog_table.this["runs"].parameters["projection.ingest_date.range"] == "2020-01-01,NOW"
    )
    error_message = "The runs table must project ingest_date as a yyyy-MM-dd date from 2020-01-01 to NOW."
  }

  assert {
    condition = (
      aws_glue_catalog_table.this["runs"].parameters["storage.location.template"] == "s3://pulso-dev-outputs-123456789012/runs/ingest_date=$${ingest_date}/" &&
      !contains(keys(aws_glue_catalog_table.this["runs"].parameters), "projection.run_id.type")
    )
    error_message = "The runs table is partitioned by ingest_date only (runs/ingest_date=D/run_id=R.json)."
  }

  # Tables partitioned by run too use the partitions the jobs register, so a query can span runs.
  assert {
    condition = alltrue([
      for name in ["messages", "quarantine", "predictions"] :
      length([for key in keys(aws_glue_catalog_table.this[name].parameters) : key if startswith(key, "projection.")]) == 0 &&
      [for key in aws_glue_catalog_table.this[name].partition_keys : key.name] == ["ingest_date", "run_id"]
    ])
    error_message = "messages, quarantine and predictions must not be projected (catalog partitions), keyed by ingest_date and run_id."
  }

  # topic_assignments is partitioned by discovery run only: the discover job registers each run's partition.
  assert {
    condition = (
      length([for key in keys(aws_glue_catalog_table.this["topic_assignments"].parameters) : key if startswith(key, "projection.")]) == 0 &&
      !contains(keys(aws_glue_catalog_table.this["topic_assignments"].parameters), "storage.location.template") &&
      [for key in aws_glue_catalog_table.this["topic_assignments"].partition_keys : [key.name, key.type]] == [["run_id", "string"]]
    )
    error_message = "topic_assignments must be keyed by run_id alone, with catalog partitions (no projection)."
  }

  assert {
    condition = (
      one([for column in aws_glue_catalog_table.this["topic_assignments"].storage_descriptor[0].columns : column.type if column.name == "cluster"]) == "int" &&
      one([for column in aws_glue_catalog_table.this["predictions"].storage_descriptor[0].columns : column.type if column.name == "topic_map_version"]) == "int"
    )
    error_message = "Columns of type int (cluster, topic_map_version) must be Glue int columns."
  }
}

run "a_table_without_partitions_gets_no_projection" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    config = {
      tables = {
        labels = {
          description    = "A flat lookup table."
          bucket         = "models"
          prefix         = "labels/"
          columns        = [{ name = "value", type = "tinyint", comment = "Label" }, { name = "name", type = "string", comment = "Name" }]
          partition_keys = []
        }
      }
    }
  }

  assert {
    condition     = !contains(keys(aws_glue_catalog_table.this["labels"].parameters), "projection.enabled") && length(aws_glue_catalog_table.this["labels"].partition_keys) == 0
    error_message = "Projection settings only make sense for partitioned tables."
  }
}

run "every_sql_file_is_a_named_query" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
  }

  assert {
    condition     = sort(keys(aws_athena_named_query.this)) == sort([for file in fileset(var.sql_dir, "*.sql") : trimsuffix(file, ".sql")])
    error_message = "There must be one named query per *.sql file, named after the file."
  }

  assert {
    condition     = sort(keys(aws_athena_named_query.this)) == sort(["model_versions", "prediction_drift", "quarantine_reasons", "repeat_negative_authors", "run_history", "sentiment_by_day", "support_queue"])
    error_message = "sql/ must provide exactly model_versions, prediction_drift, quarantine_reasons, repeat_negative_authors, run_history, sentiment_by_day and support_queue."
  }

  assert {
    condition = alltrue([
      for name, query in aws_athena_named_query.this :
      query.database == "pulso_dev" && query.workgroup == "pulso-dev" && query.query == file("${var.sql_dir}/${name}.sql")
    ])
    error_message = "Named queries must run the file's SQL against names.glue_database in the module's workgroup."
  }

  assert {
    condition     = alltrue([for query in aws_athena_named_query.this : length(query.description) > 0 && !startswith(query.description, "--")])
    error_message = "Every named query must be described by its file's leading comment."
  }
}

run "redshift_is_off_by_default" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
  }

  assert {
    condition     = length(aws_redshiftserverless_namespace.this) == 0 && length(aws_redshiftserverless_workgroup.this) == 0 && length(aws_iam_role.redshift) == 0
    error_message = "No Redshift resources unless enable_redshift."
  }

  assert {
    condition     = output.redshift_external_schema_sql == null
    error_message = "No external schema statement without Redshift."
  }
}

run "redshift_serverless_reads_the_catalog" {
  command = plan

  variables {
    names           = run.names
    bucket_names    = run.names.buckets
    bucket_arns     = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    enable_redshift = true
  }

  assert {
    condition = (
      aws_redshiftserverless_namespace.this[0].namespace_name == "pulso-dev" &&
      aws_redshiftserverless_namespace.this[0].kms_key_id == var.kms_key_arn &&
      aws_redshiftserverless_namespace.this[0].manage_admin_password == true &&
      aws_redshiftserverless_namespace.this[0].default_iam_role_arn == "arn:aws:iam::123456789012:role/pulso-dev-redshift"
    )
    error_message = "The namespace must be KMS-encrypted, keep its admin password in Secrets Manager and default to the catalog role."
  }

  assert {
    condition     = aws_redshiftserverless_workgroup.this[0].publicly_accessible == false && aws_redshiftserverless_workgroup.this[0].namespace_name == "pulso-dev"
    error_message = "The workgroup must not be publicly accessible."
  }

  assert {
    condition     = one(one(data.aws_iam_policy_document.redshift_assume[0].statement).principals).identifiers == toset(["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"])
    error_message = "Only Redshift may assume the catalog role."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.redshift[0].statement : s.resources if s.sid == "ReadTheTables"]) == toset([
      "arn:aws:s3:::pulso-dev-transformed-123456789012/messages/*",
      "arn:aws:s3:::pulso-dev-transformed-123456789012/quarantine/*",
      "arn:aws:s3:::pulso-dev-outputs-123456789012/predictions/*",
      "arn:aws:s3:::pulso-dev-outputs-123456789012/runs/*",
      "arn:aws:s3:::pulso-dev-outputs-123456789012/topic-assignments/*",
    ])
    error_message = "Redshift must read the tables' prefixes only."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.redshift[0].statement : s.resources if s.sid == "ReadTheCatalog"]) == toset([
      "arn:aws:glue:eu-west-1:123456789012:catalog",
      "arn:aws:glue:eu-west-1:123456789012:database/pulso_dev",
      "arn:aws:glue:eu-west-1:123456789012:table/pulso_dev/*",
    ])
    error_message = "Redshift must read the project's catalog database only."
  }

  assert {
    condition     = alltrue(flatten([for s in data.aws_iam_policy_document.redshift[0].statement : [for action in s.actions : !can(regex("^(s3:(Put|Delete)|glue:(Create|Update|Delete|BatchCreate|BatchDelete))", action))]]))
    error_message = "The Redshift role must be read-only."
  }

  assert {
    condition     = output.redshift_external_schema_sql == "CREATE EXTERNAL SCHEMA IF NOT EXISTS pulso_dev FROM DATA CATALOG DATABASE 'pulso_dev' IAM_ROLE 'arn:aws:iam::123456789012:role/pulso-dev-redshift' REGION 'eu-west-1';"
    error_message = "The output must hold the CREATE EXTERNAL SCHEMA statement for the Glue database."
  }
}

run "rejects_a_cutoff_below_athenas_minimum" {
  command = plan

  variables {
    names                = run.names
    bucket_names         = run.names.buckets
    bucket_arns          = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    bytes_scanned_cutoff = 1000
  }

  expect_failures = [var.bytes_scanned_cutoff]
}

run "rejects_an_unknown_column_type" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    config = {
      tables = {
        bad = {
          bucket         = "outputs"
          prefix         = "bad/"
          columns        = [{ name = "payload", type = "map<string,string>", comment = "" }]
          partition_keys = []
        }
      }
    }
  }

  expect_failures = [var.config]
}

run "rejects_an_sql_dir_without_queries" {
  command = plan

  variables {
    names        = run.names
    bucket_names = run.names.buckets
    bucket_arns  = { for key, name in run.names.buckets : key => "arn:aws:s3:::${name}" }
    sql_dir      = "tests/no-such-folder"
  }

  expect_failures = [var.sql_dir]
}
