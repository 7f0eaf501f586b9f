/**
 * Targets run at the repository root, as a user who cloned it sees them (issue 11, point 1).
 *
 * Inside its own workspace Nx used to resolve `@org/atmos` to the TypeScript source (the
 * workspace package pointed at src/), so every target failed before terraform started ("Unable
 * to locate swc-node or ts-node"). The copied-fixture suites could not see it: they symlink the
 * repository's node_modules into a foreign workspace. This suite does what a user does:
 *
 *   git clone (the current checkout's HEAD) -> npm install -> nx run vpc-dev-use1:generate / :describe
 *   -> in examples/twin: nx run-many -t plan, nx run vpc-dev-use1:apply, :output
 *   -> npm run demo -- --stacks dev-use1,shared-use1 (the demo's shortened path, same code)
 *
 * in a temporary folder, through the real Nx CLI (NX_DAEMON=false) and real terraform. `npm install --offline`
 * installs the clone's own lock file from npm's cache (which installing this checkout filled),
 * runs the clone's postinstall build, and links the clone's own packages/atmos: nothing is
 * borrowed from this checkout, and no test traffic leaves the machine (the harness's loopback
 * proxy guard stays in place).
 */
import * as fs from 'fs';
import * as path from 'path';
import { NO_AWS_CREDENTIALS_ENV } from '../harness/emulators';
import { lingeringProcesses } from '../harness/processes';
import { requireTerraform } from '../harness/terraform';
import { assertSuccess, createWorkspace, formatRunResult, type RunResult, type Workspace } from '../harness/workspace';

jest.setTimeout(900_000);

const REPO = path.resolve(__dirname, '../..');

let clone: Workspace;
let instance: string;
let stack: string;
let component: string;

function nx(args: string[], cwd = '.'): Promise<RunResult> {
  return clone.run(clone.path('node_modules/.bin/nx'), args, { cwd, timeoutMs: 300_000 });
}

/** Nx's failure modes when it loads the plugin from TypeScript source. */
function assertNoSourceLoading(r: RunResult): void {
  const text = r.stdout + r.stderr;
  for (const symptom of ['swc-node', 'ts-node', '/packages/atmos/src/']) {
    if (text.includes(symptom)) throw new Error(`output mentions ${symptom}: Nx loaded the plugin's source\n${formatRunResult(r)}`);
  }
}

beforeAll(async () => {
  requireTerraform();
  clone = createWorkspace({ prefix: 'atmos-clone-e2e-' });
  // init + fetch HEAD works for a branch, a worktree and a detached HEAD alike (a plain
  // `git clone` of a path checks out the source's default branch, not necessarily HEAD).
  clone.git(['init', '-q', '-b', 'main']);
  clone.git(['fetch', '-q', '--no-tags', REPO, 'HEAD']);
  clone.git(['checkout', '-q', '-B', 'main', 'FETCH_HEAD']); // on main, as a clone is (main is the plugin's default base)

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
  // The product's headline instance (stack names `{stage}-{environment}`).
  instance = 'vpc-dev-use1';
  expect(projects).toEqual(expect.arrayContaining([instance, 'tfstate-backend-shared-use1', 'eks-prod-usw2']));
  const project = JSON.parse(assertSuccess(await nx(['show', 'project', instance, '--json'])).stdout) as { tags: string[]; metadata: { atmos: { manifest: string } } };
  // The executors read the instance as this does: component and stack from the tags, the manifest from metadata.atmos.
  const tag = (prefix: string) => project.tags.find((t) => t.startsWith(prefix))?.slice(prefix.length) ?? '';
  [stack, component] = [tag('stack:'), tag('component:')];
  expect(component).toBe('vpc');
  expect(stack).toBe('dev-use1');
  expect(project.metadata.atmos.manifest).toMatch(/^stacks\/.+\.ya?ml$/);
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

test('nx run <instance>:generate of an instance that reads another\'s state, with no AWS access: one clear error, nothing written', async () => {
  // lambda/payments takes iam's role ARN through !terraform.state: its values cannot be known
  // without that state (Atmos's generate varfile fails the same way). This is the first failure a
  // user who clones the repository without AWS access meets, so it must read as a user error.
  const lambda = 'lambda-payments-staging-use1';
  const r = await clone.run(clone.path('node_modules/.bin/nx'), ['run', `${lambda}:generate`, '--output-style=stream'], {
    timeoutMs: 300_000,
    env: NO_AWS_CREDENTIALS_ENV,
  });
  assertNoSourceLoading(r);
  expect(r.exitCode).not.toBe(0);
  const text = r.stdout + r.stderr;
  expect(text).toMatch(/error: stacks\/catalog\/[\w/-]+\.yaml:\d+:\d+: !terraform\.state iam \w+ in 'lambda\/payments' \(stack 'staging-use1'\): reading the state of 'iam' in stack 'staging-use1' \(s3:\/\/[^)]+\): no AWS credentials/);
  expect(text).toMatch(/hint: export AWS_PROFILE=<profile> .*see "No AWS credentials" in the README/);
  expect(text).not.toMatch(/internal error|CredentialsProviderError:|\n\s+at \S+ \(/);
  // No half-written varfile or backend config.
  const workdir = clone.path('.atmos/work/staging-use1/lambda/payments');
  const written = fs.existsSync(workdir) ? fs.readdirSync(workdir, { recursive: true }).map(String) : [];
  expect(written.filter((f) => /tfvars|backend\.tf/.test(f))).toEqual([]);
});

test('nx run <instance>:describe prints the resolved component', async () => {
  const r = await nx(['run', `${instance}:describe`, '--skip-nx-cache', '--output-style=stream']);
  assertNoSourceLoading(r);
  assertSuccess(r);
  expect(r.stdout).toContain(`atmos_component: ${component}`);
  expect(r.stdout).toContain(`atmos_stack: ${stack}`);
});

test('in the clone\'s examples/twin: plan, then nx run vpc-dev-use1:apply applies its dependency first, then output', async () => {
  const twin = 'examples/twin';
  const plan = assertSuccess(await nx(['run-many', '-t', 'plan', '-p', 'tfstate-backend-shared-use1,vpc-dev-use1', '--output-style=stream'], twin));
  const apply = assertSuccess(await nx(['run', 'vpc-dev-use1:apply', '--output-style=stream'], twin));
  expect(plan.stdout + plan.stderr + apply.stdout + apply.stderr).not.toContain('Value for undeclared variable');
  // ^apply: the backend (settings.depends_on) completes before the vpc.
  const backendDone = apply.stdout.indexOf('tfstate-backend-shared-use1: Apply complete!');
  expect(backendDone).toBeGreaterThan(-1);
  expect(apply.stdout.indexOf('vpc-dev-use1: Apply complete!')).toBeGreaterThan(backendDone);
  const output = assertSuccess(await nx(['run', 'vpc-dev-use1:output', '--args=-json', '--output-style=stream'], twin));
  expect(output.stdout).toMatch(/"vpc_id"[\s\S]*?"value": "vpc-[0-9a-f]{17}"/);
  expect(output.stdout).toMatch(/"private_subnet_ids"[\s\S]*?"subnet-[0-9a-f]{17}"/);
});

test('npm run demo -- --stacks dev-use1,shared-use1: applies in dependency order, counts, cleans up', async () => {
  const r = await clone.run('npm', ['run', 'demo', '--', '--stacks', 'dev-use1,shared-use1', '--parallel', '3'], { timeoutMs: 900_000 });
  assertSuccess(r);
  const out = r.stdout;
  expect(r.stdout + r.stderr).not.toMatch(/Value for undeclared variable(?!" warnings: 0)/);
  const instances = Number(/instances: (\d+) in 2 stacks/.exec(out)?.[1]);
  expect(instances).toBeGreaterThan(10);
  expect(out).toContain(`applies completed: ${instances} of ${instances}`);
  const deps = Number(/dependencies: (\d+) \((\d+) across stacks\)/.exec(out)?.[1]);
  expect(deps).toBeGreaterThan(instances);
  expect(out).toContain(`dependency order: ${deps} of ${deps} dependencies applied before their dependent started`);
  expect(out).toMatch(/outputs in state: [1-9]\d* across \d+ instances/);
  // The one-line change to dev-use1's vpc: exactly one instance plans a change.
  expect(out).toMatch(/nx affected -t plan after the change: \d+ planned, 1 with changes/);
  // Onboarding a new environment with the shipped workflow, then drift and its report, kept in the
  // repository (git-ignored): the demo's last line is its path.
  expect(out).toMatch(/onboarded staging-usw2: 16 instances applied in \d+ dependency layers/);
  expect(out).toContain('drift: 17 checked: 1 changed, 16 in-sync');
  const report = out.trim().split('\n').pop()!;
  expect(report).toBe(clone.path('.atmos/demo/drift-report.md'));
  expect(fs.readFileSync(report, 'utf8')).toMatch(/\| vpc \| changed \| `terraform_data\.\w+` update \|/);
  const workspace = /^workspace: (\S+)$/m.exec(out)?.[1];
  expect(workspace).toBeDefined();
  expect(fs.existsSync(workspace as string)).toBe(false);
}, 900_000);

test('running targets and the demo leave the clone clean (work folders and state are git-ignored)', () => {
  expect(clone.git(['status', '--porcelain']).trim()).toBe('');
});
