output "key_arns" {
  description = "Key ARN by purpose."
  value       = { for k, key in aws_kms_key.this : k => key.arn }
}

output "key_ids" {
  description = "Key ID by purpose."
  value       = { for k, key in aws_kms_key.this : k => key.key_id }
}

output "alias_names" {
  description = "Alias by purpose, e.g. `alias/acme-plat-use1-dev-kms-app-data`."
  value       = { for k, alias in aws_kms_alias.this : k => alias.name }
}
