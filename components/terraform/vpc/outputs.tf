output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "Availability zones the subnets were created in."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, one per AZ."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per AZ."
  value       = aws_subnet.private[*].id
}

output "database_subnet_ids" {
  description = "IDs of the database subnets (empty when disabled)."
  value       = aws_subnet.database[*].id
}

output "private_route_table_ids" {
  description = "IDs of the private route tables."
  value       = aws_route_table.private[*].id
}

output "nat_gateway_public_ips" {
  description = "Elastic IPs of the NAT gateways, e.g. for allow-lists at partners."
  value       = aws_eip.nat[*].public_ip
}

output "s3_vpc_endpoint_id" {
  description = "ID of the S3 gateway endpoint (null when endpoints are disabled)."
  value       = var.vpc_endpoints_enabled ? aws_vpc_endpoint.gateway["s3"].id : null
}

output "dynamodb_vpc_endpoint_id" {
  description = "ID of the DynamoDB gateway endpoint (null when endpoints are disabled), for table policies that admit only this VPC."
  value       = var.vpc_endpoints_enabled ? aws_vpc_endpoint.gateway["dynamodb"].id : null
}

output "flow_log_group_name" {
  description = "CloudWatch log group of the VPC flow logs (null when flow logs are disabled)."
  value       = var.flow_logs_enabled ? module.flow_logs[0].name : null
}

output "interface_endpoint_ids" {
  description = "Interface endpoint IDs by service."
  value       = { for service, endpoint in aws_vpc_endpoint.interface : service => endpoint.id }
}
