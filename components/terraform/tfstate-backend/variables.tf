variable "region" {
  type        = string
  description = "AWS region to deploy into, e.g. `us-east-1`."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "The region must be a valid AWS region name such as us-east-1."
  }
}

variable "namespace" {
  type        = string
  description = "Organization namespace, first element of every resource name."
}

variable "tenant" {
  type        = string
  description = "Tenant (organizational unit), e.g. `core` or `plat`."
}

variable "environment" {
  type        = string
  description = "Short region code, e.g. `ue1` or `uw2`."
}

variable "stage" {
  type        = string
  description = "Stage (account), e.g. `dev`, `staging`, `prod` or `shared`."
}

variable "name" {
  type        = string
  description = "Name of this component instance, used in resource names."
  default     = "tfstate"
}

variable "tags" {
  type        = map(string)
  description = "Additional tags applied to every resource."
  default     = {}
}

variable "force_destroy" {
  type        = bool
  description = "Allow destroying the state bucket even when it still holds state files. Keep false outside of sandboxes."
  default     = false
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "Days to keep noncurrent versions of state files before they expire."
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "kms_deletion_window_in_days" {
  type        = number
  description = "Waiting period before the KMS key is deleted after a destroy."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "enable_point_in_time_recovery" {
  type        = bool
  description = "Enable point-in-time recovery on the DynamoDB lock table."
  default     = true
}

variable "allowed_principal_arns" {
  type        = list(string)
  description = "IAM principals in other accounts (dev/staging/prod) allowed to read and write state, e.g. their Terraform roles."
  default     = []
}
