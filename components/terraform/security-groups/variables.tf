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
  default     = "sg"

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

variable "vpc_id" {
  type        = string
  description = "ID of the VPC the security groups belong to (output `vpc_id` of the vpc component)."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "vpc_cidr_block" {
  type        = string
  description = "CIDR block of the VPC; internal services accept traffic from it."
}

variable "public_ingress_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to reach the public load balancers on 443 (the only ingress from outside the VPC)."
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for cidr in var.public_ingress_cidrs : can(cidrnetmask(cidr))])
    error_message = "public_ingress_cidrs must be IPv4 CIDR blocks such as 0.0.0.0/0 or 203.0.113.0/24."
  }
}

variable "app_port" {
  type        = number
  description = "Port the application workloads listen on behind the load balancer."
  default     = 8080

  validation {
    condition     = var.app_port > 0 && var.app_port < 65536
    error_message = "app_port must be a valid TCP port."
  }
}

variable "database_port" {
  type        = number
  description = "Port of the database engine (5432 for PostgreSQL, 3306 for MySQL/MariaDB)."
  default     = 5432

  validation {
    condition     = var.database_port > 0 && var.database_port < 65536
    error_message = "database_port must be a valid TCP port."
  }
}

variable "cache_port" {
  type        = number
  description = "Port of the cache engine (6379 for Valkey/Redis, 11211 for Memcached)."
  default     = 6379

  validation {
    condition     = var.cache_port > 0 && var.cache_port < 65536
    error_message = "cache_port must be a valid TCP port."
  }
}
