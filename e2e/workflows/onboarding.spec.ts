/**
 * Onboarding from nothing, end to end: emulators with no bucket and no table, the real Nx CLI
 * and atmos-nx, real terraform, in a temp copy of e2e/workflows/onboard-fixture (the reference's
 * layout: tenant plat, one environment dev-use1, network <- database <- service with outputs
 * flowing along the edges) running the repository's shipped onboard-environment workflow.
 * The onboarding generates dev-usw2, bootstraps the backend (s3rver and dynalite do not implement
 * versioning, encryption, public access blocks, policies or point-in-time recovery: each is a
 * warning), then applies every instance in graph order; a second bootstrap changes nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Emulators, FAKE_CREDENTIALS, s3Client, startEmulators } from '../harness/emulators';
import { requireTerraform } from '../harness/terraform';
import { createWorkspace, formatRunResult, type Workspace } from '../harness/workspace';
import { BUCKET, TABLE, expectOk, nx, nxEnv, requireBuiltPlugin, stripAnsi, writeBackendCatalog, type NxResult } from '../executors/helpers';
import { killLingering } from '../harness/processes';

jest.setTimeout(420_000);

const REPO = path.resolve(__dirname, '..', '..');

let emu: Emulators;
let s3: S3Client;
let dynamodb: DynamoDBClient;
let ws: Workspace;

beforeAll(async () => {
  requireTerraform();
  requireBuiltPlugin();
  // Nothing is created up front: the bootstrap makes the bucket and the table.
  emu = await startEmulators({ s3: true, dynamodb: true });
  s3 = s3Client(emu.endpoints);
  dynamodb = new DynamoDBClient({ region: emu.endpoints.region, endpoint: emu.endpoints.dynamodb, credentials: FAKE_CREDENTIALS });
  ws = createWorkspace({ fixture: path.join(__dirname, 'onboard-fixture'), prefix: 'atmos-e2e-onboarding-' });
  fs.symlinkSync(path.resolve(__dirname, '..', '..', 'node_modules'), ws.path('node_modules'));
  writeBackendCatalog(ws, emu.endpoints);
  // The workflow users run, not a copy of it.
  ws.writeFile('stacks/workflows/onboard-environment.yaml', fs.readFileSync(path.join(REPO, 'stacks/workflows/onboard-environment.yaml'), 'utf8'));
  ws.gitInit();
});

afterAll(async () => {
  // terraform runs outside the command's process group: whatever still runs in the workspace is killed by PID.
  if (ws) await killLingering(ws.root);
  s3?.destroy();
  dynamodb?.destroy();
  await emu?.stop();
  ws?.cleanup();
});

async function atmosNx(args: string[], env: Record<string, string | undefined> = {}): Promise<NxResult> {
  const r = await ws.run(process.execPath, [ws.path('node_modules/.bin/atmos-nx'), ...args], { env: nxEnv(emu.endpoints, env), timeoutMs: 240_000 });
  return { ...r, output: stripAnsi(`${r.stdout}\n${r.stderr}`) };
}

async function backendInventory(): Promise<{ buckets: string[]; tables: string[]; objects: string[] }> {
  const buckets = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!).sort();
  const tables = ((await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []).sort();
  const objects = buckets.includes(BUCKET) ? ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => `${o.Key}@${o.ETag}`).sort() : [];
  return { buckets, tables, objects };
}

test('generating needs its answers: from the stack name, else flags or a terminal; without one a missing answer is a one-line error', async () => {
  const noName = await atmosNx(['onboard', 'generate']);
  expect(noName.exitCode).toBe(1);
  expect(noName.stderr.trim().split('\n')[0]).toBe('error: no account for the new environment, and no terminal to ask in');
  const misfit = await atmosNx(['onboard', 'generate', '-s', 'devusw2']);
  expect(misfit.stderr).toContain('error: atmos.yaml: stack name "devusw2" does not fit stacks.name_pattern "{stage}-{environment}"');
  const contradiction = await atmosNx(['onboard', 'generate', '-s', 'dev-usw2', '--account', 'prod']);
  expect(contradiction.stderr).toContain('account "prod" contradicts the stack name "dev-usw2"');
  expect(ws.exists('stacks/orgs/plat/dev/us-west-2.yaml')).toBe(false);
});

test('in a terminal, generate asks for what nothing says (here the region), then runs the generator', async () => {
  // script(1) gives the command a pseudo-terminal; the answer is typed on its stdin.
  const command = `${process.execPath} ${ws.path('node_modules/.bin/atmos-nx')} onboard generate --account qa`;
  const r = await ws.run('script', ['-qec', command, '/dev/null'], { env: nxEnv(emu.endpoints, { CI: undefined }), input: 'eu-west-1\n', timeoutMs: 120_000 });
  const output = stripAnsi(`${r.stdout}\n${r.stderr}`);
  if (r.exitCode !== 0) throw new Error(formatRunResult(r));
  expect(output).toContain('? Which AWS region? (e.g. us-west-2)');
  expect(output).toContain('generating qa-euw1: account qa, region eu-west-1');
  expect(output).toContain('✓ stack qa-euw1 generated');
  expect(ws.exists('stacks/orgs/plat/qa/eu-west-1.yaml')).toBe(true);
  // Not part of what the next tests onboard.
  fs.rmSync(ws.path('stacks/orgs/plat/qa'), { recursive: true, force: true });
});

test('onboarding a new environment from nothing: prerequisites, generated files, bootstrapped backend, every instance in graph order', async () => {
  expect(await backendInventory()).toEqual({ buckets: [], tables: [], objects: [] });
  const r = await atmosNx(['workflow', 'onboard-environment', '-s', 'dev-usw2']);
  if (r.exitCode !== 0) throw new Error(formatRunResult(r));
  // 1. prerequisites
  expect(r.output).toMatch(/✓ terraform \d+\.\d+\.\d+ \(/);
  expect(r.output).toContain('- stack dev-usw2 is not defined yet: the next step generates it, and checks its backend');
  // 2. the environment generator (the answers from the stack name), then the new stack's backend
  expect(r.output).toContain('generating dev-usw2: account dev, region us-west-2');
  expect(ws.readFile('stacks/orgs/plat/dev/us-west-2.yaml')).toContain('environment: usw2');
  expect(r.output).toMatch(/✓ backend endpoints answer: s3 http:\/\/127\.0\.0\.1:\d+, dynamodb http:\/\/127\.0\.0\.1:\d+/);
  // 3. the backend, created (each setting the local servers lack is a warning)
  expect(r.output).toContain(`created      S3 bucket ${BUCKET}`);
  expect(r.output).toContain(`created      DynamoDB table ${TABLE} (LockID string hash key, on demand)`);
  for (const operation of ['PutBucketVersioning', 'PutBucketEncryption', 'PutPublicAccessBlock', 'PutBucketPolicy', 'UpdateContinuousBackups']) {
    expect(r.output).toMatch(new RegExp(`warning: .* not applied: \\S+ at http://127\\.0\\.0\\.1:\\d+ answered \\w+ \\(HTTP \\d+\\) to ${operation}`));
  }
  expect(r.output).toMatch(/warning: KMS key alias\/\S+ not created, so default encryption uses SSE-S3/);
  // 4. the layers the graph yields, and the outputs flowing from the network into its dependents
  expect(r.output).toMatch(/layer 1: network-dev-usw2 \[network\]\n\s+layer 2: database-dev-usw2 \[database\]\n\s+layer 3: service-dev-usw2 \[application\]/);
  expect(r.output).toContain('✓ workflow onboard-environment');
  const inventory = await backendInventory();
  expect(inventory.buckets).toEqual([BUCKET]);
  expect(inventory.tables).toEqual([TABLE]);
  // One state object per instance, each in the new stack's workspace.
  expect(inventory.objects.map((o) => o.split('@')[0]).filter((key) => key.includes('/dev-usw2/'))).toHaveLength(3);
  const service = await nx(ws, emu.endpoints, ['run', 'service-dev-usw2:output', '--', '-json']);
  if (service.exitCode !== 0) throw new Error(formatRunResult(service));
  expect(service.output).toContain('service in vpc-usw2-10-11-0-0-16 using db.vpc-usw2-10-11-0-0-16.internal');
  expect(inventory.objects).toHaveLength(3);
});

test('bootstrap run again (Nx target) finds the backend and changes nothing', async () => {
  const before = await backendInventory();
  const dry = expectOk(await atmosNx(['bootstrap', 'backend', '-s', 'dev-usw2', '--dry-run']));
  expect(dry.output).toContain(`exists       S3 bucket ${BUCKET}`);
  const again = await nx(ws, emu.endpoints, ['run', 'atmos:bootstrap-backend', '--stack=dev-usw2']);
  if (again.exitCode !== 0) throw new Error(formatRunResult(again));
  expect(again.output).toContain(`exists       S3 bucket ${BUCKET}: used as it is`);
  expect(again.output).toContain(`exists       DynamoDB table ${TABLE}: used as it is`);
  expect(again.output).toContain('nothing created: the backend existed and was used as it is, already existed 2');
  expect(again.output).not.toMatch(/created {6}/);
  expect(await backendInventory()).toEqual(before);
});
