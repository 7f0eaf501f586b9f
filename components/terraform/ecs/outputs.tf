output "cluster_name" {
  description = "Name of the cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_connect_namespace_arn" {
  description = "Cloud Map namespace the services join with Service Connect."
  value       = aws_service_discovery_private_dns_namespace.this.arn
}

output "service_subnet_ids" {
  description = "Subnets for the services' awsvpc network configuration."
  value       = var.private_subnet_ids
}

output "service_security_group_ids" {
  description = "Security groups for the services' awsvpc network configuration."
  value       = var.service_security_group_ids
}

output "task_execution_role_arn" {
  description = "Execution role for the services' task definitions."
  value       = var.task_execution_role_arn
}

output "task_role_arn" {
  description = "Task role for the services' task definitions."
  value       = var.task_role_arn
}

output "exec_log_group_name" {
  description = "Log group of ECS Exec sessions."
  value       = module.exec_logs.name
}
