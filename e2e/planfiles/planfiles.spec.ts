/**
 * Plan in one job, apply in another: two separate git clones of one workspace share the
 * harness's S3 / DynamoDB / SSM servers, with the REAL Nx CLI (NX_DAEMON=false) and the REAL
 * terraform. Clone A plans (`nx affected -t plan`, NX_BASE as nrwl/nx-set-shas sets it) and
 * stores each plan, encrypted, in the instance's own state bucket; clone B applies them
 * (`nx affected -t apply`).
 *
 * Fixture (./fixture): stacks plat-ue1-dev and plat-ue1-prod, s3 backend with a DynamoDB lock
 * table (written at run time); `network` in both stacks, `app` in dev (depends_on network) with
 * two SSM SecureStrings (the same parameters and values as e2e/functions) in non-sensitive
 * variables, so the plan file holds them in clear.
 *
 * The cases run in order and share the clones and the servers.
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Emulators, s3BackendConfig, startEmulators } from '../harness/emulators';
import { lingeringProcesses } from '../harness/processes';
import { requireTerraform } from '../harness/terraform';
import { Workspace, createWorkspace } from '../harness/workspace';
import { readStateObject } from '../harness/state';
import { Captured, REPO_ROOT, atmosNx, expectFailure, expectOk, isAlive, nx, putParameter, requireBuiltPlugin } from '../functions/helpers';

jest.setTimeout(300_000);

const FIXTURE = path.join(__dirname, 'fixture');
const BUCKET = 'tfstate-planfiles';
const TABLE = 'tf-locks-planfiles';
const DEV = 'plat-ue1-dev';
const PROD = 'plat-ue1-prod';
const NET_DEV = `network-${DEV}`;
const NET_PROD = `network-${PROD}`;
const APP = `app-${DEV}`;
/** The SecureStrings of e2e/functions (its !store parameter and its ${{ ssm: }} one), read here with ${{ ssm: }}. */
const SECRET_STORE = 'StorePw-Zq81Lm7c';
const SECRET_INLINE = 'InlinePw-Hx42Rt9k';
const SECRETS = [SECRET_STORE, SECRET_INLINE];
const PLANFILES_KEY = randomBytes(32).toString('base64');

let emu: Emulators;
let s3: S3Client;
let ssm: SSMClient;
let a: Workspace;
let b: Workspace;
const captured: Array<{ what: string; r: Captured }> = [];

/** Every command gets the planfile key, as both CI jobs would from their secret store. */
async function run(ws: Workspace, args: string[], env: Record<string, string | undefined> = {}): Promise<Captured> {
  const r = await nx(ws, emu.endpoints, args, 240_000, { ATMOS_PLANFILES_KEY: PLANFILES_KEY, ...env });
  captured.push({ what: `${ws === a ? 'A' : 'B'}: nx ${args.join(' ')}`, r });
  return r;
}

async function stateOf(component: string, stack: string) {
  return readStateObject(s3, BUCKET, `${component}/${stack}/terraform.tfstate`);
}

async function storedKeys(): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'planfiles/' }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

async function objectBytes(key: string): Promise<Buffer> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}

/** Every file of a clone except its work folders (where terraform runs), git data and the linked node_modules. */
function filesOutsideWorkFolders(ws: Workspace): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(ws.root, full);
      if (rel === 'node_modules' || rel === '.git' || rel === path.join('.atmos', 'work')) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  walk(ws.root);
  return files;
}

function cloneOf(origin: Workspace): Workspace {
  const clone = createWorkspace({ prefix: 'atmos-e2e-plan-b-' });
  clone.git(['clone', '-q', origin.root, '.']);
  clone.git(['config', 'commit.gpgsign', 'false']);
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), clone.path('node_modules'));
  return clone;
}

beforeAll(async () => {
  requireTerraform();
  requireBuiltPlugin();
  emu = await startEmulators({ s3: true, dynamodb: true, ssm: true, bucket: BUCKET, lockTable: TABLE });
  s3 = emu.clients.s3;
  ssm = emu.clients.ssm;
  await putParameter(ssm, '/atmos/plat/ue1/dev/vpc/db_password', SECRET_STORE, 'SecureString');
  await putParameter(ssm, '/platform/dev/db_password', SECRET_INLINE, 'SecureString');

  // Clone A's origin: the workspace without its stacks first, so `nx affected` has a base that lacks them.
  a = createWorkspace({ fixture: FIXTURE, prefix: 'atmos-e2e-plan-a-' });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), a.path('node_modules'));
  const backend = { ...s3BackendConfig(emu.endpoints, { bucket: BUCKET, table: TABLE }), encrypt: false };
  a.writeFile('stacks/catalog/_backend.yaml', `terraform:\n  backend_type: s3\n  backend:\n    s3: ${JSON.stringify(backend)}\n`);
  a.writeFile('.gitignore', 'node_modules\n.nx\n.atmos\n');
  const stacks = { dev: a.readFile('stacks/orgs/plat/ue1/dev.yaml'), prod: a.readFile('stacks/orgs/plat/ue1/prod.yaml') };
  fs.rmSync(a.path('stacks/orgs'), { recursive: true });
  a.gitInit('workspace without stacks');
  a.writeFile('stacks/orgs/plat/ue1/dev.yaml', stacks.dev);
  a.writeFile('stacks/orgs/plat/ue1/prod.yaml', stacks.prod);
  a.commit('add the dev and prod stacks');
  b = cloneOf(a);
});

afterAll(async () => {
  const survivors = [...(a ? await lingeringProcesses(a.root) : []), ...(b ? await lingeringProcesses(b.root) : [])];
  const emulatorPids = Object.values(emu?.pids ?? {}) as number[];
  await emu?.stop();
  a?.cleanup();
  b?.cleanup();
  expect(survivors).toEqual([]);
  for (const pid of emulatorPids) expect(isAlive(pid)).toBe(false);
});

describe('clone A plans, clone B applies', () => {
  it('A: nx affected -t plan plans the 3 new instances and stores each plan, encrypted, in its state bucket', async () => {
    const r = expectOk(await run(a, ['affected', '-t', 'plan', '--output-style=static'], { NX_BASE: 'HEAD~1', NX_HEAD: 'HEAD' }));
    for (const [component, stack] of [['network', DEV], ['network', PROD], ['app', DEV]]) {
      expect(r.output).toMatch(new RegExp(`stored the plan of '${component}' in stack '${stack}' \\(1 to add, 0 to change, 0 to destroy\\) as s3://${BUCKET}/planfiles/${stack}/${component}/[0-9a-f]{64}\\.tfplan\\.bundle, encrypted`));
    }
    const keys = await storedKeys();
    expect(keys.filter((k) => k.endsWith('.tfplan.bundle'))).toHaveLength(3);
    // Planning changed nothing (selecting the workspace wrote an empty state).
    expect((await stateOf('network', DEV))?.resources ?? []).toEqual([]);
  });

  it('A: nx run atmos:plan-summary lists each instance\'s actions (and writes $GITHUB_STEP_SUMMARY), secrets never in it', async () => {
    const stepSummary = a.path('step-summary.md');
    const r = expectOk(await run(a, ['run', 'atmos:plan-summary'], { GITHUB_STEP_SUMMARY: stepSummary }));
    const markdown = fs.readFileSync(stepSummary, 'utf8');
    expect(markdown).toContain('3 instances planned, 3 with changes: **3 to add, 0 to change, 0 to destroy**');
    for (const project of [NET_DEV, NET_PROD, APP]) expect(markdown).toContain(`### ${project}`);
    expect(markdown).toContain('| `terraform_data.network` | create |');
    expect(markdown).toContain('| `terraform_data.app` | create |');
    expect(r.output).toContain('.atmos/plans/summary.md');
    fs.rmSync(stepSummary);
  });

  it('B, which planned nothing: plan-summary --from-store gathers what A\'s plans of this commit stored (the hand-off when plans run on other machines)', async () => {
    const r = await atmosNx(b, emu.endpoints, ['plan-summary', '--from-store']);
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain(`3 instances planned, 3 with changes: **3 to add, 0 to change, 0 to destroy**`);
    expect(r.output).toMatch(/from the planfile store, commit [0-9a-f]{12}/);
    for (const project of [NET_DEV, NET_PROD, APP]) expect(r.output).toContain(`### ${project}`);
    for (const secret of SECRETS) expect(r.output).not.toContain(secret);
  });

  it('B (a separate clone): nx affected -t apply applies exactly the stored plans, dependencies first; the states match what A planned', async () => {
    const r = expectOk(await run(b, ['affected', '-t', 'apply', '--output-style=static'], { NX_BASE: 'HEAD~1', NX_HEAD: 'HEAD' }));
    for (const [component, stack] of [['network', DEV], ['network', PROD], ['app', DEV]]) {
      expect(r.output).toMatch(new RegExp(`applying the stored plan s3://${BUCKET}/planfiles/${stack}/${component}/[0-9a-f]{64}\\.tfplan\\.bundle \\(1 to add`));
    }
    expect(r.output.indexOf(`applying the stored plan s3://${BUCKET}/planfiles/${DEV}/network/`)).toBeLessThan(r.output.indexOf(`applying the stored plan s3://${BUCKET}/planfiles/${DEV}/app/`));
    expect((await stateOf('network', DEV))?.outputs).toMatchObject({ network_id: { value: 'net-dev' }, cidr: { value: '10.10.0.0/16' } });
    expect((await stateOf('network', PROD))?.outputs).toMatchObject({ cidr: { value: '10.20.0.0/16' } });
    expect((await stateOf('app', DEV))?.outputs).toMatchObject({ replicas: { value: 2 } });
    // The downloaded plan files are gone from B's work folders once applied.
    expect(fs.existsSync(b.path('.atmos', 'work', DEV, 'network', 'components', 'terraform', 'network', `${DEV}-network.planfile`))).toBe(false);
    // What B applied is what A planned: A's own checkout now plans no changes.
    const again = expectOk(await run(a, ['run', `${NET_DEV}:plan`]));
    expect(again.output).toMatch(/No changes\. Your infrastructure matches the configuration/);
  });

  it('B: applying an already-applied stored plan again is refused in one line', async () => {
    // A re-planned network-dev just above (no changes): applying that new plan is fine once.
    expectOk(await run(b, ['run', `${NET_DEV}:apply`]));
    const r = expectFailure(await run(b, ['run', `${NET_DEV}:apply`]), `of 'network' in stack '${DEV}' was already applied`, 'a plan is applied once',
      `run nx run ${NET_DEV}:plan, review the new plan, then apply it`);
    expect(r.output).not.toMatch(/Apply complete/);
  });
});

describe('stale plans, unrelated commits and dependencies', () => {
  it('A plans a change; a config edit in B makes its apply refuse the stored plan as stale', async () => {
    a.writeFile('stacks/orgs/plat/ue1/dev.yaml', a.readFile('stacks/orgs/plat/ue1/dev.yaml').replace('cidr: 10.10.0.0/16', 'cidr: 10.11.0.0/16'));
    a.commit('dev network: 10.11.0.0/16');
    const planned = expectOk(await run(a, ['run', `${NET_DEV}:plan`]));
    expect(planned.output).toMatch(/stored the plan of 'network' in stack 'plat-ue1-dev' \(0 to add, 1 to change, 0 to destroy\)/);
    b.git(['pull', '-q', '--ff-only']);

    const edited = b.readFile('stacks/orgs/plat/ue1/dev.yaml');
    b.writeFile('stacks/orgs/plat/ue1/dev.yaml', edited.replace('cidr: 10.11.0.0/16', 'cidr: 10.12.0.0/16'));
    const r = expectFailure(await run(b, ['run', `${NET_DEV}:apply`]), `of 'network' in stack '${DEV}' is stale: it was made from other inputs`,
      `run nx run ${NET_DEV}:plan, review it, then apply`);
    expect(r.output).not.toMatch(/Apply complete/);
    b.writeFile('stacks/orgs/plat/ue1/dev.yaml', edited);
  });

  it('a new commit that changes nothing for the instance keeps its plan valid', async () => {
    // prod's network and a new file: nothing network-dev is made of.
    a.writeFile('stacks/orgs/plat/ue1/prod.yaml', a.readFile('stacks/orgs/plat/ue1/prod.yaml').replace('cidr: 10.20.0.0/16', 'cidr: 10.21.0.0/16'));
    a.writeFile('docs/notes.md', 'unrelated\n');
    a.commit('prod network and notes');
    b.git(['pull', '-q', '--ff-only']);
    const r = expectOk(await run(b, ['run', `${NET_DEV}:apply`]));
    expect(r.output).toMatch(new RegExp(`applying the stored plan s3://${BUCKET}/planfiles/${DEV}/network/[0-9a-f]{64}\\.tfplan\\.bundle \\(0 to add, 1 to change`));
    expect((await stateOf('network', DEV))?.outputs).toMatchObject({ cidr: { value: '10.11.0.0/16' } });
    // prod's network changed and was not planned again: refused with what to run.
    expectFailure(await run(b, ['run', `${NET_PROD}:apply`]), `of 'network' in stack '${PROD}' is stale`, `run nx run ${NET_PROD}:plan`);
  });

  it('nx affected -t apply schedules unchanged dependencies (^apply): they are no-ops, the planned dependent is applied', async () => {
    a.writeFile('stacks/orgs/plat/ue1/dev.yaml', a.readFile('stacks/orgs/plat/ue1/dev.yaml').replace('replicas: 2', 'replicas: 4'));
    a.commit('dev app: 4 replicas');
    const planned = expectOk(await run(a, ['affected', '-t', 'plan', '--output-style=static'], { NX_BASE: 'HEAD~1', NX_HEAD: 'HEAD' }));
    expect(planned.output).toContain(`stored the plan of 'app' in stack '${DEV}' (0 to add, 1 to change, 0 to destroy)`);
    expect(planned.output).not.toContain("stored the plan of 'network'");
    b.git(['pull', '-q', '--ff-only']);
    const r = expectOk(await run(b, ['affected', '-t', 'apply', '--output-style=static'], { NX_BASE: 'HEAD~1', NX_HEAD: 'HEAD' }));
    expect(r.output).toContain(`'network' in stack '${DEV}': its stored plan was already applied (`);
    expect(r.output).toContain('and are unchanged since; nothing to apply');
    expect(r.output).toMatch(new RegExp(`applying the stored plan s3://${BUCKET}/planfiles/${DEV}/app/[0-9a-f]{64}\\.tfplan\\.bundle \\(0 to add, 1 to change`));
    expect((await stateOf('app', DEV))?.outputs).toMatchObject({ replicas: { value: 4 } });
  });

  it('--verify-plan on deploy re-plans and compares with the stored plan', async () => {
    const planned = expectOk(await run(a, ['run', `${NET_PROD}:plan`]));
    expect(planned.output).toContain("stored the plan of 'network' in stack 'plat-ue1-prod' (0 to add, 1 to change, 0 to destroy)");
    b.git(['pull', '-q', '--ff-only']);
    const r = expectOk(await run(b, ['run', `${NET_PROD}:deploy`, '--verify-plan']));
    expect(r.output).toContain(`verified: a fresh plan of 'network' in stack '${PROD}' does what the stored plan s3://${BUCKET}/planfiles/${PROD}/network/`);
    expect((await stateOf('network', PROD))?.outputs).toMatchObject({ cidr: { value: '10.21.0.0/16' } });
  });
});

describe('secrets', () => {
  it('no bundle in S3, no file of either clone outside the work folders, and nothing printed holds the SecureStrings', async () => {
    const keys = await storedKeys();
    expect(keys.filter((k) => k.endsWith('.tfplan.bundle')).length).toBeGreaterThanOrEqual(5);
    for (const key of keys) {
      const bytes = await objectBytes(key);
      for (const secret of SECRETS) expect({ key, leaked: bytes.includes(secret) }).toEqual({ key, leaked: false });
    }
    // The decrypted, decompressed plan only ever lived in B's work folder (and is gone after the apply).
    for (const ws of [a, b]) {
      const files = filesOutsideWorkFolders(ws);
      if (ws === a) expect(files.some((f) => f.includes(path.join('.atmos', 'plans', 'summaries')))).toBe(true);
      for (const file of files) {
        const content = fs.readFileSync(file);
        for (const secret of SECRETS) expect({ file, leaked: content.includes(secret) }).toEqual({ file, leaked: false });
      }
    }
    for (const { what, r } of captured) {
      for (const secret of SECRETS) expect({ what, leaked: r.output.includes(secret) }).toEqual({ what, leaked: false });
    }
  });

  it('the bundle is useless without the key: an apply with another key is refused in one line', async () => {
    a.writeFile('stacks/orgs/plat/ue1/dev.yaml', a.readFile('stacks/orgs/plat/ue1/dev.yaml').replace('replicas: 4', 'replicas: 5'));
    expectOk(await run(a, ['run', `${APP}:plan`]));
    const r = expectFailure(await run(a, ['run', `${APP}:apply`, '--excludeTaskDependencies'], { ATMOS_PLANFILES_KEY: randomBytes(32).toString('base64') }),
      'does not decrypt: it was sealed with another key, or it was altered', 'set ATMOS_PLANFILES_KEY to the key the plan job used');
    expect(r.output).not.toMatch(/Apply complete/);
  });

  it('atmos-nx plan-summary works outside Nx too', async () => {
    const r = await atmosNx(a, emu.endpoints, ['plan-summary', '--projects', APP]);
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain(`### ${APP}`);
    expect(r.output).not.toContain(`### ${NET_PROD}`);
  });
});
