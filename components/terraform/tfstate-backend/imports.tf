# ---- Hand-over from the bootstrap ----
# `nx run atmos:bootstrap-backend --stack=shared-use1` creates the KMS key (alias
# alias/<bucket>), the state bucket and the lock table with the AWS SDK before any state
# can exist. These blocks adopt them on this component's first apply, so from then on
# Terraform manages them (tags, lifecycle rules and the access role are added then).
# Once a resource is in the state its block is a no-op: keep them as the record of where
# the resources came from. Terraform >= 1.6 (expressions in `id`).

data "aws_kms_alias" "bootstrap" {
  name = "alias/${module.label.id}"
}

import {
  to = aws_kms_key.this
  id = data.aws_kms_alias.bootstrap.target_key_id
}

import {
  to = aws_kms_alias.this
  id = "alias/${module.label.id}"
}

import {
  to = aws_s3_bucket.this
  id = local.bucket_name
}

import {
  to = aws_s3_bucket_ownership_controls.this
  id = local.bucket_name
}

import {
  to = aws_s3_bucket_public_access_block.this
  id = local.bucket_name
}

import {
  to = aws_s3_bucket_versioning.this
  id = local.bucket_name
}

import {
  to = aws_s3_bucket_server_side_encryption_configuration.this
  id = local.bucket_name
}

import {
  to = aws_s3_bucket_policy.this
  id = local.bucket_name
}

import {
  to = aws_dynamodb_table.lock
  id = local.table_name
}
