output "instance_ids" {
  description = "IDs of the instances, in subnet round-robin order (the load balancer's EC2 targets)."
  value       = aws_instance.this[*].id
}

output "private_ips" {
  description = "Private IP addresses of the instances."
  value       = aws_instance.this[*].private_ip
}

output "ebs_kms_key_arn" {
  description = "ARN of the key encrypting the instances' volumes."
  value       = aws_kms_key.ebs.arn
}
