/**
 * Onboarding from nothing, end to end: emulators with no bucket and no table, the real Nx CLI
 * and atmos-nx, real terraform, in a temp copy of e2e/workflows/fixture. The backend bootstrap
 * creates the bucket and the lock table (s3rver and dynalite do not implement versioning,
 * encryption, public access blocks, policies or point-in-time recovery: each is a warning);
 * a second bootstrap changes nothing.
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

jest.setTimeout(300_000);

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
  ws = createWorkspace({ fixture: path.join(__dirname, 'fixture'), prefix: 'atmos-e2e-onboarding-' });
  fs.symlinkSync(path.resolve(__dirname, '..', '..', 'node_modules'), ws.path('node_modules'));
  writeBackendCatalog(ws, emu.endpoints);
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

test('bootstrap creates the bucket and the lock table, warning for each setting the local servers do not implement; run twice it changes nothing', async () => {
  expect(await backendInventory()).toEqual({ buckets: [], tables: [], objects: [] });
  const dry = expectOk(await atmosNx(['bootstrap', 'backend', '-s', 'env', '--dry-run']));
  expect(dry.output).toContain(`would create S3 bucket ${BUCKET}`);
  expect(await backendInventory()).toEqual({ buckets: [], tables: [], objects: [] });

  const first = await nx(ws, emu.endpoints, ['run', 'atmos:bootstrap-backend', '--stack=env']);
  if (first.exitCode !== 0) throw new Error(formatRunResult(first));
  expect(first.output).toContain(`created      S3 bucket ${BUCKET}`);
  expect(first.output).toContain(`created      DynamoDB table ${TABLE} (LockID string hash key, on demand)`);
  for (const operation of ['PutBucketVersioning', 'PutBucketEncryption', 'PutPublicAccessBlock', 'PutBucketPolicy', 'UpdateContinuousBackups']) {
    expect(first.output).toMatch(new RegExp(`warning: .* not applied: \\S+ at http://127\\.0\\.0\\.1:\\d+ answered \\w+ \\(HTTP \\d+\\) to ${operation}`));
  }
  // No KMS for a local S3 server: said, not skipped.
  expect(first.output).toMatch(/warning: KMS key alias\/\S+ not created, so default encryption uses SSE-S3/);
  const after = await backendInventory();
  expect(after).toEqual({ buckets: [BUCKET], tables: [TABLE], objects: [] });

  const second = await nx(ws, emu.endpoints, ['run', 'atmos:bootstrap-backend', '--stack=env']);
  if (second.exitCode !== 0) throw new Error(formatRunResult(second));
  expect(second.output).toContain(`exists       S3 bucket ${BUCKET}: used as it is`);
  expect(second.output).toContain(`exists       DynamoDB table ${TABLE}: used as it is`);
  expect(second.output).toContain('nothing created: the backend existed and was used as it is, already existed 2');
  expect(second.output).not.toMatch(/created {6}/);
  expect(await backendInventory()).toEqual(after);
});
