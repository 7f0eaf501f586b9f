# An ECS cluster for Fargate services: FARGATE and FARGATE_SPOT capacity
# providers, Container Insights, ECS Exec sessions logged to an encrypted log
# group, and a Service Connect (Cloud Map) namespace in the VPC. The services
# themselves are deployed by the application pipelines; the outputs are what
# they need (cluster, subnets, security groups, roles).

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

module "exec_logs" {
  source = "../modules/log-group"

  name              = "/aws/ecs/${module.label.id}/exec"
  retention_in_days = var.log_retention_in_days
  tags              = { Name = "${module.label.id}-exec" }
}

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = "${module.label.id}.local"
  description = "Service Connect namespace of ${module.label.id}"
  vpc         = var.vpc_id

  tags = { Name = "${module.label.id}.local" }
}

resource "aws_ecs_cluster" "this" {
  name = module.label.id

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  configuration {
    execute_command_configuration {
      kms_key_id = module.exec_logs.kms_key_arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = module.exec_logs.name
      }
    }
  }

  service_connect_defaults {
    namespace = aws_service_discovery_private_dns_namespace.this.arn
  }

  tags = { Name = module.label.id }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  # At least one task on FARGATE, the rest split by weight.
  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 1
    weight            = 1
  }

  dynamic "default_capacity_provider_strategy" {
    for_each = var.fargate_spot_weight > 0 ? [var.fargate_spot_weight] : []

    content {
      capacity_provider = "FARGATE_SPOT"
      weight            = default_capacity_provider_strategy.value
    }
  }
}
