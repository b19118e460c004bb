variable "names" {
  description = "The whole output object of modules/names: every resource name and layout prefix, rendered from pulso.json."
  type = object({
    project          = string
    environment      = string
    buckets          = map(string)
    glue_database    = string
    athena_workgroup = string
  })

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.names.glue_database))
    error_message = "names.glue_database must be lower case letters, digits and underscores."
  }

  validation {
    # Athena workgroups allow [a-zA-Z0-9._-]{1,128}; the Redshift Serverless namespace and workgroup reuse the
    # name and need 3-64 lower case letters, digits and hyphens.
    condition     = can(regex("^[a-z0-9-]{3,64}$", var.names.athena_workgroup))
    error_message = "names.athena_workgroup must be 3-64 lower case letters, digits and hyphens."
  }
}

variable "tags" {
  description = "Tags for every taggable resource of the module (the provider's default_tags come on top)."
  type        = map(string)
  default     = {}
}

variable "config" {
  description = "The decoded shared configuration (jsondecode(file(\".../src/pulso/config/pulso.json\"))): tables (description, bucket, prefix, columns, partition_keys) is read."
  type        = any

  validation {
    condition     = can(length(var.config.tables)) && try(length(var.config.tables) > 0, false)
    error_message = "config.tables must hold at least one table."
  }

  validation {
    condition     = alltrue([for name, table in try(var.config.tables, {}) : can(regex("^[a-z][a-z0-9_]{0,254}$", name))])
    error_message = "Table names (the keys of config.tables) must be lower case letters, digits and underscores."
  }

  validation {
    condition = alltrue([
      for table in try(values(var.config.tables), []) :
      try(contains(["raw", "transformed", "models", "outputs"], table.bucket), false) && can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$", table.prefix))
    ])
    error_message = "Every table needs a bucket (raw, transformed, models or outputs) and a key prefix ending in \"/\"."
  }

  validation {
    condition = alltrue(flatten([
      for table in try(values(var.config.tables), []) : [
        for column in try(concat(table.columns, table.partition_keys), [null]) :
        try(can(regex("^[a-z_][a-z0-9_]*$", column.name)) && contains(["tinyint", "int", "bigint", "double", "string", "timestamp"], column.type), false)
      ]
    ]))
    error_message = "Every column and partition key needs a lower case name and a type among tinyint, int, bigint, double, string and timestamp."
  }

  validation {
    # ingest_date is projected as a date where it is the only key; run_id partitions are registered by the jobs.
    # Any other key would need its own handling here.
    condition = alltrue(flatten([
      for table in try(values(var.config.tables), []) : [
        for key in try(table.partition_keys, [null]) : try(contains(["ingest_date", "run_id"], key.name) && key.type == "string", false)
      ]
    ]))
    error_message = "Partition keys must be ingest_date and/or run_id, typed string (the projections this module knows)."
  }
}

variable "kms_key_arn" {
  description = "ARN of the project's KMS key (from modules/storage): Athena results, the Redshift Serverless namespace and its admin secret. Its partition, region and account also build ARNs."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "bucket_names" {
  description = "Bucket names by purpose (from modules/storage): raw, transformed, models, outputs. Tables live in the bucket their config names; Athena results go to the outputs bucket."
  type        = map(string)

  validation {
    condition     = alltrue([for key in ["raw", "transformed", "models", "outputs"] : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_names[key]))])
    error_message = "bucket_names must hold the bucket names of raw, transformed, models and outputs."
  }

  validation {
    # The jobs write under s3://<names.buckets.*>/: the tables must point there.
    condition     = alltrue([for key in ["raw", "transformed", "models", "outputs"] : try(var.bucket_names[key] == var.names.buckets[key], false)])
    error_message = "bucket_names must be the bucket names modules/names renders (names.buckets)."
  }
}

variable "bucket_arns" {
  description = "Bucket ARNs by purpose (from modules/storage): raw, transformed, models, outputs; each the bucket of the same key in bucket_names."
  type        = map(string)

  validation {
    condition     = alltrue([for key in ["raw", "transformed", "models", "outputs"] : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_arns[key]))])
    error_message = "bucket_arns must hold the S3 bucket ARNs of raw, transformed, models and outputs."
  }

  validation {
    condition     = alltrue([for key, arn in var.bucket_arns : endswith(arn, ":::${try(var.bucket_names[key], "")}")])
    error_message = "bucket_arns and bucket_names must name the same bucket for every purpose."
  }
}

variable "sql_dir" {
  description = "Folder of Athena (Trino dialect) queries: every *.sql file becomes a named query of the workgroup, named after the file. A leading \"-- \" comment line becomes its description."
  type        = string

  validation {
    condition     = length(fileset(var.sql_dir, "*.sql")) > 0
    error_message = "sql_dir must hold at least one *.sql file."
  }

  validation {
    condition     = alltrue([for file in fileset(var.sql_dir, "*.sql") : can(regex("^[A-Za-z0-9_.-]{1,124}\\.sql$", file))])
    error_message = "Query file names must be letters, digits, \".\", \"_\" or \"-\" (at most 128 characters with .sql)."
  }
}

variable "bytes_scanned_cutoff" {
  description = "Athena workgroup limit on the data one query may scan, in bytes (a query that would scan more is cancelled)."
  type        = number

  validation {
    # Athena's minimum is 10 MB.
    condition     = var.bytes_scanned_cutoff >= 10485760 && floor(var.bytes_scanned_cutoff) == var.bytes_scanned_cutoff
    error_message = "bytes_scanned_cutoff must be a whole number of bytes, at least 10485760 (10 MB)."
  }
}

variable "enable_redshift" {
  description = "Also create a Redshift Serverless namespace and workgroup (KMS-encrypted, not publicly accessible) with a role that reads the Glue catalog and the tables' S3 prefixes."
  type        = bool
  default     = false
}
