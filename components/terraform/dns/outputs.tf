output "zone_id" {
  description = "ID of the hosted zone."
  value       = aws_route53_zone.this.zone_id
}

output "zone_arn" {
  description = "ARN of the hosted zone."
  value       = aws_route53_zone.this.arn
}

output "domain_name" {
  description = "Name of the hosted zone."
  value       = aws_route53_zone.this.name
}

output "name_servers" {
  description = "Name servers of the zone (to delegate from a registrar or parent zone)."
  value       = aws_route53_zone.this.name_servers
}

output "private" {
  description = "Whether the zone is private."
  value       = local.private
}

output "record_writer_role_arn" {
  description = "Role other accounts assume to write records into this zone (null when no account is allowed)."
  value       = one(aws_iam_role.record_writer[*].arn)
}

output "health_check_ids" {
  description = "Route53 health check IDs by record key."
  value       = { for key, check in aws_route53_health_check.this : key => check.id }
}
