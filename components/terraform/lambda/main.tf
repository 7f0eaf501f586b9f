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

# ---- Event triggers (component-workflows §6) ----
# API Gateway triggers are granted by the apigateway component. The execution role
# (iam) needs read access to the sources below: lambda_extra_policy_arns there.

# SQS queues, DynamoDB streams and Kinesis streams: polled by Lambda.
resource "aws_lambda_event_source_mapping" "this" {
  for_each = var.event_source_mappings

  function_name                      = aws_lambda_alias.live.arn
  event_source_arn                   = each.value.event_source_arn
  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
  starting_position                  = can(regex(":sqs:", each.value.event_source_arn)) ? null : each.value.starting_position
  enabled                            = each.value.enabled
}

# EventBridge: schedules (`rate(5 minutes)`, `cron(...)`) and event patterns.
resource "aws_cloudwatch_event_rule" "this" {
  for_each = var.eventbridge_rules

  name                = "${local.function_name}-${each.key}"
  description         = each.value.description
  schedule_expression = each.value.schedule_expression
  event_pattern       = each.value.event_pattern

  tags = { Name = "${local.function_name}-${each.key}" }
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = var.eventbridge_rules

  rule = aws_cloudwatch_event_rule.this[each.key].name
  arn  = aws_lambda_alias.live.arn
}

resource "aws_lambda_permission" "eventbridge" {
  for_each = var.eventbridge_rules

  statement_id  = "AllowEventBridge-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  qualifier     = aws_lambda_alias.live.name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this[each.key].arn
}

# SNS topics: the function subscribes.
resource "aws_sns_topic_subscription" "this" {
  for_each = toset(var.sns_topic_arns)

  topic_arn = each.key
  protocol  = "lambda"
  endpoint  = aws_lambda_alias.live.arn
}

resource "aws_lambda_permission" "sns" {
  for_each = toset(var.sns_topic_arns)

  statement_id  = "AllowSns-${md5(each.key)}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  qualifier     = aws_lambda_alias.live.name
  principal     = "sns.amazonaws.com"
  source_arn    = each.key
}

# S3 buckets may invoke the function; the bucket's own notification configuration
# (owned by whoever owns the bucket: S3 allows one per bucket) says for which events.
resource "aws_lambda_permission" "s3" {
  for_each = toset(var.s3_bucket_arns)

  statement_id   = "AllowS3-${md5(each.key)}"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  qualifier      = aws_lambda_alias.live.name
  principal      = "s3.amazonaws.com"
  source_arn     = each.key
  source_account = data.aws_caller_identity.current.account_id
}

data "aws_caller_identity" "current" {}
