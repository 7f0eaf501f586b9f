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
  default     = "api"
}

variable "tags" {
  type        = map(string)
  description = "Additional tags applied to every resource."
  default     = {}
}

variable "api_type" {
  type        = string
  description = "`HTTP` (API Gateway v2) or `REST` (API Gateway v1, defined through an OpenAPI body)."
  default     = "HTTP"

  validation {
    condition     = contains(["HTTP", "REST"], var.api_type)
    error_message = "api_type must be HTTP or REST."
  }
}

variable "stage_name" {
  type        = string
  description = "Name of the deployment stage."
  default     = "v1"
}

variable "lambda_integrations" {
  type = map(object({
    function_name = string
    invoke_arn    = string
    qualifier     = optional(string, "live")
  }))
  description = "Lambda backends keyed by integration name (outputs `function_name` and `invoke_arn` of lambda components)."
}

variable "routes" {
  type = map(object({
    integration = string
    authorized  = optional(bool, false)
  }))
  description = "Routes keyed by `METHOD /path`, e.g. `\"GET /orders\" = { integration = \"orders\" }`. `authorized` requires the JWT authorizer (HTTP only)."

  validation {
    condition     = alltrue([for k in keys(var.routes) : can(regex("^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /", k))])
    error_message = "Route keys must look like `GET /path`."
  }
}

variable "cors_allow_origins" {
  type        = list(string)
  description = "Origins allowed by CORS (HTTP only). Empty disables CORS."
  default     = []
}

variable "jwt_issuer" {
  type        = string
  description = "Issuer URL of the JWT authorizer (HTTP only). Null disables the authorizer."
  default     = null
}

variable "jwt_audience" {
  type        = list(string)
  description = "Accepted audiences of the JWT authorizer."
  default     = []
}

variable "throttling_burst_limit" {
  type        = number
  description = "Stage-wide burst limit."
  default     = 500
}

variable "throttling_rate_limit" {
  type        = number
  description = "Stage-wide steady-state requests per second."
  default     = 1000
}

variable "vpc_id" {
  type        = string
  description = "VPC for the VPC link (output `vpc_id` of vpc). Null disables the VPC link."
  default     = null
}

variable "vpc_link_subnet_ids" {
  type        = list(string)
  description = "Subnets of the VPC link ENIs (output `private_subnet_ids` of vpc)."
  default     = []
}

variable "domain_name" {
  type        = string
  description = "Custom domain, e.g. `api.dev.example.com`. Null keeps only the execute-api endpoint."
  default     = null
}

variable "certificate_arn" {
  type        = string
  description = "Regional ACM certificate of the custom domain (output `certificate_arn` of acm)."
  default     = null
}

variable "zone_id" {
  type        = string
  description = "Route53 zone for the custom domain alias record (output `zone_id` of dns)."
  default     = null
}

variable "log_retention_in_days" {
  type        = number
  description = "Retention of the access log group."
  default     = 30
}
