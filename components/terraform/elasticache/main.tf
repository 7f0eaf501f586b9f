# A Valkey/Redis replication group in the database subnets: encrypted at rest
# (its own KMS key) and in transit, an AUTH token generated here and kept in
# Secrets Manager, Multi-AZ with automatic failover when it has replicas, slow
# and engine logs to encrypted CloudWatch log groups.

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
  replicated = var.num_cache_clusters > 1
  log_types  = toset(["slow-log", "engine-log"])
}

resource "aws_kms_key" "this" {
  description             = "Encrypts the cache ${module.label.id} and its AUTH token"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  tags = { Name = module.label.id }
}

resource "aws_elasticache_subnet_group" "this" {
  name       = module.label.id
  subnet_ids = var.subnet_ids

  tags = { Name = module.label.id }
}

resource "aws_elasticache_parameter_group" "this" {
  name   = module.label.id
  family = var.parameter_group_family

  dynamic "parameter" {
    for_each = var.parameters

    content {
      name  = parameter.key
      value = parameter.value
    }
  }

  tags = { Name = module.label.id }

  lifecycle {
    create_before_destroy = true
  }
}

# The AUTH token never appears in a stack: it is generated and stored here.
resource "random_password" "auth" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "auth" {
  name        = "${module.label.id}/auth-token"
  description = "AUTH token of the cache ${module.label.id}"
  kms_key_id  = aws_kms_key.this.arn

  tags = { Name = "${module.label.id}-auth-token" }
}

resource "aws_secretsmanager_secret_version" "auth" {
  secret_id     = aws_secretsmanager_secret.auth.id
  secret_string = random_password.auth.result
}

module "logs" {
  source   = "../modules/log-group"
  for_each = local.log_types

  name              = "/aws/elasticache/${module.label.id}/${each.key}"
  retention_in_days = var.log_retention_in_days
  tags              = { Name = "${module.label.id}-${each.key}" }
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = module.label.id
  description          = "Cache of ${module.label.id}"
  engine               = var.engine
  engine_version       = var.engine_version
  node_type            = var.node_type
  num_cache_clusters   = var.num_cache_clusters
  port                 = var.port
  parameter_group_name = aws_elasticache_parameter_group.this.name
  subnet_group_name    = aws_elasticache_subnet_group.this.name
  security_group_ids   = var.security_group_ids

  automatic_failover_enabled = local.replicated
  multi_az_enabled           = local.replicated

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.this.arn
  transit_encryption_enabled = true
  auth_token                 = random_password.auth.result
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit   = var.snapshot_retention_limit
  snapshot_window            = var.snapshot_window
  maintenance_window         = var.maintenance_window
  auto_minor_version_upgrade = true
  apply_immediately          = false

  dynamic "log_delivery_configuration" {
    for_each = local.log_types

    content {
      destination      = module.logs[log_delivery_configuration.value].name
      destination_type = "cloudwatch-logs"
      log_format       = "json"
      log_type         = log_delivery_configuration.value
    }
  }

  tags = { Name = module.label.id }
}
