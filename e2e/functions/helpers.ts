/**
 * Helpers for the functions e2e spec: a temp workspace from ./fixture that reaches nx and the
 * plugin through a symlinked /work/main/node_modules, the real Nx CLI and `atmos-nx`, SSM puts,
 * S3 state reads, and a check that nothing we started survived.
 */
import * as fs from 'fs';
import * as path from 'path';
import { S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { EmulatorEndpoints, awsEnv, s3BackendConfig } from '../harness/emulators';
import { RunResult, Workspace, createWorkspace, formatRunResult } from '../harness/workspace';
import { readStateObject as readBucketState, type StateJson } from '../harness/state';
export type { StateJson };

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURE = path.join(__dirname, 'fixture');
export const BUCKET = 'tfstate-functions';
const NODE_MODULES = path.join(REPO_ROOT, 'node_modules');
const NX_BIN = path.join(NODE_MODULES, 'nx', 'dist', 'bin', 'nx.js');
const ATMOS_NX_BIN = path.join(NODE_MODULES, '@org', 'atmos', 'bin', 'atmos-nx.js');

/** Nx loads `@org/atmos` from dist/: `npm run build` must have run. */
export function requireBuiltPlugin(): void {
  for (const file of ['executors/plan/executor.js', 'cli/main.js', 'functions/runtime/evaluate.js']) {
    const full = path.join(NODE_MODULES, '@org', 'atmos', 'dist', file);
    if (!fs.existsSync(full)) throw new Error(`the plugin is not built (${full} is missing): run \`npm run build\` in ${REPO_ROOT} first`);
  }
}

export function createFunctionsWorkspace(endpoints: EmulatorEndpoints): Workspace {
  const ws = createWorkspace({ fixture: FIXTURE, prefix: 'atmos-e2e-fn-' });
  fs.symlinkSync(NODE_MODULES, ws.path('node_modules'));
  // JSON is valid YAML: the harness's s3 backend settings as they are (no lock table needed here).
  const s3 = { ...s3BackendConfig(endpoints, { bucket: BUCKET }), encrypt: false };
  ws.writeFile('stacks/catalog/_backend.yaml', `terraform:\n  backend_type: s3\n  backend:\n    s3: ${JSON.stringify(s3)}\n`);
  ws.writeFile('.gitignore', 'node_modules\n.nx\n.atmos\n');
  ws.gitInit();
  return ws;
}

export function commandEnvFor(endpoints: EmulatorEndpoints): Record<string, string | undefined> {
  return { ...awsEnv(endpoints), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_VERBOSE_LOGGING: undefined, NX_SKIP_NX_CACHE: undefined };
}

export interface Captured extends RunResult {
  /** stdout + stderr, ANSI stripped (nx forwards the executor's streams on either). */
  output: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

export async function nx(ws: Workspace, endpoints: EmulatorEndpoints, args: string[], timeoutMs = 170_000, env: Record<string, string | undefined> = {}): Promise<Captured> {
  const r = await ws.run(process.execPath, [NX_BIN, ...args], { env: { ...commandEnvFor(endpoints), ...env }, timeoutMs });
  return { ...r, output: `${r.stdout}\n${r.stderr}`.replace(ANSI, '') };
}

export async function atmosNx(ws: Workspace, endpoints: EmulatorEndpoints, args: string[], env: Record<string, string | undefined> = {}): Promise<Captured> {
  const r = await ws.run(process.execPath, [ATMOS_NX_BIN, ...args], { env: { ...commandEnvFor(endpoints), ...env }, timeoutMs: 60_000 });
  return { ...r, output: `${r.stdout}\n${r.stderr}`.replace(ANSI, '') };
}

export function expectOk(r: Captured): Captured {
  if (r.timedOut || r.exitCode !== 0) throw new Error(`expected success\n${formatRunResult(r)}`);
  return r;
}

export function expectFailure(r: Captured, ...messages: string[]): Captured {
  const missing = messages.filter((m) => !r.output.includes(m));
  if (r.timedOut || r.exitCode === 0 || r.exitCode === null || missing.length > 0) {
    throw new Error(`expected a failure (exit != 0) mentioning ${JSON.stringify(missing)}\n${formatRunResult(r)}`);
  }
  return r;
}

export async function putParameter(client: SSMClient, name: string, value: string, type: 'String' | 'SecureString'): Promise<void> {
  await client.send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }));
}

export const readStateObject = (s3: S3Client, key: string): Promise<StateJson | undefined> => readBucketState(s3, BUCKET, key);

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
