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
  default     = "cache"

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

variable "subnet_ids" {
  type        = list(string)
  description = "Subnets of the cache nodes (output `database_subnet_ids` of vpc)."

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list at least one subnet ID such as subnet-0123456789abcdef0."
  }
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the cache nodes (output `cache_security_group_id` of security-groups)."

  validation {
    condition     = length(var.security_group_ids) >= 1 && alltrue([for id in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "security_group_ids must list at least one security group ID such as sg-0123456789abcdef0."
  }
}

variable "engine" {
  type        = string
  description = "Cache engine: valkey or redis."
  default     = "valkey"

  validation {
    condition     = contains(["valkey", "redis"], var.engine)
    error_message = "engine must be valkey or redis."
  }
}

variable "engine_version" {
  type        = string
  description = "Engine version, e.g. `8.0` (valkey) or `7.1` (redis)."
  default     = "8.0"
}

variable "parameter_group_family" {
  type        = string
  description = "Parameter group family matching the engine version, e.g. `valkey8` or `redis7`."
  default     = "valkey8"

  validation {
    condition     = can(regex("^(valkey|redis)[0-9.]+$", var.parameter_group_family))
    error_message = "parameter_group_family must look like valkey8 or redis7."
  }
}

variable "parameters" {
  type        = map(string)
  description = "Engine parameters, e.g. `{ maxmemory-policy = \"allkeys-lru\" }`."
  default     = {}
}

variable "node_type" {
  type        = string
  description = "Node type, e.g. `cache.t4g.small`."
  default     = "cache.t4g.small"

  validation {
    condition     = can(regex("^cache\\.[a-z0-9]+\\.[a-z0-9]+$", var.node_type))
    error_message = "node_type must be an ElastiCache node type such as cache.t4g.small."
  }
}

variable "num_cache_clusters" {
  type        = number
  description = "Nodes in the group: 1 (no replica) to 6. With 2 or more, Multi-AZ and automatic failover are on."
  default     = 2

  validation {
    condition     = var.num_cache_clusters >= 1 && var.num_cache_clusters <= 6
    error_message = "num_cache_clusters must be between 1 and 6."
  }
}

variable "port" {
  type        = number
  description = "Port of the cache (security-groups' cache_port)."
  default     = 6379

  validation {
    condition     = var.port > 0 && var.port < 65536
    error_message = "port must be a valid TCP port."
  }
}

variable "snapshot_retention_limit" {
  type        = number
  description = "Days of automatic snapshots to keep (0 disables them)."
  default     = 5

  validation {
    condition     = var.snapshot_retention_limit >= 0 && var.snapshot_retention_limit <= 35
    error_message = "snapshot_retention_limit must be between 0 and 35."
  }
}

variable "snapshot_window" {
  type        = string
  description = "Daily snapshot window (UTC), e.g. `02:00-03:00`."
  default     = "02:00-03:00"

  validation {
    condition     = can(regex("^[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]$", var.snapshot_window))
    error_message = "snapshot_window must look like 02:00-03:00."
  }
}

variable "maintenance_window" {
  type        = string
  description = "Weekly maintenance window (UTC), e.g. `sun:06:00-sun:07:00`."
  default     = "sun:06:00-sun:07:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must look like sun:06:00-sun:07:00."
  }
}

variable "log_retention_in_days" {
  type        = number
  description = "Retention of the slow-log and engine-log groups (a value CloudWatch accepts)."
  default     = 30
}
