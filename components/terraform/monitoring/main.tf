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
    { for id in var.ec2_instance_ids : "ec2-cpu-${id}" => {
      namespace = "AWS/EC2", metric = "CPUUtilization", statistic = "Average", dimensions = { InstanceId = id }
      operator  = "GreaterThanThreshold", threshold = var.ec2_cpu_threshold_percent
    } },
    { for id in var.ec2_instance_ids : "ec2-status-${id}" => {
      namespace = "AWS/EC2", metric = "StatusCheckFailed", statistic = "Maximum", dimensions = { InstanceId = id }
      operator  = "GreaterThanThreshold", threshold = 0
    } },
    { for t in var.dynamodb_table_names : "dynamodb-throttles-${t}" => {
      namespace = "AWS/DynamoDB", metric = "ThrottledRequests", statistic = "Sum", dimensions = { TableName = t }
      operator  = "GreaterThanThreshold", threshold = 0
    } },
  )

  widgets = [
    for i, w in [
      { title = "EC2 CPU", metrics = [for id in var.ec2_instance_ids : ["AWS/EC2", "CPUUtilization", "InstanceId", id]] },
      { title = "VPC rejected packets", metrics = var.vpc_flow_log_group_name == null ? [] : [["${module.label.id}/VPC", "RejectedPackets"]] },
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

# The alarm topic's key: CloudWatch must be allowed to use it, which the AWS
# managed alias/aws/sns key does not allow (alarms would silently fail to publish).
data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "topic_key" {
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "topic" {
  description             = "Encrypts the alarm topic ${module.label.id}-alarms"
  deletion_window_in_days = 30
  enable_key_rotation     = true
  policy                  = data.aws_iam_policy_document.topic_key.json

  tags = { Name = "${module.label.id}-alarms" }
}

resource "aws_sns_topic" "alarms" {
  name              = "${module.label.id}-alarms"
  kms_master_key_id = aws_kms_key.topic.arn

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

# VPC flow logs: rejected packets as a metric (dashboard above).
resource "aws_cloudwatch_log_metric_filter" "vpc_rejected" {
  count = var.vpc_flow_log_group_name == null ? 0 : 1

  name           = "${module.label.id}-vpc-rejected"
  log_group_name = var.vpc_flow_log_group_name
  pattern        = "[version, account, eni, source, destination, srcport, destport, protocol, packets, bytes, windowstart, windowend, action=\"REJECT\", flowlogstatus]"

  metric_transformation {
    name      = "RejectedPackets"
    namespace = "${module.label.id}/VPC"
    value     = "$packets"
  }
}

# ---- Aggregation across accounts (CloudWatch cross-account observability) ----
# The shared account's instance hosts the sink; every environment's instance links
# its metrics, logs and traces to it.

resource "aws_oam_sink" "this" {
  count = var.oam_sink_enabled ? 1 : 0

  name = module.label.id

  tags = { Name = module.label.id }
}

data "aws_iam_policy_document" "sink" {
  count = var.oam_sink_enabled ? 1 : 0

  statement {
    actions   = ["oam:CreateLink", "oam:UpdateLink"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.oam_source_account_ids
    }

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "oam:ResourceTypes"
      values   = ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup", "AWS::XRay::Trace"]
    }
  }
}

resource "aws_oam_sink_policy" "this" {
  count = var.oam_sink_enabled ? 1 : 0

  sink_identifier = aws_oam_sink.this[0].arn
  policy          = data.aws_iam_policy_document.sink[0].json
}

resource "aws_oam_link" "this" {
  count = var.oam_sink_arn == null ? 0 : 1

  label_template  = "$AccountName"
  resource_types  = ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup", "AWS::XRay::Trace"]
  sink_identifier = var.oam_sink_arn

  tags = { Name = module.label.id }

  lifecycle {
    precondition {
      condition     = !var.oam_sink_enabled
      error_message = "An instance is either the sink (oam_sink_enabled) or links to one (oam_sink_arn), not both."
    }
  }
}
