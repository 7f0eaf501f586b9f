/**
 * `atmos-nx describe stacks` and YAML functions. Atmos v1.226.1 (cmd/describe_stacks.go,
 * --process-functions default true) evaluates them all; we evaluate the local ones by default
 * (documented deviation: describing a repository stays offline and fast) and the rest with
 * --process-functions=true. Function semantics: website/docs/functions/yaml/env.mdx (`!env NAME
 * default`), template.mdx (JSON becomes a value), literal.mdx, version.mdx (the lock's
 * tracks.<track>.<name>.version).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, type CliIo } from './main';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';

afterAll(removeFixtures);

async function cli(argv: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

function workspace(): string {
  const root = writeWorkspace({
    'components/terraform/app/main.tf': 'variable "x" {\n  default = null\n}\n',
    'versions.lock.yaml': 'tracks:\n  default:\n    opentofu: {version: 1.10.6}\n',
    'stacks/orgs/acme/ue1/dev.yaml': [
      'vars: {tenant: acme, environment: ue1, stage: dev}',
      'terraform: {backend_type: local, backend: {local: {workspace_dir: ../../../state}}}',
      'components:',
      '  terraform:',
      '    vpc: {metadata: {component: app}}',
      '    app:',
      '      vars:',
      '        team: !env TEAM platform',
      '        sizes: !template \'{"small": 1}\'',
      '        raw: !literal "{{ not a template }}"',
      '        tofu: !version opentofu',
      '        vpc_id: !terraform.state vpc .vpc_id',
      '        inline: "${{ env:TEAM }}"',
      '',
    ].join('\n'),
  });
  return root;
}

describe('describe stacks evaluates YAML functions (Atmos v1.226.1)', () => {
  it('by default the local ones, leaving state, stores and ${{ }} as written', async () => {
    const root = workspace();
    const r = await cli(['describe', 'stacks', '--format', 'json'], root, { TEAM: 'blue' });
    expect(r.stderr).toBe('');
    const vars = JSON.parse(r.stdout)['acme-ue1-dev'].components.terraform.app.vars;
    expect(vars).toMatchObject({ team: 'blue', sizes: { small: 1 }, raw: '{{ not a template }}', tofu: '1.10.6', vpc_id: '!terraform.state vpc .vpc_id', inline: '${{ env:TEAM }}' });
    const defaulted = JSON.parse((await cli(['describe', 'stacks', '--format', 'json'], root)).stdout)['acme-ue1-dev'].components.terraform.app.vars;
    expect(defaulted.team).toBe('platform');
  });

  it('--process-functions=false evaluates none; =true also reads state (a never-applied dependency is then an error)', async () => {
    const root = workspace();
    const none = JSON.parse((await cli(['describe', 'stacks', '--format', 'json', '--process-functions=false'], root)).stdout)['acme-ue1-dev'].components.terraform.app.vars;
    expect(none).toMatchObject({ team: '!env TEAM platform', tofu: '!version opentofu' });
    const all = await cli(['describe', 'stacks', '--process-functions=true', '--components', 'app'], root);
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/component 'vpc' in stack 'acme-ue1-dev' has never been applied/);
  });

  it('--process-functions=true with the dependency applied (local state): every value evaluated', async () => {
    const root = workspace();
    // The local backend's state of vpc: <workspace_dir>/<workspace>/terraform.tfstate, its workspace <stack>-vpc (metadata.component).
    const stateDir = join(root, 'state/acme-ue1-dev-vpc');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'terraform.tfstate'), JSON.stringify({ version: 4, outputs: { vpc_id: { value: 'vpc-123', type: 'string' } }, resources: [{ mode: 'managed', type: 'terraform_data', name: 'x', instances: [{}] }] }));
    const r = await cli(['describe', 'stacks', '--format', 'json', '--process-functions=true', '--components', 'app'], root, { TEAM: 'red' });
    expect(r.stderr).toBe('');
    const vars = JSON.parse(r.stdout)['acme-ue1-dev'].components.terraform.app.vars;
    expect(vars).toMatchObject({ team: 'red', vpc_id: 'vpc-123', inline: 'red' });
  });
});
