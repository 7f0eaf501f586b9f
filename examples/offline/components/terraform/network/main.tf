variable "namespace" { type = string }
variable "stage" { type = string }
variable "cidr" { type = string }
variable "subnet_count" { type = number }

module "label" {
  source    = "../modules/label"
  namespace = var.namespace
  stage     = var.stage
  name      = "network"
}

resource "terraform_data" "network" {
  input = {
    id      = module.label.id
    cidr    = var.cidr
    subnets = [for i in range(var.subnet_count) : cidrsubnet(var.cidr, 8, i)]
  }
}

output "network_id" { value = terraform_data.network.output.id }
output "subnets" { value = terraform_data.network.output.subnets }
