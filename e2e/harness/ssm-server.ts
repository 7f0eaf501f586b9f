/**
 * A small in-memory emulator of AWS Systems Manager Parameter Store that speaks
 * SSM's JSON 1.1 protocol (`X-Amz-Target: AmazonSSM.<Op>`,
 * `Content-Type: application/x-amz-json-1.1`), good enough for the real
 * `@aws-sdk/client-ssm` client pointed at `http://127.0.0.1:<port>`.
 *
 * Supported operations: PutParameter, GetParameter, GetParameters,
 * GetParametersByPath, DeleteParameter, DeleteParameters.
 *
 * Test-only endpoints (plain HTTP, no AWS protocol):
 *   GET    /__stats       -> { calls: { <Op>: n }, errors: { <Op>: n }, total }
 *   DELETE /__stats       -> resets the counters
 *   POST   /__reset       -> clears every parameter and the counters
 *   GET    /__parameters  -> every parameter (plaintext values), for debugging
 *
 * Requests are not authenticated: any (fake) credentials are accepted.
 * Normally run in its own process through `emulator-child.ts`; `startSsmServer`
 * can also be used in-process.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';

export type SsmParameterType = 'String' | 'StringList' | 'SecureString';
const PARAMETER_TYPES: readonly SsmParameterType[] = ['String', 'StringList', 'SecureString'];

export const SSM_ACCOUNT_ID = '000000000000';
export const SSM_OPERATIONS = [
  'PutParameter',
  'GetParameter',
  'GetParameters',
  'GetParametersByPath',
  'DeleteParameter',
  'DeleteParameters',
] as const;
export type SsmOperation = (typeof SSM_OPERATIONS)[number];

export interface SsmStats {
  /** Requests received per X-Amz-Target operation (failed ones included). */
  calls: Record<string, number>;
  /** Requests per operation that were answered with an error. */
  errors: Record<string, number>;
  total: number;
}

interface StoredVersion {
  version: number;
  type: SsmParameterType;
  /** Plaintext value. */
  value: string;
  /** For SecureString: the opaque value returned when WithDecryption is false. */
  ciphertext?: string;
  lastModified: number; // epoch milliseconds
  description?: string;
  keyId?: string;
}

interface StoredParameter {
  name: string;
  versions: StoredVersion[]; // ascending; last = current
}

class SsmError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const MAX_GET_PARAMETERS_NAMES = 10;
const MAX_RESULTS_BY_PATH = 10;
const MAX_VALUE_BYTES = 8192; // Advanced-tier limit; Standard is 4096.

export interface SsmServerOptions {
  host?: string;
  port?: number;
  region?: string;
}

export interface RunningSsmServer {
  server: http.Server;
  port: number;
  endpoint: string;
  store: SsmStore;
  close(): Promise<void>;
}

/** The parameter store and its call counters, independent of HTTP. */
export class SsmStore {
  private readonly params = new Map<string, StoredParameter>();
  private readonly key = crypto.randomBytes(32);
  private calls: Record<string, number> = {};
  private errors: Record<string, number> = {};
  private total = 0;

  constructor(readonly region = 'us-east-1') {}

  stats(): SsmStats {
    return { calls: { ...this.calls }, errors: { ...this.errors }, total: this.total };
  }

  resetStats(): void {
    this.calls = {};
    this.errors = {};
    this.total = 0;
  }

  reset(): void {
    this.params.clear();
    this.resetStats();
  }

  dump(): Array<{ name: string; type: SsmParameterType; value: string; version: number }> {
    return [...this.params.values()]
      .sort((a, b) => cmp(a.name, b.name))
      .map((p) => {
        const cur = p.versions[p.versions.length - 1];
        return { name: p.name, type: cur.type, value: cur.value, version: cur.version };
      });
  }

  /** Counts a request that failed before it could be dispatched. */
  recordRejected(operation: string): void {
    this.total++;
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    this.errors[operation] = (this.errors[operation] ?? 0) + 1;
  }

  /** Dispatches one JSON 1.1 call; throws SsmError for AWS-shaped errors. */
  handle(operation: string, input: Record<string, unknown>): unknown {
    this.total++;
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    try {
      switch (operation) {
        case 'PutParameter':
          return this.putParameter(input);
        case 'GetParameter':
          return this.getParameter(input);
        case 'GetParameters':
          return this.getParameters(input);
        case 'GetParametersByPath':
          return this.getParametersByPath(input);
        case 'DeleteParameter':
          return this.deleteParameter(input);
        case 'DeleteParameters':
          return this.deleteParameters(input);
        default:
          throw new SsmError('UnknownOperationException', `Operation ${operation || '(none)'} is not supported by the SSM emulator`);
      }
    } catch (err) {
      this.errors[operation] = (this.errors[operation] ?? 0) + 1;
      throw err;
    }
  }

  private putParameter(input: Record<string, unknown>): unknown {
    const name = requireName(input.Name, 'name');
    const value = input.Value;
    if (typeof value !== 'string' || value.length === 0) {
      throw validation(`1 validation error detected: Value at 'value' failed to satisfy constraint: Member must not be null and must have length greater than or equal to 1`);
    }
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) {
      throw validation(`1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to ${MAX_VALUE_BYTES}`);
    }
    const typeIn = input.Type;
    if (typeIn !== undefined && !PARAMETER_TYPES.includes(typeIn as SsmParameterType)) {
      throw validation(`1 validation error detected: Value '${String(typeIn)}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`);
    }
    const existing = this.params.get(name);
    if (existing && input.Overwrite !== true) {
      throw new SsmError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    }
    const current = existing?.versions[existing.versions.length - 1];
    const type = (typeIn as SsmParameterType | undefined) ?? current?.type;
    if (!type) {
      throw validation('A parameter type is required when you create a parameter.');
    }
    const version: StoredVersion = {
      version: (current?.version ?? 0) + 1,
      type,
      value,
      lastModified: Date.now(),
      description: typeof input.Description === 'string' ? input.Description : current?.description,
    };
    if (type === 'SecureString') {
      version.keyId = typeof input.KeyId === 'string' ? input.KeyId : 'alias/aws/ssm';
      version.ciphertext = this.encrypt(value, version.keyId);
    }
    if (existing) existing.versions.push(version);
    else this.params.set(name, { name, versions: [version] });
    return { Version: version.version, Tier: 'Standard' };
  }

  private getParameter(input: Record<string, unknown>): unknown {
    const requested = requireName(input.Name, 'name');
    const found = this.lookup(requested);
    if (!found) throw notFound(requested);
    return { Parameter: this.render(found.param, found.version, input.WithDecryption === true, requested) };
  }

  private getParameters(input: Record<string, unknown>): unknown {
    const names = input.Names;
    if (!Array.isArray(names) || names.length === 0) {
      throw validation(`1 validation error detected: Value null at 'names' failed to satisfy constraint: Member must not be null`);
    }
    if (names.length > MAX_GET_PARAMETERS_NAMES) {
      throw validation(
        `1 validation error detected: Value '[${names.join(', ')}]' at 'names' failed to satisfy constraint: ` +
          `Member must have length less than or equal to ${MAX_GET_PARAMETERS_NAMES}`,
      );
    }
    const withDecryption = input.WithDecryption === true;
    const parameters: unknown[] = [];
    const invalid: string[] = [];
    for (const raw of [...new Set(names.map(String))]) {
      const found = this.lookup(raw);
      if (found) parameters.push(this.render(found.param, found.version, withDecryption, raw));
      else invalid.push(raw);
    }
    return { Parameters: parameters, InvalidParameters: invalid };
  }

  private getParametersByPath(input: Record<string, unknown>): unknown {
    const rawPath = input.Path;
    if (typeof rawPath !== 'string' || !rawPath.startsWith('/')) {
      throw validation(`The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash "/".`);
    }
    const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
    const prefix = path === '/' ? '/' : `${path}/`;
    const maxResults = input.MaxResults === undefined ? MAX_RESULTS_BY_PATH : Number(input.MaxResults);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS_BY_PATH) {
      throw validation(
        `1 validation error detected: Value '${String(input.MaxResults)}' at 'maxResults' failed to satisfy constraint: ` +
          `Member must have value less than or equal to ${MAX_RESULTS_BY_PATH}`,
      );
    }
    const recursive = input.Recursive === true;
    let after: string | undefined;
    if (input.NextToken !== undefined) {
      after = decodeToken(input.NextToken, path);
    }
    const matching = [...this.params.values()]
      .filter((p) => p.name.startsWith(prefix) && p.name.length > prefix.length)
      .filter((p) => recursive || !p.name.slice(prefix.length).includes('/'))
      .sort((a, b) => cmp(a.name, b.name))
      .filter((p) => after === undefined || cmp(p.name, after) > 0);
    const page = matching.slice(0, maxResults);
    const withDecryption = input.WithDecryption === true;
    const out: Record<string, unknown> = {
      Parameters: page.map((p) => this.render(p, p.versions[p.versions.length - 1], withDecryption)),
    };
    if (matching.length > page.length) {
      out.NextToken = encodeToken(page[page.length - 1].name, path);
    }
    return out;
  }

  private deleteParameter(input: Record<string, unknown>): unknown {
    const name = requireName(input.Name, 'name');
    if (!this.params.delete(name)) throw notFound(name);
    return {};
  }

  private deleteParameters(input: Record<string, unknown>): unknown {
    const names = input.Names;
    if (!Array.isArray(names) || names.length === 0 || names.length > 10) {
      throw validation(`1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10`);
    }
    const deleted: string[] = [];
    const invalid: string[] = [];
    for (const n of [...new Set(names.map(String))]) {
      (this.params.delete(n) ? deleted : invalid).push(n);
    }
    return { DeletedParameters: deleted, InvalidParameters: invalid };
  }

  /** Resolves `name` or `name:<version>` (labels are not supported). */
  private lookup(requested: string): { param: StoredParameter; version: StoredVersion } | undefined {
    const direct = this.params.get(requested);
    if (direct) return { param: direct, version: direct.versions[direct.versions.length - 1] };
    const m = /^(.*):(\d+)$/.exec(requested);
    if (!m) return undefined;
    const param = this.params.get(m[1]);
    const version = param?.versions.find((v) => v.version === Number(m[2]));
    return param && version ? { param, version } : undefined;
  }

  private render(param: StoredParameter, v: StoredVersion, withDecryption: boolean, selector?: string): Record<string, unknown> {
    const out: Record<string, unknown> = {
      Name: param.name,
      Type: v.type,
      Value: v.type === 'SecureString' && !withDecryption ? v.ciphertext : v.value,
      Version: v.version,
      LastModifiedDate: v.lastModified / 1000,
      ARN: `arn:aws:ssm:${this.region}:${SSM_ACCOUNT_ID}:parameter${param.name.startsWith('/') ? '' : '/'}${param.name}`,
      DataType: 'text',
    };
    if (selector && selector !== param.name) out.Selector = selector.slice(param.name.length);
    return out;
  }

  /** Real AES-256-GCM under a per-server key, so it looks (and is) opaque. */
  private encrypt(plaintext: string, keyId: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(keyId));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([1, 2, 2, 0]), iv, cipher.getAuthTag(), body]).toString('base64');
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function validation(message: string): SsmError {
  return new SsmError('ValidationException', message);
}

function notFound(name: string): SsmError {
  return new SsmError('ParameterNotFound', `Parameter ${name} not found.`);
}

function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw validation(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  if (value.length > 2048) {
    throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to 2048`);
  }
  return value;
}

function encodeToken(after: string, path: string): string {
  return Buffer.from(JSON.stringify({ v: 1, path, after })).toString('base64');
}

function decodeToken(token: unknown, path: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as { v?: number; path?: string; after?: string };
    if (parsed.v === 1 && parsed.path === path && typeof parsed.after === 'string') return parsed.after;
  } catch {
    /* fall through */
  }
  throw new SsmError('InvalidNextToken', 'The specified token isn\'t valid.');
}

const JSON_11 = 'application/x-amz-json-1.1';

function send(res: http.ServerResponse, status: number, body: unknown, contentType = JSON_11, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': crypto.randomUUID(),
    ...extraHeaders,
  });
  res.end(text);
}

/** Creates (does not start) the HTTP server around a store. */
export function createSsmHttpServer(store: SsmStore): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const url = (req.url ?? '/').split('?')[0];
      if (url.startsWith('/__')) {
        handleControl(store, req.method ?? 'GET', url, res);
        return;
      }
      if (req.method !== 'POST') {
        send(res, 404, { __type: 'UnknownOperationException', message: `${req.method} ${url} is not an SSM request` });
        return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AmazonSSM.') ? target.slice('AmazonSSM.'.length) : '';
      let input: Record<string, unknown>;
      try {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed: unknown = raw.trim() === '' ? {} : JSON.parse(raw);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        input = parsed as Record<string, unknown>;
      } catch {
        store.recordRejected(operation);
        send(res, 400, { __type: 'SerializationException', message: 'Request body is not a JSON object' });
        return;
      }
      try {
        send(res, 200, store.handle(operation, input));
      } catch (err) {
        if (err instanceof SsmError) {
          send(res, err.status, { __type: err.type, message: err.message }, JSON_11, { 'x-amzn-ErrorType': err.type });
        } else {
          send(res, 500, { __type: 'InternalServerError', message: String((err as Error)?.message ?? err) });
        }
      }
    });
  });
}

function handleControl(store: SsmStore, method: string, url: string, res: http.ServerResponse): void {
  if (url === '/__stats' && method === 'GET') return send(res, 200, store.stats(), 'application/json');
  if (url === '/__stats' && method === 'DELETE') {
    store.resetStats();
    return send(res, 200, store.stats(), 'application/json');
  }
  if (url === '/__reset' && method === 'POST') {
    store.reset();
    return send(res, 200, { ok: true }, 'application/json');
  }
  if (url === '/__parameters' && method === 'GET') return send(res, 200, store.dump(), 'application/json');
  if (url === '/__health') return send(res, 200, { ok: true }, 'application/json');
  send(res, 404, { message: `unknown control endpoint ${method} ${url}` }, 'application/json');
}

/** Starts the emulator (port 0 = ephemeral) on 127.0.0.1 by default. */
export async function startSsmServer(options: SsmServerOptions = {}): Promise<RunningSsmServer> {
  const store = new SsmStore(options.region);
  const server = createSsmHttpServer(store);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    endpoint: `http://${host}:${port}`,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
