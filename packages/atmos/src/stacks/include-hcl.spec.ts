/**
 * `!include` of HCL files returns their values as a map, as Atmos does (pkg/filetype:
 * DetectFormatAndParseFile -> parseHCL: attributes become keys, blocks maps under their type
 * and labels). Parsed with HashiCorp's own parser (src/hcl).
 */
import { AtmosUserError } from '../errors/user-error';
import { describeFixture, removeFixtures, resolveFixture } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const DEV = 'stacks/orgs/acme/dev/us-east-1.yaml';
const devVars = 'vars:\n  tenant: acme\n  environment: ue1\n  stage: dev\n';
const vpcWith = (vars: string) => `${devVars}components:\n  terraform:\n    vpc:\n      vars:\n${vars}`;

describe('!include of HCL files', () => {
  it('a .tfvars file becomes its values, types kept; a query selects a part', () => {
    const out = describeFixture({
      'config/network.tfvars': 'cidr = "10.0.0.0/16"\naz_count = 3\nnat = true\nsubnets = ["a", "b"]\ntags = {\n  team = "net"\n}\n',
      [DEV]: vpcWith('        network: !include config/network.tfvars\n        team: !include config/network.tfvars .tags.team\n'),
    }, 'vpc', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({
      network: { cidr: '10.0.0.0/16', az_count: 3, nat: true, subnets: ['a', 'b'], tags: { team: 'net' } },
      team: 'net',
    });
  });

  it('blocks of a .tf or .hcl file become maps under their type and labels', () => {
    const out = describeFixture({
      'config/settings.hcl': 'region = "us-east-1"\nlimits {\n  cpu = 2\n}\nservice "api" "v1" {\n  port = 8080\n}\n',
      [DEV]: vpcWith('        settings: !include config/settings.hcl\n'),
    }, 'vpc', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ settings: { region: 'us-east-1', limits: { cpu: 2 }, service: { api: { v1: { port: 8080 } } } } });
  });

  it('a whole section can be an included .tfvars file (the map is built in the caller, not the parser thread)', () => {
    const out = describeFixture({
      'config/vpc.tfvars': 'cidr = "10.1.0.0/16"\nnat = false\n',
      [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars: !include config/vpc.tfvars\n`,
    }, 'vpc', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ cidr: '10.1.0.0/16', nat: false, tenant: 'acme' });
  });

  it('an HCL syntax error names the included file, line and column', () => {
    let error: unknown;
    try {
      resolveFixture({ 'config/bad.tfvars': 'a = 1\nb = = 2\n', [DEV]: vpcWith('        x: !include config/bad.tfvars\n') });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AtmosUserError);
    const located = (error as AtmosUserError).location!;
    expect(located.file).toMatch(/config\/bad\.tfvars$/);
    expect(located.line).toBe(2);
  });

  it('the included HCL file is an input of the instance', () => {
    const resolved = resolveFixture({ 'config/n.tfvars': 'a = 1\n', [DEV]: vpcWith('        n: !include config/n.tfvars\n') });
    expect(resolved.instances[0]!.includedFiles.some((f) => f.endsWith('config/n.tfvars'))).toBe(true);
  });
});
