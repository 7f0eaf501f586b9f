variable "namespace" { type = string }
variable "stage" { type = string }
variable "name" { type = string }

output "id" {
  value = join("-", [var.namespace, var.stage, var.name])
}
