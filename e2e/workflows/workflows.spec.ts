/**
 * Workflows end to end: the real atmos-nx CLI and Nx CLI, real terraform, state in s3rver +
 * dynalite, in a temp copy of e2e/workflows/fixture (four instances: net <- db <- app, net <- app,
 * and logs on its own; project names `{stack}--{component}`, so nothing assumes the default
 * name pattern). Each apply and destroy appends to $ORDER_LOG (a local-exec provisioner), which
 * is how the order is checked.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Emulators, startEmulators } from '../harness/emulators';
import { requireTerraform } from '../harness/terraform';
import { createWorkspace, formatRunResult, type Workspace } from '../harness/workspace';
import { BUCKET, TABLE, nx, nxEnv, requireBuiltPlugin, stripAnsi, writeBackendCatalog, type NxResult } from '../executors/helpers';
import { killLingering } from '../harness/processes';

jest.setTimeout(300_000);

let emu: Emulators;
let s3: S3Client;
let ws: Workspace;
let orderLog: string;

beforeAll(async () => {
  requireTerraform();
  requireBuiltPlugin();
  emu = await startEmulators({ s3: true, dynamodb: true, bucket: BUCKET, lockTable: TABLE });
  s3 = emu.clients.s3;
  ws = createWorkspace({ fixture: path.join(__dirname, 'fixture'), prefix: 'atmos-e2e-workflows-' });
  fs.symlinkSync(path.resolve(__dirname, '..', '..', 'node_modules'), ws.path('node_modules'));
  writeBackendCatalog(ws, emu.endpoints);
  ws.gitInit();
  orderLog = ws.path('order.log');
});

afterAll(async () => {
  if (ws) await killLingering(ws.root);
  await emu?.stop();
  ws?.cleanup();
});

async function workflow(args: string[]): Promise<NxResult> {
  const r = await ws.run(process.execPath, [ws.path('node_modules/.bin/atmos-nx'), 'workflow', ...args], {
    env: nxEnv(emu.endpoints, { ORDER_LOG: orderLog }),
    timeoutMs: 240_000,
  });
  return { ...r, output: stripAnsi(`${r.stdout}\n${r.stderr}`) };
}

const order = () => (fs.existsSync(orderLog) ? fs.readFileSync(orderLog, 'utf8').trim().split('\n').filter(Boolean) : []);

async function stateKeys(): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

function ok(r: NxResult): NxResult {
  if (r.timedOut || r.exitCode !== 0) throw new Error(`expected success\n${formatRunResult(r)}`);
  return r;
}

test('an unknown workflow is a one-line error listing the available ones', async () => {
  const r = await workflow(['nope', '-s', 'env']);
  expect(r.exitCode).toBe(1);
  expect(r.stderr.trim()).toMatch(/^error: unknown workflow "nope" under .*; available: destroy-environment, onboard, resumable$/);
});

test('--dry-run prints the steps and the Nx commands, and changes nothing', async () => {
  const r = ok(await workflow(['onboard', '-s', 'env', '--dry-run']));
  expect(r.output).toContain('$ terraform version');
  expect(r.output).toContain('$ nx run-many -t apply -p tag:stack:env --autoApprove');
  // The layers come from the graph: net and logs first, then db, then app.
  expect(r.output).toMatch(/layer 1: env--logs, env--net\n\s+layer 2: env--db\n\s+layer 3: env--app/);
  // Through Nx too (the workspace project's target), with Nx's flag spelling.
  const viaNx = await nx(ws, emu.endpoints, ['run', 'atmos:workflow', '--name=onboard', '--stack=env', '--dry-run'], 120_000, { ORDER_LOG: orderLog });
  if (viaNx.exitCode !== 0) throw new Error(formatRunResult(viaNx));
  expect(viaNx.output).toContain('$ nx run-many -t apply -p tag:stack:env --autoApprove');
  expect(order()).toEqual([]);
  expect(await stateKeys()).toEqual([]);
});

test('onboarding applies the whole stack as one Nx task graph, dependencies first', async () => {
  const r = ok(await workflow(['onboard', '-s', 'env']));
  expect(r.output).toContain('✓ workflow onboard');
  const applied = order();
  expect(applied.sort()).toEqual(['apply app', 'apply db', 'apply logs', 'apply net']);
  const log = order();
  expect(log.indexOf('apply net')).toBeLessThan(log.indexOf('apply db'));
  expect(log.indexOf('apply db')).toBeLessThan(log.indexOf('apply app'));
  expect((await stateKeys()).length).toBe(4);
});

test('drift records in-sync and changed per instance (0600, never the reviewed plan), and drift-report aggregates them', async () => {
  const drift = await nx(ws, emu.endpoints, ['run-many', '-t', 'drift', '-p', 'tag:stack:env'], 180_000, { ORDER_LOG: orderLog });
  if (drift.exitCode !== 0) throw new Error(formatRunResult(drift));
  const resultFile = ws.path('.atmos/results/drift/env.logs.json');
  expect(fs.statSync(resultFile).mode & 0o777).toBe(0o600);
  expect(JSON.parse(fs.readFileSync(resultFile, 'utf8')).results[0]).toMatchObject({ component: 'logs', stack: 'env', kind: 'drift', status: 'in-sync' });

  // An unapplied configuration edit is "changed", not "drifted"; the task still exits 0.
  const manifest = ws.path('stacks/orgs/env.yaml');
  const before = fs.readFileSync(manifest, 'utf8');
  fs.writeFileSync(manifest, before.replace('name: logs', 'name: logs-v2'));
  try {
    const changed = await nx(ws, emu.endpoints, ['run', 'env--logs:drift'], 120_000, { ORDER_LOG: orderLog });
    if (changed.exitCode !== 0) throw new Error(formatRunResult(changed));
    expect(JSON.parse(fs.readFileSync(resultFile, 'utf8')).results[0]).toMatchObject({
      status: 'changed',
      resources: [{ address: 'terraform_data.node', actions: ['update'], drift: false }],
    });
    const report = await nx(ws, emu.endpoints, ['run', 'atmos:drift-report'], 120_000);
    if (report.exitCode !== 0) throw new Error(formatRunResult(report));
    const markdown = fs.readFileSync(ws.path('.atmos/drift/report.md'), 'utf8');
    expect(markdown).toMatch(/## env\n/);
    expect(markdown).toMatch(/\| logs \| changed \| `terraform_data.node` update \|/);
    expect(markdown).toMatch(/\| net \| in-sync \|/);
    expect(JSON.parse(fs.readFileSync(ws.path('.atmos/drift/report.json'), 'utf8')).results).toHaveLength(4);
    // Configurable: changed can fail the report too.
    const strict = await nx(ws, emu.endpoints, ['run', 'atmos:drift-report', '--fail-on=changed'], 120_000);
    expect(strict.exitCode).not.toBe(0);
    expect(strict.output).toContain('changed: logs in env');
  } finally {
    fs.writeFileSync(manifest, before);
  }
});

test('a failing step stops the workflow, names it and its command, and --from-step resumes there', async () => {
  fs.rmSync(orderLog, { force: true });
  ws.writeFile('fail-marker', 'injected failure\n');
  const failed = await workflow(['resumable', '-s', 'env']);
  expect(failed.exitCode).not.toBe(0);
  expect(failed.output).toContain('workflow resumable failed at step "flaky"');
  expect(failed.output).toContain('the command that failed: test ! -f fail-marker');
  const resume = /to resume from this step: (.*)/.exec(failed.output)?.[1];
  expect(resume).toBe('npx atmos-nx workflow resumable -f env --from-step flaky -s env');
  expect(order()).toEqual(['step one']);

  fs.rmSync(ws.path('fail-marker'));
  // The printed command, as printed (npx resolves the workspace's atmos-nx).
  const words = resume!.split(' ').slice(2);
  const resumed = ok(await workflow(words.slice(1)));
  // step1 (unnamed) did not run again; -s env overrode the workflow's and the command's stack "nowhere".
  expect(resumed.output).toContain('step 3/3 step3: atmos terraform deploy logs -s nowhere -s env');
  expect(resumed.output).toContain('$ nx run env--logs:deploy');
  expect(order()).toEqual(['step one']);
});

test('run as the Nx target, a failure prints the nx run atmos:workflow form of the resume command', async () => {
  ws.writeFile('fail-marker', 'injected failure\n');
  try {
    const failed = await nx(ws, emu.endpoints, ['run', 'atmos:workflow', '--name=resumable', '--stack=env'], 120_000, { ORDER_LOG: orderLog });
    expect(failed.exitCode).not.toBe(0);
    expect(failed.output).toContain('to resume from this step: nx run atmos:workflow --name=resumable --from-step=flaky --stack=env');
  } finally {
    fs.rmSync(ws.path('fail-marker'));
  }
});

test('destroy-environment needs --confirm=<stack>, then destroys dependents before their dependencies', async () => {
  fs.rmSync(orderLog, { force: true });
  const refused = await workflow(['destroy-environment', '-s', 'env']);
  expect(refused.exitCode).toBe(1);
  expect(refused.output).toContain('confirm with --confirm=env');
  expect(order()).toEqual([]);

  const wrong = await workflow(['destroy-environment', '-s', 'env', '--confirm=prod']);
  expect(wrong.exitCode).toBe(1);
  expect(order()).toEqual([]);

  ok(await workflow(['destroy-environment', '-s', 'env', '--confirm=env']));
  const log = order();
  expect([...log].sort()).toEqual(['destroy app', 'destroy db', 'destroy logs', 'destroy net']);
  expect(log.indexOf('destroy app')).toBeLessThan(log.indexOf('destroy db'));
  expect(log.indexOf('destroy db')).toBeLessThan(log.indexOf('destroy net'));
});
