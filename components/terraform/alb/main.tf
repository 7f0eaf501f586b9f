# The internet-facing Application Load Balancer in front of the compute layer:
# HTTPS on 443 only (TLS 1.2+, invalid headers dropped), one target group per
# compute component (EC2 instances registered here; ECS services and EKS
# TargetGroupBindings register their own targets), path rules to each, and the
# HTTPS listener the API Gateway's VPC link forwards to.
#
# Its network is found by the names vpc and security-groups give their
# resources (var.vpc_name, var.security_group_name): in the seed's dependency
# graph the load balancer depends on EC2, ECS and EKS only, which come after the
# VPC and the security groups. The certificate is acm's, found by its domain
# (var.certificate_domain_name); apply acm first in a new environment (the
# onboarding workflow does).

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

data "aws_vpc" "this" {
  tags = { Name = var.vpc_name }
}

data "aws_subnets" "public" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.this.id]
  }

  tags = { Tier = "public" }
}

# security-groups' `alb` group: 443 from public_ingress_cidrs, nothing else.
data "aws_security_group" "alb" {
  vpc_id = data.aws_vpc.this.id
  name   = var.security_group_name
}

data "aws_acm_certificate" "this" {
  domain      = var.certificate_domain_name
  statuses    = ["ISSUED"]
  most_recent = true
}

locals {
  # Target groups of the compute components present in this stack.
  targets = merge(
    length(var.ec2_instance_ids) > 0 ? { ec2 = { type = "instance", tags = {} } } : {},
    var.ecs_cluster_name != null ? { ecs = { type = "ip", tags = { "ecs-cluster" = var.ecs_cluster_name } } } : {},
    var.eks_cluster_name != null ? { eks = { type = "ip", tags = { "elbv2.k8s.aws/cluster" = var.eks_cluster_name } } } : {},
  )
}

resource "aws_lb" "this" {
  name                       = substr(module.label.id, 0, 32)
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = data.aws_subnets.public.ids
  security_groups            = [data.aws_security_group.alb.id]
  idle_timeout               = var.idle_timeout
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection

  dynamic "access_logs" {
    for_each = var.access_logs_bucket == null ? [] : [var.access_logs_bucket]

    content {
      bucket  = access_logs.value
      prefix  = module.label.id
      enabled = true
    }
  }

  tags = { Name = module.label.id }
}

resource "aws_lb_target_group" "this" {
  for_each = local.targets

  name                 = substr("${module.label.id}-${each.key}", 0, 32)
  vpc_id               = data.aws_vpc.this.id
  target_type          = each.value.type
  port                 = var.target_port
  protocol             = "HTTP"
  deregistration_delay = 30

  health_check {
    path                = var.health_check_path
    matcher             = "200-399"
    healthy_threshold   = 2
    unhealthy_threshold = 3
    interval            = 15
  }

  tags = merge({ Name = "${module.label.id}-${each.key}" }, each.value.tags)
}

resource "aws_lb_target_group_attachment" "ec2" {
  count = length(var.ec2_instance_ids)

  target_group_arn = aws_lb_target_group.this["ec2"].arn
  target_id        = var.ec2_instance_ids[count.index]
  port             = var.target_port
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = data.aws_acm_certificate.this.arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }

  tags = { Name = "${module.label.id}-https" }
}

resource "aws_lb_listener_rule" "this" {
  for_each = { for k, v in var.path_patterns : k => v if contains(keys(local.targets), k) }

  listener_arn = aws_lb_listener.https.arn
  priority     = 100 + index(["ec2", "ecs", "eks"], each.key)

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }

  condition {
    path_pattern {
      values = each.value
    }
  }

  tags = { Name = "${module.label.id}-${each.key}" }
}
