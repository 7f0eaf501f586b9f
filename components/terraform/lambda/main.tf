# One Lambda function with its log group, optional VPC attachment, X-Ray
# tracing and a `live` alias (optionally with provisioned concurrency).

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
  function_name = module.label.id
  zip           = var.package_type == "Zip"
}

module "logs" {
  source = "../modules/log-group"

  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_in_days
  tags              = { Name = local.function_name }
}

# The function's own security group: outbound only (it calls AWS APIs through the
# VPC endpoints and NAT). Nothing may connect to a Lambda function.
resource "aws_security_group" "this" {
  count = var.vpc_id == null ? 0 : 1

  name        = local.function_name
  description = "Lambda function ${local.function_name} (egress only)"
  vpc_id      = var.vpc_id

  tags = { Name = local.function_name }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "all" {
  count = var.vpc_id == null ? 0 : 1

  security_group_id = aws_security_group.this[0].id
  description       = "all outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_lambda_function" "this" {
  function_name = local.function_name
  description   = var.description
  role          = var.role_arn
  package_type  = var.package_type
  architectures = [var.architecture]
  memory_size   = var.memory_size
  timeout       = var.timeout
  publish       = true

  # Zip packages come from S3; images from ECR.
  s3_bucket = local.zip ? var.s3_bucket : null
  s3_key    = local.zip ? var.s3_key : null
  runtime   = local.zip ? var.runtime : null
  handler   = local.zip ? var.handler : null
  image_uri = local.zip ? null : var.image_uri

  reserved_concurrent_executions = var.reserved_concurrent_executions

  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [var.environment_variables] : []

    content {
      variables = environment.value
    }
  }

  dynamic "vpc_config" {
    for_each = var.vpc_id == null ? [] : [1]

    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = [aws_security_group.this[0].id]
    }
  }

  tracing_config {
    mode = var.tracing_mode
  }

  logging_config {
    log_format = "JSON"
    log_group  = module.logs.name
  }

  tags = { Name = local.function_name }

  lifecycle {
    precondition {
      condition     = local.zip ? (var.s3_bucket != null && var.s3_key != null) : var.image_uri != null
      error_message = "Zip functions need s3_bucket and s3_key; Image functions need image_uri."
    }

    precondition {
      condition     = var.vpc_id == null || length(var.subnet_ids) > 0
      error_message = "A function in a VPC (vpc_id set) needs subnet_ids."
    }
  }
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

resource "aws_lambda_provisioned_concurrency_config" "live" {
  count = var.provisioned_concurrent_executions > 0 ? 1 : 0

  function_name                     = aws_lambda_function.this.function_name
  qualifier                         = aws_lambda_alias.live.name
  provisioned_concurrent_executions = var.provisioned_concurrent_executions
}
