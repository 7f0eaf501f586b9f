/**
 * A small local STS that speaks STS's query protocol (`Action=AssumeRole&Version=2011-06-15`,
 * form-encoded POST, XML answers): `AssumeRole` — enough for the AWS SDK for JavaScript
 * (`fromTemporaryCredentials`) and terraform's s3 backend (`assume_role` + `endpoints.sts`) —
 * and `GetCallerIdentity` (the plugin names the account of an identity without a role with it).
 *
 * Each role is configured with the keys its sessions get, so the S3 emulator can be told to
 * accept only those keys (the ambient keys then fail with InvalidAccessKeyId, as they would
 * against a bucket in another account). A role may require an ExternalId and may trust only
 * some callers (by access key, read from the SigV4 Authorization header): the trust policy.
 * Unknown roles are refused with AccessDenied, as STS refuses them.
 *
 * Test-only endpoints (plain HTTP):
 *   GET    /__calls -> every request received, in order (StsCall[]; `action` tells which)
 *   DELETE /__calls -> forgets them
 */
import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface StsRole {
  /** The access key every session of this role gets. */
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, AssumeRole must carry exactly this ExternalId (the trust policy's sts:ExternalId). */
  externalId?: string;
  /** Access keys that may assume the role; absent = anyone. */
  trustedAccessKeys?: string[];
}

export interface StsServerOptions {
  host?: string;
  port?: number;
  /** Roles by ARN. */
  roles?: Record<string, StsRole>;
  /** Lifetime of the credentials handed out when the request names no DurationSeconds (default 3600). */
  defaultDurationSeconds?: number;
}

/** One AssumeRole request as the server saw it. */
export interface StsCall {
  action: string;
  roleArn?: string;
  roleSessionName?: string;
  externalId?: string;
  durationSeconds?: number;
  tags: Record<string, string>;
  transitiveTagKeys: string[];
  policyArns: string[];
  policy?: string;
  sourceIdentity?: string;
  /** The access key that signed the request (from the Authorization header). */
  callerAccessKeyId?: string;
  /** "ok" or the error code answered. */
  result: string;
}

export interface RunningStsServer {
  server: http.Server;
  port: number;
  endpoint: string;
  calls: StsCall[];
  close(): Promise<void>;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

class StsError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

export function createStsHttpServer(options: StsServerOptions, calls: StsCall[]): http.Server {
  const roles = options.roles ?? {};
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/__calls') {
      if (req.method === 'DELETE') calls.length = 0;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(calls));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const params = new URLSearchParams(url.search);
      for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params.append(key, value);
      const call = readCall(params, String(req.headers.authorization ?? ''));
      try {
        let body: string;
        if (call.action === 'AssumeRole') body = assumeRole(call, roles, options.defaultDurationSeconds ?? 3600);
        else if (call.action === 'GetCallerIdentity') body = callerIdentity(call, roles);
        else throw new StsError('InvalidAction', `Could not find operation ${call.action || '(none)'} for version ${params.get('Version') ?? ''} (the local STS has AssumeRole and GetCallerIdentity)`);
        call.result = 'ok';
        calls.push(call);
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end(body);
      } catch (error) {
        const e = error instanceof StsError ? error : new StsError('InternalFailure', String(error), 500);
        call.result = e.code;
        calls.push(call);
        res.writeHead(e.status, { 'Content-Type': 'text/xml' });
        res.end(`<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${e.code}</Code><Message>${xml(e.message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`);
      }
    });
  });
}

function readCall(params: URLSearchParams, authorization: string): StsCall {
  const tags: Record<string, string> = {};
  for (let i = 1; params.has(`Tags.member.${i}.Key`); i++) tags[params.get(`Tags.member.${i}.Key`) ?? ''] = params.get(`Tags.member.${i}.Value`) ?? '';
  const list = (prefix: string) => {
    const values: string[] = [];
    for (let i = 1; params.has(`${prefix}.${i}`); i++) values.push(params.get(`${prefix}.${i}`) ?? '');
    return values;
  };
  const duration = params.get('DurationSeconds');
  return {
    action: params.get('Action') ?? '',
    roleArn: params.get('RoleArn') ?? undefined,
    roleSessionName: params.get('RoleSessionName') ?? undefined,
    externalId: params.get('ExternalId') ?? undefined,
    durationSeconds: duration === null ? undefined : Number(duration),
    tags,
    transitiveTagKeys: list('TransitiveTagKeys.member'),
    policyArns: listArns(params),
    policy: params.get('Policy') ?? undefined,
    sourceIdentity: params.get('SourceIdentity') ?? undefined,
    callerAccessKeyId: /Credential=([^/,\s]+)\//.exec(authorization)?.[1],
    result: '',
  };
}

function listArns(params: URLSearchParams): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`PolicyArns.member.${i}.arn`); i++) values.push(params.get(`PolicyArns.member.${i}.arn`) ?? '');
  return values;
}

function assumeRole(call: StsCall, roles: Record<string, StsRole>, defaultDuration: number): string {
  if (!call.roleArn) throw new StsError('ValidationError', "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!call.roleSessionName || !/^[\w+=,.@-]{2,64}$/.test(call.roleSessionName)) {
    throw new StsError('ValidationError', "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  }
  const duration = call.durationSeconds ?? defaultDuration;
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw new StsError('ValidationError', `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
  }
  const role = roles[call.roleArn];
  const denied = () => new StsError('AccessDenied', `User: arn:aws:iam::000000000000:user/caller is not authorized to perform: sts:AssumeRole on resource: ${call.roleArn}`, 403);
  if (!role) throw denied();
  if (role.trustedAccessKeys && !role.trustedAccessKeys.includes(call.callerAccessKeyId ?? '')) throw denied();
  if (role.externalId !== undefined && call.externalId !== role.externalId) throw denied();
  const [, account, name] = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(call.roleArn) ?? ['', '000000000000', 'role'];
  const expiration = new Date(Date.now() + duration * 1000).toISOString();
  const roleId = `AROA${crypto.createHash('sha1').update(call.roleArn).digest('hex').slice(0, 17).toUpperCase()}`;
  return `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult>` +
    (call.sourceIdentity ? `<SourceIdentity>${xml(call.sourceIdentity)}</SourceIdentity>` : '') +
    `<AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${xml(name)}/${xml(call.roleSessionName)}</Arn><AssumedRoleId>${roleId}:${xml(call.roleSessionName)}</AssumedRoleId></AssumedRoleUser>` +
    `<Credentials><AccessKeyId>${xml(role.accessKeyId)}</AccessKeyId><SecretAccessKey>${xml(role.secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${crypto.randomBytes(24).toString('base64')}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
    `<PackedPolicySize>${Object.keys(call.tags).length}</PackedPolicySize></AssumeRoleResult>` +
    `<ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
}

/** A role's keys are that role's session; any other key is a user of account 000000000000. */
function callerIdentity(call: StsCall, roles: Record<string, StsRole>): string {
  const role = Object.entries(roles).find(([, r]) => r.accessKeyId === call.callerAccessKeyId);
  const [, account, name] = role ? /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(role[0]) ?? [] : [];
  const arn = role ? `arn:aws:sts::${account}:assumed-role/${name}/session` : 'arn:aws:iam::000000000000:user/caller';
  return `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${xml(arn)}</Arn><UserId>AIDACALLER</UserId><Account>${account ?? '000000000000'}</Account></GetCallerIdentityResult>` +
    `<ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Starts the server in this process (unit tests); e2e specs run it as a child through `startEmulators({ sts })`. */
export async function startStsServer(options: StsServerOptions = {}): Promise<RunningStsServer> {
  const calls: StsCall[] = [];
  const server = createStsHttpServer(options, calls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
