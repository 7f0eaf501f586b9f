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
  default     = "acm"
}

variable "tags" {
  type        = map(string)
  description = "Additional tags applied to every resource."
  default     = {}
}

variable "domain_name" {
  type        = string
  description = "Primary domain of the certificate, e.g. `api.dev.example.com` or `*.dev.example.com`."
}

variable "subject_alternative_names" {
  type        = list(string)
  description = "Additional names covered by the certificate."
  default     = []
}

variable "zone_id" {
  type        = string
  description = "Route53 zone used for DNS validation (output `zone_id` of the dns component)."

  validation {
    condition     = can(regex("^Z[0-9A-Z]+$", var.zone_id))
    error_message = "zone_id must be a Route53 hosted zone ID such as Z0123456789ABCDEFGHIJ."
  }
}

variable "zone_role_arn" {
  type        = string
  description = "Role to assume for writing validation records when the zone lives in another account."
  default     = null
}

variable "wait_for_validation" {
  type        = bool
  description = "Block the apply until ACM reports the certificate as issued."
  default     = true
}

variable "key_algorithm" {
  type        = string
  description = "Key algorithm of the certificate."
  default     = "RSA_2048"

  validation {
    condition     = contains(["RSA_2048", "EC_prime256v1", "EC_secp384r1"], var.key_algorithm)
    error_message = "key_algorithm must be RSA_2048, EC_prime256v1 or EC_secp384r1."
  }
}
