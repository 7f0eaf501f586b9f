/** Small workspaces written into a virtual Nx Tree for the generators' specs. */
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

export function treeWith(files: Record<string, string>): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('nx.json', JSON.stringify({ plugins: [{ plugin: '@org/atmos', options: { projectName: '{component}-{stack}' } }] }, null, 2));
  for (const [path, content] of Object.entries(files)) tree.write(path, content);
  return tree;
}

const ATMOS_YAML = `base_path: ""
components:
  terraform:
    base_path: components/terraform
stacks:
  base_path: stacks
  included_paths: ["orgs/**/*"]
  excluded_paths: ["**/_defaults.yaml"]
  name_pattern: "{stage}-{environment}"
templates:
  settings:
    enabled: true
`;

const CONTEXT_TF = `variable "namespace" {
  type    = string
  default = null
}
variable "tenant" {
  type    = string
  default = null
}
variable "stage" {
  type    = string
  default = null
}
variable "environment" {
  type    = string
  default = null
}
variable "region" {
  type    = string
  default = null
}
`;

/** The reference layout (COMMON.md): tenant plat, orgs/plat/<account>/<region>.yaml, domain catalog files. */
export const REFERENCE_LAYOUT: Record<string, string> = {
  'atmos.yaml': ATMOS_YAML,
  'stacks/orgs/plat/_defaults.yaml': `vars:
  namespace: acme
  tenant: plat
terraform:
  backend_type: s3
  backend:
    s3:
      bucket: acme-tfstate
      key: terraform.tfstate
      workspace_key_prefix: "{{ .vars.tenant }}/{{ .vars.stage }}/{{ .vars.environment }}/{{ .atmos_component }}"
`,
  'stacks/orgs/plat/dev/_defaults.yaml': 'import:\n  - orgs/plat/_defaults\n  - mixins/stage/dev\n',
  'stacks/orgs/plat/prod/_defaults.yaml': 'import:\n  - orgs/plat/_defaults\n  - mixins/stage/prod\n',
  'stacks/orgs/plat/dev/us-east-1.yaml': `# Stack dev-use1
import:
  - orgs/plat/dev/_defaults
  - mixins/region/us-east-1
  - catalog/network
  - catalog/services
components:
  terraform:
    vpc:
      vars:
        cidr_block: 10.10.0.0/16
        single_nat_gateway: true
    eks:
      vars:
        node_count: 1
        public_access_cidrs:
          - 203.0.113.0/24
`,
  'stacks/orgs/plat/prod/us-east-1.yaml': `import:
  - orgs/plat/prod/_defaults
  - mixins/region/us-east-1
  - catalog/network
  - catalog/services
components:
  terraform:
    vpc:
      vars:
        cidr_block: 10.11.0.0/16
    eks:
      vars:
        node_count: 3
`,
  'stacks/mixins/region/us-east-1.yaml': 'vars:\n  region: us-east-1\n  environment: use1\n',
  'stacks/mixins/stage/dev.yaml': '# Non-production\nvars:\n  stage: dev\n  tags:\n    Criticality: low\n',
  'stacks/mixins/stage/prod.yaml': 'vars:\n  stage: prod\n',
  'stacks/catalog/network.yaml': `components:
  terraform:
    vpc/defaults:
      metadata:
        type: abstract
        component: vpc
      vars:
        subnet_newbits: 4
    vpc:
      metadata:
        component: vpc
        inherits: [vpc/defaults]
    security-groups:
      vars:
        allow_ssh: false
`,
  'stacks/catalog/services.yaml': 'components:\n  terraform:\n    eks:\n      vars:\n        node_count: 2\n',
  'components/terraform/vpc/variables.tf': `${CONTEXT_TF}
variable "cidr_block" {
  type        = string
  description = "IPv4 CIDR block of the VPC."
}
variable "single_nat_gateway" {
  type    = bool
  default = false
}
variable "subnet_newbits" {
  type    = number
  default = 4
}
`,
  'components/terraform/vpc/main.tf': 'resource "terraform_data" "vpc" {\n  input = var.cidr_block\n}\n',
  'components/terraform/security-groups/variables.tf': 'variable "allow_ssh" {\n  type    = bool\n  default = false\n}\n',
  'components/terraform/eks/variables.tf': `variable "node_count" {
  type        = number
  description = "Worker nodes."
}
variable "public_access_cidrs" {
  type    = list(string)
  default = []
}
variable "admin_password" {
  type      = string
  sensitive = true
  default   = "changeme"
}
`,
};
