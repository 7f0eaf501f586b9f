output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Unqualified ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "alias_arn" {
  description = "ARN of the `live` alias."
  value       = aws_lambda_alias.live.arn
}

output "invoke_arn" {
  description = "Invoke ARN of the `live` alias, for API Gateway integrations."
  value       = aws_lambda_alias.live.invoke_arn
}

output "version" {
  description = "Latest published version."
  value       = aws_lambda_function.this.version
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = module.logs.name
}

output "security_group_id" {
  description = "The function's own security group (null outside a VPC)."
  value       = one(aws_security_group.this[*].id)
}
