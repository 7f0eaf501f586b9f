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
  default     = "dynamodb"

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

variable "hash_key" {
  type        = string
  description = "Partition key attribute (declared in attributes)."
}

variable "range_key" {
  type        = string
  description = "Sort key attribute (declared in attributes), or null."
  default     = null
}

variable "attributes" {
  type = list(object({
    name = string
    type = string
  }))
  description = "Key attributes of the table and its indexes: `{ name, type }` with type S, N or B."

  validation {
    condition     = length(var.attributes) > 0 && alltrue([for a in var.attributes : contains(["S", "N", "B"], a.type)])
    error_message = "attributes needs at least one attribute, each of type S, N or B."
  }
}

variable "global_secondary_indexes" {
  type = map(object({
    hash_key        = string
    range_key       = optional(string)
    projection_type = optional(string, "ALL")
  }))
  description = "Global secondary indexes by name."
  default     = {}

  validation {
    condition     = alltrue([for i in values(var.global_secondary_indexes) : contains(["ALL", "KEYS_ONLY"], i.projection_type)])
    error_message = "projection_type must be ALL or KEYS_ONLY."
  }
}

variable "billing_mode" {
  type        = string
  description = "PAY_PER_REQUEST (on demand) or PROVISIONED (then read_capacity and write_capacity apply)."
  default     = "PAY_PER_REQUEST"

  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.billing_mode)
    error_message = "billing_mode must be PAY_PER_REQUEST or PROVISIONED."
  }
}

variable "read_capacity" {
  type        = number
  description = "Read capacity units (PROVISIONED only)."
  default     = 5

  validation {
    condition     = var.read_capacity >= 1
    error_message = "read_capacity must be at least 1."
  }
}

variable "write_capacity" {
  type        = number
  description = "Write capacity units (PROVISIONED only)."
  default     = 5

  validation {
    condition     = var.write_capacity >= 1
    error_message = "write_capacity must be at least 1."
  }
}

variable "ttl_attribute" {
  type        = string
  description = "Attribute holding the expiry time (epoch seconds), or null for no TTL."
  default     = null
}

variable "point_in_time_recovery_enabled" {
  type        = bool
  description = "Continuous backups with point-in-time recovery (35 days)."
  default     = true
}

variable "deletion_protection_enabled" {
  type        = bool
  description = "Refuse DeleteTable until this is turned off."
  default     = true
}

variable "vpc_endpoint_id" {
  type        = string
  description = "DynamoDB gateway endpoint of the VPC (output `dynamodb_vpc_endpoint_id` of vpc): the application roles may use the table only through it. Null: no endpoint condition."
  default     = null

  validation {
    condition     = var.vpc_endpoint_id == null || can(regex("^vpce-[0-9a-f]+$", var.vpc_endpoint_id))
    error_message = "vpc_endpoint_id must be a VPC endpoint ID such as vpce-0123456789abcdef0."
  }
}

variable "access_role_arns" {
  type        = list(string)
  description = "Application roles admitted by the table's resource policy (outputs `lambda_execution_role_arn`, `ecs_task_role_arn` of iam). Empty: no resource policy."
  default     = []

  validation {
    condition     = alltrue([for arn in var.access_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", arn))])
    error_message = "access_role_arns must be IAM role ARNs."
  }
}
