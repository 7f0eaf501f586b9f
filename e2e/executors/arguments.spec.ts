/**
 * Terraform arguments and the commands the tool prints, end to end: the REAL Nx CLI and the REAL
 * terraform against the s3 backend with DynamoDB locking (harness emulators).
 *
 * - Flags after `--` reach terraform unchanged (Nx parses them with yargs; the executors read
 *   the words as typed from `__unparsed__`).
 * - The passthrough (`:terraform`) refuses apply and destroy and prints the dedicated target's
 *   command, which keeps its rules (approval, dependents, locked).
 * - Every command a hint prints is run here as printed.
 *
 * Each case has its own stack (written into the workspace here), so cases do not share state.
 */
import * as fs from 'fs';
import * as path from 'path';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Emulators, startEmulators } from '../harness/emulators';
import { requireTerraform } from '../harness/terraform';
import { Workspace } from '../harness/workspace';
import { killLingering, killQuietly, processesInside } from '../harness/processes';
import { BUCKET, REPO_ROOT, TABLE, NxResult, nxEnv, stripAnsi, Started, createExecutorWorkspace, expectFailure, expectOk, lockIds, nx, readStateObject, requireBuiltPlugin, startNx, stopStarted, waitUntil } from './helpers';

jest.setTimeout(180_000);

let emu: Emulators;
let ws: Workspace;
let s3: S3Client;
let ddb: DynamoDBClient;
const started: Started[] = [];

const run = (args: string[]) => nx(ws, emu.endpoints, args);
const stateKey = (prefix: string, workspace: string) => `${prefix}/${workspace}/terraform.tfstate`;
const resources = async (key: string) => (await readStateObject(s3, key))?.resources.length ?? 0;

const ATMOS_NX = path.join(REPO_ROOT, 'node_modules', '@org', 'atmos', 'bin', 'atmos-nx.js');

/** `atmos-nx ...` in the workspace, with the environment nx gets. */
async function atmosNx(args: string[]): Promise<NxResult> {
  const r = await ws.run(process.execPath, [ATMOS_NX, ...args], { env: nxEnv(emu.endpoints), timeoutMs: 150_000 });
  return { ...r, stdout: stripAnsi(r.stdout), output: stripAnsi(`${r.stdout}\n${r.stderr}`) };
}

/** Runs a command exactly as a hint printed it (`nx run ...` or `atmos-nx ...`; the words hold no quotes here). */
function runPrinted(command: string): Promise<NxResult> {
  const words = command.trim().split(/\s+/);
  if (words[0] === 'atmos-nx') return atmosNx(words.slice(1));
  if (words[0] !== 'nx') throw new Error(`not an nx or atmos-nx command: ${command}`);
  return run(words.slice(1));
}

/** The command after `prefix` on a line of the output. */
function printed(output: string, prefix: string): string {
  const line = output.split('\n').find((l) => l.includes(prefix));
  if (!line) throw new Error(`no "${prefix}" in:\n${output}`);
  return line.slice(line.indexOf(prefix) + prefix.length).replace(/[;,)].*$/, '').trim();
}

beforeAll(async () => {
  requireTerraform();
  requireBuiltPlugin();
  emu = await startEmulators({ s3: true, dynamodb: true, bucket: BUCKET, lockTable: TABLE });
  ({ s3, dynamodb: ddb } = emu.clients);
  ws = createExecutorWorkspace(emu.endpoints);
  const stack = (stage: string, components: string) =>
    ws.writeFile(`stacks/orgs/${stage}.yaml`, `import:\n  - catalog/_backend\n\nvars:\n  stage: ${stage}\n\ncomponents:\n  terraform:\n${components}`);
  stack('args', '    app:\n      vars:\n        name: args\n');
  stack('guard', '    net:\n      metadata:\n        component: app\n      vars:\n        name: net\n' +
    '    svc:\n      metadata:\n        component: app\n      settings:\n        depends_on:\n          1:\n            component: net\n      vars:\n        name: svc\n');
  stack('cli', '    app:\n      vars:\n        name: cli\n');
  stack('shown', '    one:\n      metadata:\n        component: app\n      vars:\n        name: one\n    two:\n      metadata:\n        component: app\n      vars:\n        name: two\n');
  stack('crash', '    slow:\n      vars:\n        name: crash\n        sleep_seconds: 60\n');
  ws.commit('argument stacks');
});

afterAll(async () => {
  for (const s of started) await stopStarted(s);
  const survivors = ws ? await killLingering(ws.root) : [];
  await emu?.stop();
  ws?.cleanup();
  expect(survivors).toEqual([]);
});

describe('flags after -- reach terraform unchanged', () => {
  beforeAll(async () => {
    expectOk(await run(['run', 'app-args:deploy']));
  });

  it('nx run <p>:output -- -json prints terraform\'s JSON (Nx used to swallow -json)', async () => {
    const r = expectOk(await run(['run', 'app-args:output', '--', '-json']));
    const json = /^\{[\s\S]*?^\}$/m.exec(r.stdout)?.[0];
    expect(JSON.parse(json ?? 'null')).toMatchObject({ name: { sensitive: false, type: 'string', value: 'args' } });
  });

  it('a flag with a value and a positional argument: output -- -raw name', async () => {
    const r = expectOk(await run(['run', 'app-args:output', '--', '-raw', 'name']));
    expect(r.stdout).toMatch(/^args$/m);
  });

  it('plan -- -var=size=11 reaches terraform (its validation fails), the same in run-many', async () => {
    expectFailure(await run(['run', 'app-args:plan', '--', '-var=size=11']), /size must be at most 10/);
    expectFailure(await run(['run-many', '-t', 'plan', '-p', 'app-args', '--', '-var=size=11']), /size must be at most 10/);
  });

  it('the target\'s own options after -- are still the target\'s: apply -- --autoApprove -var=size=3', async () => {
    const r = expectOk(await run(['run', 'app-args:apply', '--', '--autoApprove', '-var=size=3']));
    expect(r.output).toMatch(/Apply complete!/);
    expect((await readStateObject(s3, stateKey('app', 'args')))?.resources[0]?.instances[0]).toMatchObject({ attributes: { input: { value: { size: 3 } } } });
  });

  it('validate, drift and init pass theirs on too (init used to drop them)', async () => {
    const validate = expectOk(await run(['run', 'app-args:validate', '--', '-json']));
    expect(JSON.parse(/^\{[\s\S]*?^\}$/m.exec(validate.stdout)?.[0] ?? 'null')).toMatchObject({ valid: true });
    expectFailure(await run(['run', 'app-args:drift', '--', '--failOnDrift', '-var=size=11']), /size must be at most 10/);
    expectFailure(await run(['run', 'app-args:init', '--', '-no-such-flag']), /flag provided but not defined: -no-such-flag/);
  });

  it('clean refuses terraform arguments instead of ignoring them', async () => {
    expectFailure(await run(['run', 'app-args:clean', '--', '-json']), 'clean runs no terraform command and takes no terraform arguments (got -json)');
  });
});

describe('atmos-nx terraform <subcommand> <component> -s <stack>: the Atmos shape, the targets\' code', () => {
  beforeAll(async () => {
    expectOk(await run(['run', 'app-cli:deploy']));
  });

  it('output -- -json and state list print what the targets print', async () => {
    const json = expectOk(await atmosNx(['terraform', 'output', 'app', '-s', 'cli', '--', '-json']));
    expect(JSON.parse(/^\{[\s\S]*?^\}$/m.exec(json.stdout)?.[0] ?? 'null')).toMatchObject({ name: { value: 'cli' } });
    expect(expectOk(await atmosNx(['terraform', 'state', 'list', 'app', '-s', 'cli'])).stdout).toMatch(/^terraform_data\.x$/m);
  });

  it('terraform\'s one-dash flags as Atmos users type them reach terraform', async () => {
    expectFailure(await atmosNx(['terraform', 'plan', 'app', '-s', 'cli', '-var=size=11']), /size must be at most 10/);
  });

  it('the same rules: apply needs a reviewed plan, destroy an approval; the printed atmos-nx commands work', async () => {
    const plan = expectOk(await atmosNx(['terraform', 'plan', 'app', '-s', 'cli', '--', '-var=size=2']));
    expect(plan.output).toMatch(/Plan: 0 to add, 1 to change, 0 to destroy\./);
    // The reviewed plan (with -var=size=2) is what apply applies.
    expect(expectOk(await atmosNx(['terraform', 'apply', 'app', '-s', 'cli'])).output).toMatch(/applying the reviewed plan/);
    const refused = expectFailure(await atmosNx(['terraform', 'destroy', 'app', '-s', 'cli']), "destroy of 'app' in stack 'cli' needs an explicit approval");
    const printedDestroy = printed(refused.output, 'once you are sure, run ');
    expect(printedDestroy).toBe('atmos-nx terraform destroy app -s cli --auto-approve');
    expect(expectOk(await runPrinted(printedDestroy)).output).toMatch(/Destroy complete! Resources: 1 destroyed/);
  });

  it('an unknown component names the stack\'s components; an unknown flag the valid ones', async () => {
    expectFailure(await atmosNx(['terraform', 'plan', 'nope', '-s', 'cli']), "component 'nope' is not defined in stack 'cli'");
    expectFailure(await atmosNx(['terraform', 'plan', 'app', '-s', 'cli', '--refresh=false']), 'unknown flag --refresh for "terraform"');
  });
});

describe('plans are visible in a many-task run', () => {
  it('with the repository\'s .env (NX_DEFAULT_OUTPUT_STYLE=static) nx run-many -t plan prints every plan; without it Nx collapses them', async () => {
    const collapsed = expectOk(await run(['run-many', '-t', 'plan', '-p', 'one-shown', 'two-shown']));
    expect(collapsed.output).toMatch(/Output of 2 successful tasks were not shown/);
    expect(collapsed.output).not.toMatch(/Plan: 1 to add/);

    fs.copyFileSync(path.join(REPO_ROOT, '.env'), ws.path('.env'));
    const shown = expectOk(await run(['run-many', '-t', 'plan', '-p', 'one-shown', 'two-shown']));
    expect(shown.output.match(/Plan: 1 to add, 0 to change, 0 to destroy\./g)).toHaveLength(2);
    expect(shown.output).toMatch(/\+ resource "terraform_data" "x"/);
    fs.rmSync(ws.path('.env'));
  });
});

describe('the passthrough keeps the targets\' rules', () => {
  beforeAll(async () => {
    expectOk(await run(['run-many', '-t', 'deploy', '-p', 'net-guard', 'svc-guard', '--parallel=2']));
  });

  it('terraform --args=destroy --args=-auto-approve is refused and prints the destroy target; each printed command works', async () => {
    const netKey = stateKey('app', 'guard-net');
    const svcKey = stateKey('app', 'guard-svc');
    for (const args of [['--args=destroy', '--args=-auto-approve'], ['--', 'destroy', '-auto-approve'], ['--', 'apply', '-destroy', '-auto-approve']]) {
      const refused = expectFailure(await run(['run', 'net-guard:terraform', ...args]), 'is not run through the passthrough: the destroy target checks that nothing still depends on the instance');
      expect(printed(refused.output, 'hint: run ')).toBe('nx run net-guard:destroy --autoApprove');
      expect(await resources(netKey)).toBe(1);
    }
    // The printed destroy keeps the dependents rule: refused while svc-guard has resources, naming its destroy.
    const guarded = expectFailure(await runPrinted('nx run net-guard:destroy --autoApprove'), "cannot destroy 'net' in stack 'guard': svc-guard (1 resource) still depend on it");
    expect(printed(guarded.output, 'destroy the dependents first (')).toBe('nx run svc-guard:destroy --autoApprove');
    expect(await resources(netKey)).toBe(1);

    expectOk(await runPrinted('nx run svc-guard:destroy --autoApprove'));
    expect(await resources(svcKey)).toBe(0);
    expect(expectOk(await runPrinted('nx run net-guard:destroy --autoApprove')).output).toMatch(/Destroy complete! Resources: 1 destroyed/);
    expect(await resources(netKey)).toBe(0);
  });

  it('destroy -- -auto-approve (terraform\'s spelling) is the approval; without it the printed command is the fix', async () => {
    const refused = expectFailure(await run(['run', 'net-guard:destroy']), "destroy of 'net' in stack 'guard' needs an explicit approval");
    expect(printed(refused.output, 'once you are sure, run ')).toBe('nx run net-guard:destroy --autoApprove');
    expectOk(await run(['run', 'net-guard:destroy', '--', '-auto-approve']));
  });
});

describe('after a crash, the printed force-unlock and lock-timeout commands work', () => {
  it('a SIGKILLed apply leaves its lock; the next apply prints the commands; running them unlocks and applies', async () => {
    const key = stateKey('slow', 'crash');
    const lockId = `${BUCKET}/${key}`;
    const holder = startNx(ws, emu.endpoints, ['run', 'slow-crash:apply', '--autoApprove']);
    started.push(holder);
    await waitUntil('the apply to hold the lock', async () => (await lockIds(ddb)).includes(lockId) && /Provisioning with 'local-exec'/.test(holder.output()), 60_000, 50);
    // A crash: everything of that run dies, terraform included (it runs in its own session), and
    // the provisioner's shell and sleep, however far they had got.
    await waitUntil('the crashed run to be gone', () => {
      const alive = processesInside(ws.root);
      for (const { pid } of alive) killQuietly(pid);
      return alive.length === 0;
    }, 10_000);
    await holder.done;
    expect(await lockIds(ddb)).toContain(lockId);

    fs.writeFileSync(ws.path('stacks/orgs/crash.yaml'), ws.readFile('stacks/orgs/crash.yaml').replace('sleep_seconds: 60', 'sleep_seconds: 0'));
    const locked = expectFailure(await run(['run', 'slow-crash:apply', '--autoApprove']), /Error acquiring the state lock/);
    const unlock = printed(locked.output, 'If that run is gone for good: ');
    expect(unlock).toMatch(/^nx run slow-crash:terraform -- force-unlock -force [0-9a-f-]{36}$/);
    const wait = printed(locked.output, 'or wait for the lock: ');
    expect(wait).toBe('nx run slow-crash:apply --autoApprove --lockTimeout=5m');

    expect(expectOk(await runPrinted(unlock)).output).toMatch(/Terraform state has been successfully unlocked!/);
    expect(await lockIds(ddb)).not.toContain(lockId);
    expect(expectOk(await runPrinted(wait)).output).toMatch(/Apply complete!/);
  });
});
