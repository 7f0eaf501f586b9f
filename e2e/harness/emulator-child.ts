/**
 * Child-process entry for one emulator. Started by `emulators.ts` as
 *   node -r ./ts-register.js ./emulator-child.ts <s3|dynamodb|ssm|sts> '<json options>'
 * with an IPC channel. It listens on 127.0.0.1 with an ephemeral port and
 * reports `{ type: 'ready', kind, port }` over IPC (and as a
 * `HARNESS_EMULATOR_READY {...}` line on stdout for non-IPC callers).
 *
 * It exits on SIGTERM/SIGINT, when the IPC channel disconnects (its parent
 * died or let go of it) and when the parent PID stops existing, so a crashed
 * test run leaves nothing behind.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { startSsmServer } from './ssm-server';
import { startStsServer, type StsRole } from './sts-server';

type Kind = 's3' | 'dynamodb' | 'ssm' | 'sts';

interface ChildOptions {
  /** s3: data directory (created by the parent, removed by the parent). */
  directory?: string;
  region?: string;
  /** s3: the only access keys s3rver accepts (default: its built-in S3RVER/S3RVER). */
  accessKeys?: Array<{ accessKeyId: string; secretAccessKey: string }>;
  /** sts: roles by ARN. */
  roles?: Record<string, StsRole>;
}

const HOST = '127.0.0.1';

async function startS3(opts: ChildOptions): Promise<{ port: number; close(): Promise<void> }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver');
  if (!opts.directory) throw new Error('s3 emulator needs options.directory');
  if (opts.accessKeys) {
    // s3rver keeps its accounts in a process-wide registry: replace the built-in key with these.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const account = require('s3rver/lib/models/account');
    account.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
    for (const key of opts.accessKeys) account.DUMMY_ACCOUNT.createKeyPair(key.accessKeyId, key.secretAccessKey);
  }
  const instance = new S3rver({
    silent: true,
    directory: opts.directory,
    // s3rver never verifies SigV4 signatures; this also tolerates V2-signed
    // requests with access keys other than S3RVER.
    allowMismatchedSignatures: true,
    vhostBuckets: false,
  });
  const s3rverHandler = instance.callback() as http.RequestListener;
  let port = 0;
  const server = http.createServer((req, res) => {
    if (isAwsChunked(req)) forwardDecoded(req, res, port);
    else s3rverHandler(req, res);
  });
  await listen(server);
  port = (server.address() as AddressInfo).port;
  return { port, close: () => closeServer(server) };
}

/**
 * s3rver predates `Content-Encoding: aws-chunked` uploads (streaming SigV4 and
 * the SDKs' default trailing CRC32 checksums) and would store the framing
 * verbatim. Such requests are de-chunked here and replayed, over loopback, to
 * this same server as a plain request.
 */
function isAwsChunked(req: http.IncomingMessage): boolean {
  const encoding = String(req.headers['content-encoding'] ?? '');
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  return encoding.split(',').some((e) => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-');
}

function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0) throw new Error('malformed aws-chunked body: missing chunk header');
    const size = parseInt(body.subarray(pos, eol).toString('latin1').split(';')[0].trim(), 16);
    if (!Number.isFinite(size) || size < 0) throw new Error('malformed aws-chunked body: bad chunk size');
    pos = eol + 2;
    if (size === 0) return Buffer.concat(parts); // trailers (checksums) follow; ignored
    parts.push(body.subarray(pos, pos + size));
    pos += size + 2; // data + CRLF
  }
}

function forwardDecoded(req: http.IncomingMessage, res: http.ServerResponse, port: number): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let decoded: Buffer;
    try {
      decoded = decodeAwsChunked(Buffer.concat(chunks));
    } catch (err) {
      res.writeHead(400, { 'Content-Type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidRequest</Code><Message>${(err as Error).message}</Message></Error>`);
      return;
    }
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    for (const h of ['transfer-encoding', 'x-amz-decoded-content-length', 'x-amz-trailer', 'content-length']) delete headers[h];
    const encoding = String(req.headers['content-encoding'] ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e && e !== 'aws-chunked');
    if (encoding.length > 0) headers['content-encoding'] = encoding.join(', ');
    else delete headers['content-encoding'];
    process.stdout.write(`[s3] de-chunked aws-chunked ${req.method} ${req.url} (${decoded.length} bytes)\n`);
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    headers['content-length'] = decoded.length;
    const upstream = http.request({ host: HOST, port, method: req.method, path: req.url, headers }, (up) => {
      res.writeHead(up.statusCode ?? 500, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (err) => {
      res.writeHead(502);
      res.end(String(err));
    });
    upstream.end(decoded);
  });
}

function listen(server: http.Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

async function startDynamo(): Promise<{ port: number; close(): Promise<void> }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite');
  const server: http.Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await listen(server);
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server) };
}

async function startSsm(opts: ChildOptions): Promise<{ port: number; close(): Promise<void> }> {
  const running = await startSsmServer({ host: HOST, port: 0, region: opts.region });
  return { port: running.port, close: running.close };
}

async function startSts(opts: ChildOptions): Promise<{ port: number; close(): Promise<void> }> {
  const running = await startStsServer({ host: HOST, port: 0, roles: opts.roles });
  return { port: running.port, close: running.close };
}

async function main(): Promise<void> {
  const kind = process.argv[2] as Kind;
  const opts = JSON.parse(process.argv[3] ?? '{}') as ChildOptions;
  const starters: Record<Kind, (o: ChildOptions) => Promise<{ port: number; close(): Promise<void> }>> = {
    s3: startS3,
    dynamodb: startDynamo,
    ssm: startSsm,
    sts: startSts,
  };
  const start = starters[kind];
  if (!start) throw new Error(`unknown emulator kind ${JSON.stringify(kind)}`);

  const running = await start(opts);

  let stopping = false;
  const shutdown = (code: number) => {
    if (stopping) return;
    stopping = true;
    if (opts.directory) {
      try {
        fs.rmSync(opts.directory, { recursive: true, force: true });
      } catch {
        /* the parent removes it too */
      }
    }
    // Never hang on shutdown: force exit shortly after asking politely.
    setTimeout(() => process.exit(code), 1000).unref();
    running.close().then(
      () => process.exit(code),
      () => process.exit(code),
    );
  };
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(0));
  process.on('disconnect', () => shutdown(0));

  // Belt and braces for when there is no IPC channel: exit once the parent is gone.
  const parentPid = Number(process.env.HARNESS_PARENT_PID || process.ppid);
  setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      shutdown(0);
    }
  }, 500).unref();

  const ready = { type: 'ready', kind, port: running.port, pid: process.pid };
  process.stdout.write(`HARNESS_EMULATOR_READY ${JSON.stringify(ready)}\n`);
  if (process.send) process.send(ready);
}

main().catch((err) => {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`emulator child failed: ${message}\n`);
  if (process.send) process.send({ type: 'error', message });
  process.exit(1);
});
