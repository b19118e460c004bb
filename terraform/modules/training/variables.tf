variable "names" {
  description = "The whole output object of modules/names: every resource name and layout prefix, rendered from pulso.json."
  type = object({
    project             = string
    environment         = string
    buckets             = map(string)
    roles               = map(string)
    model_package_group = string
    layout              = map(string)
  })

  validation {
    condition     = contains(keys(var.names.roles), "sagemaker")
    error_message = "names.roles must name the sagemaker role."
  }

  validation {
    # SageMaker resource names: letters, digits and hyphens, up to 63 characters.
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", var.names.model_package_group))
    error_message = "names.model_package_group must be 1-63 letters, digits and hyphens (no leading or trailing hyphen)."
  }

  validation {
    condition = alltrue([
      for key in ["messages", "transform_input", "embeddings", "code", "training_jobs", "transform_output"] :
      can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$", var.names.layout[key]))
    ])
    error_message = "names.layout needs messages, transform_input, embeddings, code, training_jobs and transform_output, each a key prefix ending in \"/\"."
  }

  validation {
    # The training job reads the deployment's effective configuration there ($PULSO_CONFIG_URI; modules/etl uploads it).
    condition     = can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\\.json$", var.names.layout.effective_config))
    error_message = "names.layout.effective_config must be the object key of the effective configuration (e.g. \"code/config/pulso.json\")."
  }
}

variable "tags" {
  description = "Tags for every taggable resource of the module (the provider's default_tags come on top)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "ARN of the project's KMS key (from modules/storage): training source upload, SageMaker output and volume encryption. Its partition, region and account also build the log group and ECR ARNs."
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
    condition     = alltrue([for key in ["transformed", "models", "outputs"] : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_arns[key]))])
    error_message = "bucket_arns must hold the S3 bucket ARNs of transformed, models and outputs."
  }
}

variable "bucket_names" {
  description = "Bucket names by purpose (from modules/storage): raw, transformed, models, outputs; each the bucket of the same key in bucket_arns."
  type        = map(string)

  validation {
    condition     = alltrue([for key in ["transformed", "models", "outputs"] : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_names[key]))])
    error_message = "bucket_names must hold the bucket names of transformed, models and outputs."
  }

  validation {
    condition     = alltrue([for key, name in var.bucket_names : endswith(try(var.bucket_arns[key], ""), ":::${name}")])
    error_message = "bucket_names and bucket_arns must name the same bucket for every purpose."
  }

  validation {
    # The state machine builds s3://<names.buckets.*>/ URIs for the jobs this role runs: both must mean the same buckets.
    condition     = alltrue([for key in ["transformed", "models", "outputs"] : try(var.bucket_names[key] == var.names.buckets[key], false)])
    error_message = "bucket_names must be the bucket names modules/names renders (names.buckets)."
  }
}

variable "source_dir_path" {
  description = "Local path of the SageMaker training source directory archive (`make artifacts`: terraform/build/sourcedir.tar.gz); uploaded to s3://<models>/<layout.code>training/sourcedir.tar.gz."
  type        = string

  validation {
    condition     = endswith(var.source_dir_path, ".tar.gz") && fileexists(var.source_dir_path)
    error_message = "source_dir_path must be an existing .tar.gz file (run `make artifacts` first)."
  }
}
