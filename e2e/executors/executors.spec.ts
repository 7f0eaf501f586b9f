/**
 * The terraform executors end to end: the REAL Nx CLI (`nx run`, `nx run-many`) and the REAL
 * terraform against an s3 backend with DynamoDB locking (s3rver + dynalite from the harness).
 *
 * One emulator set and one workspace (e2e/executors/fixture) for the whole file; each case uses
 * its own stack, so cases are independent of each other's state. The backend catalog
 * (`stacks/catalog/_backend.yaml`) is written once the emulators' ports are known.
 *
 * Needs the built plugin (`npm run build`; `npm test` does it). About 1.5 min on 2 cores.
 * KEEP_E2E_WORKSPACE=1 keeps the workspace; ATMOS_E2E_NODE_MODULES=<dir> links another
 * node_modules (e.g. one whose @org/atmos is a private build) - debugging only.
 * Tests marked "Regression" guard executor bugs this suite found (fixed in the named file).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Emulators, startEmulators } from '../harness/emulators';
import { requireTerraform } from '../harness/terraform';
import { Workspace } from '../harness/workspace';
import {
  BUCKET,
  TABLE,
  Started,
  createExecutorWorkspace,
  expectFailure,
  expectOk,
  filesUnder,
  lockIds,
  mode,
  nx,
  readStateObject,
  requireBuiltPlugin,
  s3Keys,
  snapshotTree,
  startNx,
  stopStarted,
  waitUntil,
} from './helpers';
import { killLingering, processesInside } from '../harness/processes';

jest.setTimeout(180_000);

let emu: Emulators;
let ws: Workspace;
let s3: S3Client;
let ddb: DynamoDBClient;
const started: Started[] = [];
/** The component folders as the fixture has them, before any run. */
let componentsBefore: Record<string, string>;

/** `<workspace_key_prefix>/<workspace>/<key>`: prefix = Terraform component folder, workspace = stack (or `<stack>-<component>` for derived components). */
const stateKey = (prefix: string, workspace: string, key = 'terraform.tfstate') => `${prefix}/${workspace}/${key}`;
const lockId = (key: string) => `${BUCKET}/${key}`;
const run = (args: string[], timeoutMs?: number, env?: Record<string, string | undefined>) => nx(ws, emu.endpoints, args, timeoutMs, env);
const editStack = (file: string, edit: (text: string) => string) => ws.writeFile(file, edit(ws.readFile(file)));
const workdir = (stack: string, component: string, folder = component) => ws.path('.atmos', 'work', stack, component, 'components', 'terraform', folder);

beforeAll(async () => {
  requireTerraform();
  requireBuiltPlugin();
  emu = await startEmulators({ s3: true, dynamodb: true, bucket: BUCKET, lockTable: TABLE });
  ({ s3, dynamodb: ddb } = emu.clients);
  ws = createExecutorWorkspace(emu.endpoints);
  componentsBefore = snapshotTree(ws.path('components'));
});

afterAll(async () => {
  for (const s of started) await stopStarted(s);
  // After a grace period (nx's plugin worker follows nx a moment later), killed by PID and reported below.
  const survivors = ws ? await killLingering(ws.root) : [];
  const emulatorPids = Object.values(emu?.pids ?? {}) as number[];
  await emu?.stop();
  ws?.cleanup();
  // Nothing we started survives: no terraform / provisioner / nx process in the workspace, no emulator.
  expect(survivors).toEqual([]);
  for (const pid of emulatorPids) expect(() => process.kill(pid, 0)).toThrow();
});

it('plan, apply of the reviewed plan, then drift finds nothing until a var changes', async () => {
  const plan = expectOk(await run(['run', 'app-basic:plan']));
  expect(plan.output).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy/);
  const planfile = path.join(workdir('basic', 'app'), 'basic-app.planfile');
  expect(fs.existsSync(planfile)).toBe(true);

  const apply = expectOk(await run(['run', 'app-basic:apply']));
  expect(apply.output).toContain(`applying the reviewed plan ${planfile}`);
  expect(apply.output).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed/);
  expect(fs.existsSync(planfile)).toBe(false); // a plan is applied once
  const state = await readStateObject(s3, stateKey('app', 'basic'));
  expect(state?.resources.map((r) => `${r.type}.${r.name}`)).toEqual(['terraform_data.x']);

  const drift = expectOk(await run(['run', 'app-basic:drift']));
  expect(drift.output).toMatch(/No changes\./);

  editStack('stacks/orgs/basic.yaml', (t) => t.replace('name: basic', 'name: basic-changed'));
  // drift records and exits 0 (so `run-many -t drift && nx run atmos:drift-report` reaches the report); --failOnDrift fails.
  expectOk(await run(['run', 'app-basic:drift']));
  const drifted = await run(['run', 'app-basic:drift', '--failOnDrift']);
  expect(drifted.exitCode).not.toBe(0);
  expect(drifted.exitCode).not.toBeNull();
  expect(drifted.output).toMatch(/1 to change|must be replaced|will be updated in-place/);
});

// Regression (packages/atmos/src/terraform/run.ts, plan(); the `drift` target of src/nx/targets.ts runs
// the plan executor with targetArgs `-detailed-exitcode -lock=false`): drift writes its plan to the reviewed
// plan file and, on exit 0 or 2, the `.meta.json` that marks it current. Nobody reviewed that plan,
// yet `apply` now applies it ("applying the reviewed plan") - and a drift run also deletes and
// replaces a plan that was reviewed. Fix: a drift run must not touch `<stack>-<component>.planfile`
// or its meta: plan without `-out` (or to a separate throw-away file) and write no meta when
// `-detailed-exitcode` is given (better: a distinct `drift` InstanceCommand).
it('drift leaves no plan behind that apply would take as reviewed', async () => {
  // The last run on app-basic was the drift above (a var changed, exit 2); nobody ran plan.
  const apply = await run(['run', 'app-basic:apply']);
  expectFailure(apply, "there is no reviewed plan for 'app' in stack 'basic'");
});

it('drift does not replace a reviewed plan', async () => {
  editStack('stacks/orgs/basic.yaml', (t) => t.replace(/name: basic.*/, 'name: basic-third'));
  expectOk(await run(['run', 'app-basic:plan']));
  const planfile = path.join(workdir('basic', 'app'), 'basic-app.planfile');
  const sha = () => (fs.existsSync(planfile) ? createHash('sha256').update(fs.readFileSync(planfile)).digest('hex') : 'no plan file');
  const reviewed = sha();
  expect((await run(['run', 'app-basic:drift', '--failOnDrift'])).exitCode).not.toBe(0); // changes + --failOnDrift -> task failure
  expect(sha()).toBe(reviewed);
});

it('five stacks of one component deploy in parallel, each with its own state object and workdir', async () => {
  const stacks = ['p1', 'p2', 'p3', 'p4', 'p5'];
  const r = expectOk(await run(['run-many', '-t', 'deploy', '-p', 'tag:component:fleet', '--parallel=5']));
  for (const stack of stacks) expect(r.output).toContain(`fleet-${stack}:deploy`);

  const keys = await s3Keys(s3);
  for (const stack of stacks) {
    const key = stateKey('fleet', stack);
    expect(keys).toContain(key);
    const state = await readStateObject(s3, key);
    expect(state?.outputs.id.value).toBe(`fleet-${stack}`);
  }
  // No state in the default workspace: every instance selected its own workspace.
  expect(keys).not.toContain('terraform.tfstate');

  const dirs = stacks.map((stack) => workdir(stack, 'fleet'));
  expect(new Set(dirs.map((d) => fs.realpathSync(d))).size).toBe(5);
  stacks.forEach((stack, i) => {
    const dir = dirs[i];
    // Its own TF_DATA_DIR, on its own workspace, with its own varfile.
    expect(fs.readFileSync(path.join(dir, '.terraform', 'environment'), 'utf8').trim()).toBe(stack);
    expect(fs.lstatSync(path.join(dir, '.terraform')).isSymbolicLink()).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir, `${stack}-fleet.terraform.tfvars.json`), 'utf8'))).toMatchObject({ name: 'fleet', stage: stack });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tfvars.json'))).toEqual([`${stack}-fleet.terraform.tfvars.json`]);
  });
});

it('a component with a relative local module works, and the component folders are never modified', async () => {
  expectOk(await run(['run', 'withmod-mod:plan']));
  const apply = expectOk(await run(['run', 'withmod-mod:apply']));
  expect(apply.output).toMatch(/module\.label\.terraform_data\.label: Creation complete/);
  const state = await readStateObject(s3, stateKey('withmod', 'mod'));
  expect(state?.outputs.label.value).toBe('label-mod');
  expect(state?.resources.map((res) => `${res.module}.${res.type}.${res.name}`)).toEqual(['module.label.terraform_data.label']);

  // The workdir mirrors the repository: ../modules/label resolves to the real module folder.
  const staged = workdir('mod', 'withmod');
  expect(fs.realpathSync(path.join(staged, '..', 'modules', 'label'))).toBe(ws.path('components/terraform/modules/label'));
  expect(fs.existsSync(path.join(staged, 'backend.tf.json'))).toBe(true);

  // Nothing written into components/ by any run so far (the cases above included).
  const after = snapshotTree(ws.path('components'));
  expect(after).toEqual(componentsBefore);
  const generated = Object.keys(after).filter((f) => /(^|\/)\.terraform(\/|$)|backend\.tf\.json|\.tfvars\.json|planfile|\.tfstate/.test(f));
  expect(generated).toEqual([]);
});

/** Starts `nx run <project>:apply --autoApprove` and waits until its terraform holds the state lock. */
async function startHoldingLock(project: string, key: string, env: Record<string, string> = {}): Promise<Started> {
  const holder = startNx(ws, emu.endpoints, ['run', `${project}:apply`, '--autoApprove'], env);
  started.push(holder);
  let exited = false;
  void holder.done.then(() => (exited = true));
  await waitUntil(`${project} to hold the state lock ${lockId(key)}`, async () => {
    if (exited) throw new Error(`the apply of ${project} ended before taking the lock:\n${holder.output()}`);
    return (await lockIds(ddb)).includes(lockId(key)) && /Provisioning with 'local-exec'/.test(holder.output());
  }, 60_000, 50);
  return holder;
}

// Regression (packages/atmos/src/terraform/workdir.ts, stageWorkdir, line 57): the component's
// .terraform.lock.hcl is copied into the workdir only when the workdir has none, so a lock file
// updated in the component (a provider upgrade pulled from git) never reaches an existing workdir;
// init re-runs (sourcesFingerprint covers the lock file) but with the stale copy, so terraform keeps
// the old selections or fails on the new constraints. Fix: copy it again whenever the component's
// lock file changed since the last copy (record its hash, e.g. beside .atmos-init.json); keep the
// workdir's own copy otherwise so init's additions are not thrown away.
it('an updated .terraform.lock.hcl of the component reaches the existing workdir', async () => {
  const source = 'components/terraform/pinned/.terraform.lock.hcl';
  const staged = path.join(workdir('pinned', 'pinned'), '.terraform.lock.hcl');
  expectOk(await run(['run', 'pinned-pinned:generate']));
  expect(fs.readFileSync(staged, 'utf8')).toBe(ws.readFile(source));
  const upgraded = ws.readFile(source).replace('version     = "3.2.3"', 'version     = "3.2.4"');
  ws.writeFile(source, upgraded);
  expectOk(await run(['run', 'pinned-pinned:generate']));
  expect(fs.readFileSync(staged, 'utf8')).toBe(upgraded);
});

it('a second apply of the same instance fails naming the lock holder, or waits with --lockTimeout', async () => {
  const key = stateKey('slow', 'lock');
  const first = await startHoldingLock('slow-lock', key);
  const second = await run(['run', 'slow-lock:apply', '--autoApprove']);
  expectFailure(second, /Error acquiring the state lock/);
  expect(second.output).toMatch(/The state of 'slow' in 'lock' is locked by another run \(\S+@\S+, OperationTypeApply\)/);
  expect(second.output).toContain('or wait for the lock: nx run slow-lock:apply --autoApprove --lockTimeout=5m');
  lockFailureOutput = second.output;
  const firstDone = await first.done;
  expect(firstDone.exitCode).toBe(0);
  expect(await lockIds(ddb)).not.toContain(lockId(key));

  const third = await startHoldingLock('slow-lock', key);
  const waited = expectOk(await run(['run', 'slow-lock:apply', '--autoApprove', '--lockTimeout=60s']));
  expect(waited.output).toMatch(/Apply complete!/);
  expect((await third.done).exitCode).toBe(0);
  expect(await lockIds(ddb)).not.toContain(lockId(key));
});

let lockFailureOutput = '';
// Regression (packages/atmos/src/terraform/run.ts, explainFailure): `/ID:\s+(\S+)/` first matches the
// "RequestID:" of the DynamoDB error and, as \s+ crosses the line break, captures the box-drawing
// "│" of terraform's diagnostic frame: the hint reads `force-unlock -force │`. Fix: `/\bID:[ \t]+([^\s│]+)/`
// (no match inside "RequestID", never across lines).
it('the lock hint gives the holder\'s lock ID for force-unlock', () => {
  expect(lockFailureOutput).toMatch(/Lock Info:\s+│?\s*ID:\s+[0-9a-f-]{36}/);
  const lockInfoId = /Lock Info:\s+│?\s*ID:\s+([0-9a-f-]{36})/.exec(lockFailureOutput)?.[1];
  // The command as it runs (e2e/executors/arguments.spec.ts runs it after a crash).
  expect(lockFailureOutput).toContain(`nx run slow-lock:terraform -- force-unlock -force ${lockInfoId}`);
});

/**
 * Ctrl-C while terraform applies: `sleep 60` runs as the resource's local-exec provisioner, holding
 * the state lock. Terraform's debug log (TF_LOG_PATH) shows how many interrupts it got.
 */
async function interruptApply(project: string, key: string, extraEnv: Record<string, string> = {}) {
  const terraformLog = ws.path(`${project}.terraform.log`);
  const apply = await startHoldingLock(project, key, { TF_LOG: 'debug', TF_LOG_PATH: terraformLog, ...extraEnv });
  const interruptedAt = Date.now();
  process.kill(-apply.pgid, 'SIGINT'); // what Ctrl-C in a terminal does
  const result = await apply.done;
  const exitMs = Date.now() - interruptedAt;
  // Nothing of the interrupted run (terraform, the provisioner's sleep) lingers.
  // The timeout names what still runs: a flake under load once left the lingering process unknown.
  const stillRunning = () => processesInside(ws.root).map(({ pid, cmd }) => `${pid} ${cmd.slice(0, 200)}`).join('; ');
  await waitUntil(() => `the interrupted apply's processes to exit (still running: ${stillRunning()})`, () => processesInside(ws.root).length === 0, 10_000);
  return { result, exitMs, terraformLog: fs.readFileSync(terraformLog, 'utf8') };
}

/** Terraform stopped on one interrupt, saved the interrupted create (tainted) and released the lock. */
async function expectGracefulStop(key: string, terraformLog: string) {
  // At most one: the provisioner's `sleep` is in terraform's process group and gets the same
  // SIGINT, so on a loaded machine the apply can fail on the provisioner (and save its state)
  // before terraform logs its own stop. Never two: a second interrupt makes terraform abandon the
  // run ("Two interrupts received... data loss").
  expect((terraformLog.match(/Stop called, initiating interrupt sequence/g) ?? []).length).toBeLessThanOrEqual(1);
  expect(terraformLog.match(/forcefully canceled/g) ?? []).toEqual([]);
  expect(terraformLog).toMatch(/Errors while provisioning terraform_data\.x|Stop called/);
  expect(await lockIds(ddb)).not.toContain(lockId(key));
  const state = await readStateObject(s3, key);
  expect(state?.resources.map((r) => `${r.type}.${r.name}:${r.instances[0]?.status}`)).toEqual(['terraform_data.x:tainted']);
}

// Regression (packages/atmos/src/terraform/process.ts): terraform ran inside the executor's process
// group and tree. Ctrl-C reached it from the terminal and again from the executor's forwarding (and
// from nx's tree kill), and the second interrupt made terraform abandon the run; once it was
// mid-upload of the state, leaving a truncated state object ("unexpected EOF" on the next run).
it('SIGINT to the nx process group during apply: terraform gets one interrupt, saves its state and releases the lock; the next apply succeeds', async () => {
  const key = stateKey('slow', 'sigint');
  const { result, exitMs, terraformLog } = await interruptApply('slow-sigint', key);
  expect(result.exitCode === 0).toBe(false);
  expect(exitMs).toBeLessThan(30_000); // it did not sit out the 60 s provisioner
  await expectGracefulStop(key, terraformLog);

  editStack('stacks/orgs/sigint.yaml', (t) => t.replace('sleep_seconds: 60', 'sleep_seconds: 0'));
  const again = expectOk(await run(['run', 'slow-sigint:apply', '--autoApprove']));
  expect(again.output).toMatch(/Apply complete!/);
  expect(await lockIds(ddb)).not.toContain(lockId(key));
  const state = await readStateObject(s3, key);
  expect(state?.resources.map((r) => `${r.type}.${r.name}:${r.instances[0]?.status ?? 'ok'}`)).toEqual(['terraform_data.x:ok']);
});

// nx gives a task's process tree NX_PROCESS_KILL_GRACE_PERIOD (default 5 s) after its SIGTERM, then
// SIGKILLs the tree. Terraform runs outside that tree, so even a 1 ms grace cannot kill it mid-stop.
it('nx SIGKILLing the task\'s process tree right after Ctrl-C cannot take terraform down: it still stops gracefully', async () => {
  const key = stateKey('slow', 'sigkill');
  const { result, terraformLog } = await interruptApply('slow-sigkill', key, { NX_PROCESS_KILL_GRACE_PERIOD: '1' });
  expect(result.exitCode === 0).toBe(false);
  await expectGracefulStop(key, terraformLog);
});

it('a locked component (metadata.locked: true) refuses apply, destroy and state rm, but state list works', async () => {
  expectOk(await run(['run', 'app-locked:deploy']));
  editStack('stacks/orgs/locked.yaml', (t) => t.replace('locked: false', 'locked: true'));
  const locked = /'app' in stack 'locked' is locked \(metadata\.locked: true\)/;

  const apply = expectFailure(await run(['run', 'app-locked:apply', '--autoApprove']), locked);
  expect(apply.output).toMatch(/apply is refused/);
  const destroy = expectFailure(await run(['run', 'app-locked:destroy', '--autoApprove']), locked);
  expect(destroy.output).toMatch(/destroy is refused/);
  const rm = expectFailure(await run(['run', 'app-locked:terraform', '--', 'state', 'rm', 'terraform_data.x']), locked);
  expect(rm.output).toMatch(/terraform state rm is refused/);

  const list = expectOk(await run(['run', 'app-locked:terraform', '--', 'state', 'list']));
  expect(list.output).toMatch(/^terraform_data\.x$/m);
  // Nothing was changed by the refused commands.
  const state = await readStateObject(s3, stateKey('app', 'locked'));
  expect(state?.resources.map((r) => `${r.type}.${r.name}`)).toEqual(['terraform_data.x']);
});

it('apply needs a current reviewed plan unless --autoApprove, which is never passed on to dependencies', async () => {
  const none = expectFailure(await run(['run', 'app-review:apply']), "there is no reviewed plan for 'app' in stack 'review'");
  // The commands the hint prints are the ones run below.
  expect(none.output).toContain('run the plan target first (nx run app-review:plan) and review it, then nx run app-review:apply; or nx run app-review:apply --autoApprove');

  expectOk(await run(['run', 'app-review:plan']));
  editStack('stacks/orgs/review.yaml', (t) => t.replace('name: review', 'name: review-changed'));
  expectFailure(await run(['run', 'app-review:apply']), "the plan of 'app' in stack 'review' is stale: its inputs changed since it was made");
  // (the plan created the workspace, hence an empty state object; nothing was applied)
  expect((await readStateObject(s3, stateKey('app', 'review')))?.resources).toEqual([]);

  const approved = expectOk(await run(['run', 'app-review:apply', '--autoApprove']));
  expect(approved.output).toMatch(/Apply complete! Resources: 1 added/);
  const state = await readStateObject(s3, stateKey('app', 'review'));
  expect(state?.outputs.name.value).toBe('review-changed');

  // top depends on dep (settings.depends_on): `apply` runs ^apply first, without --autoApprove.
  const chained = expectFailure(await run(['run', 'top-review:apply', '--autoApprove']), "there is no reviewed plan for 'dep' in stack 'review'");
  expect(chained.output).toMatch(/dep-review:apply/);
  expect((await readStateObject(s3, stateKey('app', 'review-dep')))?.resources ?? []).toEqual([]);
  expect((await readStateObject(s3, stateKey('app', 'review-top')))?.resources ?? []).toEqual([]);
});

it('a terraform error surfaces with its message and a non-zero exit', async () => {
  const r = await run(['run', 'app-broken:plan']);
  expectFailure(r, /size must be at most 10 \(e2e validation probe\)\./);
  expect(r.output).toMatch(/Error: Invalid value for variable/);
  expect(r.output).toMatch(/Running target plan for project app-broken failed/);
});

it('a changed backend is refused with the -migrate-state explanation; --migrateState moves the state', async () => {
  expectOk(await run(['run', 'app-migrate:deploy']));
  const oldKey = stateKey('app', 'migrate');
  const before = await readStateObject(s3, oldKey);
  expect(before?.resources).toHaveLength(1);

  editStack('stacks/orgs/migrate.yaml', (t) => t.replace('components:', 'terraform:\n  backend:\n    s3:\n      key: moved.tfstate\n\ncomponents:'));
  const refused = expectFailure(await run(['run', 'app-migrate:plan']), "the backend configuration of 'app' in stack 'migrate' changed since it was last initialised");
  expect(refused.output).toMatch(/run again with --migrateState to run `terraform init -migrate-state`/);
  // The command the hint prints is the one run below.
  expect(refused.output).toContain('nx run app-migrate:plan --migrateState');
  expect(refused.output).toMatch(/we never run -reconfigure/);
  expect(await readStateObject(s3, stateKey('app', 'migrate', 'moved.tfstate'))).toBeUndefined();

  const migrated = expectOk(await run(['run', 'app-migrate:plan', '--migrateState']));
  expect(migrated.output).toMatch(/No changes\./);
  const moved = await readStateObject(s3, stateKey('app', 'migrate', 'moved.tfstate'));
  expect(moved?.lineage).toBe(before?.lineage);
  expect(moved?.resources.map((r) => `${r.type}.${r.name}`)).toEqual(['terraform_data.x']);
  // And later runs use the new key without asking again.
  expectOk(await run(['run', 'app-migrate:plan']));
});

it('destroy is refused while a dependent still has resources, naming it; after the dependent is gone it succeeds', async () => {
  expectOk(await run(['run-many', '-t', 'deploy', '-p', 'net-deps', 'svc-deps', '--parallel=2']));
  const netKey = stateKey('app', 'deps-net');
  const svcKey = stateKey('app', 'deps-svc');
  expect((await readStateObject(s3, netKey))?.resources).toHaveLength(1);
  expect((await readStateObject(s3, svcKey))?.resources).toHaveLength(1);

  const refused = expectFailure(await run(['run', 'net-deps:destroy', '--autoApprove']), "cannot destroy 'net' in stack 'deps': svc-deps (1 resource) still depend on it");
  expect(refused.output).toMatch(/destroy the dependents first/);
  expect((await readStateObject(s3, netKey))?.resources).toHaveLength(1);

  expectOk(await run(['run', 'svc-deps:destroy', '--autoApprove']));
  expect((await readStateObject(s3, svcKey))?.resources).toEqual([]);
  const destroyed = expectOk(await run(['run', 'net-deps:destroy', '--autoApprove']));
  expect(destroyed.output).toMatch(/Destroy complete! Resources: 1 destroyed/);
  expect((await readStateObject(s3, netKey))?.resources).toEqual([]);
});

const secret = `s3cr3t-${Math.random().toString(36).slice(2)}-${Date.now()}`;

it('varfiles and plan files are 0600', async () => {
  editStack('stacks/orgs/secret.yaml', (t) => t.replace('SECRET_PLACEHOLDER', secret));
  const plan = expectOk(await run(['run', 'app-secret:plan']));
  expect(plan.output).not.toContain(secret); // a sensitive variable
  const dir = workdir('secret', 'app');
  const varfile = path.join(dir, 'secret-app.terraform.tfvars.json');
  const planfile = path.join(dir, 'secret-app.planfile');
  expect(JSON.parse(fs.readFileSync(varfile, 'utf8')).secret).toBe(secret);
  expect(mode(varfile)).toBe('0600');
  expect(mode(planfile)).toBe('0600');
  expect(mode(`${planfile}.meta.json`)).toBe('0600');
  // No temp file of an atomic write left behind.
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

// Regression (packages/atmos/src/nx/targets.ts: `describe` is `cache: true`; src/cli describe prints every
// var unmasked): Nx caches describe's terminal output, so every var value - the secret-looking one
// here, and anything else the varfile holds - is written to the Nx cache. With Nx 24 that cache is
// by default per user, outside the checkout (`~/.nx/<workspace id>/cache/terminalOutputs/`), shared by
// every clone and kept after the checkout is gone (this fixture sets cacheDirectory: .nx/cache to
// keep it inside the temp workspace). Fix: `cache: false` for describe (it takes ~0.3 s), or mask
// variables declared `sensitive = true` in the component and every !store / SecureString value in
// describe's output.
it('nothing under .nx/cache holds a var value (describe is the one cacheable target)', async () => {
  expect(ws.readFile('stacks/orgs/secret.yaml')).toContain(secret);
  expectOk(await run(['run', 'app-secret:describe']));
  const cached = expectOk(await run(['run', 'app-secret:describe']));
  expect(cached.output).toMatch(/existing outputs match the cache|local cache|read the output from the cache/);
  const cacheFiles = filesUnder(ws.path('.nx', 'cache'));
  expect(cacheFiles.length).toBeGreaterThan(0);
  const varfileText = fs.readFileSync(path.join(workdir('secret', 'app'), 'secret-app.terraform.tfvars.json'), 'utf8').trim();
  const leaks = cacheFiles.filter((f) => {
    const text = fs.readFileSync(f, 'latin1');
    return text.includes(secret) || text.includes(varfileText);
  });
  expect(leaks.map((f) => path.relative(ws.root, f))).toEqual([]);
});
