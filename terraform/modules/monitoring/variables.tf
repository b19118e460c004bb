variable "names" {
  description = "The whole output object of modules/names; this module reads project, environment, state_machine, lambdas and sns_topic."
  type = object({
    project       = string
    environment   = string
    state_machine = string
    lambdas       = map(string)
    sns_topic     = string
  })
  validation {
    condition     = length(var.names.lambdas) > 0
    error_message = "names.lambdas must name at least one Lambda function."
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

variable "kms_key_arn" {
  description = "ARN of the project KMS key (storage module output kms_key_arn); encrypts the SNS topic and the log groups."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); log groups do not accept an alias."
  }
}

variable "state_machine_arn" {
  description = "ARN of the pipeline state machine (orchestration module output state_machine_arn); dimension of the execution alarms."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]+$", var.state_machine_arn))
    error_message = "state_machine_arn must be a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)."
  }
}

variable "log_retention_days" {
  description = "Retention of the project's log groups, in days (one of the values CloudWatch Logs accepts)."
  type        = number
  default     = 30
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "quarantine_rate_threshold" {
  description = "Alarm when the share of rows quarantined by the ETL job (RowsQuarantined / RowsRead within an hour) exceeds this fraction."
  type        = number
  default     = 0.05
  validation {
    condition     = var.quarantine_rate_threshold > 0 && var.quarantine_rate_threshold < 1
    error_message = "quarantine_rate_threshold must be a fraction between 0 and 1 (exclusive)."
  }
}

variable "alarm_email" {
  description = "E-mail address subscribed to the notification topic; empty for none. AWS sends a confirmation mail first."
  type        = string
  default     = ""
  validation {
    condition     = var.alarm_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be empty or an e-mail address."
  }
}
