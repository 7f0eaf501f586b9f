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
  default     = "monitoring"
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
