# Alarm topic, CloudWatch alarms for RDS, Lambda, HTTP APIs and DynamoDB,
# and a dashboard over everything the stack wires in.

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
  dashboard_name = coalesce(var.dashboard_name, module.label.id)
  alarm_actions  = [aws_sns_topic.alarms.arn]

  # One alarm definition per (resource, metric).
  alarms = merge(
    { for id in var.rds_instance_ids : "rds-cpu-${id}" => {
      namespace = "AWS/RDS", metric = "CPUUtilization", statistic = "Average", dimensions = { DBInstanceIdentifier = id }
      operator  = "GreaterThanThreshold", threshold = var.rds_cpu_threshold_percent
    } },
    { for id in var.rds_instance_ids : "rds-storage-${id}" => {
      namespace = "AWS/RDS", metric = "FreeStorageSpace", statistic = "Minimum", dimensions = { DBInstanceIdentifier = id }
      operator  = "LessThanThreshold", threshold = var.rds_free_storage_threshold_bytes
    } },
    { for fn in var.lambda_function_names : "lambda-errors-${fn}" => {
      namespace = "AWS/Lambda", metric = "Errors", statistic = "Sum", dimensions = { FunctionName = fn }
      operator  = "GreaterThanThreshold", threshold = 0
    } },
    { for fn in var.lambda_function_names : "lambda-throttles-${fn}" => {
      namespace = "AWS/Lambda", metric = "Throttles", statistic = "Sum", dimensions = { FunctionName = fn }
      operator  = "GreaterThanThreshold", threshold = 0
    } },
    { for api in var.http_api_ids : "api-5xx-${api}" => {
      namespace = "AWS/ApiGateway", metric = "5xx", statistic = "Sum", dimensions = { ApiId = api }
      operator  = "GreaterThanThreshold", threshold = var.api_5xx_threshold
    } },
    { for t in var.dynamodb_table_names : "dynamodb-throttles-${t}" => {
      namespace = "AWS/DynamoDB", metric = "ThrottledRequests", statistic = "Sum", dimensions = { TableName = t }
      operator  = "GreaterThanThreshold", threshold = 0
    } },
  )

  widgets = [
    for i, w in [
      { title = "RDS CPU", metrics = [for id in var.rds_instance_ids : ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", id]] },
      { title = "Lambda errors", metrics = [for fn in var.lambda_function_names : ["AWS/Lambda", "Errors", "FunctionName", fn]] },
      { title = "API 5xx", metrics = [for api in var.http_api_ids : ["AWS/ApiGateway", "5xx", "ApiId", api]] },
      { title = "EKS API server requests", metrics = [for c in var.eks_cluster_names : ["AWS/EKS", "apiserver_request_total", "ClusterName", c]] },
      { title = "DynamoDB throttles", metrics = [for t in var.dynamodb_table_names : ["AWS/DynamoDB", "ThrottledRequests", "TableName", t]] },
      ] : {
      type   = "metric"
      x      = (i % 2) * 12
      y      = floor(i / 2) * 6
      width  = 12
      height = 6
      properties = {
        title   = w.title
        region  = var.region
        view    = "timeSeries"
        stat    = "Sum"
        period  = 300
        metrics = w.metrics
      }
    } if length(w.metrics) > 0
  ]
}

resource "aws_sns_topic" "alarms" {
  name              = "${module.label.id}-alarms"
  kms_master_key_id = "alias/aws/sns"

  tags = { Name = "${module.label.id}-alarms" }
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.key
}

resource "aws_sns_topic_subscription" "https" {
  count = var.alarm_https_endpoint != "" ? 1 : 0

  topic_arn              = aws_sns_topic.alarms.arn
  protocol               = "https"
  endpoint               = var.alarm_https_endpoint
  endpoint_auto_confirms = true
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${module.label.id}-${each.key}"
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  comparison_operator = each.value.operator
  threshold           = each.value.threshold
  period              = 300
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = { Name = "${module.label.id}-${each.key}" }
}

resource "aws_cloudwatch_dashboard" "this" {
  count = length(local.widgets) > 0 ? 1 : 0

  dashboard_name = local.dashboard_name
  dashboard_body = jsonencode({ widgets = local.widgets })
}
