# Shared security groups: public load balancer -> app workloads -> database,
# plus groups for the EKS control plane and Lambda functions.

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

locals {
  groups = {
    alb         = "Public load balancers"
    app         = "Application workloads (EKS nodes, ECS tasks, EC2)"
    database    = "Databases, reachable only from the app group"
    cache       = "ElastiCache, reachable only from the app group"
    eks_cluster = "EKS control plane ENIs"
  }

  # Ingress rules: key => { group, port, source group or cidr }. Only the load
  # balancer group takes traffic from outside the VPC, and only on 443. (Lambda
  # functions bring their own egress-only group: component lambda.)
  ingress = merge(
    { for i, cidr in var.public_ingress_cidrs : "alb-https-${i}" => { group = "alb", port = 443, source_group = null, cidr = cidr } },
    {
      app-from-alb         = { group = "app", port = var.app_port, source_group = "alb", cidr = null }
      database-from-app    = { group = "database", port = var.database_port, source_group = "app", cidr = null }
      cache-from-app       = { group = "cache", port = var.cache_port, source_group = "app", cidr = null }
      eks-api-from-vpc     = { group = "eks_cluster", port = 443, source_group = null, cidr = var.vpc_cidr_block }
      app-from-eks-cluster = { group = "app", port = 10250, source_group = "eks_cluster", cidr = null }
    },
  )
}

resource "aws_security_group" "this" {
  for_each = local.groups

  name        = "${module.label.id}-${replace(each.key, "_", "-")}"
  description = each.value
  vpc_id      = var.vpc_id

  tags = { Name = "${module.label.id}-${replace(each.key, "_", "-")}" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = local.ingress

  security_group_id            = aws_security_group.this[each.value.group].id
  description                  = each.key
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  cidr_ipv4                    = each.value.cidr
  referenced_security_group_id = each.value.source_group == null ? null : aws_security_group.this[each.value.source_group].id
}

# Every group may initiate outbound traffic; NACLs and routing decide where it goes.
resource "aws_vpc_security_group_egress_rule" "all" {
  for_each = local.groups

  security_group_id = aws_security_group.this[each.key].id
  description       = "all outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
