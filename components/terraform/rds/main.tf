# Single RDS instance (PostgreSQL, MySQL or MariaDB) with its own KMS key,
# subnet and parameter groups, managed master password and log exports.

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
  log_exports = {
    postgres = ["postgresql", "upgrade"]
    mysql    = ["error", "slowquery"]
    mariadb  = ["error", "slowquery"]
  }
  port = var.engine == "postgres" ? 5432 : 3306
}

resource "aws_kms_key" "this" {
  description             = "Encrypts storage of ${module.label.id}"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  tags = { Name = module.label.id }
}

resource "aws_db_subnet_group" "this" {
  name       = module.label.id
  subnet_ids = var.subnet_ids

  tags = { Name = module.label.id }
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${module.label.id}-"
  family      = var.parameter_group_family

  dynamic "parameter" {
    for_each = var.parameters

    content {
      name         = parameter.value.name
      value        = parameter.value.value
      apply_method = parameter.value.apply_method
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

# The log exports' groups, created before the instance so they are encrypted with
# our key and keep our retention (RDS would create them unencrypted, kept forever).
module "logs" {
  source   = "../modules/log-group"
  for_each = toset(local.log_exports[var.engine])

  name              = "/aws/rds/instance/${module.label.id}/${each.key}"
  retention_in_days = var.log_retention_in_days
  tags              = { Name = "${module.label.id}-${each.key}" }
}

resource "aws_db_instance" "this" {
  identifier     = module.label.id
  engine         = var.engine
  engine_version = var.engine_version
  instance_class = var.instance_class
  port           = local.port

  db_name                       = var.database_name
  username                      = var.master_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.this.key_id

  storage_type          = var.storage_type
  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage > 0 ? var.max_allocated_storage : null
  iops                  = var.iops
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.this.arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = var.security_group_ids
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false
  multi_az               = var.multi_az

  backup_retention_period   = var.backup_retention_period
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${module.label.id}-final"

  enabled_cloudwatch_logs_exports       = local.log_exports[var.engine]
  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_kms_key_id       = var.performance_insights_enabled ? aws_kms_key.this.arn : null
  auto_minor_version_upgrade            = true
  allow_major_version_upgrade           = false
  apply_immediately                     = false
  iam_database_authentication_enabled   = true
  performance_insights_retention_period = var.performance_insights_enabled ? 7 : null

  tags = { Name = module.label.id }

  depends_on = [module.logs]
}
