# Naming and tagging module shared by every component in this repository.
#
# It builds a deterministic id such as `acme-plat-ue1-dev-eks` from the
# namespace/tenant/environment/stage/name context, and a tag map that carries
# the same context so resources can be traced back to their Atmos stack.

locals {
  elements = {
    namespace   = var.namespace
    tenant      = var.tenant
    environment = var.environment
    stage       = var.stage
    name        = var.name
    attributes  = length(var.attributes) > 0 ? join(var.delimiter, var.attributes) : null
  }

  ordered = compact([
    for key in var.label_order : lower(replace(local.elements[key], "/[^a-zA-Z0-9-]/", ""))
    if local.elements[key] != null && local.elements[key] != ""
  ])

  id_full = join(var.delimiter, local.ordered)

  id_hash = substr(md5(local.id_full), 0, 5)

  id = (
    var.id_length_limit > 0 && length(local.id_full) > var.id_length_limit
    ? "${trimsuffix(substr(local.id_full, 0, var.id_length_limit - 6), var.delimiter)}${var.delimiter}${local.id_hash}"
    : local.id_full
  )

  generated_tags = {
    for k, v in {
      Name        = local.id
      Namespace   = var.namespace
      Tenant      = var.tenant
      Environment = var.environment
      Stage       = var.stage
    } : k => v if v != null && v != ""
  }

  tags = merge(local.generated_tags, var.tags)
}
