variable "name" {
  type        = string
  description = "Name of the log group, e.g. `/aws/vpc/acme-plat-use1-dev-vpc/flow-logs`."

  validation {
    condition     = can(regex("^[.\\-_/#A-Za-z0-9]{1,512}$", var.name))
    error_message = "A log group name has 1 to 512 characters: letters, digits and . - _ / #."
  }
}

variable "retention_in_days" {
  type        = number
  description = "Days CloudWatch keeps the events (one of the values CloudWatch accepts)."
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.retention_in_days)
    error_message = "retention_in_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "kms_deletion_window_in_days" {
  type        = number
  description = "Waiting period before the log group's key is deleted after a destroy."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags of the log group and its key."
  default     = {}
}
