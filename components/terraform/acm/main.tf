# ACM certificate validated through DNS records in a Route53 zone.

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

provider "aws" {
  alias  = "dns"
  region = var.region

  dynamic "assume_role" {
    for_each = var.zone_role_arn == null ? [] : [var.zone_role_arn]

    content {
      role_arn     = assume_role.value
      session_name = "${module.label.id}-validation"
    }
  }
}

resource "aws_acm_certificate" "this" {
  domain_name               = var.domain_name
  subject_alternative_names = var.subject_alternative_names
  validation_method         = "DNS"
  key_algorithm             = var.key_algorithm

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  tags = { Name = var.domain_name }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  # A wildcard and its apex share one validation record, hence the grouping.
  for_each = {
    for dvo in aws_acm_certificate.this.domain_validation_options : dvo.resource_record_name => {
      type   = dvo.resource_record_type
      record = dvo.resource_record_value
    }...
  }
  provider = aws.dns

  zone_id         = var.zone_id
  name            = each.key
  type            = each.value[0].type
  ttl             = 60
  records         = [each.value[0].record]
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  count = var.wait_for_validation ? 1 : 0

  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}
