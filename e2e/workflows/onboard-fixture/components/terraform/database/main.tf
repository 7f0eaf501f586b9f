variable "vpc_id" {
  type = string
}

resource "terraform_data" "db" {
  input = "db.${var.vpc_id}.internal"
}

output "endpoint" {
  value = terraform_data.db.output
}
