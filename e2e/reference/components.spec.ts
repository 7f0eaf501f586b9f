/**
 * The reference AWS components are checked statically (issue 11, points 3 and 9): the AWS
 * provider cannot be downloaded here, so `terraform init/validate/plan` cannot run on them.
 * What can run: the real terraform's `fmt -check` (offline) and HashiCorp's parser over every
 * file, with the conventions every component follows.
 */
import * as fs from 'fs';
import * as path from 'path';
import { namedBlocks, readTerraformComponent, type TerraformComponent } from '../../packages/atmos/src/hcl';
import { runTerraform } from '../harness/terraform';
import { formatRunResult } from '../harness/workspace';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '../..');
const COMPONENTS = path.join(REPO, 'components/terraform');
const CONTEXT = ['region', 'namespace', 'tenant', 'environment', 'stage', 'name', 'tags'];
/** Point 3 of the issue: the components of the seed's architecture. */
const REQUIRED = [
  'tfstate-backend', 'vpc', 'iam', 'security-groups', 'kms', 'rds', 'dynamodb', 'eks', 'ecs', 'ec2', 'lambda',
  'apigateway', 'dns', 'acm', 'elasticache', 'alb', 'monitoring',
];

const names = fs.readdirSync(COMPONENTS, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'modules').map((d) => d.name).sort();
let components: Map<string, TerraformComponent>;

beforeAll(async () => {
  components = new Map(await Promise.all(names.map(async (name) => [name, await readTerraformComponent(path.join(COMPONENTS, name))] as const)));
});

it('has every component of the seed architecture', () => {
  expect(names).toEqual([...REQUIRED].sort());
});

it('is terraform fmt clean (real terraform, offline)', async () => {
  const result = await runTerraform(['fmt', '-check', '-recursive', '-diff', COMPONENTS]);
  if (result.exitCode !== 0) throw new Error(`terraform fmt -check failed:\n${formatRunResult(result)}`);
});

describe.each(names)('component %s', (name) => {
  const component = () => components.get(name)!;

  it('has a README, versions.tf pinning terraform and the AWS provider, variables.tf and outputs.tf', () => {
    for (const file of ['README.md', 'versions.tf', 'variables.tf', 'outputs.tf', 'main.tf']) expect([name, fs.existsSync(path.join(COMPONENTS, name, file))]).toEqual([name, true]);
    const versions = [...component().bodies.entries()].find(([file]) => file.endsWith('versions.tf'))![1];
    const terraform = (versions.terraform as Array<Record<string, unknown>>)[0];
    // tfstate-backend adopts the bootstrap's resources with import blocks whose ids are expressions (Terraform 1.6).
    expect(terraform.required_version).toBe(name === 'tfstate-backend' ? '>= 1.6' : '>= 1.5');
    expect(JSON.stringify(terraform.required_providers)).toContain('"source":"hashicorp/aws"');
  });

  it('takes the label context and tags every resource through the provider default_tags', () => {
    for (const variable of CONTEXT) expect([name, component().variables.has(variable)]).toEqual([name, true]);
    const main = [...component().bodies.values()];
    const providers = main.flatMap((b) => (Array.isArray((b.provider as Record<string, unknown>)?.aws) ? ((b.provider as Record<string, unknown[]>).aws as Array<Record<string, unknown>>) : []));
    const primary = providers.find((p) => p.alias === undefined);
    expect(JSON.stringify(primary?.default_tags)).toContain('module.label.tags');
    const label = main.flatMap((b) => namedBlocks(b, 'module')).find(([n]) => n === 'label');
    expect(label?.[1].source).toBe('../modules/label');
  });

  it('describes every variable and output, and validates every variable it can', () => {
    const undescribed = [...component().variables.values()].filter((v) => !v.description).map((v) => v.name);
    expect([name, undescribed]).toEqual([name, []]);
    const outputs = [...component().outputs.values()];
    expect(outputs.length).toBeGreaterThan(0);
    expect([name, outputs.filter((o) => !o.description).map((o) => o.name)]).toEqual([name, []]);
    // Free-form values (bools, tags, maps of settings, descriptions) need no validation block;
    // identifiers, sizes, enumerations and ARNs do. At least the context and one more.
    expect(component().variables.size).toBeGreaterThan(CONTEXT.length);
    const validated = [...component().variables.values()].filter((v) => v.validations > 0).length;
    expect([name, validated >= 7]).toEqual([name, true]);
  });
});
