# IAM of one account and region: the roles of the multi-account security model
# (architecture-diagrams §9) and the service roles the workloads use.
#
#   developer      full access in dev, limited (read, logs, sessions) in staging,
#                  no role at all in prod (var.developer_access)
#   administrator  full access everywhere, MFA required
#   ci             deployment access (var.ci_policy_arn)
#
# People and pipelines sign in to the shared account (var.trusted_account_id) and
# assume these roles; administrator and CI may in turn assume the shared backend's
# access role to read and write Terraform state.

provider "aws" {
  region = var.region

  default_tags {
    # `Name` is set per resource, everything else comes from the label context.
    tags = { for k, v in module.label.tags : k => v if k != "Name" }
  }
}

module "label" {
  source = "../modules/label"

  namespace   = var.namespace
  tenant      = var.tenant
  environment = var.environment
  stage       = var.stage
  name        = var.name
  tags        = var.tags
}

data "aws_partition" "current" {}

locals {
  policy_prefix = "arn:${data.aws_partition.current.partition}:iam::aws:policy"

  eks_node_policies = toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
  ])

  lambda_policies = toset(concat(
    ["${local.policy_prefix}/service-role/AWSLambdaBasicExecutionRole"],
    var.lambda_vpc_access_enabled ? ["${local.policy_prefix}/service-role/AWSLambdaVPCAccessExecutionRole"] : [],
    var.lambda_extra_policy_arns,
  ))
}

data "aws_iam_policy_document" "service_assume" {
  for_each = toset(["eks.amazonaws.com", "ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"])

  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = [each.key]
    }
  }
}

resource "aws_iam_role" "eks_cluster" {
  count = var.eks_roles_enabled ? 1 : 0

  name               = "${module.label.id}-eks-cluster"
  assume_role_policy = data.aws_iam_policy_document.service_assume["eks.amazonaws.com"].json

  tags = { Name = "${module.label.id}-eks-cluster" }
}

resource "aws_iam_role_policy_attachment" "eks_cluster" {
  count = var.eks_roles_enabled ? 1 : 0

  role       = aws_iam_role.eks_cluster[0].name
  policy_arn = "${local.policy_prefix}/AmazonEKSClusterPolicy"
}

resource "aws_iam_role" "eks_node" {
  count = var.eks_roles_enabled ? 1 : 0

  name               = "${module.label.id}-eks-node"
  assume_role_policy = data.aws_iam_policy_document.service_assume["ec2.amazonaws.com"].json

  tags = { Name = "${module.label.id}-eks-node" }
}

resource "aws_iam_role_policy_attachment" "eks_node" {
  for_each = var.eks_roles_enabled ? local.eks_node_policies : toset([])

  role       = aws_iam_role.eks_node[0].name
  policy_arn = "${local.policy_prefix}/${each.key}"
}

resource "aws_iam_role" "lambda" {
  count = var.lambda_role_enabled ? 1 : 0

  name               = "${module.label.id}-lambda"
  assume_role_policy = data.aws_iam_policy_document.service_assume["lambda.amazonaws.com"].json

  tags = { Name = "${module.label.id}-lambda" }
}

resource "aws_iam_role_policy_attachment" "lambda" {
  for_each = var.lambda_role_enabled ? local.lambda_policies : toset([])

  role       = aws_iam_role.lambda[0].name
  policy_arn = each.key
}

# ---- EC2 instances ----

resource "aws_iam_role" "ec2" {
  count = var.ec2_role_enabled ? 1 : 0

  name               = "${module.label.id}-ec2"
  assume_role_policy = data.aws_iam_policy_document.service_assume["ec2.amazonaws.com"].json

  tags = { Name = "${module.label.id}-ec2" }
}

# Session Manager instead of SSH: no inbound port is ever opened for operators.
resource "aws_iam_role_policy_attachment" "ec2" {
  for_each = var.ec2_role_enabled ? toset(["AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy"]) : toset([])

  role       = aws_iam_role.ec2[0].name
  policy_arn = "${local.policy_prefix}/${each.key}"
}

resource "aws_iam_instance_profile" "ec2" {
  count = var.ec2_role_enabled ? 1 : 0

  name = "${module.label.id}-ec2"
  role = aws_iam_role.ec2[0].name

  tags = { Name = "${module.label.id}-ec2" }
}

# ---- ECS tasks ----

resource "aws_iam_role" "ecs_task_execution" {
  count = var.ecs_roles_enabled ? 1 : 0

  name               = "${module.label.id}-ecs-task-execution"
  assume_role_policy = data.aws_iam_policy_document.service_assume["ecs-tasks.amazonaws.com"].json

  tags = { Name = "${module.label.id}-ecs-task-execution" }
}

resource "aws_iam_role_policy_attachment" "ecs_task_execution" {
  count = var.ecs_roles_enabled ? 1 : 0

  role       = aws_iam_role.ecs_task_execution[0].name
  policy_arn = "${local.policy_prefix}/service-role/AmazonECSTaskExecutionRolePolicy"
}

# The applications' own role: starts empty, the services' policies are attached by
# their teams (and DynamoDB admits it through its table policy).
resource "aws_iam_role" "ecs_task" {
  count = var.ecs_roles_enabled ? 1 : 0

  name               = "${module.label.id}-ecs-task"
  assume_role_policy = data.aws_iam_policy_document.service_assume["ecs-tasks.amazonaws.com"].json

  tags = { Name = "${module.label.id}-ecs-task" }
}

# ---- People and pipelines (architecture-diagrams §9) ----

locals {
  trusted_root = "arn:${data.aws_partition.current.partition}:iam::${var.trusted_account_id}:root"

  # What the developer role may do, by stage. `none` creates no developer role.
  developer_policies = {
    full    = ["PowerUserAccess"]
    limited = ["ReadOnlyAccess", "CloudWatchLogsReadOnlyAccess"]
    none    = []
  }[var.developer_access]
}

data "aws_iam_policy_document" "people_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]

    principals {
      type        = "AWS"
      identifiers = [local.trusted_root]
    }

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

# CI has no MFA: it is trusted through the shared account's CI role only.
data "aws_iam_policy_document" "ci_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "AWS"
      identifiers = [local.trusted_root]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:PrincipalArn"
      values   = ["arn:${data.aws_partition.current.partition}:iam::${var.trusted_account_id}:role/${var.ci_principal_role_name}"]
    }
  }
}

resource "aws_iam_role" "administrator" {
  name                 = "${module.label.id}-administrator"
  description          = "Full access to ${var.stage}; assumed from the shared account with MFA"
  assume_role_policy   = data.aws_iam_policy_document.people_assume.json
  max_session_duration = var.max_session_duration

  tags = { Name = "${module.label.id}-administrator" }
}

resource "aws_iam_role_policy_attachment" "administrator" {
  role       = aws_iam_role.administrator.name
  policy_arn = "${local.policy_prefix}/AdministratorAccess"
}

resource "aws_iam_role" "developer" {
  count = var.developer_access == "none" ? 0 : 1

  name                 = "${module.label.id}-developer"
  description          = "Developer access (${var.developer_access}) to ${var.stage}; assumed from the shared account with MFA"
  assume_role_policy   = data.aws_iam_policy_document.people_assume.json
  max_session_duration = var.max_session_duration

  tags = { Name = "${module.label.id}-developer" }
}

resource "aws_iam_role_policy_attachment" "developer" {
  for_each = var.developer_access == "none" ? toset([]) : toset(local.developer_policies)

  role       = aws_iam_role.developer[0].name
  policy_arn = "${local.policy_prefix}/${each.key}"
}

resource "aws_iam_role" "ci" {
  name                 = "${module.label.id}-ci"
  description          = "Deployment access to ${var.stage} for the CI/CD pipeline"
  assume_role_policy   = data.aws_iam_policy_document.ci_assume.json
  max_session_duration = var.max_session_duration

  tags = { Name = "${module.label.id}-ci" }
}

resource "aws_iam_role_policy_attachment" "ci" {
  role       = aws_iam_role.ci.name
  policy_arn = var.ci_policy_arn
}

# Administrator and CI run Terraform: they reach the state through the shared
# backend's access role (the only way into the state bucket).
data "aws_iam_policy_document" "backend_access" {
  statement {
    actions   = ["sts:AssumeRole", "sts:TagSession"]
    resources = [var.backend_access_role_arn]
  }
}

resource "aws_iam_role_policy" "backend_access" {
  for_each = { administrator = aws_iam_role.administrator.id, ci = aws_iam_role.ci.id }

  name   = "assume-terraform-backend-access"
  role   = each.value
  policy = data.aws_iam_policy_document.backend_access.json
}
