variable "vpc_id" {
  type = string
}

variable "database_endpoint" {
  type = string
}

resource "terraform_data" "service" {
  input = "service in ${var.vpc_id} using ${var.database_endpoint}"
}

output "description" {
  value = terraform_data.service.output
}
