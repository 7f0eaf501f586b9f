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
  default     = "alb"

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

variable "ec2_instance_ids" {
  type        = list(string)
  description = "EC2 instances to register (output `instance_ids` of ec2). Empty: no EC2 target group."
  default     = []

  validation {
    condition     = alltrue([for id in var.ec2_instance_ids : can(regex("^i-[0-9a-f]+$", id))])
    error_message = "ec2_instance_ids must be instance IDs such as i-0123456789abcdef0."
  }
}

variable "ecs_cluster_name" {
  type        = string
  description = "ECS cluster whose services register into the `ecs` target group (output `cluster_name` of ecs). Null: no ECS target group."
  default     = null
}

variable "eks_cluster_name" {
  type        = string
  description = "EKS cluster whose TargetGroupBindings use the `eks` target group (output `cluster_name` of eks). Null: no EKS target group."
  default     = null
}

variable "path_patterns" {
  type        = map(list(string))
  description = "Path patterns routed to each target group (keys ec2, ecs, eks)."
  default = {
    ec2 = ["/legacy/*"]
    ecs = ["/app/*"]
    eks = ["/svc/*"]
  }

  validation {
    condition     = alltrue([for k in keys(var.path_patterns) : contains(["ec2", "ecs", "eks"], k)])
    error_message = "path_patterns keys must be ec2, ecs or eks."
  }
}

variable "target_port" {
  type        = number
  description = "Port the targets listen on (security-groups' app_port)."
  default     = 8080

  validation {
    condition     = var.target_port > 0 && var.target_port < 65536
    error_message = "target_port must be a valid TCP port."
  }
}

variable "health_check_path" {
  type        = string
  description = "Health check path of every target group."
  default     = "/healthz"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with /."
  }
}

variable "vpc_name" {
  type        = string
  description = "Name tag of the VPC (the vpc component's label id, e.g. `acme-plat-use1-dev-vpc`)."
}

variable "security_group_name" {
  type        = string
  description = "Name of the load balancer security group (security-groups' `alb` group, e.g. `acme-plat-use1-dev-sg-alb`)."
}

variable "certificate_domain_name" {
  type        = string
  description = "Domain of the issued ACM certificate for the HTTPS listener (acm's domain_name)."
}

variable "ssl_policy" {
  type        = string
  description = "TLS policy of the HTTPS listener."
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = startswith(var.ssl_policy, "ELBSecurityPolicy-TLS13-") || startswith(var.ssl_policy, "ELBSecurityPolicy-FS-1-2-")
    error_message = "ssl_policy must be a TLS 1.2+ policy (ELBSecurityPolicy-TLS13-* or ELBSecurityPolicy-FS-1-2-*)."
  }
}

variable "idle_timeout" {
  type        = number
  description = "Seconds a connection may stay idle."
  default     = 60

  validation {
    condition     = var.idle_timeout >= 1 && var.idle_timeout <= 4000
    error_message = "idle_timeout must be between 1 and 4000 seconds."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse deleting the load balancer until this is turned off."
  default     = false
}

variable "access_logs_bucket" {
  type        = string
  description = "S3 bucket for access logs (with the ELB log delivery policy), or null for none."
  default     = null
}
