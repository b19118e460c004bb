variable "names" {
  description = "The whole output object of modules/names: every resource name and layout prefix, rendered from pulso.json."
  type = object({
    project                   = string
    environment               = string
    buckets                   = map(string)
    glue_jobs                 = map(string)
    lambdas                   = map(string)
    roles                     = map(string)
    state_machine             = string
    model_package_group       = string
    sns_topic                 = string
    daily_schedule            = string
    weekly_discovery_schedule = string
    glue_database             = string
    layout                    = map(string)
  })

  validation {
    condition = alltrue([
      for key in ["on_upload", "read_manifest", "quality_gate", "find_champion", "record_run", "approve_topics"] : contains(keys(var.names.lambdas), key)
    ])
    error_message = "names.lambdas must name the six functions: on_upload, read_manifest, quality_gate, find_champion, record_run, approve_topics."
  }

  validation {
    condition     = alltrue([for key in ["lambda", "states"] : contains(keys(var.names.roles), key)])
    error_message = "names.roles must name the lambda and states roles."
  }

  validation {
    condition     = alltrue([for key in ["etl", "publish", "report", "discover"] : contains(keys(var.names.glue_jobs), key)])
    error_message = "names.glue_jobs must name the etl, publish, report and discover jobs."
  }

  validation {
    condition = alltrue([
      for key in [
        "raw_incoming", "manifests", "embeddings", "training_jobs", "transform_output", "runs", "code",
        "topic_reports", "topic_discovery", "topic_maps", "topic_approvals", "topic_approval_results",
      ] :
      can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$", var.names.layout[key]))
    ])
    error_message = "names.layout needs raw_incoming, manifests, embeddings, training_jobs, transform_output, runs, code, topic_reports, topic_discovery, topic_maps, topic_approvals and topic_approval_results, each a key prefix ending in \"/\"."
  }
}

variable "tags" {
  description = "Tags for every taggable resource of the module (the provider's default_tags come on top)."
  type        = map(string)
  default     = {}
}

variable "config" {
  description = "The decoded shared configuration (jsondecode(file(\".../src/pulso/config/pulso.json\"))): pipeline.sagemaker, pipeline.hyperparameters, training.metric_definitions and profiles are read."
  type        = any

  validation {
    condition = alltrue([
      for key in [
        "framework_version", "training_instance_type", "transform_instance_type",
        "transform_instance_count", "max_payload_mb", "max_runtime_seconds", "use_spot", "max_wait_seconds",
      ] : can(var.config.pipeline.sagemaker[key])
    ])
    error_message = "config.pipeline.sagemaker lacks a setting the state machine needs (framework version, instance types and count, max_payload_mb, max_runtime_seconds, use_spot, max_wait_seconds)."
  }

  validation {
    condition = can([
      for definition in var.config.training.metric_definitions : regex(".", "${definition.Name}${definition.Regex}")
    ])
    error_message = "config.training.metric_definitions must be a list of {Name, Regex} objects."
  }

  validation {
    # pulso.config rejects booleans and nested values too: SageMaker passes every hyperparameter as a string.
    condition = alltrue([
      for value in values(try(var.config.pipeline.hyperparameters, {})) : can(tostring(value)) && value != true && value != false
    ])
    error_message = "config.pipeline.hyperparameters values must be strings or numbers."
  }
}

variable "region" {
  description = "AWS region the pipeline runs in (ARNs, image URIs, the sagemaker_region hyperparameter)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "images" {
  description = "The SageMaker PyTorch framework image URIs of this deployment: training_image and inference_image, resolved for var.region and config.pipeline.sagemaker.framework_version with the SageMaker Python SDK at build time (`make images` writes them to images.json)."
  type        = map(string)

  validation {
    condition     = length(setsubtract(["training_image", "inference_image"], keys(var.images))) == 0
    error_message = "images must hold training_image and inference_image (run `make images`)."
  }

  validation {
    # <registry account>.dkr.ecr.<region>.amazonaws.com[.cn]/pytorch-<scope>:<framework version>-<processor>-<python>
    condition = alltrue([
      for key, scope in { training_image = "training", inference_image = "inference" } :
      can(regex("^[0-9]{12}\\.dkr\\.ecr\\.${var.region}\\.amazonaws\\.com(\\.cn)?/pytorch-${scope}:${replace(try(var.config.pipeline.sagemaker.framework_version, ""), ".", "\\.")}-[a-z0-9.-]+$", lookup(var.images, key, "")))
    ])
    error_message = "images must be ECR URIs of the pytorch-training and pytorch-inference images in var.region for config.pipeline.sagemaker.framework_version: resolve them again for this region and version (`make images`)."
  }
}

variable "account_id" {
  description = "AWS account id of the deployment (ARNs of the functions, the state machine and its log group)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "kms_key_arn" {
  description = "ARN of the project's KMS key (from modules/storage): Lambda environment encryption, SSE-KMS run records, SageMaker output and volume encryption."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "bucket_arns" {
  description = "Bucket ARNs by purpose (from modules/storage): raw, transformed, models, outputs."
  type        = map(string)

  validation {
    condition     = alltrue([for key in ["raw", "transformed", "models", "outputs"] : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.bucket_arns[key]))])
    error_message = "bucket_arns must hold the S3 bucket ARNs of raw, transformed, models and outputs."
  }
}

variable "bucket_names" {
  description = "Bucket names by purpose (from modules/storage): raw, transformed, models, outputs. They must be the names modules/names renders, which the state machine definition uses."
  type        = map(string)

  validation {
    condition     = alltrue([for key in ["raw", "transformed", "models", "outputs"] : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_names[key]))])
    error_message = "bucket_names must hold the bucket names of raw, transformed, models and outputs."
  }

  validation {
    condition     = alltrue([for key, name in var.names.buckets : lookup(var.bucket_names, key, name) == name])
    error_message = "bucket_names disagree with names.buckets: the state machine definition would point at other buckets than the IAM policies."
  }
}

variable "glue_job_arns" {
  description = "ARNs of the Glue jobs the state machine starts (from modules/etl), by job: etl, publish, report, discover."
  type        = map(string)

  validation {
    condition     = length(var.glue_job_arns) > 0 && alltrue([for arn in values(var.glue_job_arns) : can(regex("^arn:aws[a-z-]*:glue:[a-z0-9-]+:[0-9]{12}:job/.+$", arn))])
    error_message = "glue_job_arns must be a non-empty map of Glue job ARNs (arn:aws:glue:<region>:<account>:job/<name>)."
  }

  validation {
    # The definition starts every job of names.glue_jobs: the role must be allowed to start each of them.
    condition     = alltrue([for key in keys(var.names.glue_jobs) : contains(keys(var.glue_job_arns), key)])
    error_message = "glue_job_arns must hold the ARN of every job in names.glue_jobs (etl, publish, report, discover), by the same key."
  }
}

variable "sagemaker_role_arn" {
  description = "ARN of the SageMaker execution role (from modules/training) that training jobs and models run as; the state machine passes it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.sagemaker_role_arn))
    error_message = "sagemaker_role_arn must be an IAM role ARN."
  }
}

variable "sns_topic_arn" {
  description = "ARN of the notification topic (from modules/monitoring) the state machine publishes success and failure summaries to, and approve_topics its decisions."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", var.sns_topic_arn))
    error_message = "sns_topic_arn must be an SNS topic ARN."
  }
}

variable "lambda_zip_path" {
  description = "Path of the Lambda deployment package holding lambdas/ and pulso/ (built by tools/build_artifacts.py), shared by the six functions."
  type        = string

  validation {
    condition     = endswith(var.lambda_zip_path, ".zip") && fileexists(var.lambda_zip_path)
    error_message = "lambda_zip_path must name an existing .zip file (run tools/build_artifacts.py first)."
  }
}

variable "definition_template_path" {
  description = "Path of statemachine/pipeline.asl.json.tftpl, the one state machine definition (rendered with templatefile)."
  type        = string

  validation {
    condition     = fileexists(var.definition_template_path)
    error_message = "definition_template_path must name an existing file (statemachine/pipeline.asl.json.tftpl)."
  }
}

variable "retry_interval_seconds" {
  description = "IntervalSeconds of every Retry in the definition (the local runtime uses 1)."
  type        = number
  default     = 10

  validation {
    condition     = var.retry_interval_seconds >= 1 && var.retry_interval_seconds <= 3600 && floor(var.retry_interval_seconds) == var.retry_interval_seconds
    error_message = "retry_interval_seconds must be a whole number of seconds between 1 and 3600."
  }
}

variable "daily_schedule_expression" {
  description = "EventBridge Scheduler expression (UTC) of the daily predict run."
  type        = string
  default     = "cron(0 6 * * ? *)"

  validation {
    condition     = can(regex("^(cron|rate|at)\\(.+\\)$", var.daily_schedule_expression))
    error_message = "daily_schedule_expression must be a Scheduler expression: cron(...), rate(...) or at(...)."
  }
}

variable "weekly_discovery_schedule_expression" {
  description = "EventBridge Scheduler expression (UTC) of the weekly topic discovery run (state machine input {\"mode\": \"discover\"})."
  type        = string
  default     = "cron(0 6 ? * MON *)"

  validation {
    condition     = can(regex("^(cron|rate|at)\\(.+\\)$", var.weekly_discovery_schedule_expression))
    error_message = "weekly_discovery_schedule_expression must be a Scheduler expression: cron(...), rate(...) or at(...)."
  }
}

variable "daily_profile" {
  description = "Source profile of the daily predict run: it reads s3://<raw>/incoming/<profile>/predict/."
  type        = string
  default     = "tweets"

  validation {
    condition     = contains(keys(var.config.profiles), var.daily_profile)
    error_message = "daily_profile must be one of the profiles in config.profiles."
  }
}

variable "log_group_names" {
  description = "Optional: modules/monitoring's log_group_names output (state_machine, lambda_<key>). Passing it makes Terraform create the log groups before the state machine and the functions that log to them; left out, the names are derived (/aws/vendedlogs/states/<name>, /aws/lambda/<name>)."
  type        = map(string)
  default     = {}

  validation {
    condition     = startswith(lookup(var.log_group_names, "state_machine", "/aws/vendedlogs/"), "/aws/vendedlogs/")
    error_message = "log_group_names.state_machine must lie under /aws/vendedlogs/ (keeps CloudWatch Logs' resource policy small)."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency per function key (on_upload, read_manifest, quality_gate, find_champion, record_run, approve_topics); functions left out stay unreserved. Reserving needs spare account concurrency (AWS keeps 10 unreserved)."
  type        = map(number)
  default     = {}

  validation {
    condition = alltrue([
      for key, value in var.lambda_reserved_concurrency :
      contains(["on_upload", "read_manifest", "quality_gate", "find_champion", "record_run", "approve_topics"], key) && value >= 0 && floor(value) == value
    ])
    error_message = "lambda_reserved_concurrency keys must be function keys (on_upload, read_manifest, quality_gate, find_champion, record_run, approve_topics) and values whole numbers >= 0."
  }
}

variable "config_uri" {
  description = "S3 URI of the deployment's effective configuration (from modules/etl, which uploads it): every function gets it as PULSO_CONFIG_URI, the training job and the transform model through the definition's config_uri."
  type        = string

  validation {
    # The role may read exactly s3://<names.buckets.models>/<names.layout.effective_config> (iam.tf).
    condition     = var.config_uri == "s3://${var.names.buckets.models}/${try(var.names.layout.effective_config, "")}"
    error_message = "config_uri must be s3://<names.buckets.models>/<names.layout.effective_config>, the object modules/etl uploads."
  }
}
