output "s3_bucket_id" {
  description = "Name of the state bucket, for `terraform.backend.s3.bucket`."
  value       = aws_s3_bucket.this.id
}

output "s3_bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.this.arn
}

output "dynamodb_table_name" {
  description = "Name of the lock table, for `terraform.backend.s3.dynamodb_table`."
  value       = aws_dynamodb_table.lock.name
}

output "dynamodb_table_arn" {
  description = "ARN of the lock table."
  value       = aws_dynamodb_table.lock.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting state and locks."
  value       = aws_kms_key.this.arn
}

output "kms_key_alias" {
  description = "Alias of the KMS key."
  value       = aws_kms_alias.this.name
}

output "account_id" {
  description = "Account that owns the backend."
  value       = data.aws_caller_identity.current.account_id
}

output "backend_access_role_arn" {
  description = "Role the workload accounts assume for state access, for `terraform.backend.s3.assume_role.role_arn`."
  value       = aws_iam_role.backend_access.arn
}
