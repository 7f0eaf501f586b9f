# IAM roles consumed by other components: EKS cluster and nodes, Lambda
# execution, and a deployer role that CI in the shared account assumes.

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
  for_each = toset(["eks.amazonaws.com", "ec2.amazonaws.com", "lambda.amazonaws.com"])

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

data "aws_iam_policy_document" "deployer_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "AWS"
      identifiers = length(var.deployer_trusted_principal_arns) > 0 ? var.deployer_trusted_principal_arns : ["*"]
    }
  }
}

resource "aws_iam_role" "deployer" {
  count = length(var.deployer_trusted_principal_arns) > 0 ? 1 : 0

  name                 = "${module.label.id}-deployer"
  assume_role_policy   = data.aws_iam_policy_document.deployer_assume.json
  max_session_duration = var.max_session_duration

  tags = { Name = "${module.label.id}-deployer" }
}

resource "aws_iam_role_policy_attachment" "deployer" {
  count = length(var.deployer_trusted_principal_arns) > 0 ? 1 : 0

  role       = aws_iam_role.deployer[0].name
  policy_arn = var.deployer_policy_arn
}
