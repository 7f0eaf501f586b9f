/** `atmos-nx validate stacks` and `atmos-nx validate component` as a user runs them. */
import { main, type CliIo } from '../cli/main';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';

afterAll(removeFixtures);

async function cli(root: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: root, env: {} };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const workspace = (stack: string) =>
  writeWorkspace({
    'atmos.yaml': 'base_path: ""\ncomponents: {terraform: {base_path: components/terraform}}\nstacks: {base_path: stacks, included_paths: ["orgs/**/*"]}\n',
    'components/terraform/vpc/variables.tf': 'variable "cidr_block" {\n  type = string\n}\n',
    'components/terraform/vpc/outputs.tf': 'output "vpc_id" {\n  value = "x"\n}\n',
    'components/terraform/empty/README.md': 'no terraform here\n',
    'stacks/schemas/jsonschema/vpc.json': '{"properties": {"vars": {"properties": {"cidr_block": {"pattern": "^10\\\\."}}}}}',
    'stacks/orgs/dev.yaml': stack,
  });

describe('atmos-nx validate', () => {
  it('validate stacks fails with one located line per contract problem, and passes a clean workspace', async () => {
    const root = workspace('components:\n  terraform:\n    vpc:\n      vars:\n        cidr_block: 10.0.0.0/16\n        cidr: 1\n    other:\n      metadata: {component: vpc}\n      vars:\n        cidr_block: !terraform.state vpc\n    hollow:\n      metadata: {component: empty}\n');
    const failed = await cli(root, 'validate', 'stacks');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([
      'error: stacks/orgs/dev.yaml:6:9: var "cidr" of component vpc in stack orgs/dev is not a variable of components/terraform/vpc',
      expect.stringMatching(/^error: stacks\/orgs\/dev\.yaml:10:21: component other in stack orgs\/dev: !terraform\.state vpc: expected <component> \[<stack>\] <output>/),
      'error: stacks/orgs/dev.yaml:11:5: component hollow in stack orgs/dev: components/terraform/empty has no .tf or .tf.json files',
    ]);
    expect(failed.stderr).toContain('hint: did you mean "cidr_block"?');
    expect(failed.stderr.trimEnd().endsWith('3 contract problems between the stacks and their Terraform components')).toBe(true);

    const clean = await cli(workspace('components:\n  terraform:\n    vpc:\n      vars: {cidr_block: 10.0.0.0/16}\n'), 'validate', 'stacks');
    expect([clean.code, clean.stderr]).toEqual([0, '']);
    expect(clean.stdout).toMatch(/^✓ 1 stack manifests, 1 component instances: all valid/);
  });

  it('validate component checks one instance, with settings.validation or an explicit --schema-path', async () => {
    const root = workspace('components:\n  terraform:\n    vpc:\n      vars: {cidr_block: 192.168.0.0/16}\n');
    const passed = await cli(root, 'validate', 'component', 'vpc', '-s', 'orgs/dev');
    expect(passed).toEqual({ code: 0, stderr: '', stdout: '✓ vpc in orgs/dev: vars, types and output references match components/terraform/vpc; its settings.validation schemas pass\n' });

    const failed = await cli(root, 'validate', 'component', 'vpc', '-s', 'orgs/dev', '--schema-path', 'vpc.json');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('error: stacks/orgs/dev.yaml:4:14: component vpc in stack orgs/dev fails --schema-path (stacks/schemas/jsonschema/vpc.json): /vars/cidr_block must match pattern "^10\\."');

    const opa = await cli(root, 'validate', 'component', 'vpc', '-s', 'orgs/dev', '--schema-path', 'vpc.rego', '--schema-type', 'opa');
    expect(opa.code).toBe(1);
    expect(opa.stderr).toMatch(/^error: --schema-type opa: OPA policies are not supported \(out of scope\)/);

    const missing = await cli(root, 'validate', 'component', 'nope', '-s', 'orgs/dev');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*nope/);
  });
});
