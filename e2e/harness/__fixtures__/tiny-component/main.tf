# Tiny e2e component: only the built-in terraform_data resource and the
# built-in local-exec provisioner, so `terraform init` needs no provider
# download. The backend is supplied separately (backend.tf.json).

variable "name" {
  type        = string
  description = "Name echoed into the outputs."
}

variable "stage" {
  type    = string
  default = "dev"
}

variable "hold_lock_seconds" {
  type        = number
  default     = 0
  description = "Sleep this long while the resource is created, keeping the state lock held (lets tests observe the lock)."
}

resource "terraform_data" "this" {
  input = {
    name  = var.name
    stage = var.stage
  }

  provisioner "local-exec" {
    command = "sleep ${var.hold_lock_seconds}"
  }
}

output "name" {
  value = terraform_data.this.output.name
}

output "stage" {
  value = terraform_data.this.output.stage
}

output "greeting" {
  value = "hello ${var.name} from ${var.stage}"
}

output "id" {
  value = terraform_data.this.id
}
