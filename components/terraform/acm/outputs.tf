output "certificate_arn" {
  description = "ARN of the certificate (of the validated certificate when waiting for validation)."
  value       = var.wait_for_validation ? aws_acm_certificate_validation.this[0].certificate_arn : aws_acm_certificate.this.arn
}

output "domain_name" {
  description = "Primary domain of the certificate."
  value       = aws_acm_certificate.this.domain_name
}

output "validation_record_fqdns" {
  description = "FQDNs of the DNS validation records."
  value       = [for r in aws_route53_record.validation : r.fqdn]
}
