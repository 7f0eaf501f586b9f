# A relational database following the RDS component workflow (component-workflows
# §5): PostgreSQL, MySQL, MariaDB, SQL Server or Oracle as one RDS instance, or
# Aurora (aurora-postgresql, aurora-mysql) as a cluster with a writer and, for
# Multi-AZ, a reader in another AZ. Subnet, parameter and (where the engine has
# them) option groups, backups and windows, storage, log exports to encrypted log
# groups, encryption with its own KMS key, a managed master password.

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
  aurora    = startswith(var.engine, "aurora-")
  sqlserver = startswith(var.engine, "sqlserver-")
  oracle    = startswith(var.engine, "oracle-")

  log_exports = {
    postgres          = ["postgresql", "upgrade"]
    mysql             = ["error", "slowquery"]
    mariadb           = ["error", "slowquery"]
    aurora-postgresql = ["postgresql"]
    aurora-mysql      = ["error", "slowquery"]
    sqlserver-ee      = ["agent", "error"]
    sqlserver-se      = ["agent", "error"]
    sqlserver-ex      = ["agent", "error"]
    sqlserver-web     = ["agent", "error"]
    oracle-ee         = ["alert", "listener", "trace"]
    oracle-se2        = ["alert", "listener", "trace"]
  }[var.engine]

  port = local.sqlserver ? 1433 : local.oracle ? 1521 : contains(["postgres", "aurora-postgresql"], var.engine) ? 5432 : 3306

  # Option groups exist for MySQL, MariaDB, SQL Server and Oracle; not for PostgreSQL or Aurora.
  option_group         = !local.aurora && var.engine != "postgres"
  major_engine_version = coalesce(var.major_engine_version, local.oracle ? split(".", var.engine_version)[0] : join(".", slice(split(".", var.engine_version), 0, 2)))

  # Aurora logs are the cluster's; an instance's are its own.
  log_group_prefix = local.aurora ? "/aws/rds/cluster" : "/aws/rds/instance"
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

resource "aws_db_option_group" "this" {
  count = local.option_group ? 1 : 0

  name_prefix              = "${module.label.id}-"
  option_group_description = "Options of ${module.label.id}"
  engine_name              = var.engine
  major_engine_version     = local.major_engine_version

  dynamic "option" {
    for_each = var.options

    content {
      option_name = option.key
      port        = option.value.port
      version     = option.value.version

      dynamic "option_settings" {
        for_each = option.value.settings

        content {
          name  = option_settings.key
          value = option_settings.value
        }
      }
    }
  }

  lifecycle {
    create_before_destroy = true
  }
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
  for_each = toset(local.log_exports)

  name              = "${local.log_group_prefix}/${module.label.id}/${each.key}"
  retention_in_days = var.log_retention_in_days
  tags              = { Name = "${module.label.id}-${each.key}" }
}

# ---- One instance (every engine but Aurora) ----

resource "aws_db_instance" "this" {
  count = local.aurora ? 0 : 1

  identifier     = module.label.id
  engine         = var.engine
  engine_version = var.engine_version
  instance_class = var.instance_class
  port           = local.port

  # SQL Server creates no initial database.
  db_name                       = local.sqlserver ? null : var.database_name
  license_model                 = var.license_model
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
  option_group_name      = local.option_group ? aws_db_option_group.this[0].name : null
  publicly_accessible    = false
  multi_az               = var.multi_az

  backup_retention_period   = var.backup_retention_period
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${module.label.id}-final"

  enabled_cloudwatch_logs_exports       = local.log_exports
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

# ---- Aurora: a cluster, a writer and (Multi-AZ) a reader ----

resource "aws_rds_cluster_parameter_group" "this" {
  count = local.aurora ? 1 : 0

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

resource "aws_rds_cluster" "this" {
  count = local.aurora ? 1 : 0

  cluster_identifier = module.label.id
  engine             = var.engine
  engine_version     = var.engine_version
  port               = local.port

  database_name                 = var.database_name
  master_username               = var.master_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.this.key_id

  storage_encrypted = true
  kms_key_id        = aws_kms_key.this.arn

  db_subnet_group_name            = aws_db_subnet_group.this.name
  vpc_security_group_ids          = var.security_group_ids
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this[0].name

  backup_retention_period      = var.backup_retention_period
  preferred_backup_window      = var.backup_window
  preferred_maintenance_window = var.maintenance_window
  copy_tags_to_snapshot        = true
  deletion_protection          = var.deletion_protection
  skip_final_snapshot          = var.skip_final_snapshot
  final_snapshot_identifier    = var.skip_final_snapshot ? null : "${module.label.id}-final"

  enabled_cloudwatch_logs_exports     = local.log_exports
  iam_database_authentication_enabled = true
  apply_immediately                   = false

  tags = { Name = module.label.id }

  depends_on = [module.logs]
}

resource "aws_rds_cluster_instance" "this" {
  count = local.aurora ? (var.multi_az ? 2 : 1) : 0

  identifier              = "${module.label.id}-${count.index + 1}"
  cluster_identifier      = aws_rds_cluster.this[0].id
  engine                  = var.engine
  engine_version          = var.engine_version
  instance_class          = var.instance_class
  db_subnet_group_name    = aws_db_subnet_group.this.name
  db_parameter_group_name = aws_db_parameter_group.this.name
  publicly_accessible     = false

  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_kms_key_id       = var.performance_insights_enabled ? aws_kms_key.this.arn : null
  performance_insights_retention_period = var.performance_insights_enabled ? 7 : null
  auto_minor_version_upgrade            = true
  apply_immediately                     = false

  tags = { Name = "${module.label.id}-${count.index + 1}" }
}
