# Analytics: the Athena workgroup, a Glue catalog table for every table of pulso.json (schemas, buckets and prefixes
# from the configuration; date-only partitions projected, run partitions registered by the jobs), and the named
# queries of sql/.
# The Glue database itself belongs to modules/etl (names.glue_database).

locals {
  # The key ARN is validated (arn:<partition>:kms:<region>:<account>:key/<id>): it says where the module deploys,
  # without data sources (which the offline tests would have to mock).
  arn_parts  = split(":", var.kms_key_arn)
  partition  = local.arn_parts[1]
  region     = local.arn_parts[3]
  account_id = local.arn_parts[4]

  database       = var.names.glue_database
  results_prefix = "athena-results/"

  # Configuration types are Hive/Athena types already; the map is the list of what the module accepts.
  glue_types = { tinyint = "tinyint", int = "int", bigint = "bigint", double = "double", string = "string", timestamp = "timestamp" }

  # The record_run Lambda writes one JSON line per run (runs/ingest_date=D/run_id=R.json); the jobs write Parquet.
  json_tables = ["runs"]

  formats = {
    parquet = {
      classification        = "parquet"
      input_format          = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
      output_format         = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      serde_parameters      = { "serialization.format" = "1" }
    }
    json = {
      classification        = "json"
      input_format          = "org.apache.hadoop.mapred.TextInputFormat"
      output_format         = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      # A malformed run record fails the query instead of silently reading as nulls.
      serde_parameters = { "ignore.malformed.json" = "false", "case.insensitive" = "true" }
    }
  }

  # Partition projection for tables whose partition keys are all dates (runs: Athena computes the partitions).
  # Tables also (or only) partitioned by run_id (messages, quarantine, predictions, topic_assignments) use the
  # partitions the jobs register in the catalog when they write a run (glue_jobs.catalog), so queries can span runs.
  projections = {
    ingest_date = {
      "type"          = "date"
      "format"        = "yyyy-MM-dd"
      "range"         = "2020-01-01,NOW"
      "interval"      = "1"
      "interval.unit" = "DAYS"
    }
  }

  tables = {
    for name, table in var.config.tables : name => {
      description    = try(table.description, "")
      location       = "s3://${var.bucket_names[table.bucket]}/${table.prefix}"
      format         = local.formats[contains(local.json_tables, name) ? "json" : "parquet"]
      columns        = table.columns
      partition_keys = try(table.partition_keys, [])
      projected      = length(try(table.partition_keys, [])) > 0 && alltrue([for key in try(table.partition_keys, []) : contains(keys(local.projections), key.name)])
      # s3://bucket/prefix/ingest_date=${ingest_date}/run_id=${run_id}/ (Hive-style folders, as the jobs write them)
      template = "s3://${var.bucket_names[table.bucket]}/${table.prefix}${join("", [for key in try(table.partition_keys, []) : format("%s=$${%s}/", key.name, key.name)])}"
    }
  }

  queries = {
    for file in fileset(var.sql_dir, "*.sql") : trimsuffix(file, ".sql") => {
      sql = file("${var.sql_dir}/${file}")
      # The first line, when it is a "-- " comment, describes the query.
      description = substr(try(trimspace(trimprefix(regex("^--[^\n]*", file("${var.sql_dir}/${file}")), "--")), "Pulso query ${trimsuffix(file, ".sql")}"), 0, 1024)
    }
  }
}

resource "aws_athena_workgroup" "this" {
  name        = var.names.athena_workgroup
  description = "Pulso queries over the ${local.database} tables; results encrypted in s3://${var.bucket_names.outputs}/${local.results_prefix}."
  state       = "ENABLED"

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location       = "s3://${var.bucket_names.outputs}/${local.results_prefix}"
      expected_bucket_owner = local.account_id

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }

  tags = var.tags
}

resource "aws_glue_catalog_table" "this" {
  for_each = local.tables

  database_name = local.database
  name          = each.key
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"

  parameters = merge(
    {
      "EXTERNAL"       = "TRUE"
      "classification" = each.value.format.classification
    },
    !each.value.projected ? {} : merge(
      {
        "projection.enabled"        = "true"
        "storage.location.template" = each.value.template
      },
      [
        for key in each.value.partition_keys : {
          for property, value in local.projections[key.name] : "projection.${key.name}.${property}" => value
        }
      ]...
    )
  )

  dynamic "partition_keys" {
    for_each = each.value.partition_keys

    content {
      name    = partition_keys.value.name
      type    = local.glue_types[partition_keys.value.type]
      comment = try(partition_keys.value.comment, null)
    }
  }

  storage_descriptor {
    location      = each.value.location
    input_format  = each.value.format.input_format
    output_format = each.value.format.output_format

    ser_de_info {
      name                  = each.key
      serialization_library = each.value.format.serialization_library
      parameters            = each.value.format.serde_parameters
    }

    dynamic "columns" {
      for_each = each.value.columns

      content {
        name    = columns.value.name
        type    = local.glue_types[columns.value.type]
        comment = try(columns.value.comment, null)
      }
    }
  }
}

resource "aws_athena_named_query" "this" {
  for_each = local.queries

  name        = each.key
  description = each.value.description
  workgroup   = aws_athena_workgroup.this.name
  database    = local.database
  query       = each.value.sql
}
