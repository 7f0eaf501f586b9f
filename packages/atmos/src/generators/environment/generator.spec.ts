import type { Tree } from '@nx/devkit';
import { parse } from 'yaml';
import { REFERENCE_LAYOUT, treeWith } from '../__fixtures__/workspaces';
import { readWorkspace } from '../shared/workspace';
import { generateEnvironment, type EnvironmentGeneratorSchema } from './generator';

function stacksOf(tree: Tree) {
  const view = readWorkspace(tree);
  try {
    return view.stacks;
  } finally {
    view.dispose();
  }
}

function yamlOf(tree: Tree, path: string): Record<string, any> {
  return parse(tree.read(path, 'utf-8')!);
}

async function expectRefused(tree: Tree, schema: EnvironmentGeneratorSchema, message: string | RegExp) {
  const before = tree.listChanges().map((change) => change.path).sort();
  await expect(generateEnvironment(tree, schema)).rejects.toThrow(message);
  // Nothing half-written: the Tree holds exactly what it held before.
  expect(tree.listChanges().map((change) => change.path).sort()).toEqual(before);
}

describe('environment generator', () => {
  it('adds an account the workspace does not have yet, copying the first environment and creating its account and region files', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    const result = await generateEnvironment(tree, { account: 'staging', region: 'us-west-2' });
    expect(result.stack).toBe('staging-usw2');
    expect(result.manifest).toBe('stacks/orgs/plat/staging/us-west-2.yaml');
    expect(result.copiedFrom).toMatch(/^dev-use1, the first environment of tenant plat/);
    expect(result.created.sort()).toEqual(['stacks/mixins/region/us-west-2.yaml', 'stacks/mixins/stage/staging.yaml', 'stacks/orgs/plat/staging/_defaults.yaml']);
    expect(result.projects).toEqual(['eks-staging-usw2', 'security-groups-staging-usw2', 'vpc-staging-usw2']);

    const manifest = yamlOf(tree, result.manifest);
    expect(manifest.import).toEqual(['orgs/plat/staging/_defaults', 'mixins/region/us-west-2', 'catalog/network', 'catalog/services']);
    // Only the values of required variables are copied, and the address block is a free one.
    expect(manifest.components.terraform).toEqual({ vpc: { vars: { cidr_block: '10.12.0.0/16' } }, eks: { vars: { node_count: 1 } } });
    expect(yamlOf(tree, 'stacks/mixins/region/us-west-2.yaml')).toEqual({ vars: { region: 'us-west-2', environment: 'usw2' } });
    expect(tree.read('stacks/mixins/stage/staging.yaml', 'utf-8')).toBe('# Non-production\nvars:\n  stage: staging\n  tags:\n    Criticality: low\n');
    expect(yamlOf(tree, 'stacks/orgs/plat/staging/_defaults.yaml')).toEqual({ import: ['orgs/plat/_defaults', 'mixins/stage/staging'] });

    const vpc = stacksOf(tree).find((stack) => stack.name === 'staging-usw2')!.instances.find((instance) => instance.component === 'vpc')!;
    expect(vpc.sections.vars).toMatchObject({ region: 'us-west-2', environment: 'usw2', stage: 'staging', tenant: 'plat', cidr_block: '10.12.0.0/16', subnet_newbits: 4 });
    expect(vpc.sections.backend.workspace_key_prefix).toBe('plat/staging/usw2/vpc');
    expect(vpc.workspace).toBe('staging-usw2');
  });

  it('copies the imports of an environment of the same account', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    const result = await generateEnvironment(tree, { account: 'prod', region: 'eu-west-1' });
    expect(result.copiedFrom).toBe('prod-use1, an environment of account prod');
    expect(result.stack).toBe('prod-euw1');
    expect(result.created).toEqual(['stacks/mixins/region/eu-west-1.yaml']);
    expect(yamlOf(tree, result.manifest).import[0]).toBe('orgs/plat/prod/_defaults');
    expect(yamlOf(tree, result.manifest).components.terraform.vpc.vars.cidr_block).toBe('10.12.0.0/16');
  });

  it('--from copies the overrides, --components narrows the selection (imports dropped, co-defined components disabled)', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    const result = await generateEnvironment(tree, { account: 'dev', region: 'eu-west-1', from: 'dev-use1', components: 'vpc' });
    expect(result.projects).toEqual(['vpc-dev-euw1']);
    const manifest = yamlOf(tree, result.manifest);
    expect(manifest.import).toEqual(['orgs/plat/dev/_defaults', 'mixins/region/eu-west-1', 'catalog/network']);
    expect(manifest.components.terraform).toEqual({
      vpc: { vars: { cidr_block: '10.12.0.0/16', single_nat_gateway: true } },
      'security-groups': { metadata: { enabled: false } },
    });
  });

  it('--from without --components keeps every override (allow-lists of public blocks untouched)', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    const result = await generateEnvironment(tree, { account: 'dev', region: 'us-west-2', from: 'dev-use1', components: ['vpc', 'eks'] });
    expect(result.projects).toEqual(['eks-dev-usw2', 'vpc-dev-usw2']);
    const manifest = yamlOf(tree, result.manifest);
    expect(manifest.import).toEqual(['orgs/plat/dev/_defaults', 'mixins/region/us-west-2', 'catalog/network', 'catalog/services']);
    expect(manifest.components.terraform.eks.vars).toEqual({ node_count: 1, public_access_cidrs: ['203.0.113.0/24'] });
  });

  it('--cidr sets the address block; --environment overrides the abbreviation', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    const result = await generateEnvironment(tree, { account: 'dev', region: 'ap-southeast-2', cidr: '10.40.0.0/16', environment: 'syd1' });
    expect(result.stack).toBe('dev-syd1');
    expect(yamlOf(tree, result.manifest).components.terraform.vpc.vars.cidr_block).toBe('10.40.0.0/16');
    expect(yamlOf(tree, 'stacks/mixins/region/ap-southeast-2.yaml').vars).toEqual({ region: 'ap-southeast-2', environment: 'syd1' });
  });

  it('follows another layout: manifests at deploy/<region>/<stage>.yaml, named {environment}-{stage}, without tenants', async () => {
    const tree = treeWith({
      'atmos.yaml': 'components:\n  terraform:\n    base_path: tf\nstacks:\n  base_path: infra\n  included_paths: ["deploy/**/*"]\n  name_pattern: "{environment}-{stage}"\n',
      'infra/deploy/us-east-1/dev.yaml': 'import:\n  - common/app\nvars:\n  stage: dev\n  region: us-east-1\n  environment: use1\n',
      'infra/common/app.yaml': 'components:\n  terraform:\n    app:\n      vars:\n        replicas: 1\n',
      'tf/app/variables.tf': 'variable "replicas" {\n  type = number\n}\n',
    });
    const result = await generateEnvironment(tree, { account: 'qa', region: 'eu-central-1' });
    expect(result).toMatchObject({ stack: 'euc1-qa', manifest: 'infra/deploy/eu-central-1/qa.yaml', projects: ['app-euc1-qa'] });
    expect(yamlOf(tree, result.manifest)).toEqual({ import: ['common/app'], vars: { stage: 'qa', region: 'eu-central-1', environment: 'euc1' } });
  });

  it('sets the context in the manifest when the copied imports carry the old one (environment from a shared _defaults)', async () => {
    const tree = treeWith({
      'atmos.yaml': 'components:\n  terraform:\n    base_path: c\nstacks:\n  base_path: stacks\n  included_paths: ["orgs/**/*"]\n  excluded_paths: ["**/_defaults.yaml"]\n  name_pattern: "{tenant}-{environment}-{stage}"\n',
      'stacks/orgs/acme/_defaults.yaml': 'vars:\n  tenant: acme\n  environment: local\n',
      'stacks/orgs/acme/dev/local.yaml': 'import:\n  - orgs/acme/_defaults\nvars:\n  stage: dev\ncomponents:\n  terraform:\n    app: {}\n',
    });
    const result = await generateEnvironment(tree, { account: 'staging', region: 'us-west-2' });
    expect(result).toMatchObject({ stack: 'acme-usw2-staging', manifest: 'stacks/orgs/acme/staging/usw2.yaml' });
    expect(yamlOf(tree, result.manifest)).toEqual({ import: ['orgs/acme/_defaults'], vars: { stage: 'staging', environment: 'usw2' }, components: { terraform: { app: {} } } });
  });

  it('asks for --tenant only when there is more than one', async () => {
    const files = {
      ...REFERENCE_LAYOUT,
      'stacks/orgs/core/_defaults.yaml': 'vars:\n  tenant: core\n  namespace: acme\n',
      'stacks/orgs/core/shared/us-east-1.yaml': 'import:\n  - orgs/core/_defaults\n  - mixins/region/us-east-1\n  - catalog/network\nvars:\n  stage: shared\n',
      'atmos.yaml': REFERENCE_LAYOUT['atmos.yaml'].replace('{stage}-{environment}', '{tenant}-{stage}-{environment}'),
    };
    await expectRefused(treeWith(files), { account: 'staging', region: 'us-west-2' }, '--tenant is required: this workspace has the tenants core, plat; pass --tenant=<one of them>');
    await expectRefused(treeWith(files), { account: 'staging', region: 'us-west-2', tenant: 'ops' }, '--tenant=ops has no stack in this workspace: use one of core, plat');
    const tree = treeWith(files);
    const result = await generateEnvironment(tree, { account: 'shared', region: 'us-west-2', tenant: 'core' });
    expect(result).toMatchObject({ stack: 'core-shared-usw2', manifest: 'stacks/orgs/core/shared/us-west-2.yaml' });
    await expectRefused(treeWith(files), { account: 'dev', region: 'us-west-2', tenant: 'core', from: 'plat-dev-use1' }, '--from=plat-dev-use1 is in tenant plat, not --tenant=core');
  });

  it('refuses bad options with one line saying what is accepted', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    await expectRefused(tree, { account: '', region: 'us-west-2' }, '--account is required');
    await expectRefused(tree, { account: 'staging' } as EnvironmentGeneratorSchema, '--region is required');
    await expectRefused(tree, { account: 'Staging', region: 'us-west-2' }, /^--account="Staging" is not accepted: use lower-case letters, digits and '_'/);
    await expectRefused(tree, { account: '../x', region: 'us-west-2' }, '--account="../x" is not accepted');
    await expectRefused(tree, { account: 'staging', region: 'us-west-9' }, /^--region="us-west-9" is not an AWS region: use one of af-south-1, .*us-west-2$/);
    await expectRefused(tree, { account: 'staging', region: 'us-west-2', environment: 'us-w2' }, '--environment="us-w2" is not accepted');
    await expectRefused(tree, { account: 'staging', region: 'us-west-2', cidr: '10.0.0.0/33' }, '--cidr="10.0.0.0/33" is not an IPv4 CIDR block: use a.b.c.d/n with n from 0 to 32');
    await expectRefused(tree, { account: 'staging', region: 'us-west-2', cidr: '10.1.2.0/16' }, '--cidr=10.1.2.0/16 has host bits set: the network of that block is 10.1.0.0/16; use --cidr=10.1.0.0/16');
    await expectRefused(tree, { account: 'staging', region: 'us-west-2', from: 'nope' }, '--from=nope is not a stack of this workspace: use one of dev-use1, prod-use1');
    await expectRefused(tree, { account: 'staging', region: 'us-west-2', components: 'vpc,rds' }, '--components: rds is not a component of dev-use1: use some of eks, security-groups, vpc');
    await expectRefused(tree, { account: 'staging', region: 'us-west-2', components: ',' }, '--components="," names no component');
    await expectRefused(tree, { account: 'staging', region: 'us-west-2', components: 'Vpc' }, "--components=\"Vpc\" is not accepted: a component name is lower-case");
  });

  it('refuses to overwrite an existing stack without --force, and a name clash even with it', async () => {
    const tree = treeWith(REFERENCE_LAYOUT);
    await expectRefused(tree, { account: 'dev', region: 'us-east-1' }, 'stacks/orgs/plat/dev/us-east-1.yaml already exists (stack dev-use1): refusing to overwrite; pass --force to replace it');
    await expectRefused(tree, { account: 'dev', region: 'us-west-2', environment: 'use1', force: true },
      'the new stack stacks/orgs/plat/dev/us-west-2.yaml would be named dev-use1, which stacks/orgs/plat/dev/us-east-1.yaml already is');
    const result = await generateEnvironment(tree, { account: 'dev', region: 'us-east-1', from: 'prod-use1', force: true });
    expect(result.stack).toBe('dev-use1');
    expect(yamlOf(tree, result.manifest).components.terraform.eks.vars.node_count).toBe(3);
  });

  it('refuses a workspace without stacks, a broken manifest, and a layout that cannot tell environments apart', async () => {
    await expectRefused(treeWith({ 'atmos.yaml': REFERENCE_LAYOUT['atmos.yaml'] }), { account: 'dev', region: 'us-east-1' }, /^no stack to copy: stacks\/ has no stack with components/);
    await expectRefused(treeWith({ ...REFERENCE_LAYOUT, 'stacks/catalog/services.yaml': 'components: [\n' }), { account: 'dev', region: 'us-west-2' }, /stacks\/catalog\/services.yaml/);
    const flat = treeWith({
      'atmos.yaml': 'stacks:\n  base_path: stacks\n  included_paths: ["*.yaml"]\n  name_pattern: "{stage}"\ncomponents:\n  terraform:\n    base_path: c\n',
      'stacks/main.yaml': 'vars:\n  stage: dev\ncomponents:\n  terraform:\n    app: {}\n',
    });
    await expectRefused(flat, { account: 'prod', region: 'us-east-1' }, /^cannot place the new environment: the path of dev's manifest \(stacks\/main.yaml\) names neither its account nor its region/);
  });
});
