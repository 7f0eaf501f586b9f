/**
 * Hostile names and loose file modes, through the REAL Nx CLI (no daemon) and the real terraform,
 * in temporary git workspaces written inline (local state: no emulators needed).
 *
 * - A stack and a component named `..` once made the project root `.atmos/../..`, and
 *   `nx run ..-..:clean` deleted the whole repository, `.git` included.
 * - backend.tf.json was written 0644 with the backend's secret_key in it; an interrupted plan left
 *   a 0644 plan file behind.
 */
import * as fs from 'fs';
import * as path from 'path';
import { requireTerraform } from '../harness/terraform';
import { spawn } from 'child_process';
import { commandEnv, createWorkspace, formatRunResult, type RunResult, type Workspace } from '../harness/workspace';
import { stopStarted, waitUntil, type Started } from '../executors/helpers';
import { lingeringProcesses } from '../harness/processes';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '../..');
const NX_TIMEOUT_MS = 150_000;

const ATMOS_YAML = `base_path: ""
components:
  terraform:
    base_path: components/terraform
    auto_generate_backend_file: true
stacks:
  base_path: stacks
  included_paths: ["orgs/**/*"]
  name_pattern: "{stage}"
`;

function securityWorkspace(files: Record<string, string>): Workspace {
  const dist = path.join(REPO, 'node_modules/@org/atmos/dist/executors/clean/executor.js');
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first (npm test does)`);
  const ws = createWorkspace({ prefix: 'atmos-e2e-security-' });
  ws.writeFiles({
    'atmos.yaml': ATMOS_YAML,
    'nx.json': JSON.stringify({ plugins: ['@org/atmos'], cacheDirectory: '.nx/cache' }),
    'package.json': JSON.stringify({ name: 'atmos-security-e2e', private: true, version: '0.0.0' }),
    '.gitignore': 'node_modules\n.nx\n.atmos\n',
    'components/terraform/vpc/main.tf': 'variable "name" {\n  type = string\n}\nresource "terraform_data" "x" {\n  input = var.name\n}\n',
    ...files,
  });
  fs.symlinkSync(path.join(REPO, 'node_modules'), ws.path('node_modules'), 'dir');
  ws.gitInit('fixture');
  return ws;
}

function nx(ws: Workspace, args: string[]): Promise<RunResult> {
  return ws.run(ws.path('node_modules/.bin/nx'), args, { timeoutMs: NX_TIMEOUT_MS });
}

/** nx in its own process group (so a test can Ctrl-C it as a terminal would), with live output. */
function startNx(ws: Workspace, args: string[]): Started {
  const child = spawn(ws.path('node_modules/.bin/nx'), args, { cwd: ws.root, env: commandEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (text += d));
  const done = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
    child.once('close', (exitCode, signal) => resolve({ exitCode, signal, output: text }));
  });
  return { child, pgid: child.pid!, output: () => text, done };
}

const output = (r: RunResult) => `${r.stdout}\n${r.stderr}`;

const workspaces: Workspace[] = [];
const started: Started[] = [];
afterAll(async () => {
  for (const run of started) await stopStarted(run);
  for (const ws of workspaces) {
    expect(await lingeringProcesses(ws.root)).toEqual([]);
    ws.cleanup();
  }
});

beforeAll(() => requireTerraform());

describe('names that become paths', () => {
  // Regression (packages/atmos/src/stacks/path-names.ts, terraform/owned-paths.ts): `name: ".."`
  // and a component `".."` made the project `..-..` with root `.atmos/../..`, and its clean target
  // removed `.atmos/work/../..`: the repository.
  it('a stack and a component named .. are refused, and `nx run ..-..:clean` deletes nothing', async () => {
    const ws = securityWorkspace({
      'stacks/orgs/dev.yaml': 'vars:\n  stage: dev\ncomponents:\n  terraform:\n    vpc:\n      vars: {name: ok}\n',
      'stacks/orgs/evil.yaml': 'name: ".."\nvars:\n  stage: evil\ncomponents:\n  terraform:\n    "..":\n      metadata: {component: vpc}\n      vars: {name: evil}\n',
      // A second, unrelated mistake: one validation pass reports both (AggregateCreateNodesError).
      'stacks/orgs/typo.yaml': 'vars:\n  stage: typo\ncomponents:\n  terraform:\n    vpc:\n      vars:\n        - name\n',
    });
    workspaces.push(ws);
    const shown = await nx(ws, ['show', 'projects']);
    expect(shown.exitCode).not.toBe(0);
    expect(output(shown)).toMatch(/stacks\/orgs\/evil\.yaml(:\d+(:\d+)?)?: (stack|component) name '\.\.' has a '\.\.' path segment/);
    expect(output(shown)).toMatch(/stacks\/orgs\/typo\.yaml:6:7: components\.terraform\.vpc\.vars must be a map, not a list/);

    const clean = await nx(ws, ['run', '..-..:clean']);
    expect(clean.exitCode).not.toBe(0);
    // Everything is still there, .git included.
    expect(ws.exists('.git/HEAD')).toBe(true);
    expect(ws.exists('components/terraform/vpc/main.tf')).toBe(true);
    expect(ws.exists('stacks/orgs/dev.yaml')).toBe(true);
    expect(ws.git(['status', '--porcelain'])).toBe('');
  });

  it('a component folder outside the repository (metadata.component: ../../..) is refused with the file', async () => {
    const ws = securityWorkspace({
      'stacks/orgs/dev.yaml': 'vars:\n  stage: dev\ncomponents:\n  terraform:\n    vpc:\n      metadata:\n        component: ../../..\n',
    });
    workspaces.push(ws);
    const shown = await nx(ws, ['show', 'projects']);
    expect(shown.exitCode).not.toBe(0);
    expect(output(shown)).toMatch(/stacks\/orgs\/dev\.yaml:\d+(:\d+)?: component folder of 'vpc' \(metadata\.component\) '\.\.\/\.\.\/\.\.' has a '\.\.' path segment/);
  });
});

describe('file modes', () => {
  it('backend.tf.json holding an S3 secret_key is 0600 (real generate executor)', async () => {
    const secret = 'AKIA-not-a-real-secret-' + Date.now();
    const ws = securityWorkspace({
      'stacks/orgs/dev.yaml': `vars:\n  stage: dev\nterraform:\n  backend_type: s3\n  backend:\n    s3: {bucket: b, key: k, region: us-east-1, access_key: AKIA1, secret_key: ${secret}}\ncomponents:\n  terraform:\n    vpc:\n      vars: {name: x}\n`,
    });
    workspaces.push(ws);
    const generated = await nx(ws, ['run', 'vpc-dev:generate']);
    if (generated.exitCode !== 0) throw new Error(formatRunResult(generated));
    const backend = ws.path('.atmos/work/dev/vpc/components/terraform/vpc/backend.tf.json');
    expect(fs.readFileSync(backend, 'utf8')).toContain(secret);
    expect(fs.statSync(backend).mode & 0o777).toBe(0o600);
    expect(fs.statSync(ws.path('.atmos/work/dev/vpc/components/terraform/vpc/dev-vpc.terraform.tfvars.json')).mode & 0o777).toBe(0o600);
  });

  // Regression (packages/atmos/src/terraform/run.ts, detached-runner.ts): terraform writes the plan
  // file with the caller's umask (0644), and an interrupted plan keeps it (an errored plan holding
  // every value planned so far); the chmod after the plan never ran.
  it('an interrupted plan leaves its plan file 0600, and the local state terraform writes is 0600', async () => {
    const ws = securityWorkspace({
      'components/terraform/big/main.tf': 'variable "name" {\n  type = string\n}\nresource "terraform_data" "x" {\n  count = 15000\n  input = "${var.name}-${count.index}"\n}\n',
      'stacks/orgs/dev.yaml': 'vars:\n  stage: dev\ncomponents:\n  terraform:\n    vpc:\n      vars: {name: small}\n    big:\n      vars: {name: secret-value}\n',
    });
    workspaces.push(ws);
    const applied = await nx(ws, ['run', 'vpc-dev:apply', '--autoApprove']);
    if (applied.exitCode !== 0) throw new Error(formatRunResult(applied));
    const state = ws.path('.atmos/state/vpc/terraform.tfstate.d/dev/terraform.tfstate');
    expect(fs.statSync(state).mode & 0o777).toBe(0o600);

    const planfile = ws.path('.atmos/work/dev/big/components/terraform/big/dev-big.planfile');
    const plan = startNx(ws, ['run', 'big-dev:plan']);
    started.push(plan);
    // The executor got to the plan (the workspace is selected) and terraform is busy planning 15,000 resources.
    await waitUntil('terraform to start planning', () => /Created and switched to workspace|terraform plan|Terraform used the selected providers/.test(plan.output()) || fs.existsSync(planfile), 120_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    process.kill(-plan.pgid, 'SIGINT');
    const result = await plan.done;
    expect(result.exitCode === 0).toBe(false);
    await waitUntil('terraform to finish its stop', () => !fs.existsSync(planfile) || fs.statSync(planfile).size > 0, 60_000);
    expect(fs.existsSync(planfile)).toBe(true);
    expect(fs.statSync(planfile).size).toBeGreaterThan(0);
    expect(fs.statSync(planfile).mode & 0o777).toBe(0o600);
  });
});
