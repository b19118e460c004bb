variable "config" {
  description = "The decoded shared configuration (jsondecode(file(\".../src/pulso/config/pulso.json\")))."
  type        = any
}

variable "account_id" {
  description = "AWS account id that bucket names include."
  type        = string
  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}
