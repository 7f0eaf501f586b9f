# ---- Label context (the same in every component; set by the stacks' vars) ----

variable "region" {
  type        = string
  description = "AWS region to deploy into, e.g. `us-east-1`."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "The region must be a valid AWS region name such as us-east-1."
  }
}

variable "namespace" {
  type        = string
  description = "Organization namespace, first element of every resource name, e.g. `acme`."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.namespace))
    error_message = "namespace must be 2 to 10 lowercase letters or digits, starting with a letter."
  }
}

variable "tenant" {
  type        = string
  description = "Tenant (organizational unit), e.g. `plat`."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.tenant))
    error_message = "tenant must be 2 to 10 lowercase letters or digits, starting with a letter."
  }
}

variable "environment" {
  type        = string
  description = "Region abbreviation, e.g. `use1` (us-east-1) or `usw2` (us-west-2)."

  validation {
    condition     = can(regex("^[a-z]{2,4}[0-9]$", var.environment))
    error_message = "environment must be a region abbreviation such as use1, usw2 or euw1."
  }
}

variable "stage" {
  type        = string
  description = "Stage, which is the account: `dev`, `staging`, `prod` or `shared`."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.stage))
    error_message = "stage must be 2 to 10 lowercase letters or digits, e.g. dev, staging, prod or shared."
  }
}

variable "name" {
  type        = string
  description = "Name of this component instance, last element of resource names."
  default     = "rds"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}$", var.name))
    error_message = "name must be lowercase letters, digits and dashes (at most 31), starting with a letter."
  }
}

variable "tags" {
  type        = map(string)
  description = "Additional tags applied to every resource."
  default     = {}
}

variable "subnet_ids" {
  type        = list(string)
  description = "Subnets of the DB subnet group (output `database_subnet_ids` of the vpc component)."

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "RDS needs subnets in at least two availability zones."
  }
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the instance (output `database_security_group_id` of security-groups)."
}

variable "engine" {
  type        = string
  description = "Database engine: postgres, mysql, mariadb, sqlserver-ee/se/ex/web, oracle-ee/se2 (one instance) or aurora-postgresql/aurora-mysql (a cluster)."
  default     = "postgres"

  validation {
    condition     = contains(["postgres", "mysql", "mariadb", "aurora-postgresql", "aurora-mysql", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web", "oracle-ee", "oracle-se2"], var.engine)
    error_message = "engine must be postgres, mysql, mariadb, aurora-postgresql, aurora-mysql, sqlserver-ee, sqlserver-se, sqlserver-ex, sqlserver-web, oracle-ee or oracle-se2."
  }
}

variable "engine_version" {
  type        = string
  description = "Engine version, e.g. `16.4` for PostgreSQL, `8.0.39` for MySQL, `15.00.4395.2.v1` for SQL Server."

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9A-Za-z_-]+)*$", var.engine_version))
    error_message = "engine_version must look like 16.4, 8.0.39 or 19.0.0.0.ru-2024-07.rur-2024-07.r1."
  }
}

variable "major_engine_version" {
  type        = string
  description = "Major version for the option group (MySQL, MariaDB, SQL Server, Oracle), e.g. `8.0`; null derives it from engine_version."
  default     = null
}

variable "options" {
  type = map(object({
    port     = optional(number)
    version  = optional(string)
    settings = optional(map(string), {})
  }))
  description = "Option group options by name, e.g. `MARIADB_AUDIT_PLUGIN = { settings = { SERVER_AUDIT_EVENTS = \"CONNECT\" } }` (engines with option groups only)."
  default     = {}
}

variable "license_model" {
  type        = string
  description = "License model for SQL Server and Oracle (`license-included`, `bring-your-own-license`); null uses the engine's default."
  default     = null

  validation {
    condition     = contains(["license-included", "bring-your-own-license", "general-public-license", "postgresql-license"], coalesce(var.license_model, "license-included"))
    error_message = "license_model must be license-included, bring-your-own-license, general-public-license or postgresql-license."
  }
}

variable "parameter_group_family" {
  type        = string
  description = "Parameter group family matching the engine version, e.g. `postgres16`, `aurora-postgresql16`, `sqlserver-se-15.0`."

  validation {
    condition     = can(regex("^[a-z][a-z0-9.-]+$", var.parameter_group_family))
    error_message = "parameter_group_family must look like postgres16 or aurora-mysql8.0."
  }
}

variable "parameters" {
  type = list(object({
    name         = string
    value        = string
    apply_method = optional(string, "pending-reboot")
  }))
  description = "Engine parameters set in the parameter group."
  default     = []
}

variable "instance_class" {
  type        = string
  description = "Instance class, e.g. `db.t4g.medium`."
  default     = "db.t4g.medium"

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must start with `db.`."
  }
}

variable "storage_type" {
  type        = string
  description = "Storage type."
  default     = "gp3"

  validation {
    condition     = contains(["standard", "gp2", "gp3", "io1", "io2"], var.storage_type)
    error_message = "storage_type must be one of standard, gp2, gp3, io1 or io2."
  }
}

variable "allocated_storage" {
  type        = number
  description = "Initial storage in GiB."
  default     = 20
}

variable "max_allocated_storage" {
  type        = number
  description = "Upper bound for storage autoscaling in GiB (0 disables autoscaling)."
  default     = 100
}

variable "iops" {
  type        = number
  description = "Provisioned IOPS for io1/io2 (and optionally gp3 above 400 GiB)."
  default     = null
}

variable "database_name" {
  type        = string
  description = "Name of the initial database."
  default     = "app"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must start with a letter and contain only letters, digits and underscores."
  }
}

variable "master_username" {
  type        = string
  description = "Master user name. The password is generated and kept in Secrets Manager by RDS."
  default     = "dbadmin"
}

variable "multi_az" {
  type        = bool
  description = "Run a synchronous standby in a second availability zone."
  default     = false
}

variable "backup_retention_period" {
  type        = number
  description = "Days of automated backups to keep (0 disables automated backups)."
  default     = 7

  validation {
    condition     = var.backup_retention_period >= 0 && var.backup_retention_period <= 35
    error_message = "backup_retention_period must be between 0 and 35."
  }
}

variable "backup_window" {
  type        = string
  description = "Daily UTC window for automated backups, e.g. `03:00-04:00`."
  default     = "03:00-04:00"
}

variable "maintenance_window" {
  type        = string
  description = "Weekly UTC maintenance window, e.g. `sun:05:00-sun:06:00`."
  default     = "sun:05:00-sun:06:00"
}

variable "deletion_protection" {
  type        = bool
  description = "Prevent the instance from being deleted."
  default     = true
}

variable "skip_final_snapshot" {
  type        = bool
  description = "Skip the final snapshot on delete (only sensible for throwaway environments)."
  default     = false
}

variable "performance_insights_enabled" {
  type        = bool
  description = "Enable Performance Insights."
  default     = true
}

variable "log_retention_in_days" {
  type        = number
  description = "Retention of the log export groups (a value CloudWatch accepts, e.g. 30)."
  default     = 30
}
