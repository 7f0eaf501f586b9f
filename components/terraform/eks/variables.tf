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
  default     = "eks"

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

variable "vpc_id" {
  type        = string
  description = "VPC of the cluster (output `vpc_id` of the vpc component)."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets for the control plane ENIs and the nodes (output `private_subnet_ids` of vpc)."

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "EKS needs subnets in at least two availability zones."
  }
}

variable "cluster_security_group_ids" {
  type        = list(string)
  description = "Additional security groups of the control plane (output `eks_cluster_security_group_id` of security-groups)."
  default     = []
}

variable "cluster_role_arn" {
  type        = string
  description = "Cluster IAM role (output `eks_cluster_role_arn` of iam)."
}

variable "node_role_arn" {
  type        = string
  description = "Node group IAM role (output `eks_node_role_arn` of iam)."
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version of the control plane, e.g. `1.31`."

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must look like 1.31."
  }
}

variable "endpoint_public_access" {
  type        = bool
  description = "Expose the API server endpoint publicly (restricted by `public_access_cidrs`)."
  default     = false
}

variable "public_access_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to reach the public API endpoint."
  default     = []
}

variable "enabled_cluster_log_types" {
  type        = list(string)
  description = "Control plane log types sent to CloudWatch."
  default     = ["api", "audit", "authenticator"]
}

variable "cluster_log_retention_in_days" {
  type        = number
  description = "Retention of the control plane log group."
  default     = 30
}

variable "admin_principal_arns" {
  type        = list(string)
  description = "IAM principals granted cluster-admin through EKS access entries."
  default     = []
}

variable "node_groups" {
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size      = optional(number, 50)
    labels         = optional(map(string), {})
  }))
  description = "Managed node groups keyed by name."
  default     = {}

  validation {
    condition = alltrue([
      for ng in values(var.node_groups) :
      contains(["ON_DEMAND", "SPOT"], ng.capacity_type) && ng.min_size <= ng.desired_size && ng.desired_size <= ng.max_size
    ])
    error_message = "Each node group needs capacity_type ON_DEMAND or SPOT and min_size <= desired_size <= max_size."
  }
}

variable "addons" {
  type = map(object({
    addon_version        = optional(string)
    configuration_values = optional(string)
  }))
  description = "EKS add-ons keyed by name (e.g. vpc-cni, coredns, kube-proxy, eks-pod-identity-agent). A null version picks the default for the cluster."
  default = {
    vpc-cni                = {}
    coredns                = {}
    kube-proxy             = {}
    eks-pod-identity-agent = {}
  }
}

variable "fargate_profiles" {
  type = map(object({
    selectors = list(object({
      namespace = string
      labels    = optional(map(string), {})
    }))
  }))
  description = "Fargate profiles by name: pods matching a selector (namespace, labels) run on Fargate in the private subnets."
  default     = {}

  validation {
    condition     = alltrue([for p in values(var.fargate_profiles) : length(p.selectors) >= 1 && length(p.selectors) <= 5])
    error_message = "Each Fargate profile needs 1 to 5 selectors."
  }
}
