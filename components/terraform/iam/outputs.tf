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

output "ec2_instance_profile_name" {
  description = "Instance profile of the EC2 instances (null when disabled)."
  value       = one(aws_iam_instance_profile.ec2[*].name)
}

output "ecs_task_execution_role_arn" {
  description = "Role ECS uses to pull images and write logs (null when disabled)."
  value       = one(aws_iam_role.ecs_task_execution[*].arn)
}

output "ecs_task_role_arn" {
  description = "Role the ECS applications run as (null when disabled)."
  value       = one(aws_iam_role.ecs_task[*].arn)
}

output "administrator_role_arn" {
  description = "Administrator role (full access, MFA)."
  value       = aws_iam_role.administrator.arn
}

output "developer_role_arn" {
  description = "Developer role (null where developer_access is none, i.e. prod)."
  value       = one(aws_iam_role.developer[*].arn)
}

output "ci_role_arn" {
  description = "CI/CD deployment role."
  value       = aws_iam_role.ci.arn
}
