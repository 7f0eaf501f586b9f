import { join, relative } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { resolveStacks } from '../stacks/engine';
import { removeFixtures, resolveFixture } from '../testing/fixture-workspace';
import { formatContractProblems, validateContracts, type ContractProblem } from './contract';

afterAll(removeFixtures);

const VPC_TF = `
variable "cidr_block" {
  type = string
}
variable "azs" {
  type    = number
  default = 3
}
variable "nat" {
  type    = bool
  default = true
}
variable "subnets" {
  type = map(object({
    newbits = number
    public  = optional(bool, false)
  }))
  default = {}
}
variable "tags" {
  type     = map(string)
  default  = {}
  nullable = false
}
output "vpc_id" {
  value = "vpc-1"
}
output "private_subnet_ids" {
  value = []
}
`;
const APP_TF = `
variable "vpc_id" {
  type = string
}
variable "subnet_ids" {
  type    = list(string)
  default = []
}
`;

function check(files: Record<string, string>) {
  const resolved = resolveFixture({
    // No name_pattern: stacks are named after their manifest (orgs/acme/dev/ue1).
    'atmos.yaml': 'base_path: ""\ncomponents: {terraform: {base_path: components/terraform}}\nstacks: {base_path: stacks, included_paths: ["orgs/**/*"]}\n',
    'components/terraform/vpc/main.tf': VPC_TF,
    'components/terraform/app/main.tf': APP_TF,
    ...files,
  });
  const run = async (component?: string) => {
    const instances = component ? resolved.instances.filter((i) => i.component === component && !i.abstract) : undefined;
    const problems = await validateContracts(resolved, { env: {}, instances });
    return problems.map((p: ContractProblem) => ({ ...p, file: relative(resolved.root, p.location.file), line: p.location.line }));
  };
  return { resolved, run };
}

const STACK = 'stacks/orgs/acme/dev/ue1.yaml';

describe('contract check (stack vars against the component variables.tf)', () => {
  it('finds nothing wrong in the reference infrastructure of this repository', async () => {
    const root = join(__dirname, '../../../..');
    const resolved = resolveStacks(loadAtmosConfig({ cwd: root, env: {} }), { env: {} });
    const problems = await validateContracts(resolved, { env: {} });
    expect(formatContractProblems(problems, root)).toBe('');
    expect(resolved.instances.filter((i) => !i.abstract).length).toBeGreaterThan(80);
  }, 120_000);

  it('names the manifest line of a var the component does not declare, with a suggestion', async () => {
    const { run } = check({
      'stacks/catalog/vpc.yaml': 'components:\n  terraform:\n    vpc:\n      vars:\n        cidr_block: 10.0.0.0/16\n        nta: false\n',
      [STACK]: 'import: [catalog/vpc]\nvars:\n  region: us-east-1\n',
    });
    const problems = await run('vpc');
    // region is set globally, in the stack manifest, but this component does not declare it.
    expect(problems.map((p) => [p.kind, p.file, p.line, p.message])).toEqual([
      ['undeclared-var', 'stacks/catalog/vpc.yaml', 6, 'var "nta" of component vpc in stack orgs/acme/dev/ue1 is not a variable of components/terraform/vpc'],
      ['undeclared-var', STACK, 3, 'var "region" of component vpc in stack orgs/acme/dev/ue1 is not a variable of components/terraform/vpc'],
    ]);
    expect(problems[0].hint).toBe('did you mean "nat"? declare variable "nta" in components/terraform/vpc/variables.tf, or remove it from the manifest');
  });

  it('points at the layer that wins: the stack manifest over the catalog, the component over a base', async () => {
    const { run } = check({
      'stacks/catalog/vpc.yaml': 'components:\n  terraform:\n    vpc/base:\n      metadata: {type: abstract, component: vpc}\n      vars: {cidr_block: 10.0.0.0/16, extra: 1}\n    vpc:\n      metadata: {component: vpc, inherits: [vpc/base]}\n',
      [STACK]: 'import: [catalog/vpc]\ncomponents:\n  terraform:\n    vpc:\n      vars:\n        extra: 2\n',
    });
    const problems = await run('vpc');
    expect(problems.map((p) => [p.file, p.line, p.location.column])).toEqual([[STACK, 6, 9]]);
  });

  it('reports a required variable that a stack does not set', async () => {
    const { run } = check({ [STACK]: 'components:\n  terraform:\n    vpc:\n      vars: {azs: 2}\n' });
    const problems = await run('vpc');
    expect(problems.map((p) => [p.kind, p.file, p.line, p.message])).toEqual([
      ['required-var', STACK, 3, 'component vpc in stack orgs/acme/dev/ue1 does not set the required variable "cidr_block" (components/terraform/vpc/main.tf gives it no default)'],
    ]);
    expect(problems[0].hint).toContain('set vars.cidr_block for vpc in stacks/orgs/acme/dev/ue1.yaml');
  });

  it('checks literal values against the type constraint with Terraform conversions', async () => {
    const { run } = check({
      [STACK]: [
        'components:', '  terraform:', '    vpc:', '      vars:',
        '        cidr_block: [10.0.0.0/16]',
        '        azs: "2"',
        '        nat: "yes"',
        '        tags: null',
        '        subnets:',
        '          a: {newbits: 4, public: true, unknown_attribute: 1}',
        '          b: {public: 1}',
      ].join('\n') + '\n',
    });
    const problems = await run('vpc');
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [5, 'var "cidr_block" of component vpc in stack orgs/acme/dev/ue1: the value is a list, expected a string (variable "cidr_block" is string)'],
      [7, 'var "nat" of component vpc in stack orgs/acme/dev/ue1: the value is the string "yes", expected a bool (variable "nat" is bool)'],
      [8, 'var "tags" of component vpc in stack orgs/acme/dev/ue1 is null, but components/terraform/vpc/main.tf declares it nullable = false'],
      [9, expect.stringContaining('["b"] lacks the required attribute "newbits"')],
      [9, expect.stringContaining('["b"].public is the number 1, expected a bool')],
    ]);
  });

  it('lets values known only at run time fit any type', async () => {
    const { run } = check({
      [STACK]: 'components:\n  terraform:\n    vpc:\n      vars:\n        cidr_block: !env CIDR\n        azs: "${{ length(vars.x) }}"\n        nat: "{{ .vars.nat }}"\n',
    });
    expect(await run('vpc')).toEqual([]);
  });

  it('reports output references to outputs the component does not declare, for YAML functions and expressions', async () => {
    const { run } = check({
      [STACK]: [
        'components:', '  terraform:',
        '    vpc:', '      vars: {cidr_block: 10.0.0.0/16}',
        '    app:', '      vars:',
        '        vpc_id: !terraform.state vpc vpcid',
        '        subnet_ids: !terraform.output vpc .private_subnet_ids',
        '    app2:', '      metadata: {component: app}', '      vars:',
        '        vpc_id: "${{ output.vpc.id }}"',
        '        subnet_ids: !terraform.state vpc orgs/acme/dev/ue1 .private_subnets[0]',
      ].join('\n') + '\n',
    });
    const problems = await run();
    expect(problems.map((p) => [p.component, p.line, p.message, p.hint])).toEqual([
      ['app', 7, 'var "vpc_id" of component app in stack orgs/acme/dev/ue1 reads output "vpcid" of vpc (stack orgs/acme/dev/ue1), which components/terraform/vpc does not declare', 'did you mean "vpc_id"?'],
      ['app2', 12, 'var "vpc_id" of component app2 in stack orgs/acme/dev/ue1 reads output "id" of vpc (stack orgs/acme/dev/ue1), which components/terraform/vpc does not declare', 'declared outputs: private_subnet_ids, vpc_id'],
      ['app2', 13, 'var "subnet_ids" of component app2 in stack orgs/acme/dev/ue1 reads output "private_subnets" of vpc (stack orgs/acme/dev/ue1), which components/terraform/vpc does not declare', 'did you mean "private_subnet_ids"?'],
    ]);
  });

  it('skips abstract and disabled instances, and says so when a component folder is missing', async () => {
    const { run } = check({
      [STACK]: 'components:\n  terraform:\n    vpc/base:\n      metadata: {type: abstract, component: vpc}\n      vars: {nope: 1}\n    vpc:\n      metadata: {enabled: false}\n      vars: {nope: 1}\n    db:\n      vars: {x: 1}\n',
    });
    const problems = await run();
    expect(problems.map((p) => [p.kind, p.component, p.line, p.message])).toEqual([
      ['component', 'db', 9, expect.stringMatching(/^component db in stack orgs\/acme\/dev\/ue1: the component folder .*components\/terraform\/db does not exist$/)],
    ]);
  });

  it('names the file and line of a Terraform syntax error in the component', async () => {
    const { run } = check({
      'components/terraform/broken/main.tf': 'variable "x" {\n  type = string\n',
      [STACK]: 'components:\n  terraform:\n    broken:\n      vars: {x: a}\n',
    });
    const [problem, ...others] = await run('broken');
    expect(others).toEqual([]);
    expect([problem.kind, problem.file]).toEqual(['component', 'components/terraform/broken/main.tf']);
    expect(problem.line).toBeGreaterThan(0);
  });
});

describe('settings.validation JSON Schema checks (ajv)', () => {
  const SCHEMA = JSON.stringify({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      vars: {
        type: 'object',
        properties: { cidr_block: { type: 'string', pattern: '^10\\.' }, azs: { enum: [2, 3] } },
        required: ['cidr_block'],
        if: { properties: { azs: { const: 4 } } },
        then: { properties: { nat: { const: true } } },
      },
    },
  });
  const validation = (extra = '') =>
    `      settings:\n        validation:\n          vpc-rules:\n            schema_type: jsonschema\n            schema_path: vpc.json\n            description: Private ranges only${extra}\n`;

  it('validates the described component against the schema and names the var line', async () => {
    const { run } = check({
      'stacks/schemas/jsonschema/vpc.json': SCHEMA,
      [STACK]: 'components:\n  terraform:\n    vpc:\n' + validation() + '      vars:\n        cidr_block: 192.168.0.0/16\n        azs: 4\n        nat: false\n',
    });
    const problems = await run('vpc');
    expect(problems.map((p) => [p.kind, p.line, p.message])).toEqual([
      ['schema', 11, 'component vpc in stack orgs/acme/dev/ue1 fails vpc-rules (stacks/schemas/jsonschema/vpc.json): /vars/cidr_block must match pattern "^10\\."'],
      ['schema', 12, 'component vpc in stack orgs/acme/dev/ue1 fails vpc-rules (stacks/schemas/jsonschema/vpc.json): /vars/azs must be equal to one of the allowed values: 2, 3'],
      ['schema', 13, 'component vpc in stack orgs/acme/dev/ue1 fails vpc-rules (stacks/schemas/jsonschema/vpc.json): /vars/nat must be equal to constant true'],
    ]);
    expect(problems[0].hint).toBe('vpc-rules: Private ranges only');
  });

  it('does not hold run-time values against the schema, and honours disabled and the schemas base path', async () => {
    const { run } = check({
      'atmos.yaml': 'base_path: ""\ncomponents: {terraform: {base_path: components/terraform}}\nstacks: {base_path: stacks, included_paths: ["orgs/**/*"]}\nschemas: {jsonschema: {base_path: schemas}}\n',
      'schemas/vpc.json': SCHEMA,
      [STACK]: 'components:\n  terraform:\n    vpc:\n' + validation() + '      vars:\n        cidr_block: !terraform.state other cidr\n    app:\n' + validation('\n            disabled: true').replace('vpc-rules', 'off') + '      vars: {vpc_id: x}\n',
      'components/terraform/other/main.tf': 'output "cidr" {\n  value = "10.0.0.0/8"\n}\n',
      'stacks/orgs/acme/dev/other.yaml': 'components: {terraform: {other: {}}}\n',
    });
    expect(await run()).toEqual([]);
  });

  it('reports a missing or broken schema file at the settings.validation entry', async () => {
    const { run } = check({
      'stacks/schemas/jsonschema/bad.json': '{"type": "object", "properties": {"vars": {"type": 5}}}',
      [STACK]: 'components:\n  terraform:\n    vpc:\n' + validation() + '      vars: {cidr_block: 10.0.0.0/16}\n    app:\n' + validation().replace('vpc.json', 'bad.json') + '      vars: {vpc_id: x}\n',
    });
    const problems = await run();
    expect(problems.map((p) => [p.component, p.line, p.message])).toEqual([
      ['vpc', 6, 'settings.validation.vpc-rules of component vpc in stack orgs/acme/dev/ue1: schema stacks/schemas/jsonschema/vpc.json does not exist'],
      ['app', 14, expect.stringMatching(/^settings\.validation\.vpc-rules of component app in stack orgs\/acme\/dev\/ue1: schema stacks\/schemas\/jsonschema\/bad\.json is not a valid JSON Schema: /)],
    ]);
  });
});

describe('formatContractProblems', () => {
  it('prints a catalog mistake once, naming the stacks it breaks', async () => {
    const stacks = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((name) => [`stacks/orgs/acme/${name}.yaml`, 'import: [catalog/vpc]\n']));
    const { resolved, run } = check({
      'atmos.yaml': 'base_path: ""\ncomponents: {terraform: {base_path: components/terraform}}\nstacks: {base_path: stacks, included_paths: ["orgs/**/*"]}\n',
      'stacks/catalog/vpc.yaml': 'components:\n  terraform:\n    vpc:\n      vars:\n        cidr_block: 10.0.0.0/16\n        nta: false\n',
      ...stacks,
      'stacks/orgs/acme/f.yaml': 'import: [catalog/vpc]\ncomponents:\n  terraform:\n    vpc:\n      vars:\n        nta: true\n',
    });
    const problems = await run('vpc');
    expect(problems).toHaveLength(6);
    expect(formatContractProblems(problems, resolved.root).split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      'error: stacks/catalog/vpc.yaml:6:9: var "nta" of component vpc in stacks orgs/acme/a, orgs/acme/b, orgs/acme/c and 2 more is not a variable of components/terraform/vpc',
      'error: stacks/orgs/acme/f.yaml:6:9: var "nta" of component vpc in stack orgs/acme/f is not a variable of components/terraform/vpc',
    ]);
  });
});
