output "alb_arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Route53 zone of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "https_listener_arn" {
  description = "HTTPS listener (target of the API Gateway's VPC link integration)."
  value       = aws_lb_listener.https.arn
}

output "target_group_arns" {
  description = "Target group ARN by compute component (ec2, ecs, eks)."
  value       = { for k, tg in aws_lb_target_group.this : k => tg.arn }
}
