variable "names" {
  description = "The whole output object of modules/names: every resource name and layout prefix, rendered from pulso.json."
  type = object({
    project       = string
    environment   = string
    buckets       = map(string)
    glue_jobs     = map(string)
    roles         = map(string)
    glue_database = string
  })

  validation {
    condition     = alltrue([for key in ["etl", "publish", "report", "discover"] : contains(keys(var.names.glue_jobs), key)])
    error_message = "names.glue_jobs must name the etl, publish, report and discover jobs."
  }

  validation {
    condition     = contains(keys(var.names.roles), "glue")
    error_message = "names.roles must name the glue role."
  }

  validation {
    # Glue catalog database names: lower case letters, digits and underscores (Athena reads no other).
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.names.glue_database))
    error_message = "names.glue_database must be lower case letters, digits and underscores."
  }
}

variable "tags" {
  description = "Tags for every taggable resource of the module (the provider's default_tags come on top)."
  type        = map(string)
  default     = {}
}

variable "config" {
  description = "The decoded shared configuration (jsondecode(file(\".../src/pulso/config/pulso.json\"))): layout.code (where the job code is uploaded), the layout prefixes of the topic discovery and tables (partitions the jobs register) are read."
  type        = any

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$", var.config.layout.code))
    error_message = "config.layout.code must be a key prefix ending in \"/\" (e.g. \"code/\")."
  }

  validation {
    # The effective configuration is uploaded there as one object (main.tf), which every role may read exactly.
    condition     = can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\\.json$", var.config.layout.effective_config))
    error_message = "config.layout.effective_config must be the object key of the effective configuration, ending in .json (e.g. \"code/config/pulso.json\")."
  }

  validation {
    # The jobs' S3 permissions are scoped to these prefixes (iam.tf).
    condition = alltrue([
      for key in ["messages", "predictions", "embeddings", "topic_reports", "topic_discovery", "topic_maps", "manifests",
      "transform_input", "transform_output", "prediction_errors", "prediction_manifests", "reports"] :
      can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$", var.config.layout[key]))
    ])
    error_message = "config.layout needs messages, predictions, embeddings, topic_reports, topic_discovery, topic_maps, manifests, transform_input, transform_output, prediction_errors, prediction_manifests and reports, each a key prefix ending in \"/\"."
  }

  validation {
    # The tables the jobs read or write (iam.tf scopes the role to their prefixes).
    condition = alltrue([
      for table in ["messages", "quarantine", "predictions", "runs", "topic_assignments"] :
      can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$", var.config.tables[table].prefix))
    ])
    error_message = "config.tables needs messages, quarantine, predictions, runs and topic_assignments, each with a key prefix ending in \"/\"."
  }
}

variable "kms_key_arn" {
  description = "ARN of the project's KMS key (from modules/storage): code objects, the Glue security configuration, the jobs' SSE-KMS uploads. Its partition, region and account also build the log group ARNs."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "bucket_arns" {
  description = "Bucket ARNs by purpose (from modules/storage): raw, transformed, models, outputs."
  type        = map(string)

  validation {
    condition     = alltrue([for key in ["raw", "transformed", "models", "outputs"] : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_arns[key]))])
    error_message = "bucket_arns must hold the S3 bucket ARNs of raw, transformed, models and outputs."
  }
}

variable "bucket_names" {
  description = "Bucket names by purpose (from modules/storage): raw, transformed, models, outputs; each the bucket of the same key in bucket_arns."
  type        = map(string)

  validation {
    condition     = alltrue([for key in ["raw", "transformed", "models", "outputs"] : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_names[key]))])
    error_message = "bucket_names must hold the bucket names of raw, transformed, models and outputs."
  }

  validation {
    condition     = alltrue([for key, name in var.bucket_names : endswith(try(var.bucket_arns[key], ""), ":::${name}")])
    error_message = "bucket_names and bucket_arns must name the same bucket for every purpose."
  }

  validation {
    # The state machine passes s3://<names.buckets.*>/ to the jobs: both must mean the same buckets.
    condition     = alltrue([for key in ["raw", "transformed", "models", "outputs"] : try(var.bucket_names[key] == var.names.buckets[key], false)])
    error_message = "bucket_names must be the bucket names modules/names renders (names.buckets)."
  }
}

variable "etl_script_path" {
  description = "Local path of the ETL job script (src/glue_jobs/etl/job.py); uploaded to s3://<models>/<layout.code>glue/etl_job.py."
  type        = string

  validation {
    condition     = endswith(var.etl_script_path, ".py") && fileexists(var.etl_script_path)
    error_message = "etl_script_path must be an existing .py file."
  }
}

variable "publish_script_path" {
  description = "Local path of the publish-predictions job script (src/glue_jobs/publish/job.py); uploaded to s3://<models>/<layout.code>glue/publish_job.py."
  type        = string

  validation {
    condition     = endswith(var.publish_script_path, ".py") && fileexists(var.publish_script_path)
    error_message = "publish_script_path must be an existing .py file."
  }
}

variable "report_script_path" {
  description = "Local path of the run report job script (src/glue_jobs/report/job.py); uploaded to s3://<models>/<layout.code>glue/report_job.py."
  type        = string

  validation {
    condition     = endswith(var.report_script_path, ".py") && fileexists(var.report_script_path)
    error_message = "report_script_path must be an existing .py file."
  }
}

variable "shared_package_wheel_path" {
  description = "Local path of the wheel holding glue_jobs/ and pulso/ (`make artifacts`: terraform/build/pulso_glue-<version>-py3-none-any.whl); uploaded under its own name to s3://<models>/<layout.code>glue/ and passed to every job with --extra-py-files (Python shell 3.9 jobs take .whl, not .egg; Glue installs it with pip)."
  type        = string

  validation {
    # PEP 427 file name of a pure-Python 3 wheel: pip refuses to install a wheel under any other name.
    condition     = can(regex("^[A-Za-z0-9_]+-[A-Za-z0-9_.!+]+-py3-none-any\\.whl$", basename(var.shared_package_wheel_path))) && fileexists(var.shared_package_wheel_path)
    error_message = "shared_package_wheel_path must be an existing wheel named <distribution>-<version>-py3-none-any.whl (run `make artifacts` first)."
  }
}

variable "dependency_wheel_paths" {
  description = "Local paths of the third-party wheels the jobs need beyond the 'analytics' library set, in install order (`make artifacts`: terraform/build/markupsafe-<version>-py3-none-any.whl, then jinja2-<version>-py3-none-any.whl, the reports' template engine). Each is uploaded under its own name beside the shared package and listed before it in --extra-py-files (Python shell jobs cannot install from S3 with --additional-python-modules, and must not fetch from PyPI)."
  type        = list(string)

  validation {
    condition = alltrue([
      for path in var.dependency_wheel_paths :
      can(regex("^[A-Za-z0-9_]+-[A-Za-z0-9_.!+]+-py3-none-any\\.whl$", basename(path))) && fileexists(path)
    ])
    error_message = "dependency_wheel_paths must list existing wheels named <distribution>-<version>-py3-none-any.whl (run `make artifacts` first)."
  }

  validation {
    condition     = length(distinct([for path in var.dependency_wheel_paths : basename(path)])) == length(var.dependency_wheel_paths)
    error_message = "dependency_wheel_paths must not name the same wheel twice (each is uploaded under its own file name)."
  }
}

variable "discover_script_path" {
  description = "Local path of the topic discovery job script (src/glue_jobs/discover/job.py); uploaded to s3://<models>/<layout.code>glue/discover_job.py."
  type        = string

  validation {
    condition     = endswith(var.discover_script_path, ".py") && fileexists(var.discover_script_path)
    error_message = "discover_script_path must be an existing .py file."
  }
}

variable "discovery_python_modules" {
  description = "Extra pip requirements of the discover job (--additional-python-modules, comma-separated), installed at job start. Empty: the argument is left out and the job falls back to a PCA map of the clusters instead of UMAP (the analytics library set has no umap-learn)."
  type        = string
  default     = "umap-learn==0.5.7"

  validation {
    # Glue splits the value at commas; a space would end up inside a requirement.
    condition     = can(regex("^[^\\s,]+(,[^\\s,]+)*$", var.discovery_python_modules)) || var.discovery_python_modules == ""
    error_message = "discovery_python_modules must be empty or comma-separated requirements without spaces (e.g. \"umap-learn==0.5.7\")."
  }
}
