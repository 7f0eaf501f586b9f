# ---- Label context (the same in every component; set by the stacks' vars) ----

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
  description = "Organization namespace, first element of every resource name, e.g. `acme`."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.namespace))
    error_message = "namespace must be 2 to 10 lowercase letters or digits, starting with a letter."
  }
}

variable "tenant" {
  type        = string
  description = "Tenant (organizational unit), e.g. `plat`."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.tenant))
    error_message = "tenant must be 2 to 10 lowercase letters or digits, starting with a letter."
  }
}

variable "environment" {
  type        = string
  description = "Region abbreviation, e.g. `use1` (us-east-1) or `usw2` (us-west-2)."

  validation {
    condition     = can(regex("^[a-z]{2,4}[0-9]$", var.environment))
    error_message = "environment must be a region abbreviation such as use1, usw2 or euw1."
  }
}

variable "stage" {
  type        = string
  description = "Stage, which is the account: `dev`, `staging`, `prod` or `shared`."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.stage))
    error_message = "stage must be 2 to 10 lowercase letters or digits, e.g. dev, staging, prod or shared."
  }
}

variable "name" {
  type        = string
  description = "Name of this component instance, last element of resource names."
  default     = "dns"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}$", var.name))
    error_message = "name must be lowercase letters, digits and dashes (at most 31), starting with a letter."
  }
}

variable "tags" {
  type        = map(string)
  description = "Additional tags applied to every resource."
  default     = {}
}

variable "domain_name" {
  type        = string
  description = "Fully qualified name of the hosted zone, e.g. `example.com` or `dev.example.com`."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase fully qualified domain name without a trailing dot."
  }
}

variable "private_zone_vpc_ids" {
  type        = list(string)
  description = "VPCs to associate with the zone. When non-empty the zone is private."
  default     = []
}

variable "parent_zone_id" {
  type        = string
  description = "Hosted zone that delegates to this zone (NS record). Null for a top-level zone."
  default     = null
}

variable "parent_zone_role_arn" {
  type        = string
  description = "Role to assume for writing the delegation record when the parent zone lives in another account."
  default     = null
}

variable "records" {
  type = map(object({
    type    = string
    ttl     = optional(number, 300)
    records = list(string)
  }))
  description = "Simple record sets keyed by name relative to the zone (`@` for the apex), e.g. `{ www = { type = \"CNAME\", records = [\"app.example.com\"] } }`."
  default     = {}

  validation {
    condition     = alltrue([for r in values(var.records) : contains(["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS"], r.type)])
    error_message = "Record type must be one of A, AAAA, CNAME, MX, TXT, SRV, CAA or NS."
  }
}

variable "query_logging_enabled" {
  type        = bool
  description = "Log DNS queries to CloudWatch Logs (public zones only; the log group must live in us-east-1)."
  default     = false
}

variable "query_log_retention_in_days" {
  type        = number
  description = "Retention of the query log group."
  default     = 30
}

variable "record_writer_account_ids" {
  type        = list(string)
  description = "Accounts (the environments) allowed to assume the record writer role to write records into this zone."
  default     = []

  validation {
    condition     = alltrue([for id in var.record_writer_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "record_writer_account_ids must be 12-digit AWS account IDs."
  }
}
