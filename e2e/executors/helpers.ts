/**
 * Helpers for the executor e2e specs: the real Nx CLI in a temp workspace that reaches nx and the
 * plugin through a symlinked /work/main/node_modules, S3/DynamoDB probes, and process checks.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EmulatorEndpoints, awsEnv, s3BackendConfig } from '../harness/emulators';
import { RunResult, Workspace, commandEnv, createWorkspace, formatRunResult } from '../harness/workspace';
import { readStateObject as readBucketState, type StateJson } from '../harness/state';
export type { StateJson };

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURE = path.join(__dirname, 'fixture');
export const BUCKET = 'tfstate-executors';
export const TABLE = 'tf-locks-executors';
const NX_BIN = path.join(REPO_ROOT, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
/**
 * The node_modules a temp workspace links to. ATMOS_E2E_NODE_MODULES (debugging only) points at
 * another one, e.g. a copy whose @org/atmos is a private build while the repository's is mid-edit.
 */
const NODE_MODULES = process.env.ATMOS_E2E_NODE_MODULES ?? path.join(REPO_ROOT, 'node_modules');

/** The plugin is loaded from dist/: `npm run build` (or `npm test`) must have run. */
export function requireBuiltPlugin(): void {
  const executor = path.join(NODE_MODULES, '@org', 'atmos', 'dist', 'executors', 'plan', 'executor.js');
  if (!fs.existsSync(executor)) throw new Error(`the plugin is not built (${executor} is missing): run \`npm run build\` in ${REPO_ROOT} first`);
}

/** A temp workspace from the fixture, with node_modules linked and the backend catalog written for these emulators. */
export function createExecutorWorkspace(endpoints: EmulatorEndpoints): Workspace {
  const ws = createWorkspace({ fixture: FIXTURE, prefix: 'atmos-e2e-exec-' });
  fs.symlinkSync(NODE_MODULES, ws.path('node_modules'));
  writeBackendCatalog(ws, endpoints);
  ws.gitInit();
  return ws;
}

/**
 * `stacks/catalog/_backend.yaml`: the s3 backend for every stack. JSON is valid YAML, so the
 * harness's settings are written as they are. `workspace_key_prefix` is left to Atmos's default
 * (the Terraform component's name).
 */
export function writeBackendCatalog(ws: Workspace, endpoints: EmulatorEndpoints, key = 'terraform.tfstate'): void {
  const s3 = { ...s3BackendConfig(endpoints, { bucket: BUCKET, table: TABLE, key }), encrypt: false };
  ws.writeFile('stacks/catalog/_backend.yaml', `terraform:\n  backend_type: s3\n  backend:\n    s3: ${JSON.stringify(s3)}\n`);
}

export function nxEnv(endpoints: EmulatorEndpoints, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...awsEnv(endpoints), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_VERBOSE_LOGGING: undefined, ...extra };
}

export interface NxResult extends RunResult {
  /** stdout + stderr: nx forwards the executor's streams on either. */
  output: string;
}

export async function nx(ws: Workspace, endpoints: EmulatorEndpoints, args: string[], timeoutMs = 150_000, env: Record<string, string | undefined> = {}): Promise<NxResult> {
  const r = await ws.run(process.execPath, [NX_BIN, ...args], { env: nxEnv(endpoints, env), timeoutMs });
  return { ...r, output: stripAnsi(`${r.stdout}\n${r.stderr}`) };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
export const stripAnsi = (text: string) => text.replace(ANSI, '');

export function expectOk(r: NxResult): NxResult {
  if (r.timedOut || r.exitCode !== 0) throw new Error(`expected success\n${formatRunResult(r)}`);
  return r;
}

export function expectFailure(r: NxResult, message: RegExp | string): NxResult {
  const matches = typeof message === 'string' ? r.output.includes(message) : message.test(r.output);
  if (r.timedOut || r.exitCode === 0 || r.exitCode === null || !matches) {
    throw new Error(`expected a failure (exit != 0) mentioning ${String(message)}\n${formatRunResult(r)}`);
  }
  return r;
}

/** A long-running nx command in its own process group, with live output. */
export interface Started {
  child: ChildProcess;
  pgid: number;
  output: () => string;
  done: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; output: string }>;
}

export function startNx(ws: Workspace, endpoints: EmulatorEndpoints, args: string[], env: Record<string, string | undefined> = {}): Started {
  const child = spawn(process.execPath, [NX_BIN, ...args], {
    cwd: ws.root,
    env: commandEnv(nxEnv(endpoints, env)),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += stripAnsi(d)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += stripAnsi(d)));
  const done = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
    child.once('close', (exitCode, signal) => resolve({ exitCode, signal, output }));
  });
  return { child, pgid: child.pid!, output: () => output, done };
}

/** Kills a started group (if still running) and waits for it. */
export async function stopStarted(started: Started | undefined): Promise<void> {
  if (!started) return;
  try {
    process.kill(-started.pgid, 'SIGKILL');
  } catch {
    /* gone */
  }
  await started.done;
}

/** `what` may be a function: its text is taken at the timeout, to say what was still the case then. */
export async function waitUntil(what: string | (() => string), condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  if (await condition()) return;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
}

/** DynamoDB LockIDs in the lock table (the state lock is `<bucket>/<state key>`; `-md5` items are digests). */
export async function lockIds(ddb: DynamoDBClient): Promise<string[]> {
  const { Items = [] } = await ddb.send(new ScanCommand({ TableName: TABLE }));
  return Items.map((item) => item.LockID?.S ?? '').filter((id) => id !== '');
}

export async function s3Keys(s3: S3Client): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((c) => c.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export const readStateObject = (s3: S3Client, key: string): Promise<StateJson | undefined> => readBucketState(s3, BUCKET, key);

/** Every file and symlink under `dir` (relative path -> content or link target), sorted. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(dir, child);
      const stat = fs.lstatSync(full);
      if (stat.isSymbolicLink()) out[child] = `-> ${fs.readlinkSync(full)}`;
      else if (stat.isDirectory()) {
        out[`${child}/`] = `dir ${(stat.mode & 0o777).toString(8)}`;
        walk(child);
      } else out[child] = `${(stat.mode & 0o777).toString(8)} ${fs.readFileSync(full, 'utf8')}`;
    }
  };
  walk('');
  return out;
}

/** Every file under `dir` (recursively, following nothing), for grepping. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files: string[] = [];
  const walk = (abs: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const full = path.join(abs, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  walk(dir);
  return files;
}

export function mode(file: string): string {
  return (fs.statSync(file).mode & 0o777).toString(8).padStart(4, '0');
}

