variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "eu-west-1"
}

variable "alarm_email" {
  description = "Email address subscribed to the notifications topic (empty: no subscription)."
  type        = string
  default     = ""
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete non-empty buckets (development only)."
  type        = bool
  default     = false
}

variable "enable_deny_policies" {
  description = "Attach the TLS-only and deny-unencrypted bucket policies. Only the emulator test turns this off (moto enforces conditional Deny statements without their conditions)."
  type        = bool
  default     = true
}

variable "enable_redshift" {
  description = "Create a Redshift Serverless namespace and workgroup that query the Glue catalog in place."
  type        = bool
  default     = false
}

variable "bytes_scanned_cutoff" {
  description = "Athena workgroup limit per query, in bytes."
  type        = number
  default     = 10737418240
}

variable "daily_schedule_expression" {
  description = "When the daily predict run starts (EventBridge Scheduler expression, UTC)."
  type        = string
  default     = "cron(0 6 * * ? *)"
}

variable "weekly_discovery_schedule_expression" {
  description = "When the weekly topic discovery run starts (EventBridge Scheduler expression, UTC)."
  type        = string
  default     = "cron(0 6 ? * MON *)"
}

variable "discovery_python_modules" {
  description = "pip requirements the discover Glue job installs at start (--additional-python-modules). Empty: none, and the discovery report's map is drawn with PCA instead of UMAP."
  type        = string
  default     = "umap-learn==0.5.7"
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups."
  type        = number
  default     = 30
}

variable "artifacts_dir" {
  description = "Folder holding lambdas.zip, the Glue wheel pulso_glue-<version>-py3-none-any.whl, sourcedir.tar.gz and images.json, the SageMaker image URIs for var.region (`make artifacts`, which resolves the images for TF_VAR_region)."
  type        = string
  default     = "../../build"
}

variable "config_overlay_path" {
  description = "Optional JSON overlay for this deployment (a new source profile, another gate floor...), deep-merged over src/pulso/config/pulso.json. Terraform's merge() is shallow, so `make effective-config CONFIG_OVERLAY=<path>` (which `make deploy` runs) merges and validates it with pulso.config into <artifacts_dir>/pulso-config.json, with the hashes of both inputs in pulso-config.sources.json; that document is what the jobs read. Null: pulso.json as it is."
  type        = string
  default     = null

  validation {
    # The effective configuration must have been made from this overlay and the current pulso.json.
    condition = var.config_overlay_path == null || try(
      jsondecode(file("${abspath("${path.module}/${var.artifacts_dir}")}/pulso-config.sources.json")) == {
        base_sha256    = filesha256("${path.module}/../../../src/pulso/config/pulso.json")
        overlay_sha256 = filesha256(var.config_overlay_path)
      },
      false,
    )
    error_message = "The effective configuration in artifacts_dir is missing or was made from another overlay or pulso.json: run `make effective-config CONFIG_OVERLAY=<this overlay>` (make deploy does)."
  }
}
