/**
 * Local AWS emulators for e2e tests, each in its own child process on
 * 127.0.0.1 with an ephemeral port:
 *   - S3:        s3rver (data in a temp directory)
 *   - DynamoDB:  dynalite (in-memory)
 *   - SSM:       ./ssm-server.ts (Parameter Store, JSON 1.1 protocol)
 *   - STS:       ./sts-server.ts (AssumeRole, query protocol)
 *
 *   const emu = await startEmulators({ s3: true, dynamodb: true, ssm: true });
 *   await emu.createBucket('tfstate');
 *   await emu.createLockTable('tf-locks');
 *   spawn('terraform', [...], { env: { ...process.env, ...awsEnv(emu.endpoints) } });
 *   await emu.stop();
 *
 * Safety nets: `stop()` kills by PID and waits; a process 'exit' hook SIGKILLs
 * whatever is still registered; and each child exits by itself when its IPC
 * channel to the parent closes or the parent PID disappears.
 */
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// The test process builds SDK clients too: the same switch as the plugin's for the SDK's Node 20 warning.
import '../../packages/atmos/src/aws/node-support';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { SsmStats } from './ssm-server';
import type { StsCall, StsRole } from './sts-server';

export type { SsmStats } from './ssm-server';
export type { StsCall, StsRole } from './sts-server';

export type EmulatorKind = 's3' | 'dynamodb' | 'ssm' | 'sts';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface EmulatorEndpoints {
  region: string;
  /** e.g. http://127.0.0.1:40123 — present when the emulator was started. */
  s3?: string;
  dynamodb?: string;
  ssm?: string;
  sts?: string;
}

export interface StartEmulatorsOptions {
  /** `{ accessKeys }`: s3rver accepts only these keys (e.g. a role's, handed out by the local STS). */
  s3?: boolean | { accessKeys: AccessKey[] };
  dynamodb?: boolean;
  ssm?: boolean;
  /** `{ roles }`: the roles AssumeRole knows, by ARN (see sts-server.ts). */
  sts?: boolean | { roles: Record<string, StsRole> };
  /** Defaults to us-east-1. */
  region?: string;
  /** How long to wait for each child to report its port. Default 30 s. */
  startTimeoutMs?: number;
  /** A state bucket to create once S3 answers (what most suites start with). */
  bucket?: string;
  /** A Terraform lock table (`LockID`) to create once DynamoDB answers. */
  lockTable?: string;
}

/** SDK clients on the emulators (the fake credentials), made on first use and destroyed by `stop()`. */
export interface EmulatorClients {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly ssm: SSMClient;
}

export interface Emulators {
  endpoints: EmulatorEndpoints;
  /** PIDs of the child processes, by kind. */
  pids: Partial<Record<EmulatorKind, number>>;
  /** Destroys the clients, kills every child (SIGTERM, then SIGKILL after a grace period) and waits. Idempotent. */
  stop(): Promise<void>;
  clients: EmulatorClients;
  createBucket(name: string): Promise<void>;
  createLockTable(name: string): Promise<void>;
  ssmStats(): Promise<SsmStats>;
  resetSsmStats(): Promise<void>;
  /** Every AssumeRole request the local STS received, in order. */
  stsCalls(): Promise<StsCall[]>;
  resetStsCalls(): Promise<void>;
  /** The keys the S3 emulator accepts (the harness's own calls, e.g. createBucket, use the first). */
  s3AccessKeys: AccessKey[];
  /** Last output lines of a child (stdout+stderr), for diagnostics. */
  logs(kind: EmulatorKind): string;
}

/**
 * Fake static credentials. s3rver only knows the access key `S3RVER`
 * (secret `S3RVER`); dynalite and the SSM emulator accept anything.
 */
export const FAKE_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const DEFAULT_REGION = 'us-east-1';
/** A loopback address where nothing listens (port 9, "discard"). */
export const LOOPBACK_SINK = 'http://127.0.0.1:9';

const CHILD_ENTRY = path.join(__dirname, 'emulator-child.ts');
const TS_REGISTER = path.join(__dirname, 'ts-register.js');
const LOG_LIMIT = 64 * 1024;

interface LiveChild {
  kind: EmulatorKind;
  child: ChildProcess;
  log: { text: string };
  cleanupDir?: string;
}

/** Every child not yet stopped, for the process-exit safety net. */
const live = new Set<LiveChild>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const entry of live) {
      try {
        if (entry.child.pid) process.kill(entry.child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      if (entry.cleanupDir) fs.rmSync(entry.cleanupDir, { recursive: true, force: true });
    }
    live.clear();
  });
}

function appendLog(log: { text: string }, chunk: Buffer | string): void {
  log.text += chunk.toString();
  if (log.text.length > LOG_LIMIT) log.text = log.text.slice(-LOG_LIMIT);
}

function startChild(kind: EmulatorKind, options: Record<string, unknown>, timeoutMs: number, cleanupDir?: string): Promise<{ entry: LiveChild; port: number }> {
  installExitHook();
  const child = fork(CHILD_ENTRY, [kind, JSON.stringify(options)], {
    execArgv: ['-r', TS_REGISTER],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, HARNESS_PARENT_PID: String(process.pid), NODE_OPTIONS: '' },
  });
  const entry: LiveChild = { kind, child, log: { text: '' }, cleanupDir };
  live.add(entry);
  child.stdout?.on('data', (c) => appendLog(entry.log, c));
  child.stderr?.on('data', (c) => appendLog(entry.log, c));

  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      cleanup();
      void killChild(entry).finally(() =>
        reject(new Error(`${kind} emulator failed to start: ${why}\n--- child output ---\n${entry.log.text}`)),
      );
    };
    const onMessage = (msg: unknown) => {
      const m = msg as { type?: string; port?: number; message?: string };
      if (m?.type === 'ready' && typeof m.port === 'number') {
        cleanup();
        // Don't let an idle emulator keep the test process alive; the exit hook
        // and the child's own parent watch take care of stragglers.
        child.unref();
        (child.stdout as unknown as { unref?: () => void })?.unref?.();
        (child.stderr as unknown as { unref?: () => void })?.unref?.();
        (child as unknown as { channel?: { unref?: () => void } }).channel?.unref?.();
        resolve({ entry, port: m.port });
      } else if (m?.type === 'error') {
        fail(m.message ?? 'unknown error');
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited early (code ${code}, signal ${signal})`);
    const onError = (err: Error) => fail(err.message);
    const timer = setTimeout(() => fail(`no port reported within ${timeoutMs} ms`), timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killChild(entry: LiveChild, graceMs = 3000): Promise<void> {
  const { child } = entry;
  const pid = child.pid;
  if (pid !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const graceful = await within(exited, graceMs);
    if (!graceful) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await within(exited, 5000);
    }
    // Make sure the PID is really gone before reporting success.
    for (let i = 0; i < 100 && isAlive(pid); i++) await delay(20);
  }
  if (child.connected) {
    try {
      child.disconnect();
    } catch {
      /* ignore */
    }
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
  if (entry.cleanupDir) fs.rmSync(entry.cleanupDir, { recursive: true, force: true });
  live.delete(entry);
}

/** Resolves true if `p` settles within `ms`, false otherwise; never leaves a timer behind. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts the requested emulators in parallel. Nothing requested = S3, DynamoDB and SSM. */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<Emulators> {
  const region = options.region ?? DEFAULT_REGION;
  const noneRequested = !options.s3 && !options.dynamodb && !options.ssm && !options.sts;
  const wanted: EmulatorKind[] = (['s3', 'dynamodb', 'ssm', 'sts'] as const).filter((k) => (noneRequested && k !== 'sts') || options[k]);
  const s3AccessKeys = typeof options.s3 === 'object' ? options.s3.accessKeys : [{ ...FAKE_CREDENTIALS }];
  const timeoutMs = options.startTimeoutMs ?? 30_000;

  const results = await Promise.allSettled(
    wanted.map((kind) => {
      if (kind === 's3') {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atmos-e2e-s3rver-'));
        return startChild(kind, { directory: dir, region, accessKeys: typeof options.s3 === 'object' ? options.s3.accessKeys : undefined }, timeoutMs, dir);
      }
      if (kind === 'sts') return startChild(kind, { roles: typeof options.sts === 'object' ? options.sts.roles : {} }, timeoutMs);
      return startChild(kind, { region }, timeoutMs);
    }),
  );

  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failed.length > 0) {
    await Promise.all(started.map((s) => killChild(s.entry)));
    throw new Error(failed.map((e) => e.message).join('\n\n'));
  }

  const endpoints: EmulatorEndpoints = { region };
  const pids: Partial<Record<EmulatorKind, number>> = {};
  const byKind = new Map<EmulatorKind, LiveChild>();
  for (const { entry, port } of started) {
    endpoints[entry.kind] = `http://127.0.0.1:${port}`;
    pids[entry.kind] = entry.child.pid;
    byKind.set(entry.kind, entry);
  }

  const clients = lazyClients(endpoints, s3AccessKeys[0]);
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= Promise.all(started.map((s) => killChild(s.entry))).then(() => undefined));
  const emulators: Emulators = {
    endpoints,
    pids,
    stop: () => {
      clients.destroy();
      return stop();
    },
    clients,
    createBucket: (name) => createBucket(endpoints, name, s3AccessKeys[0]),
    createLockTable: (name) => createLockTable(endpoints, name),
    ssmStats: () => getSsmStats(endpoints),
    resetSsmStats: () => resetSsmStats(endpoints),
    stsCalls: () => getStsCalls(endpoints),
    resetStsCalls: () => resetStsCalls(endpoints),
    s3AccessKeys,
    logs: (kind) => byKind.get(kind)?.log.text ?? '',
  };
  try {
    if (options.bucket !== undefined) await emulators.createBucket(options.bucket);
    if (options.lockTable !== undefined) await emulators.createLockTable(options.lockTable);
  } catch (error) {
    await emulators.stop();
    throw error;
  }
  return emulators;
}

function lazyClients(endpoints: EmulatorEndpoints, s3Key: AccessKey): EmulatorClients & { destroy(): void } {
  const made: Partial<{ s3: S3Client; dynamodb: DynamoDBClient; ssm: SSMClient }> = {};
  return {
    get s3() {
      return (made.s3 ??= s3Client(endpoints, s3Key));
    },
    get dynamodb() {
      return (made.dynamodb ??= dynamoClient(endpoints));
    },
    get ssm() {
      return (made.ssm ??= ssmClient(endpoints));
    },
    destroy: () => {
      for (const client of Object.values(made)) client.destroy();
    },
  };
}

function need(endpoints: EmulatorEndpoints, kind: EmulatorKind): string {
  const url = endpoints[kind];
  if (!url) throw new Error(`the ${kind} emulator was not started (startEmulators({ ${kind}: true }))`);
  return url;
}

/**
 * Environment for child processes (terraform, nx, node scripts using the AWS
 * SDK) so they talk only to the emulators. Values that are `undefined` unset an
 * inherited variable when spread into a `child_process` env.
 *
 * Note: terraform's s3 backend has no environment variables for
 * use_path_style / skip_* — those are backend config keys, see
 * `s3BackendConfig`. The endpoint variables below *are* honoured by the
 * backend (endpoints.s3 / endpoints.dynamodb fall back to them).
 */
/**
 * No AWS credentials anywhere for a child process: no keys, no profile, the host's ~/.aws config
 * unread, and the EC2/ECS metadata services (non-loopback addresses) never consulted.
 */
export const NO_AWS_CREDENTIALS_ENV: Readonly<Record<string, string | undefined>> = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_PROFILE: undefined,
  AWS_DEFAULT_PROFILE: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_ROLE_ARN: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
};

export function awsEnv(endpoints: EmulatorEndpoints): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    ...NO_AWS_CREDENTIALS_ENV,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_ENDPOINT_URL: undefined,
    // STS goes to the local STS when it runs; IAM (and STS otherwise) to a
    // closed loopback port, so a stray call (e.g. a backend without
    // skip_credentials_validation / skip_requesting_account_id) fails fast
    // instead of leaving the machine.
    AWS_ENDPOINT_URL_STS: endpoints.sts ?? LOOPBACK_SINK,
    AWS_ENDPOINT_URL_IAM: LOOPBACK_SINK,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // s3rver predates the SDKs' default CRC32 checksums / aws-chunked uploads
    // (the S3 child also de-chunks such uploads, so this is belt and braces).
    AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
  };
  if (endpoints.s3) env.AWS_ENDPOINT_URL_S3 = endpoints.s3;
  if (endpoints.dynamodb) env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamodb;
  if (endpoints.ssm) env.AWS_ENDPOINT_URL_SSM = endpoints.ssm;
  return env;
}

export interface S3BackendConfig {
  bucket: string;
  key: string;
  region: string;
  dynamodb_table?: string;
  workspace_key_prefix?: string;
  encrypt?: boolean;
  endpoints: { s3: string; dynamodb?: string };
  use_path_style: true;
  skip_credentials_validation: true;
  skip_requesting_account_id: true;
  skip_metadata_api_check: true;
  skip_region_validation: true;
  skip_s3_checksum: true;
  access_key?: string;
  secret_key?: string;
}

export interface S3BackendOptions {
  bucket: string;
  /** DynamoDB lock table; omit to run without locking. */
  table?: string;
  /** Default `terraform.tfstate`. */
  key?: string;
  workspaceKeyPrefix?: string;
  region?: string;
  /** Put the fake credentials into the config itself (default false: they come from awsEnv). */
  inlineCredentials?: boolean;
}

/**
 * The terraform 1.11 `backend "s3"` settings for the emulators, as a plain
 * object: usable as `{ terraform: { backend: { s3: cfg } } }` in a
 * backend.tf.json, or rendered with `toHclAttributes` for a .tf / .tfbackend.
 */
export function s3BackendConfig(endpoints: EmulatorEndpoints, options: S3BackendOptions): S3BackendConfig {
  const cfg: S3BackendConfig = {
    bucket: options.bucket,
    key: options.key ?? 'terraform.tfstate',
    region: options.region ?? endpoints.region,
    endpoints: { s3: need(endpoints, 's3') },
    use_path_style: true,
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    skip_s3_checksum: true,
  };
  if (options.table) {
    cfg.dynamodb_table = options.table;
    cfg.endpoints.dynamodb = need(endpoints, 'dynamodb');
  }
  if (options.workspaceKeyPrefix !== undefined) cfg.workspace_key_prefix = options.workspaceKeyPrefix;
  if (options.inlineCredentials) {
    cfg.access_key = FAKE_CREDENTIALS.accessKeyId;
    cfg.secret_key = FAKE_CREDENTIALS.secretAccessKey;
  }
  return cfg;
}

/** `{ terraform: { backend: { s3: cfg } } }`, ready for JSON.stringify into backend.tf.json. */
export function backendTfJson(cfg: S3BackendConfig): { terraform: { backend: { s3: S3BackendConfig } } } {
  return { terraform: { backend: { s3: cfg } } };
}

/** Renders a flat/nested object as HCL attribute lines (for a backend block or a .tfbackend file). */
export function toHclAttributes(obj: object, indent = ''): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      lines.push(`${indent}${k} = {`, toHclAttributes(v as object, `${indent}  `), `${indent}}`);
    } else {
      lines.push(`${indent}${k} = ${JSON.stringify(v)}`);
    }
  }
  return lines.join('\n');
}

const sdkBase = (endpoints: EmulatorEndpoints) => ({
  region: endpoints.region,
  credentials: { ...FAKE_CREDENTIALS },
});

export function s3Client(endpoints: EmulatorEndpoints, credentials: AccessKey = FAKE_CREDENTIALS): S3Client {
  return new S3Client({
    ...sdkBase(endpoints),
    credentials: { ...credentials },
    endpoint: need(endpoints, 's3'),
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function dynamoClient(endpoints: EmulatorEndpoints): DynamoDBClient {
  return new DynamoDBClient({ ...sdkBase(endpoints), endpoint: need(endpoints, 'dynamodb') });
}

export function ssmClient(endpoints: EmulatorEndpoints): SSMClient {
  return new SSMClient({ ...sdkBase(endpoints), endpoint: need(endpoints, 'ssm') });
}

export async function createBucket(endpoints: EmulatorEndpoints, name: string, credentials?: AccessKey): Promise<void> {
  const client = s3Client(endpoints, credentials);
  try {
    await client.send(new CreateBucketCommand({ Bucket: name }));
  } finally {
    client.destroy();
  }
}

/** Creates the Terraform lock table (`LockID` string hash key) and waits until ACTIVE. */
export async function createLockTable(endpoints: EmulatorEndpoints, name: string): Promise<void> {
  const client = dynamoClient(endpoints);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (let i = 0; i < 100; i++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await delay(50);
    }
    throw new Error(`lock table ${name} did not become ACTIVE`);
  } finally {
    client.destroy();
  }
}

export async function getSsmStats(endpoints: EmulatorEndpoints): Promise<SsmStats> {
  const res = await fetch(`${need(endpoints, 'ssm')}/__stats`);
  if (!res.ok) throw new Error(`GET /__stats failed: ${res.status}`);
  return (await res.json()) as SsmStats;
}

export async function resetSsmStats(endpoints: EmulatorEndpoints): Promise<void> {
  const res = await fetch(`${need(endpoints, 'ssm')}/__stats`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`DELETE /__stats failed: ${res.status}`);
}

export async function getStsCalls(endpoints: EmulatorEndpoints): Promise<StsCall[]> {
  const res = await fetch(`${need(endpoints, 'sts')}/__calls`);
  if (!res.ok) throw new Error(`GET /__calls failed: ${res.status}`);
  return (await res.json()) as StsCall[];
}

export async function resetStsCalls(endpoints: EmulatorEndpoints): Promise<void> {
  const res = await fetch(`${need(endpoints, 'sts')}/__calls`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`DELETE /__calls failed: ${res.status}`);
}
