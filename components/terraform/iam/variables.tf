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
  default     = "iam"

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

variable "ec2_role_enabled" {
  type        = bool
  description = "Create the EC2 instance role and instance profile (Session Manager, CloudWatch agent)."
  default     = true
}

variable "ecs_roles_enabled" {
  type        = bool
  description = "Create the ECS task execution role and the (empty) application task role."
  default     = true
}

variable "trusted_account_id" {
  type        = string
  description = "Account whose people and CI sign in and assume the developer, administrator and CI roles (the shared account)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.trusted_account_id))
    error_message = "trusted_account_id must be a 12-digit AWS account ID."
  }
}

variable "developer_access" {
  type        = string
  description = "What developers may do in this account: `full` (dev), `limited` (read-only and logs; staging) or `none` (no developer role; prod)."
  default     = "none"

  validation {
    condition     = contains(["full", "limited", "none"], var.developer_access)
    error_message = "developer_access must be full, limited or none."
  }
}

variable "ci_principal_role_name" {
  type        = string
  description = "Name (or IAM path pattern) of the CI/CD pipeline's role in the trusted account; only it may assume the CI role."
  default     = "ci"

  validation {
    condition     = can(regex("^[\\w+=,.@*/-]{1,64}$", var.ci_principal_role_name))
    error_message = "ci_principal_role_name must be an IAM role name (letters, digits and +=,.@-_*/)."
  }
}

variable "ci_policy_arn" {
  type        = string
  description = "Managed policy granting the CI role its deployment access."
  default     = "arn:aws:iam::aws:policy/PowerUserAccess"

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/", var.ci_policy_arn))
    error_message = "ci_policy_arn must be an IAM policy ARN."
  }
}

variable "backend_access_role_arn" {
  type        = string
  description = "The shared backend's access role (tfstate-backend output backend_access_role_arn) that administrator and CI may assume."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.backend_access_role_arn))
    error_message = "backend_access_role_arn must be an IAM role ARN."
  }
}

variable "max_session_duration" {
  type        = number
  description = "Maximum session duration, in seconds, of the developer, administrator and CI roles."
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200 seconds."
  }
}
