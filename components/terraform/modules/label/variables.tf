variable "namespace" {
  type        = string
  description = "Organization namespace, e.g. `acme`. First element of every generated name."

  validation {
    condition     = can(regex("^[a-z0-9]{2,12}$", var.namespace))
    error_message = "The namespace must be 2-12 lowercase alphanumeric characters."
  }
}

variable "tenant" {
  type        = string
  description = "Tenant (organizational unit) the resources belong to, e.g. `core` or `plat`."
  default     = null
}

variable "environment" {
  type        = string
  description = "Short region code, e.g. `ue1` for us-east-1 or `uw2` for us-west-2."
  default     = null
}

variable "stage" {
  type        = string
  description = "Stage (account), e.g. `dev`, `staging`, `prod` or `shared`."
  default     = null
}

variable "name" {
  type        = string
  description = "Name of the component or resource, e.g. `vpc` or `eks`."
  default     = null
}

variable "attributes" {
  type        = list(string)
  description = "Extra elements appended to the generated id, e.g. `[\"private\"]`."
  default     = []
}

variable "delimiter" {
  type        = string
  description = "Delimiter placed between the id elements."
  default     = "-"
}

variable "label_order" {
  type        = list(string)
  description = "Order in which the label elements appear in the id."
  default     = ["namespace", "tenant", "environment", "stage", "name", "attributes"]

  validation {
    condition = alltrue([
      for l in var.label_order : contains(["namespace", "tenant", "environment", "stage", "name", "attributes"], l)
    ])
    error_message = "label_order may only contain namespace, tenant, environment, stage, name and attributes."
  }
}

variable "id_length_limit" {
  type        = number
  description = "Truncate the id to this many characters (0 means no limit). A hash suffix keeps truncated ids unique."
  default     = 0

  validation {
    condition     = var.id_length_limit == 0 || var.id_length_limit >= 8
    error_message = "id_length_limit must be 0 (unlimited) or at least 8."
  }
}

variable "tags" {
  type        = map(string)
  description = "Additional tags merged over the generated ones."
  default     = {}
}
