# EKS cluster with envelope encryption, control-plane logging, access
# entries, managed node groups and add-ons.

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

data "aws_subnet" "private" {
  for_each = toset(var.private_subnet_ids)

  id = each.key
}

resource "aws_kms_key" "this" {
  description             = "Encrypts Kubernetes secrets of ${module.label.id}"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  tags = { Name = module.label.id }
}

# Created before the cluster so retention is ours, not the default "never expire".
module "cluster_logs" {
  source = "../modules/log-group"

  name              = "/aws/eks/${module.label.id}/cluster"
  retention_in_days = var.cluster_log_retention_in_days
  tags              = { Name = "${module.label.id}-cluster" }
}

resource "aws_eks_cluster" "this" {
  name                      = module.label.id
  version                   = var.kubernetes_version
  role_arn                  = var.cluster_role_arn
  enabled_cluster_log_types = var.enabled_cluster_log_types

  vpc_config {
    subnet_ids              = var.private_subnet_ids
    security_group_ids      = var.cluster_security_group_ids
    endpoint_private_access = true
    endpoint_public_access  = var.endpoint_public_access
    public_access_cidrs     = var.endpoint_public_access ? var.public_access_cidrs : null
  }

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = aws_kms_key.this.arn
    }
  }

  tags = { Name = module.label.id }

  lifecycle {
    precondition {
      condition     = alltrue([for s in data.aws_subnet.private : s.vpc_id == var.vpc_id])
      error_message = "Every subnet in private_subnet_ids must belong to vpc_id."
    }
  }

  depends_on = [module.cluster_logs]
}

resource "aws_eks_access_entry" "admin" {
  for_each = toset(var.admin_principal_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.key
}

resource "aws_eks_access_policy_association" "admin" {
  for_each = toset(var.admin_principal_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.key
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }

  depends_on = [aws_eks_access_entry.admin]
}

# Node volumes: encrypted with their own key. Managed node groups launch through EC2 Auto
# Scaling, whose service-linked role must be allowed to use the key (or instances fail to start).
data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "ebs" {
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "AutoScalingUsesTheKey"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"]
    }
  }
}

resource "aws_kms_key" "ebs" {
  description             = "Encrypts the node volumes of ${module.label.id}"
  deletion_window_in_days = 30
  enable_key_rotation     = true
  policy                  = data.aws_iam_policy_document.ebs.json

  tags = { Name = "${module.label.id}-ebs" }
}

resource "aws_launch_template" "node" {
  for_each = var.node_groups

  name_prefix            = "${module.label.id}-${each.key}-"
  update_default_version = true

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_type           = "gp3"
      volume_size           = each.value.disk_size
      encrypted             = true
      kms_key_id            = aws_kms_key.ebs.arn
      delete_on_termination = true
    }
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }

  tag_specifications {
    resource_type = "volume"
    tags          = { Name = "${module.label.id}-${each.key}" }
  }

  tags = { Name = "${module.label.id}-${each.key}" }
}

resource "aws_eks_node_group" "this" {
  for_each = var.node_groups

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${module.label.id}-${each.key}"
  node_role_arn   = var.node_role_arn
  subnet_ids      = var.private_subnet_ids
  instance_types  = each.value.instance_types
  capacity_type   = each.value.capacity_type
  labels          = each.value.labels

  launch_template {
    id      = aws_launch_template.node[each.key].id
    version = aws_launch_template.node[each.key].latest_version
  }

  scaling_config {
    min_size     = each.value.min_size
    max_size     = each.value.max_size
    desired_size = each.value.desired_size
  }

  update_config {
    max_unavailable_percentage = 33
  }

  tags = { Name = "${module.label.id}-${each.key}" }

  lifecycle {
    # The cluster autoscaler owns the desired size once the group exists.
    ignore_changes = [scaling_config[0].desired_size]
  }
}

resource "aws_eks_addon" "this" {
  for_each = var.addons

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = each.value.addon_version
  configuration_values        = each.value.configuration_values
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "PRESERVE"

  # coredns needs nodes to schedule onto.
  depends_on = [aws_eks_node_group.this]
}

# ---- Fargate profiles (the workflow's "Fargate" node group type) ----

data "aws_iam_policy_document" "fargate_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["eks-fargate-pods.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:eks:${var.region}:${data.aws_caller_identity.current.account_id}:fargateprofile/${module.label.id}/*"]
    }
  }
}

resource "aws_iam_role" "fargate" {
  count = length(var.fargate_profiles) > 0 ? 1 : 0

  name               = "${module.label.id}-fargate"
  assume_role_policy = data.aws_iam_policy_document.fargate_assume.json

  tags = { Name = "${module.label.id}-fargate" }
}

resource "aws_iam_role_policy_attachment" "fargate" {
  count = length(var.fargate_profiles) > 0 ? 1 : 0

  role       = aws_iam_role.fargate[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy"
}

resource "aws_eks_fargate_profile" "this" {
  for_each = var.fargate_profiles

  cluster_name           = aws_eks_cluster.this.name
  fargate_profile_name   = each.key
  pod_execution_role_arn = aws_iam_role.fargate[0].arn
  subnet_ids             = var.private_subnet_ids

  dynamic "selector" {
    for_each = each.value.selectors

    content {
      namespace = selector.value.namespace
      labels    = selector.value.labels
    }
  }

  tags = { Name = "${module.label.id}-${each.key}" }
}

# ---- kubeconfig (the workflow's last step): authenticates with `aws eks get-token` ----

locals {
  kubeconfig = yamlencode({
    apiVersion      = "v1"
    kind            = "Config"
    current-context = module.label.id
    clusters = [{
      name    = module.label.id
      cluster = { server = aws_eks_cluster.this.endpoint, certificate-authority-data = aws_eks_cluster.this.certificate_authority[0].data }
    }]
    contexts = [{ name = module.label.id, context = { cluster = module.label.id, user = module.label.id } }]
    users = [{
      name = module.label.id
      user = {
        exec = {
          apiVersion = "client.authentication.k8s.io/v1beta1"
          command    = "aws"
          args       = ["eks", "get-token", "--cluster-name", aws_eks_cluster.this.name, "--region", var.region]
        }
      }
    }]
  })
}
