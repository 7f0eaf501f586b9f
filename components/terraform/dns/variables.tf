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
    name    = optional(string)
    ttl     = optional(number, 300)
    records = optional(list(string), [])
    alias = optional(object({
      name                   = string
      zone_id                = string
      evaluate_target_health = optional(bool, true)
    }))
    set_identifier = optional(string)
    routing = optional(object({
      policy    = string
      weight    = optional(number)
      region    = optional(string)
      failover  = optional(string)
      continent = optional(string)
      country   = optional(string)
    }))
    health_check = optional(object({
      fqdn              = string
      type              = optional(string, "HTTPS")
      port              = optional(number, 443)
      resource_path     = optional(string, "/")
      failure_threshold = optional(number, 3)
      request_interval  = optional(number, 30)
    }))
  }))
  description = "Record sets by key; `name` (default: the key) is relative to the zone, `@` for the apex. Plain records (`records`, `ttl`) or an `alias`; a `routing` policy (simple, weighted, latency, failover, geolocation, multivalue) with a `set_identifier`; an optional `health_check`."
  default     = {}

  validation {
    condition     = alltrue([for r in values(var.records) : contains(["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS"], r.type)])
    error_message = "Record type must be one of A, AAAA, CNAME, MX, TXT, SRV, CAA or NS."
  }

  validation {
    condition     = alltrue([for r in values(var.records) : (r.alias == null) != (length(r.records) == 0)])
    error_message = "Each record set has either records or an alias, not both and not neither."
  }

  validation {
    condition = alltrue([for r in values(var.records) : r.routing == null ? r.set_identifier == null : (
      contains(["simple", "weighted", "latency", "failover", "geolocation", "multivalue"], r.routing.policy) &&
      (r.routing.policy == "simple") == (r.set_identifier == null)
    )])
    error_message = "routing.policy must be simple, weighted, latency, failover, geolocation or multivalue; every policy but simple needs a set_identifier (and simple has none)."
  }

  validation {
    condition     = alltrue([for r in values(var.records) : r.health_check == null ? true : contains(["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"], r.health_check.type)])
    error_message = "health_check.type must be HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH or TCP."
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
