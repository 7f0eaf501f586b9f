output "security_group_ids" {
  description = "Map of group key (alb, app, database, cache, eks_cluster) to security group ID."
  value       = { for k, sg in aws_security_group.this : k => sg.id }
}

output "alb_security_group_id" {
  description = "Security group of the public load balancers."
  value       = aws_security_group.this["alb"].id
}

output "app_security_group_id" {
  description = "Security group of the application workloads."
  value       = aws_security_group.this["app"].id
}

output "database_security_group_id" {
  description = "Security group of the databases."
  value       = aws_security_group.this["database"].id
}

output "eks_cluster_security_group_id" {
  description = "Additional security group for the EKS control plane."
  value       = aws_security_group.this["eks_cluster"].id
}

output "cache_security_group_id" {
  description = "Security group of ElastiCache (ingress from app on cache_port)."
  value       = aws_security_group.this["cache"].id
}
