# EC2 instances spread over the private subnets: latest AMI from an SSM public
# parameter, encrypted gp3 root volumes (their own KMS key), IMDSv2 only, no
# public IP and no SSH key: operators use Session Manager through the instance
# profile from iam. The load balancer (alb) registers these instances.

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

data "aws_ssm_parameter" "ami" {
  name = var.ami_ssm_parameter
}

resource "aws_kms_key" "ebs" {
  description             = "Encrypts the EBS volumes of ${module.label.id}"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  tags = { Name = "${module.label.id}-ebs" }
}

resource "aws_instance" "this" {
  count = var.instance_count

  ami                         = nonsensitive(data.aws_ssm_parameter.ami.value)
  instance_type               = var.instance_type
  subnet_id                   = var.subnet_ids[count.index % length(var.subnet_ids)]
  vpc_security_group_ids      = var.security_group_ids
  iam_instance_profile        = var.instance_profile_name
  associate_public_ip_address = false
  monitoring                  = var.detailed_monitoring
  ebs_optimized               = true
  user_data_base64            = var.user_data == null ? null : base64encode(var.user_data)

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    volume_type           = var.root_volume_type
    volume_size           = var.root_volume_size
    encrypted             = true
    kms_key_id            = aws_kms_key.ebs.arn
    delete_on_termination = true
  }

  tags        = { Name = "${module.label.id}-${count.index + 1}" }
  volume_tags = { Name = "${module.label.id}-${count.index + 1}" }

  lifecycle {
    # A new AMI is rolled out deliberately (replace), not on every plan.
    ignore_changes = [ami]
  }
}
