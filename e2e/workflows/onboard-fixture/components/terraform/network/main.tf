# Built-in terraform_data only: `terraform init` downloads nothing.
variable "cidr_block" {
  type = string
}

resource "terraform_data" "vpc" {
  input = "vpc-${var.environment}-${replace(var.cidr_block, "/[./]/", "-")}"
}

output "vpc_id" {
  value = terraform_data.vpc.output
}
