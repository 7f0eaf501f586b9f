locals {
  writer_id = local.aurora ? aws_rds_cluster_instance.this[0].identifier : aws_db_instance.this[0].identifier
}

output "instance_id" {
  description = "Identifier of the DB instance, for Aurora the writer (for CloudWatch dimensions)."
  value       = local.writer_id
}

output "instance_arn" {
  description = "ARN of the DB instance, for Aurora the cluster."
  value       = local.aurora ? aws_rds_cluster.this[0].arn : aws_db_instance.this[0].arn
}

output "endpoint" {
  description = "Connection endpoint (`host:port`); for Aurora the writer endpoint of the cluster."
  value       = local.aurora ? "${aws_rds_cluster.this[0].endpoint}:${aws_rds_cluster.this[0].port}" : aws_db_instance.this[0].endpoint
}

output "reader_endpoint" {
  description = "Aurora's reader endpoint (`host:port`); null for a single instance."
  value       = local.aurora ? "${aws_rds_cluster.this[0].reader_endpoint}:${aws_rds_cluster.this[0].port}" : null
}

output "address" {
  description = "Hostname of the instance (Aurora: of the writer endpoint)."
  value       = local.aurora ? aws_rds_cluster.this[0].endpoint : aws_db_instance.this[0].address
}

output "port" {
  description = "Port the engine listens on."
  value       = local.port
}

output "database_name" {
  description = "Name of the initial database (null for SQL Server, which creates none)."
  value       = local.sqlserver ? null : var.database_name
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret holding the master credentials."
  value       = local.aurora ? aws_rds_cluster.this[0].master_user_secret[0].secret_arn : aws_db_instance.this[0].master_user_secret[0].secret_arn
}

output "kms_key_arn" {
  description = "KMS key encrypting storage, snapshots and Performance Insights."
  value       = aws_kms_key.this.arn
}
