output "id" {
  description = "Generated id, possibly truncated to `id_length_limit` characters."
  value       = local.id
}

output "id_full" {
  description = "Generated id before any truncation."
  value       = local.id_full
}

output "name" {
  description = "Normalized component name."
  value       = var.name
}

output "tags" {
  description = "Generated tags merged with the `tags` input."
  value       = local.tags
}

output "context" {
  description = "Context values, to pass on to nested labels."
  value = {
    namespace   = var.namespace
    tenant      = var.tenant
    environment = var.environment
    stage       = var.stage
    delimiter   = var.delimiter
    tags        = var.tags
  }
}
