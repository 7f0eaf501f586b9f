# HTTP or REST API in front of Lambda functions and (HTTP, through a VPC link)
# the load balancer, with access logging, throttling, optional JWT auth and a
# custom domain whose alias record may live in another account's zone.

provider "aws" {
  region = var.region

  default_tags {
    # `Name` is set per resource, everything else comes from the label context.
    tags = { for k, v in module.label.tags : k => v if k != "Name" }
  }
}

# Writes the custom domain's alias record, possibly into another account's zone.
provider "aws" {
  alias  = "zone"
  region = var.region

  dynamic "assume_role" {
    for_each = var.zone_role_arn == null ? [] : [var.zone_role_arn]

    content {
      role_arn     = assume_role.value
      session_name = "apigateway-alias-record"
    }
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
  http = var.api_type == "HTTP"
  rest = var.api_type == "REST"

  # `authorized = true` is shorthand for JWT; `authorization` names the type (JWT, LAMBDA, IAM, NONE).
  routes = { for k, r in var.routes : k => merge(r, {
    method = split(" ", k)[0]
    path   = split(" ", k)[1]
    auth   = coalesce(r.authorization, r.authorized ? "JWT" : "NONE")
  }) }
  api_keys_required = length(var.api_keys) > 0

  # REST APIs are described as OpenAPI: one aws_proxy integration per method.
  openapi = jsonencode({
    openapi = "3.0.1"
    info    = { title = module.label.id, version = "1.0" }
    paths = {
      for path, methods in { for r in values(local.routes) : r.path => r... } : path => {
        for r in methods : (r.method == "ANY" ? "x-amazon-apigateway-any-method" : lower(r.method)) => merge(
          # Each branch is encoded on its own: Terraform's conditional needs one type for both
          # results, and these objects have different attributes.
          { "x-amazon-apigateway-integration" = jsondecode(
            contains(keys(var.http_integrations), r.integration) ? jsonencode({ type = "http_proxy", httpMethod = "ANY", uri = var.http_integrations[r.integration] }) :
            r.integration == "mock" ? jsonencode({ type = "mock", requestTemplates = { "application/json" = "{\"statusCode\": 200}" } }) :
            jsonencode({ type = "aws_proxy", httpMethod = "POST", uri = var.lambda_integrations[r.integration].invoke_arn })
          ) },
          jsondecode(local.api_keys_required ? jsonencode({ security = [{ api_key = [] }] }) : "{}"),
        )
      }
    }
    components = jsondecode(local.api_keys_required ? jsonencode({ securitySchemes = { api_key = { type = "apiKey", name = "x-api-key", in = "header" } } }) : "{}")
  })

  api_id        = local.http ? aws_apigatewayv2_api.this[0].id : aws_api_gateway_rest_api.this[0].id
  execution_arn = local.http ? aws_apigatewayv2_api.this[0].execution_arn : aws_api_gateway_rest_api.this[0].execution_arn
  stage_name    = local.http ? aws_apigatewayv2_stage.this[0].name : aws_api_gateway_stage.this[0].stage_name
  access_log_format = jsonencode({
    requestId = "$context.requestId", ip = "$context.identity.sourceIp", method = "$context.httpMethod",
    path      = "$context.path", status = "$context.status", latency = "$context.responseLatency"
  })
}

module "access_logs" {
  source = "../modules/log-group"

  name              = "/aws/apigateway/${module.label.id}"
  retention_in_days = var.log_retention_in_days
  tags              = { Name = "${module.label.id}-access" }
}

# ---- HTTP API (v2) ----

resource "aws_apigatewayv2_api" "this" {
  count = local.http ? 1 : 0

  name          = module.label.id
  protocol_type = "HTTP"

  dynamic "cors_configuration" {
    for_each = length(var.cors_allow_origins) > 0 ? [1] : []

    content {
      allow_origins = var.cors_allow_origins
      allow_methods = distinct([for r in values(local.routes) : r.method])
      allow_headers = ["authorization", "content-type"]
      max_age       = 3600
    }
  }

  tags = { Name = module.label.id }

  lifecycle {
    # Checked here, not in the variable: a validation that reads other variables needs Terraform 1.9.
    precondition {
      condition     = alltrue([for r in values(var.routes) : contains(concat(["alb", "mock"], keys(var.lambda_integrations), keys(var.http_integrations)), r.integration)])
      error_message = "Each route's integration must be a key of lambda_integrations or http_integrations, `alb` or `mock`."
    }
  }
}

resource "aws_apigatewayv2_integration" "lambda" {
  for_each = local.http ? var.lambda_integrations : {}

  api_id                 = aws_apigatewayv2_api.this[0].id
  integration_type       = "AWS_PROXY"
  integration_uri        = each.value.invoke_arn
  payload_format_version = "2.0"
}

# Routes whose integration is `alb` go through the VPC link to the load
# balancer's HTTPS listener (output `https_listener_arn` of alb).
resource "aws_apigatewayv2_integration" "alb" {
  count = local.http && var.alb_listener_arn != null ? 1 : 0

  api_id             = aws_apigatewayv2_api.this[0].id
  integration_type   = "HTTP_PROXY"
  integration_method = "ANY"
  integration_uri    = var.alb_listener_arn
  connection_type    = "VPC_LINK"
  connection_id      = aws_apigatewayv2_vpc_link.this[0].id

  tls_config {
    server_name_to_verify = var.domain_name
  }

  lifecycle {
    precondition {
      condition     = var.vpc_id != null
      error_message = "An alb integration needs the VPC link: set vpc_id and vpc_link_subnet_ids."
    }
  }
}

# Routes whose integration is a key of http_integrations proxy to that URL.
resource "aws_apigatewayv2_integration" "http" {
  for_each = local.http ? var.http_integrations : {}

  api_id             = aws_apigatewayv2_api.this[0].id
  integration_type   = "HTTP_PROXY"
  integration_method = "ANY"
  integration_uri    = each.value
}

# A Lambda authorizer (REQUEST, simple responses) for routes with authorization = LAMBDA.
resource "aws_apigatewayv2_authorizer" "lambda" {
  count = local.http && var.lambda_authorizer != null ? 1 : 0

  api_id                            = aws_apigatewayv2_api.this[0].id
  name                              = "lambda"
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = var.lambda_authorizer.invoke_arn
  identity_sources                  = var.lambda_authorizer.identity_sources
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = true
  authorizer_result_ttl_in_seconds  = var.lambda_authorizer.ttl_in_seconds
}

resource "aws_lambda_permission" "authorizer" {
  count = local.http && var.lambda_authorizer != null ? 1 : 0

  statement_id  = "AllowAuthorizerFrom${replace(title(module.label.id), "-", "")}"
  action        = "lambda:InvokeFunction"
  function_name = var.lambda_authorizer.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${local.execution_arn}/authorizers/*"
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  count = local.http && var.jwt_issuer != null ? 1 : 0

  api_id           = aws_apigatewayv2_api.this[0].id
  name             = "jwt"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.jwt_issuer
    audience = var.jwt_audience
  }
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.http ? local.routes : {}

  api_id             = aws_apigatewayv2_api.this[0].id
  route_key          = each.key
  target             = "integrations/${each.value.integration == "alb" ? aws_apigatewayv2_integration.alb[0].id : contains(keys(var.http_integrations), each.value.integration) ? aws_apigatewayv2_integration.http[each.value.integration].id : aws_apigatewayv2_integration.lambda[each.value.integration].id}"
  authorization_type = each.value.auth == "IAM" ? "AWS_IAM" : each.value.auth == "LAMBDA" ? "CUSTOM" : each.value.auth
  authorizer_id      = each.value.auth == "JWT" ? aws_apigatewayv2_authorizer.jwt[0].id : each.value.auth == "LAMBDA" ? aws_apigatewayv2_authorizer.lambda[0].id : null
}

resource "aws_apigatewayv2_stage" "this" {
  count = local.http ? 1 : 0

  api_id      = aws_apigatewayv2_api.this[0].id
  name        = var.stage_name
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }

  access_log_settings {
    destination_arn = module.access_logs.arn
    format          = local.access_log_format
  }
}

resource "aws_security_group" "vpc_link" {
  count = local.http && var.vpc_id != null ? 1 : 0

  name        = "${module.label.id}-vpc-link"
  description = "API Gateway VPC link ENIs"
  vpc_id      = var.vpc_id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_apigatewayv2_vpc_link" "this" {
  count = local.http && var.vpc_id != null ? 1 : 0

  name               = module.label.id
  subnet_ids         = var.vpc_link_subnet_ids
  security_group_ids = [aws_security_group.vpc_link[0].id]
}

# ---- REST API (v1) ----

resource "aws_api_gateway_rest_api" "this" {
  count = local.rest ? 1 : 0

  name = module.label.id
  body = local.openapi

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    # Checked here, not in the variable: a validation that reads other variables needs Terraform 1.9.
    precondition {
      condition     = alltrue([for r in values(var.routes) : contains(concat(["alb", "mock"], keys(var.lambda_integrations), keys(var.http_integrations)), r.integration)])
      error_message = "Each route's integration must be a key of lambda_integrations or http_integrations, `alb` or `mock`."
    }
  }
}

resource "aws_api_gateway_deployment" "this" {
  count = local.rest ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  triggers    = { redeployment = sha1(local.openapi) }

  lifecycle {
    create_before_destroy = true
  }
}

# Access logging on REST stages needs the account-level API Gateway CloudWatch role.
resource "aws_api_gateway_stage" "this" {
  count = local.rest ? 1 : 0

  rest_api_id          = aws_api_gateway_rest_api.this[0].id
  deployment_id        = aws_api_gateway_deployment.this[0].id
  stage_name           = var.stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = module.access_logs.arn
    format          = local.access_log_format
  }
}

resource "aws_api_gateway_method_settings" "all" {
  count = local.rest ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  stage_name  = aws_api_gateway_stage.this[0].stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }
}

# ---- Shared: permissions and custom domain ----

resource "aws_lambda_permission" "api" {
  for_each = var.lambda_integrations

  statement_id  = "AllowInvokeFrom${replace(title(module.label.id), "-", "")}"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  qualifier     = each.value.qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${local.execution_arn}/*/*"
}

resource "aws_apigatewayv2_domain_name" "this" {
  count = var.domain_name != null ? 1 : 0

  domain_name = var.domain_name

  domain_name_configuration {
    certificate_arn = var.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}

resource "aws_apigatewayv2_api_mapping" "this" {
  count = var.domain_name != null ? 1 : 0

  api_id      = local.api_id
  domain_name = aws_apigatewayv2_domain_name.this[0].id
  stage       = local.stage_name
}

resource "aws_route53_record" "this" {
  count    = var.domain_name != null && var.zone_id != null ? 1 : 0
  provider = aws.zone

  zone_id = var.zone_id
  name    = var.domain_name
  type    = "A"

  alias {
    name                   = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name
    zone_id                = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id
    evaluate_target_health = false
  }
}

# ---- API keys and usage plans (REST) ----

resource "aws_api_gateway_usage_plan" "this" {
  count = local.rest && local.api_keys_required ? 1 : 0

  name = module.label.id

  api_stages {
    api_id = aws_api_gateway_rest_api.this[0].id
    stage  = aws_api_gateway_stage.this[0].stage_name
  }

  quota_settings {
    limit  = var.usage_plan_quota_limit
    period = var.usage_plan_quota_period
  }

  throttle_settings {
    burst_limit = var.throttling_burst_limit
    rate_limit  = var.throttling_rate_limit
  }

  tags = { Name = module.label.id }
}

resource "aws_api_gateway_api_key" "this" {
  for_each = local.rest ? toset(var.api_keys) : toset([])

  name = "${module.label.id}-${each.key}"

  tags = { Name = "${module.label.id}-${each.key}" }
}

resource "aws_api_gateway_usage_plan_key" "this" {
  for_each = local.rest ? toset(var.api_keys) : toset([])

  key_id        = aws_api_gateway_api_key.this[each.key].id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.this[0].id
}

# ---- CloudWatch dashboard of the API ----

locals {
  metric_dimensions = local.http ? ["ApiId", local.api_id] : ["ApiName", module.label.id]
  errors_4xx        = local.http ? "4xx" : "4XXError"
  errors_5xx        = local.http ? "5xx" : "5XXError"
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.dashboard_enabled ? 1 : 0

  dashboard_name = "${module.label.id}-api"
  dashboard_body = jsonencode({
    widgets = [
      for i, w in [
        { title = "Requests", metrics = [concat(["AWS/ApiGateway", "Count"], local.metric_dimensions)], stat = "Sum" },
        { title = "Errors", metrics = [concat(["AWS/ApiGateway", local.errors_4xx], local.metric_dimensions), concat(["AWS/ApiGateway", local.errors_5xx], local.metric_dimensions)], stat = "Sum" },
        { title = "Latency p99", metrics = [concat(["AWS/ApiGateway", "Latency"], local.metric_dimensions)], stat = "p99" },
        ] : {
        type       = "metric"
        x          = (i % 3) * 8
        y          = 0
        width      = 8
        height     = 6
        properties = { title = w.title, region = var.region, view = "timeSeries", stat = w.stat, period = 300, metrics = w.metrics }
      }
    ]
  })
}
