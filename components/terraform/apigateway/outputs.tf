output "api_id" {
  description = "ID of the API (the `ApiId`/`ApiName` CloudWatch dimension source)."
  value       = local.api_id
}

output "api_type" {
  description = "HTTP or REST."
  value       = var.api_type
}

output "execution_arn" {
  description = "Execution ARN of the API."
  value       = local.execution_arn
}

output "invoke_url" {
  description = "Invoke URL of the stage."
  value       = local.http ? aws_apigatewayv2_stage.this[0].invoke_url : aws_api_gateway_stage.this[0].invoke_url
}

output "custom_domain_url" {
  description = "URL on the custom domain, when one is configured."
  value       = var.domain_name != null ? "https://${var.domain_name}" : null
}

output "vpc_link_id" {
  description = "ID of the VPC link for private integrations (HTTP only)."
  value       = one(aws_apigatewayv2_vpc_link.this[*].id)
}

output "api_key_ids" {
  description = "API key IDs by client name (REST with api_keys); the values are read with `aws apigateway get-api-key --include-value`."
  value       = { for k, key in aws_api_gateway_api_key.this : k => key.id }
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the API (null when disabled)."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}
