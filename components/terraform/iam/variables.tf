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
  default     = "iam"
}

variable "tags" {
  type        = map(string)
  description = "Additional tags applied to every resource."
  default     = {}
}

variable "eks_roles_enabled" {
  type        = bool
  description = "Create the EKS cluster and node group roles."
  default     = true
}

variable "lambda_role_enabled" {
  type        = bool
  description = "Create the Lambda execution role."
  default     = true
}

variable "lambda_vpc_access_enabled" {
  type        = bool
  description = "Allow the Lambda execution role to manage ENIs so functions can run inside the VPC."
  default     = true
}

variable "lambda_extra_policy_arns" {
  type        = list(string)
  description = "Extra managed policies attached to the Lambda execution role."
  default     = []
}

variable "deployer_trusted_principal_arns" {
  type        = list(string)
  description = "Principals (e.g. the CI role in the shared account) that may assume the deployer role. Empty disables the role."
  default     = []
}

variable "deployer_policy_arn" {
  type        = string
  description = "Managed policy attached to the deployer role."
  default     = "arn:aws:iam::aws:policy/PowerUserAccess"

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/", var.deployer_policy_arn))
    error_message = "deployer_policy_arn must be an IAM policy ARN."
  }
}

variable "max_session_duration" {
  type        = number
  description = "Maximum session duration, in seconds, of the deployer role."
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200 seconds."
  }
}
