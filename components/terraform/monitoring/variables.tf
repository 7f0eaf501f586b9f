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
  default     = "monitoring"

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

variable "alarm_email_addresses" {
  type        = list(string)
  description = "E-mail addresses subscribed to the alarm topic (each must confirm the subscription)."
  default     = []
}

variable "alarm_https_endpoint" {
  type        = string
  description = "HTTPS endpoint (e.g. an incident-management integration URL) subscribed to the alarm topic. Empty disables it."
  default     = ""
}

variable "dashboard_name" {
  type        = string
  description = "Name of the CloudWatch dashboard. Defaults to the label id."
  default     = null
}

variable "rds_instance_ids" {
  type        = list(string)
  description = "RDS instances to alarm on (output `instance_id` of rds)."
  default     = []
}

variable "lambda_function_names" {
  type        = list(string)
  description = "Lambda functions to alarm on (output `function_name` of lambda components)."
  default     = []
}

variable "http_api_ids" {
  type        = list(string)
  description = "HTTP APIs to alarm on (output `api_id` of apigateway)."
  default     = []
}

variable "eks_cluster_names" {
  type        = list(string)
  description = "EKS clusters shown on the dashboard (output `cluster_name` of eks)."
  default     = []
}

variable "dynamodb_table_names" {
  type        = list(string)
  description = "DynamoDB tables to alarm on for throttling, e.g. the Terraform lock table."
  default     = []
}

variable "rds_cpu_threshold_percent" {
  type        = number
  description = "CPU utilization above which the RDS alarm fires."
  default     = 80

  validation {
    condition     = var.rds_cpu_threshold_percent > 0 && var.rds_cpu_threshold_percent <= 100
    error_message = "rds_cpu_threshold_percent must be in (0, 100]."
  }
}

variable "rds_free_storage_threshold_bytes" {
  type        = number
  description = "Free storage below which the RDS alarm fires."
  default     = 5368709120
}

variable "api_5xx_threshold" {
  type        = number
  description = "5xx responses per 5 minutes above which the API alarm fires."
  default     = 10
}

variable "ec2_instance_ids" {
  type        = list(string)
  description = "EC2 instances to alarm on (output `instance_ids` of ec2): CPU and status checks."
  default     = []

  validation {
    condition     = alltrue([for id in var.ec2_instance_ids : can(regex("^i-[0-9a-f]+$", id))])
    error_message = "ec2_instance_ids must be instance IDs such as i-0123456789abcdef0."
  }
}

variable "ec2_cpu_threshold_percent" {
  type        = number
  description = "EC2 CPU alarm threshold, in percent."
  default     = 85

  validation {
    condition     = var.ec2_cpu_threshold_percent > 0 && var.ec2_cpu_threshold_percent <= 100
    error_message = "ec2_cpu_threshold_percent must be between 1 and 100."
  }
}

variable "vpc_flow_log_group_name" {
  type        = string
  description = "Flow log group of the VPC (output `flow_log_group_name` of vpc); rejected packets become a metric. Null: no VPC metric."
  default     = null
}

variable "oam_sink_enabled" {
  type        = bool
  description = "Make this instance the aggregating one: a CloudWatch cross-account observability sink the environments link to (shared account)."
  default     = false
}

variable "oam_source_account_ids" {
  type        = list(string)
  description = "Accounts allowed to link to the sink (with oam_sink_enabled)."
  default     = []

  validation {
    condition     = alltrue([for id in var.oam_source_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "oam_source_account_ids must be 12-digit AWS account IDs."
  }
}

variable "oam_sink_arn" {
  type        = string
  description = "The aggregating sink to link this account's metrics, logs and traces to (output `oam_sink_arn` of the shared account's monitoring). Null: no link."
  default     = null

  validation {
    condition     = var.oam_sink_arn == null || can(regex("^arn:aws[a-z-]*:oam:", var.oam_sink_arn))
    error_message = "oam_sink_arn must be a CloudWatch Observability Access Manager sink ARN."
  }
}
