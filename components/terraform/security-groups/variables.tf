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
  default     = "sg"
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
  description = "CIDRs allowed to reach the public load balancers on 443."
  default     = ["0.0.0.0/0"]
}

variable "app_port" {
  type        = number
  description = "Port the application workloads listen on behind the load balancer."
  default     = 8080
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
