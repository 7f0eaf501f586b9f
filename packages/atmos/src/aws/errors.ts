/**
 * AWS failures a user can cause or fix — no credentials, an unreachable endpoint, an expired
 * token, an access denial, unknown keys — turned into one line that says what was being done,
 * as whom, against which endpoint, and which setting to change. Never a key, never a stack.
 * Errors that are not AWS's answer (a bug of ours) are returned unchanged.
 */
import { AtmosUserError, type SourceLocation } from '../errors/user-error';
import { isNoCredentials, RoleHopFailure } from './credential-errors';
import { describeEndpoint, describeFirstHop, describeIdentity, describeRole, type AwsService, type AwsTarget } from './target';

export interface AwsCall {
  service: AwsService;
  /** The IAM action, e.g. `s3:GetObject`. */
  action: string;
  /** What it acts on, e.g. `s3://tfstate/plat/dev/vpc/terraform.tfstate`. */
  resource: string;
  /** What the plugin was doing, e.g. "reading the state of 'vpc' in stack 'dev-use1'". */
  purpose: string;
  target: AwsTarget;
  /** The account of the first hop's credentials, when known (`AwsClients.account`). */
  callerAccount?: string;
}

/** An AWS failure explained; `within` puts it in the words of the function or command that needed the call. */
export class AwsCallError extends AtmosUserError {
  constructor(readonly problem: string, hint: string, location?: SourceLocation, readonly kind: AwsFailureKind = 'other') {
    super('AWS_ERROR', problem, location, hint);
  }

  /** The same failure, said by what asked for it: `!terraform.state vpc vpc_id in 'eks' (stack 'dev-use1'): ...`. */
  within(context: string, location?: SourceLocation): AwsCallError {
    return new AwsCallError(`${context}: ${this.problem}`, this.hint ?? '', location ?? this.location, this.kind);
  }
}

export type AwsFailureKind = 'no-credentials' | 'unreachable' | 'expired' | 'access-denied' | 'unknown-keys' | 'other';

/** The standard chain's links, in the order the SDK tries them. */
const DEFAULT_CHAIN = 'the default credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE with ~/.aws/config and ~/.aws/credentials, SSO, web identity, container and instance metadata)';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const EXPIRED_CODES = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const DENIED_CODES = new Set(['AccessDenied', 'AccessDeniedException', 'Forbidden', 'UnauthorizedOperation', 'AuthorizationError']);
const UNKNOWN_KEY_CODES = new Set(['InvalidAccessKeyId', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'AuthFailure', 'IncompleteSignature']);

/** `error` as a user error when it is one of the situations above or any answer from AWS; otherwise `error` itself. */
export function explainAwsError(error: unknown, call: AwsCall, env: Record<string, string | undefined> = process.env): unknown {
  const { target } = call;
  const where = target.file ? { file: target.file } : undefined;
  const doing = `${call.purpose} (${call.resource} in ${target.region}, ${describeEndpoint(target, call.service)})`;
  if (error instanceof RoleHopFailure) return explainAssumeRole(error, doing, env, where, call.callerAccount);

  const identity = describeIdentity(target, env, target.roles.length, call.callerAccount);
  if (isNoCredentials(error)) {
    const tried = target.profile || target.sharedCredentialsFile || target.sharedConfigFile ? describeFirstHop(target, env) : DEFAULT_CHAIN;
    return new AwsCallError(`${doing}: no AWS credentials: tried ${tried}: ${firstLine(error)}`,
      target.profile
        ? `log in to profile ${target.profile} (aws sso login --profile ${target.profile}) or fix ${target.profileSetting ?? 'the profile setting'}; see "No AWS credentials" in the README's troubleshooting`
        : 'export AWS_PROFILE=<profile> (after aws sso login) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; see "No AWS credentials" in the README\'s troubleshooting',
      where, 'no-credentials');
  }
  const network = networkCode(error);
  if (network) {
    return new AwsCallError(`${doing}: cannot reach ${call.service} (${network})`,
      `check the network (VPN, HTTPS_PROXY) or the endpoint: ${endpointSetting(target, call.service)}AWS_ENDPOINT_URL_${call.service.toUpperCase()}`,
      where, 'unreachable');
  }
  const code = errorCode(error);
  if (code === undefined) return error;
  if (EXPIRED_CODES.has(code)) {
    return new AwsCallError(`${doing}: the credentials of ${identity} have expired (${code})`,
      target.profile ? `refresh them (aws sso login --profile ${target.profile}) and run again` : 'refresh them (aws sso login, or export a new session) and run again',
      where, 'expired');
  }
  if (DENIED_CODES.has(code) || (code === 'UnknownError' && status(error) === 403)) {
    const role = target.roles[target.roles.length - 1];
    // A KMS-encrypted state object or SecureString is denied by KMS, not by S3 or SSM.
    const kms = /\bkms\b/i.test(firstLine(error)) ? '; the value is KMS-encrypted: kms:Decrypt on its key is needed too' : '';
    return new AwsCallError(`${doing}: ${identity} is not allowed ${call.action} on ${call.resource} (${code})`,
      (role
        ? `grant ${call.action} on ${call.resource} to ${role.roleArn}, or set ${role.setting}${target.file ? ` in ${target.file}` : ''} to a role that has it`
        : target.roleSetting
          ? `set ${target.roleSetting} to a role that may ${call.action}${target.roleSetting.startsWith('terraform.backend') ? " (in the seed's layout: the backend access role)" : ''}, or use credentials that may`
          : `use credentials that may ${call.action} (AWS_PROFILE), or read it through a store with a read_role_arn (!store.get)`) + kms,
      where, 'access-denied');
  }
  if (UNKNOWN_KEY_CODES.has(code)) {
    return new AwsCallError(`${doing}: ${call.service} at ${describeEndpoint(target, call.service)} does not accept the credentials of ${identity} (${code})`,
      target.roles.length > 0
        ? 'the role\'s temporary credentials were refused: check the endpoint and the region of the role chain'
        : `these credentials belong to another account, partition or endpoint: use the right ones${target.roleSetting ? `, or set ${target.roleSetting} to the role that reaches this resource` : ''}`,
      where, 'unknown-keys');
  }
  return new AwsCallError(`${doing}: ${call.service} answered ${code}: ${firstLine(error)} (as ${identity}, ${describeEndpoint(target, call.service)})`,
    'that is AWS\'s own answer; run with --verbose to see the identity and endpoint of every AWS call', where);
}

function explainAssumeRole(failure: RoleHopFailure, doing: string, env: Record<string, string | undefined>, where?: SourceLocation, callerAccount?: string): AwsCallError {
  const { target, hop } = failure;
  const role = target.roles[hop];
  const caller = describeIdentity(target, env, hop, callerAccount);
  const sts = describeEndpoint(target, 'sts');
  const cause = failure.cause;
  const network = networkCode(cause);
  const assuming = `assuming ${describeRole(role.roleArn)}`;
  if (network) {
    return new AwsCallError(`${doing}: ${assuming}: cannot reach STS at ${sts} (${network})`,
      `check the network (VPN, HTTPS_PROXY) or the endpoint: ${endpointSetting(target, 'sts')}AWS_ENDPOINT_URL_STS`, where, 'unreachable');
  }
  const code = errorCode(cause) ?? 'error';
  if (EXPIRED_CODES.has(code)) {
    return new AwsCallError(`${doing}: ${assuming}: the credentials of ${caller} have expired (${code})`, 'refresh them (aws sso login, or export a new session) and run again', where, 'expired');
  }
  if (DENIED_CODES.has(code)) {
    return new AwsCallError(`${doing}: ${caller} is not allowed sts:AssumeRole on ${role.roleArn} (${code}, session ${role.sessionName}${role.externalId ? ', with an external_id' : ''})`,
      `allow it in the trust policy of ${role.roleArn}${role.externalId ? ' (its sts:ExternalId condition must match external_id)' : ''}, or change ${role.setting}${target.file ? ` in ${target.file}` : ''}`,
      where, 'access-denied');
  }
  if (UNKNOWN_KEY_CODES.has(code)) {
    return new AwsCallError(`${doing}: ${assuming}: STS at ${sts} does not accept the credentials of ${caller} (${code})`,
      'use valid credentials for the first hop (AWS_PROFILE, or the environment), or check the STS endpoint', where, 'unknown-keys');
  }
  return new AwsCallError(`${doing}: ${assuming} as ${caller} failed: ${code}: ${firstLine(cause)} (STS ${sts})`,
    `check ${role.setting} and the settings beside it (external_id, duration, tags)`, where);
}

/**
 * Whether naming the caller's account would help: a denial (or unknown keys) for credentials
 * whose account no setting says — the first hop, when no role (or the first role) was refused.
 */
export function wantsCallerAccount(error: unknown, target: AwsTarget): boolean {
  if (error instanceof RoleHopFailure) return error.hop === 0 && DENIED_CODES.has(errorCode(error.cause) ?? '');
  const code = errorCode(error) ?? '';
  return target.roles.length === 0 && (DENIED_CODES.has(code) || UNKNOWN_KEY_CODES.has(code));
}

/** The setting that moves a service's endpoint, with the separator before the environment variable. */
function endpointSetting(target: AwsTarget, service: AwsService): string {
  if (target.settingPrefix.startsWith('terraform.backend')) return `${target.settingPrefix}.endpoints.${service} or `;
  if (target.settingPrefix.startsWith('stores.') && service === 'ssm') return `${target.settingPrefix}.endpoint or `;
  return '';
}

/** The AWS error code of an SDK error (`name` of a ServiceException, or `Code`). */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: string; Code?: string; $metadata?: unknown; $fault?: unknown };
  if (e.$metadata === undefined && e.$fault === undefined) return undefined;
  return e.Code ?? e.name;
}

function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** A connection-level failure, also when Node wraps several attempts in an AggregateError. */
function networkCode(error: unknown): string | undefined {
  for (let e = error as { code?: string; name?: string; cause?: unknown; errors?: unknown[] } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
    // The SDK's retry layer re-wraps an error from another realm (a VM context, Jest) as text only.
    const named = /\b(E[A-Z_]{3,})\b/.exec((e as { message?: string }).message ?? '')?.[1];
    if (named && NETWORK_CODES.has(named)) return named;
    if (e.name === 'TimeoutError') return 'timed out';
    const inner = e.errors?.map(networkCode).find((code) => code !== undefined);
    if (inner) return inner;
    e = e.cause as typeof e;
  }
  return undefined;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}
