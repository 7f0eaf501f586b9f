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
  default     = "lambda"

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

variable "description" {
  type        = string
  description = "Description of the function."
  default     = ""
}

variable "role_arn" {
  type        = string
  description = "Execution role (output `lambda_execution_role_arn` of the iam component)."
}

variable "package_type" {
  type        = string
  description = "`Zip` (code in S3) or `Image` (container image in ECR)."
  default     = "Zip"

  validation {
    condition     = contains(["Zip", "Image"], var.package_type)
    error_message = "package_type must be Zip or Image."
  }
}

variable "s3_bucket" {
  type        = string
  description = "Bucket holding the deployment package (Zip only)."
  default     = null
}

variable "s3_key" {
  type        = string
  description = "Key of the deployment package in `s3_bucket` (Zip only)."
  default     = null
}

variable "image_uri" {
  type        = string
  description = "ECR image URI (Image only)."
  default     = null
}

variable "runtime" {
  type        = string
  description = "Runtime of a Zip function, e.g. `nodejs20.x` or `python3.12`."
  default     = "nodejs20.x"
}

variable "handler" {
  type        = string
  description = "Entry point of a Zip function, e.g. `index.handler`."
  default     = "index.handler"
}

variable "architecture" {
  type        = string
  description = "Instruction set architecture."
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  type        = number
  description = "Memory in MB."
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  type        = number
  description = "Timeout in seconds."
  default     = 30

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "environment_variables" {
  type        = map(string)
  description = "Environment variables of the function."
  default     = {}
}

variable "reserved_concurrent_executions" {
  type        = number
  description = "Reserved concurrency (-1 means unreserved)."
  default     = -1
}

variable "provisioned_concurrent_executions" {
  type        = number
  description = "Provisioned concurrency on the `live` alias (0 disables it)."
  default     = 0
}

variable "vpc_id" {
  type        = string
  description = "VPC to run in (output `vpc_id` of vpc); the function gets its own egress-only security group there. Null keeps the function outside the VPC."
  default     = null

  validation {
    condition     = var.vpc_id == null || can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID such as vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Subnets to run in when vpc_id is set (output `private_subnet_ids` of vpc)."
  default     = []

  validation {
    condition     = alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must be subnet IDs such as subnet-0123456789abcdef0."
  }
}

variable "tracing_mode" {
  type        = string
  description = "X-Ray tracing mode."
  default     = "PassThrough"

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "log_retention_in_days" {
  type        = number
  description = "Retention of the function's log group."
  default     = 14
}

variable "event_source_mappings" {
  type = map(object({
    event_source_arn                   = string
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number, 0)
    starting_position                  = optional(string, "LATEST")
    enabled                            = optional(bool, true)
  }))
  description = "Queues and streams Lambda polls (SQS, DynamoDB streams, Kinesis), by name. `starting_position` (LATEST, TRIM_HORIZON) applies to streams."
  default     = {}

  validation {
    condition     = alltrue([for m in values(var.event_source_mappings) : can(regex("^arn:aws[a-z-]*:(sqs|dynamodb|kinesis|kafka):", m.event_source_arn)) && contains(["LATEST", "TRIM_HORIZON"], m.starting_position)])
    error_message = "event_source_arn must be an SQS, DynamoDB stream, Kinesis or Kafka ARN, and starting_position LATEST or TRIM_HORIZON."
  }
}

variable "eventbridge_rules" {
  type = map(object({
    schedule_expression = optional(string)
    event_pattern       = optional(string)
    description         = optional(string, "")
  }))
  description = "EventBridge rules invoking the function, by name: a `schedule_expression` (`rate(5 minutes)`, `cron(0 3 * * ? *)`) or an `event_pattern` (JSON)."
  default     = {}

  validation {
    condition = alltrue([for r in values(var.eventbridge_rules) :
      (r.schedule_expression == null) != (r.event_pattern == null) &&
      (r.schedule_expression == null || can(regex("^(rate|cron)\\(.+\\)$", r.schedule_expression))) &&
      (r.event_pattern == null || can(jsondecode(r.event_pattern)))
    ])
    error_message = "Each rule needs exactly one of schedule_expression (rate(...) or cron(...)) and event_pattern (valid JSON)."
  }
}

variable "sns_topic_arns" {
  type        = list(string)
  description = "SNS topics the function subscribes to."
  default     = []

  validation {
    condition     = alltrue([for arn in var.sns_topic_arns : can(regex("^arn:aws[a-z-]*:sns:", arn))])
    error_message = "sns_topic_arns must be SNS topic ARNs."
  }
}

variable "s3_bucket_arns" {
  type        = list(string)
  description = "S3 buckets allowed to invoke the function (their notification configuration chooses the events)."
  default     = []

  validation {
    condition     = alltrue([for arn in var.s3_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", arn))])
    error_message = "s3_bucket_arns must be S3 bucket ARNs such as arn:aws:s3:::my-bucket."
  }
}
