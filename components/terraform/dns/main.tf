# Route53 hosted zone (public, or private when VPCs are given), simple record
# sets, optional delegation from a parent zone and optional query logging.

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

# Writes the delegation record into the parent zone, possibly in another account.
provider "aws" {
  alias  = "parent"
  region = var.region

  dynamic "assume_role" {
    for_each = var.parent_zone_role_arn == null ? [] : [var.parent_zone_role_arn]

    content {
      role_arn     = assume_role.value
      session_name = "${module.label.id}-delegation"
    }
  }
}

# Query logging requires the log group in us-east-1, whatever the zone's region.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

locals {
  private      = length(var.private_zone_vpc_ids) > 0
  query_logged = var.query_logging_enabled && !local.private
}

resource "aws_route53_zone" "this" {
  name          = var.domain_name
  comment       = "Managed by Atmos component ${var.name} in ${module.label.id}"
  force_destroy = false

  dynamic "vpc" {
    for_each = var.private_zone_vpc_ids

    content {
      vpc_id = vpc.value
    }
  }

  tags = { Name = var.domain_name }
}

resource "aws_route53_record" "delegation" {
  count    = var.parent_zone_id != null && !local.private ? 1 : 0
  provider = aws.parent

  zone_id = var.parent_zone_id
  name    = var.domain_name
  type    = "NS"
  ttl     = 172800
  records = aws_route53_zone.this.name_servers
}

resource "aws_route53_health_check" "this" {
  for_each = { for key, record in var.records : key => record.health_check if record.health_check != null }

  fqdn              = each.value.fqdn
  type              = each.value.type
  port              = each.value.port
  resource_path     = contains(["TCP"], each.value.type) ? null : each.value.resource_path
  failure_threshold = each.value.failure_threshold
  request_interval  = each.value.request_interval

  tags = { Name = "${module.label.id}-${each.key}" }
}

resource "aws_route53_record" "this" {
  for_each = var.records

  zone_id         = aws_route53_zone.this.zone_id
  name            = coalesce(each.value.name, each.key) == "@" ? var.domain_name : "${coalesce(each.value.name, each.key)}.${var.domain_name}"
  type            = each.value.type
  ttl             = each.value.alias == null ? each.value.ttl : null
  records         = each.value.alias == null ? each.value.records : null
  set_identifier  = each.value.set_identifier
  health_check_id = each.value.health_check == null ? null : aws_route53_health_check.this[each.key].id

  multivalue_answer_routing_policy = try(each.value.routing.policy, "simple") == "multivalue" ? true : null

  dynamic "alias" {
    for_each = each.value.alias == null ? [] : [each.value.alias]

    content {
      name                   = alias.value.name
      zone_id                = alias.value.zone_id
      evaluate_target_health = alias.value.evaluate_target_health
    }
  }

  dynamic "weighted_routing_policy" {
    for_each = try(each.value.routing.policy, "simple") == "weighted" ? [each.value.routing] : []

    content {
      weight = weighted_routing_policy.value.weight
    }
  }

  dynamic "latency_routing_policy" {
    for_each = try(each.value.routing.policy, "simple") == "latency" ? [each.value.routing] : []

    content {
      region = latency_routing_policy.value.region
    }
  }

  dynamic "failover_routing_policy" {
    for_each = try(each.value.routing.policy, "simple") == "failover" ? [each.value.routing] : []

    content {
      type = failover_routing_policy.value.failover
    }
  }

  dynamic "geolocation_routing_policy" {
    for_each = try(each.value.routing.policy, "simple") == "geolocation" ? [each.value.routing] : []

    content {
      continent = geolocation_routing_policy.value.continent
      country   = geolocation_routing_policy.value.country
    }
  }
}

module "query_log" {
  source = "../modules/log-group"
  count  = local.query_logged ? 1 : 0

  providers = {
    aws = aws.us_east_1
  }

  name              = "/aws/route53/${var.domain_name}"
  retention_in_days = var.query_log_retention_in_days
  tags              = { Name = "${module.label.id}-query-log" }
}

data "aws_iam_policy_document" "query_log" {
  count = local.query_logged ? 1 : 0

  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${module.query_log[0].arn}:*"]

    principals {
      type        = "Service"
      identifiers = ["route53.amazonaws.com"]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "query_log" {
  count    = local.query_logged ? 1 : 0
  provider = aws.us_east_1

  policy_name     = "${module.label.id}-route53-query-logging"
  policy_document = data.aws_iam_policy_document.query_log[0].json
}

resource "aws_route53_query_log" "this" {
  count = local.query_logged ? 1 : 0

  zone_id                  = aws_route53_zone.this.zone_id
  cloudwatch_log_group_arn = module.query_log[0].arn

  depends_on = [aws_cloudwatch_log_resource_policy.query_log]
}

# ---- Record writer role ----
# The environments (other accounts) write their certificate validation and API
# alias records into this zone through this role, and only into this zone.

data "aws_partition" "current" {}

data "aws_iam_policy_document" "record_writer_trust" {
  count = length(var.record_writer_account_ids) > 0 ? 1 : 0

  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "AWS"
      identifiers = [for id in var.record_writer_account_ids : "arn:${data.aws_partition.current.partition}:iam::${id}:root"]
    }
  }
}

data "aws_iam_policy_document" "record_writer" {
  statement {
    sid       = "ChangeRecordsOfThisZone"
    actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:GetHostedZone"]
    resources = [aws_route53_zone.this.arn]
  }

  statement {
    sid       = "WaitForChanges"
    actions   = ["route53:GetChange", "route53:ListHostedZones", "route53:ListHostedZonesByName"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "record_writer" {
  count = length(var.record_writer_account_ids) > 0 ? 1 : 0

  name               = "${module.label.id}-record-writer"
  description        = "Writes records into ${var.domain_name} for the environment accounts"
  assume_role_policy = data.aws_iam_policy_document.record_writer_trust[0].json

  tags = { Name = "${module.label.id}-record-writer" }
}

resource "aws_iam_role_policy" "record_writer" {
  count = length(var.record_writer_account_ids) > 0 ? 1 : 0

  name   = "route53-records"
  role   = aws_iam_role.record_writer[0].id
  policy = data.aws_iam_policy_document.record_writer.json
}
