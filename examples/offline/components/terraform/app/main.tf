variable "namespace" { type = string }
variable "stage" { type = string }
variable "network_id" { type = string }
variable "subnets" { type = list(string) }
variable "replicas" { type = number }
variable "pods_cidr" { type = string }

module "label" {
  source    = "../modules/label"
  namespace = var.namespace
  stage     = var.stage
  name      = "app"
}

resource "terraform_data" "app" {
  input = {
    id        = module.label.id
    network   = var.network_id
    subnet    = var.subnets[0]
    replicas  = var.replicas
    pods_cidr = var.pods_cidr
  }
}

output "app_id" { value = terraform_data.app.output.id }
output "placement" { value = "${terraform_data.app.output.network}/${terraform_data.app.output.subnet}" }
