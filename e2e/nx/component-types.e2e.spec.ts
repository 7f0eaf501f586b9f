/**
 * Issue 17, class 3, through the commands users type: a stack with terraform, helmfile and packer
 * components. The REAL Nx CLI infers projects for the terraform ones only; the REAL `atmos-nx`
 * binary lists and describes all of them as Atmos v1.226.1 does (describe stacks: each type under
 * components.<type>; internal/exec/describe_stacks_component_processor.go processStackFile).
 */
import * as fs from 'fs';
import * as path from 'path';
import { createWorkspace, formatRunResult, type RunResult, type Workspace } from '../harness/workspace';

jest.setTimeout(180_000);

const REPO = path.resolve(__dirname, '../..');
const NODE_MODULES = path.join(REPO, 'node_modules');
const NX_BIN = path.join(NODE_MODULES, 'nx', 'dist', 'bin', 'nx.js');
const ATMOS_NX_BIN = path.join(NODE_MODULES, '@org', 'atmos', 'bin', 'atmos-nx.js');
const ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const STACK = 'plat-ue1-dev';

let ws: Workspace;

function ok(r: RunResult): RunResult {
  if (r.timedOut || r.exitCode !== 0) throw new Error(`expected success\n${formatRunResult(r)}`);
  return r;
}

beforeAll(() => {
  if (!fs.existsSync(path.join(NODE_MODULES, '@org', 'atmos', 'dist', 'cli', 'main.js'))) throw new Error('the plugin is not built: run `npm run build` first');
  ws = createWorkspace({
    prefix: 'atmos-e2e-types-',
    files: {
      'nx.json': JSON.stringify({ plugins: ['@org/atmos'], pluginsConfig: { '@nx/js': { projectsAffectedByDependencyUpdates: [] } } }),
      'package.json': JSON.stringify({ name: 'types-fixture', private: true }),
      '.gitignore': 'node_modules\n.nx\n.atmos\n',
      'atmos.yaml': [
        'base_path: ""',
        'components:',
        '  terraform: {base_path: components/terraform}',
        '  helmfile: {base_path: components/helmfile}',
        '  packer: {base_path: components/packer}',
        'stacks:',
        '  base_path: stacks',
        '  included_paths: ["orgs/**/*"]',
        '  name_pattern: "{tenant}-{environment}-{stage}"',
        '',
      ].join('\n'),
      'components/terraform/eks/main.tf': 'variable "stage" {\n  type = string\n}\n',
      'components/helmfile/nginx/helmfile.yaml': 'releases: []\n',
      'stacks/orgs/plat/dev.yaml': [
        'vars: {tenant: plat, environment: ue1, stage: dev}',
        'helmfile:',
        '  vars: {timeout: 600}',
        'components:',
        '  terraform:',
        '    eks: {}',
        '  helmfile:',
        '    nginx: {vars: {replicas: 3}}',
        '  packer:',
        '    ami: {vars: {region: us-east-1}}',
        '',
      ].join('\n'),
    },
  });
  fs.symlinkSync(NODE_MODULES, ws.path('node_modules'));
  ws.gitInit();
});

afterAll(() => ws?.cleanup());

it('nx show projects lists the terraform instance only (besides the plugin\'s workspace project `atmos`)', async () => {
  const r = ok(await ws.run(process.execPath, [NX_BIN, 'show', 'projects'], { env: ENV, timeoutMs: 120_000 }));
  expect(r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort()).toEqual(['atmos', `eks-${STACK}`]);
});

it('atmos-nx list and describe show every type', async () => {
  const atmosNx = (args: string[]) => ws.run(process.execPath, [ATMOS_NX_BIN, ...args], { env: ENV, timeoutMs: 60_000 });
  expect(ok(await atmosNx(['list', 'components', '-s', STACK])).stdout).toBe('ami\neks\nnginx\n');
  const stacks = JSON.parse(ok(await atmosNx(['describe', 'stacks', '--format', 'json'])).stdout);
  expect(Object.keys(stacks[STACK].components).sort()).toEqual(['helmfile', 'packer', 'terraform']);
  expect(stacks[STACK].components.helmfile.nginx).toMatchObject({
    command: 'helmfile',
    component_info: { component_path: 'components/helmfile/nginx', component_type: 'helmfile' },
    vars: { tenant: 'plat', environment: 'ue1', stage: 'dev', timeout: 600, replicas: 3 },
  });
  const ami = JSON.parse(ok(await atmosNx(['describe', 'component', 'ami', '-s', STACK, '--format', 'json'])).stdout);
  expect(ami).toMatchObject({ command: 'packer', component_info: { component_type: 'packer' }, vars: { region: 'us-east-1' } });
});
