variable "names" {
  description = "The whole output object of modules/names; this module reads project, environment, buckets, kms_alias and layout."
  type = object({
    project     = string
    environment = string
    buckets     = map(string)
    kms_alias   = string
    layout      = map(string)
  })
  validation {
    condition     = sort(keys(var.names.buckets)) == sort(["raw", "transformed", "models", "outputs"])
    error_message = "names.buckets must name exactly the purposes raw, transformed, models and outputs."
  }
  validation {
    condition     = startswith(var.names.kms_alias, "alias/") && !startswith(var.names.kms_alias, "alias/aws/")
    error_message = "names.kms_alias must start with \"alias/\" and must not use the reserved \"alias/aws/\" prefix."
  }
  validation {
    condition     = can(var.names.layout.transform_input)
    error_message = "names.layout must hold transform_input (the prefix whose objects expire on the transformed bucket)."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for k, v in var.tags : length(k) <= 128 && length(v) <= 256])
    error_message = "Tag keys must be at most 128 characters, values at most 256."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the buckets even when they still hold objects. Keep false outside throw-away stacks."
  type        = bool
  default     = false
}

variable "enable_deny_policies" {
  description = "Attach the bucket policies that deny plain HTTP and uploads encrypted other than with the project key (the moto test turns them off)."
  type        = bool
  default     = true
}

variable "noncurrent_version_days" {
  description = "Days after which noncurrent object versions are deleted, in every bucket."
  type        = number
  default     = 30
  validation {
    condition     = var.noncurrent_version_days >= 1 && floor(var.noncurrent_version_days) == var.noncurrent_version_days
    error_message = "noncurrent_version_days must be a whole number of at least 1."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period in days before a scheduled deletion of the KMS key takes effect (7 to 30)."
  type        = number
  default     = 30
  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "kms_deletion_window_days must be a whole number from 7 to 30."
  }
}
