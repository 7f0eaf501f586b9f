# A DynamoDB table: KMS-encrypted with its own key (rotation on), point-in-time
# recovery, optional TTL and global secondary indexes. Its resource policy admits
# only the given application roles, and (when the VPC has a DynamoDB gateway
# endpoint) only through that endpoint: data is reachable from this VPC's
# workloads, not from anywhere else with the same role.

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

resource "aws_kms_key" "this" {
  description             = "Encrypts the DynamoDB table ${module.label.id}"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  tags = { Name = module.label.id }
}

resource "aws_dynamodb_table" "this" {
  name                        = module.label.id
  billing_mode                = var.billing_mode
  read_capacity               = var.billing_mode == "PROVISIONED" ? var.read_capacity : null
  write_capacity              = var.billing_mode == "PROVISIONED" ? var.write_capacity : null
  hash_key                    = var.hash_key
  range_key                   = var.range_key
  deletion_protection_enabled = var.deletion_protection_enabled

  dynamic "attribute" {
    for_each = var.attributes

    content {
      name = attribute.value.name
      type = attribute.value.type
    }
  }

  dynamic "global_secondary_index" {
    for_each = var.global_secondary_indexes

    content {
      name            = global_secondary_index.key
      hash_key        = global_secondary_index.value.hash_key
      range_key       = global_secondary_index.value.range_key
      projection_type = global_secondary_index.value.projection_type
      read_capacity   = var.billing_mode == "PROVISIONED" ? var.read_capacity : null
      write_capacity  = var.billing_mode == "PROVISIONED" ? var.write_capacity : null
    }
  }

  dynamic "ttl" {
    for_each = var.ttl_attribute == null ? [] : [var.ttl_attribute]

    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery_enabled
  }

  tags = { Name = module.label.id }

  lifecycle {
    precondition {
      condition     = alltrue([for key in compact([var.hash_key, var.range_key]) : contains([for a in var.attributes : a.name], key)])
      error_message = "hash_key and range_key must be declared in attributes."
    }
  }
}

data "aws_iam_policy_document" "table" {
  count = length(var.access_role_arns) > 0 ? 1 : 0

  statement {
    sid       = "ApplicationRoles"
    actions   = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"]
    resources = [aws_dynamodb_table.this.arn, "${aws_dynamodb_table.this.arn}/index/*"]

    principals {
      type        = "AWS"
      identifiers = var.access_role_arns
    }
  }

  dynamic "statement" {
    for_each = var.vpc_endpoint_id == null ? [] : [var.vpc_endpoint_id]

    content {
      sid       = "OnlyThroughTheVpcEndpoint"
      effect    = "Deny"
      actions   = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"]
      resources = [aws_dynamodb_table.this.arn, "${aws_dynamodb_table.this.arn}/index/*"]

      principals {
        type        = "AWS"
        identifiers = var.access_role_arns
      }

      condition {
        test     = "StringNotEquals"
        variable = "aws:SourceVpce"
        values   = [statement.value]
      }
    }
  }
}

resource "aws_dynamodb_resource_policy" "this" {
  count = length(var.access_role_arns) > 0 ? 1 : 0

  resource_arn = aws_dynamodb_table.this.arn
  policy       = data.aws_iam_policy_document.table[0].json
}
