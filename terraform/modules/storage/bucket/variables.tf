variable "name" {
  description = "Bucket name (rendered by modules/names)."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name))
    error_message = "name must be a valid S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key used for default encryption (SSE-KMS with an S3 Bucket Key)."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "access_log_bucket" {
  description = "Name of the bucket that receives this bucket's S3 server access logs."
  type        = string
  validation {
    condition     = length(var.access_log_bucket) >= 3
    error_message = "access_log_bucket must be a bucket name."
  }
}

variable "access_log_prefix" {
  description = "Key prefix of this bucket's access logs in the access-log bucket; it must end with a slash."
  type        = string
  validation {
    condition     = endswith(var.access_log_prefix, "/")
    error_message = "access_log_prefix must end with \"/\"."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket even when it still holds objects (and object versions)."
  type        = bool
  default     = false
}

variable "noncurrent_version_days" {
  description = "Days after which a noncurrent object version is deleted."
  type        = number
  default     = 30
  validation {
    condition     = var.noncurrent_version_days >= 1 && floor(var.noncurrent_version_days) == var.noncurrent_version_days
    error_message = "noncurrent_version_days must be a whole number of at least 1."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which an incomplete multipart upload is aborted and its parts deleted."
  type        = number
  default     = 7
  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number of at least 1."
  }
}

variable "expiring_prefixes" {
  description = "Key prefixes whose current objects expire, mapped to their age in days (e.g. { \"transform-input/\" = 30 })."
  type        = map(number)
  default     = {}
  validation {
    condition     = alltrue([for prefix, days in var.expiring_prefixes : endswith(prefix, "/") && days >= 1 && floor(days) == days])
    error_message = "Every expiring prefix must end with \"/\" and expire after a whole number of at least 1 day."
  }
}

variable "enable_deny_policies" {
  description = "Attach the bucket policy that denies plain HTTP and uploads encrypted other than with the project key."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to the bucket."
  type        = map(string)
  default     = {}
}
