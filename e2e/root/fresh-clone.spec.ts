/**
 * Targets run at the repository root, as a user who cloned it sees them (issue 11, point 1).
 *
 * Inside its own workspace Nx used to resolve `@org/atmos` to the TypeScript source (the
 * workspace package pointed at src/), so every target failed before terraform started ("Unable
 * to locate swc-node or ts-node"). The copied-fixture suites could not see it: they symlink the
 * repository's node_modules into a foreign workspace. This suite does what a user does:
 *
 *   git clone (the current checkout's HEAD) -> npm install -> nx run <instance>:generate / :describe
 *
 * in a temporary folder, through the real Nx CLI (NX_DAEMON=false). `npm install --offline`
 * installs the clone's own lock file from npm's cache (which installing this checkout filled),
 * runs the clone's postinstall build, and links the clone's own packages/atmos: nothing is
 * borrowed from this checkout, and no test traffic leaves the machine (the harness's loopback
 * proxy guard stays in place).
 */
import * as fs from 'fs';
import * as path from 'path';
import { lingeringProcesses } from '../harness/processes';
import { assertSuccess, createWorkspace, formatRunResult, type RunResult, type Workspace } from '../harness/workspace';

jest.setTimeout(600_000);

const REPO = path.resolve(__dirname, '../..');

let clone: Workspace;
let instance: string;
let stack: string;
let component: string;

function nx(args: string[]): Promise<RunResult> {
  return clone.run(clone.path('node_modules/.bin/nx'), args, { timeoutMs: 180_000 });
}

/** Nx's failure modes when it loads the plugin from TypeScript source. */
function assertNoSourceLoading(r: RunResult): void {
  const text = r.stdout + r.stderr;
  for (const symptom of ['swc-node', 'ts-node', '/packages/atmos/src/']) {
    if (text.includes(symptom)) throw new Error(`output mentions ${symptom}: Nx loaded the plugin's source\n${formatRunResult(r)}`);
  }
}

beforeAll(async () => {
  clone = createWorkspace({ prefix: 'atmos-clone-e2e-' });
  // init + fetch HEAD works for a branch, a worktree and a detached HEAD alike (a plain
  // `git clone` of a path checks out the source's default branch, not necessarily HEAD).
  clone.git(['init', '-q', '-b', 'main']);
  clone.git(['fetch', '-q', '--no-tags', REPO, 'HEAD']);
  clone.git(['checkout', '-q', 'FETCH_HEAD']);

  const install = await clone.run('npm', ['install', '--offline', '--no-audit', '--no-fund'], { timeoutMs: 420_000 });
  if (install.exitCode !== 0) {
    throw new Error(
      `npm install --offline failed in the fresh clone (npm's cache lacks a package? run \`npm install\` in this checkout first)\n${formatRunResult(install)}`,
    );
  }
}, 600_000);

afterAll(async () => {
  if (!clone) return;
  const left = await lingeringProcesses(clone.root);
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  clone.cleanup();
  if (left.length > 0) throw new Error(`processes left running in the clone: ${left.map((p) => `${p.pid} ${p.cmd}`).join('; ')}`);
});

test('the clone installed itself: @org/atmos is its own packages/atmos, built by postinstall', () => {
  expect(fs.realpathSync(clone.path('node_modules/@org/atmos'))).toBe(clone.path('packages/atmos'));
  expect(fs.existsSync(clone.path('packages/atmos/dist/index.js'))).toBe(true);
  expect(fs.existsSync(clone.path('packages/atmos/dist/executors/generate/executor.js'))).toBe(true);
});

test('nx show projects at the root lists the reference instances', async () => {
  const r = assertSuccess(await nx(['show', 'projects', '--json']));
  const projects = JSON.parse(r.stdout) as string[];
  // The reference's headline instance; before the dev-use1 names land, the first vpc instance.
  instance = projects.includes('vpc-dev-use1') ? 'vpc-dev-use1' : [...projects].sort().find((p) => p.startsWith('vpc-')) ?? '';
  expect(instance).not.toBe('');
  const project = JSON.parse(assertSuccess(await nx(['show', 'project', instance, '--json'])).stdout) as {
    metadata: { atmos: { stack: string; component: string } };
  };
  ({ stack, component } = project.metadata.atmos);
  expect(component).toBe('vpc');
});

test('nx run <instance>:generate writes the varfile and backend config from the built plugin', async () => {
  const r = await nx(['run', `${instance}:generate`, '--output-style=stream']);
  assertNoSourceLoading(r);
  assertSuccess(r);
  const workdir = clone.path('.atmos/work', stack, component, 'components/terraform', component);
  const varfile = path.join(workdir, `${stack}-${component}.terraform.tfvars.json`);
  expect(r.stdout + r.stderr).toContain(varfile);
  const vars = JSON.parse(fs.readFileSync(varfile, 'utf8')) as Record<string, unknown>;
  expect(vars.stage).toBeDefined();
  expect(vars.region).toBeDefined();
  expect(fs.existsSync(path.join(workdir, 'backend.tf.json'))).toBe(true);
});

test('nx run <instance>:describe prints the resolved component', async () => {
  const r = await nx(['run', `${instance}:describe`, '--skip-nx-cache', '--output-style=stream']);
  assertNoSourceLoading(r);
  assertSuccess(r);
  expect(r.stdout).toContain(`atmos_component: ${component}`);
  expect(r.stdout).toContain(`atmos_stack: ${stack}`);
});

test('running targets leaves the clone clean (work folders are git-ignored)', () => {
  expect(clone.git(['status', '--porcelain']).trim()).toBe('');
});
