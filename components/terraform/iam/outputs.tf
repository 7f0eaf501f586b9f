output "eks_cluster_role_arn" {
  description = "ARN of the EKS cluster role (null when disabled)."
  value       = one(aws_iam_role.eks_cluster[*].arn)
}

output "eks_node_role_arn" {
  description = "ARN of the EKS node group role (null when disabled)."
  value       = one(aws_iam_role.eks_node[*].arn)
}

output "lambda_execution_role_arn" {
  description = "ARN of the Lambda execution role (null when disabled)."
  value       = one(aws_iam_role.lambda[*].arn)
}

output "deployer_role_arn" {
  description = "ARN of the CI deployer role (null when no trusted principals are given)."
  value       = one(aws_iam_role.deployer[*].arn)
}
