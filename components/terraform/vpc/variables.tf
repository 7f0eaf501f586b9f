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
  default     = "vpc"

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

variable "cidr_block" {
  type        = string
  description = "IPv4 CIDR block of the VPC. Public, private and database subnets are carved out of it."

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && tonumber(split("/", var.cidr_block)[1]) <= 20
    error_message = "cidr_block must be a valid IPv4 CIDR of size /20 or larger."
  }
}

variable "availability_zone_count" {
  type        = number
  description = "Number of availability zones to spread the subnets over."
  default     = 3

  validation {
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 4
    error_message = "availability_zone_count must be between 2 and 4."
  }
}

variable "subnet_newbits" {
  type        = number
  description = "Bits added to the VPC prefix for each subnet, e.g. 4 turns a /16 into /20 subnets."
  default     = 4
}

variable "database_subnets_enabled" {
  type        = bool
  description = "Create isolated database subnets (no route to the internet)."
  default     = true
}

variable "nat_gateway_enabled" {
  type        = bool
  description = "Create NAT gateways so private subnets can reach the internet."
  default     = true
}

variable "single_nat_gateway" {
  type        = bool
  description = "Use one shared NAT gateway instead of one per availability zone (cheaper, not highly available)."
  default     = false
}

variable "vpc_endpoints_enabled" {
  type        = bool
  description = "Create gateway endpoints for S3 and DynamoDB."
  default     = true
}

variable "interface_endpoints" {
  type        = list(string)
  description = "Interface endpoints to create in the private subnets, by service, e.g. `ssm`, `ecr.api`, `ecr.dkr`, `logs`, `sts`."
  default     = []

  validation {
    condition     = alltrue([for s in var.interface_endpoints : can(regex("^[a-z0-9-]+(\\.[a-z0-9-]+)*$", s))])
    error_message = "interface_endpoints are service names such as ssm, ecr.api or logs."
  }
}

variable "flow_logs_enabled" {
  type        = bool
  description = "Send VPC flow logs to CloudWatch Logs."
  default     = true
}

variable "flow_logs_retention_in_days" {
  type        = number
  description = "Retention of the flow log group."
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653], var.flow_logs_retention_in_days)
    error_message = "flow_logs_retention_in_days must be a retention period CloudWatch Logs accepts."
  }
}
