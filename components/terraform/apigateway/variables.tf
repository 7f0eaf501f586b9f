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
  default     = "api"

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
    integration   = string
    authorized    = optional(bool, false)
    authorization = optional(string)
  }))
  description = "Routes keyed by `METHOD /path`, e.g. `\"GET /orders\" = { integration = \"orders\" }`. `integration` is a key of lambda_integrations or http_integrations, `alb` for the load balancer (HTTP) or `mock` (REST). `authorization` is JWT, LAMBDA, IAM or NONE (HTTP); `authorized = true` means JWT."

  validation {
    condition     = alltrue([for k in keys(var.routes) : can(regex("^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /", k))])
    error_message = "Route keys must look like `GET /path`."
  }

  validation {
    condition     = alltrue([for r in values(var.routes) : contains(["JWT", "LAMBDA", "IAM", "NONE"], coalesce(r.authorization, "NONE"))])
    error_message = "A route's authorization must be JWT, LAMBDA, IAM or NONE."
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

  validation {
    condition     = var.throttling_burst_limit >= 0
    error_message = "throttling_burst_limit must not be negative."
  }
}

variable "throttling_rate_limit" {
  type        = number
  description = "Stage-wide steady-state requests per second."
  default     = 1000

  validation {
    condition     = var.throttling_rate_limit >= 0
    error_message = "throttling_rate_limit must not be negative."
  }
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
  description = "Retention of the access log group (a value CloudWatch accepts, e.g. 30)."
  default     = 30
}

variable "alb_listener_arn" {
  type        = string
  description = "HTTPS listener of the load balancer (output `https_listener_arn` of alb), target of the `alb` routes through the VPC link. Null: no alb routes."
  default     = null

  validation {
    condition     = var.alb_listener_arn == null || can(regex("^arn:aws[a-z-]*:elasticloadbalancing:", var.alb_listener_arn))
    error_message = "alb_listener_arn must be an Elastic Load Balancing listener ARN."
  }
}

variable "zone_role_arn" {
  type        = string
  description = "Role to assume for writing the alias record when the zone is in another account (output `record_writer_role_arn` of dns)."
  default     = null

  validation {
    condition     = var.zone_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.zone_role_arn))
    error_message = "zone_role_arn must be an IAM role ARN."
  }
}

variable "http_integrations" {
  type        = map(string)
  description = "HTTP backends by integration name (URL), for routes whose integration names one."
  default     = {}

  validation {
    condition     = alltrue([for url in values(var.http_integrations) : can(regex("^https?://", url))])
    error_message = "http_integrations values must be http:// or https:// URLs."
  }
}

variable "lambda_authorizer" {
  type = object({
    function_name    = string
    invoke_arn       = string
    identity_sources = optional(list(string), ["$request.header.Authorization"])
    ttl_in_seconds   = optional(number, 300)
  })
  description = "Lambda authorizer (HTTP, REQUEST type) for routes with authorization = LAMBDA (outputs of a lambda component). Null: none."
  default     = null
}

variable "api_keys" {
  type        = list(string)
  description = "API keys to create, by client name (REST): every method then requires `x-api-key`, and the keys share one usage plan."
  default     = []

  validation {
    condition     = alltrue([for k in var.api_keys : can(regex("^[a-z0-9][a-z0-9-]*$", k))])
    error_message = "api_keys are client names: lowercase letters, digits and dashes."
  }
}

variable "usage_plan_quota_limit" {
  type        = number
  description = "Requests each API key may make per usage_plan_quota_period (REST with api_keys)."
  default     = 100000

  validation {
    condition     = var.usage_plan_quota_limit >= 1
    error_message = "usage_plan_quota_limit must be at least 1."
  }
}

variable "usage_plan_quota_period" {
  type        = string
  description = "Quota period of the usage plan: DAY, WEEK or MONTH."
  default     = "MONTH"

  validation {
    condition     = contains(["DAY", "WEEK", "MONTH"], var.usage_plan_quota_period)
    error_message = "usage_plan_quota_period must be DAY, WEEK or MONTH."
  }
}

variable "dashboard_enabled" {
  type        = bool
  description = "Create a CloudWatch dashboard of the API (requests, 4xx/5xx, p99 latency)."
  default     = true
}
