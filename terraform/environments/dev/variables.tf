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
  description = "Folder holding lambdas.zip, glue_packages.zip and sourcedir.tar.gz (`make artifacts`)."
  type        = string
  default     = "../../build"
}
