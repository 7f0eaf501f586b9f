# VPC with public, private and (optional) database subnets across N AZs,
# optional NAT gateways and gateway endpoints, and flow logs.

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

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  azs      = slice(data.aws_availability_zones.available.names, 0, var.availability_zone_count)
  az_count = length(local.azs)

  # Subnet index blocks: [0, n) public, [n, 2n) private, [2n, 3n) database.
  public_cidrs   = [for i in range(local.az_count) : cidrsubnet(var.cidr_block, var.subnet_newbits, i)]
  private_cidrs  = [for i in range(local.az_count) : cidrsubnet(var.cidr_block, var.subnet_newbits, i + local.az_count)]
  database_cidrs = [for i in range(local.az_count) : cidrsubnet(var.cidr_block, var.subnet_newbits, i + 2 * local.az_count)]

  nat_count = var.nat_gateway_enabled ? (var.single_nat_gateway ? 1 : local.az_count) : 0
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = module.label.id }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = { Name = module.label.id }
}

resource "aws_subnet" "public" {
  count = local.az_count

  vpc_id                  = aws_vpc.this.id
  availability_zone       = local.azs[count.index]
  cidr_block              = local.public_cidrs[count.index]
  map_public_ip_on_launch = false

  tags = {
    Name                     = "${module.label.id}-public-${local.azs[count.index]}"
    Tier                     = "public"
    "kubernetes.io/role/elb" = "1"
  }
}

resource "aws_subnet" "private" {
  count = local.az_count

  vpc_id            = aws_vpc.this.id
  availability_zone = local.azs[count.index]
  cidr_block        = local.private_cidrs[count.index]

  tags = {
    Name                              = "${module.label.id}-private-${local.azs[count.index]}"
    Tier                              = "private"
    "kubernetes.io/role/internal-elb" = "1"
  }
}

resource "aws_subnet" "database" {
  count = var.database_subnets_enabled ? local.az_count : 0

  vpc_id            = aws_vpc.this.id
  availability_zone = local.azs[count.index]
  cidr_block        = local.database_cidrs[count.index]

  tags = {
    Name = "${module.label.id}-database-${local.azs[count.index]}"
    Tier = "database"
  }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }

  tags = { Name = "${module.label.id}-public" }
}

resource "aws_route_table_association" "public" {
  count = local.az_count

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  count = local.nat_count

  domain = "vpc"

  tags = { Name = "${module.label.id}-nat-${local.azs[count.index]}" }
}

resource "aws_nat_gateway" "this" {
  count = local.nat_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = { Name = "${module.label.id}-${local.azs[count.index]}" }

  depends_on = [aws_internet_gateway.this]
}

# One private route table per AZ so each AZ can use its own NAT gateway.
resource "aws_route_table" "private" {
  count = local.az_count

  vpc_id = aws_vpc.this.id

  tags = { Name = "${module.label.id}-private-${local.azs[count.index]}" }
}

resource "aws_route" "private_nat" {
  count = local.nat_count > 0 ? local.az_count : 0

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[var.single_nat_gateway ? 0 : count.index].id
}

resource "aws_route_table_association" "private" {
  count = local.az_count

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# Database subnets get a route table with only the local route.
resource "aws_route_table" "database" {
  count = var.database_subnets_enabled ? 1 : 0

  vpc_id = aws_vpc.this.id

  tags = { Name = "${module.label.id}-database" }
}

resource "aws_route_table_association" "database" {
  count = var.database_subnets_enabled ? local.az_count : 0

  subnet_id      = aws_subnet.database[count.index].id
  route_table_id = aws_route_table.database[0].id
}

# The default security group admits nothing: every workload gets a group of its own
# (security-groups, lambda, ...), and a forgotten resource in the default group is cut off.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = { Name = "${module.label.id}-default-deny" }
}

resource "aws_vpc_endpoint" "gateway" {
  for_each = var.vpc_endpoints_enabled ? toset(["s3", "dynamodb"]) : toset([])

  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = concat(aws_route_table.private[*].id, aws_route_table.database[*].id)

  tags = { Name = "${module.label.id}-${each.key}" }
}

module "flow_logs" {
  source = "../modules/log-group"
  count  = var.flow_logs_enabled ? 1 : 0

  name              = "/aws/vpc/${module.label.id}/flow-logs"
  retention_in_days = var.flow_logs_retention_in_days
  tags              = { Name = "${module.label.id}-flow-logs" }
}

data "aws_iam_policy_document" "flow_logs_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "flow_logs" {
  count = var.flow_logs_enabled ? 1 : 0

  name               = "${module.label.id}-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_logs_assume.json
}

resource "aws_iam_role_policy" "flow_logs" {
  count = var.flow_logs_enabled ? 1 : 0

  name = "write-flow-logs"
  role = aws_iam_role.flow_logs[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = "${module.flow_logs[0].arn}:*"
    }]
  })
}

resource "aws_flow_log" "this" {
  count = var.flow_logs_enabled ? 1 : 0

  vpc_id               = aws_vpc.this.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = module.flow_logs[0].arn
  iam_role_arn         = aws_iam_role.flow_logs[0].arn
}

# Interface endpoints (PrivateLink) for AWS APIs the private subnets call without NAT,
# reachable on 443 from inside the VPC only.
resource "aws_security_group" "endpoints" {
  count = length(var.interface_endpoints) > 0 ? 1 : 0

  name        = "${module.label.id}-endpoints"
  description = "Interface endpoints of ${module.label.id}: HTTPS from the VPC"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${module.label.id}-endpoints" }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints" {
  count = length(var.interface_endpoints) > 0 ? 1 : 0

  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = aws_vpc.this.cidr_block
}

resource "aws_vpc_endpoint" "interface" {
  for_each = toset(var.interface_endpoints)

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true

  tags = { Name = "${module.label.id}-${each.key}" }
}
