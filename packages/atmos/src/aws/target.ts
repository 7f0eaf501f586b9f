/**
 * What an AWS call is aimed at, in one value: the region, the endpoints, where the first
 * credentials come from (the standard chain, a profile, or keys written in the backend) and
 * the roles assumed after it, in order. The backend and store readers build targets; the
 * credential chains and the client factory take nothing else.
 */
import { createHash } from 'node:crypto';

/** One `sts:AssumeRole` hop, with the settings terraform's `assume_role` block knows. */
export interface RoleHop {
  roleArn: string;
  sessionName: string;
  externalId?: string;
  durationSeconds?: number;
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
  policy?: string;
  policyArns?: string[];
  sourceIdentity?: string;
  /** The setting a user edits to change this hop, e.g. `terraform.backend.s3.assume_role.role_arn`. */
  setting: string;
}

export type AwsService = 's3' | 'ssm' | 'sts' | 'dynamodb' | 'kms';

export interface StaticKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsTarget {
  region: string;
  /** Endpoint overrides; absent services use AWS's own endpoint for the region. */
  endpoints: Partial<Record<AwsService, string>>;
  forcePathStyle: boolean;
  /** A named profile for the first hop instead of the whole standard chain. */
  profile?: string;
  /** Where the profile is set, for messages (`terraform.backend.s3.profile`, the component's env). */
  profileSetting?: string;
  sharedConfigFile?: string;
  sharedCredentialsFile?: string;
  /** Keys written into the settings themselves (the backend's access_key/secret_key/token). */
  staticKeys?: StaticKeys;
  roles: RoleHop[];
  /** What these settings belong to, for messages: "the s3 backend of 'vpc' in stack 'dev-use1'". */
  owner: string;
  /** The file a user edits to change them (a stack manifest, atmos.yaml). */
  file?: string;
  /** The settings' path in that file, e.g. `terraform.backend.s3` or `stores.platform.options` ('' when there are none). */
  settingPrefix: string;
  /** The setting that names the role to use, e.g. `terraform.backend.s3.assume_role.role_arn`; absent when there is none. */
  roleSetting?: string;
}

/** The account an IAM role ARN belongs to (`arn:aws:iam::111111111111:role/x`). */
export function accountOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
}

/**
 * Identifies the credentials of a target (first hop and the roles up to `hops`), so two targets
 * with the same chain share one cache entry. Keys are hashed: the key is an identifier, never a
 * place where a secret could be printed from.
 */
export function chainKey(target: AwsTarget, hops = target.roles.length): string {
  return createHash('sha256').update(JSON.stringify({
    profile: target.profile ?? null,
    config: target.sharedConfigFile ?? null,
    credentials: target.sharedCredentialsFile ?? null,
    keys: target.staticKeys ?? null,
    sts: target.endpoints.sts ?? null,
    region: target.region,
    roles: target.roles.slice(0, hops).map((hop) => ({ ...hop, setting: undefined })),
  })).digest('hex');
}

/** How the credentials are obtained, in words, never with a key: "role X (account N), via the default credential chain". */
export function describeIdentity(target: AwsTarget, env: Record<string, string | undefined>, hops = target.roles.length, firstHopAccount?: string): string {
  const first = describeFirstHop(target, env) + (firstHopAccount ? ` in account ${firstHopAccount}` : '');
  if (hops === 0) return first;
  const roles = target.roles.slice(0, hops).map((hop) => describeRole(hop.roleArn));
  return `${roles.join(', then ')}, assumed with ${first}`;
}

export function describeRole(roleArn: string): string {
  const account = accountOfArn(roleArn);
  return `role ${roleArn}${account ? ` (account ${account})` : ''}`;
}

export function describeFirstHop(target: AwsTarget, env: Record<string, string | undefined>): string {
  if (target.staticKeys) return `the access_key written in ${target.settingPrefix}`;
  if (target.profile) return `profile ${target.profile}${target.profileSetting ? ` (${target.profileSetting})` : ''}`;
  return `the default credential chain${defaultChainSource(env)}`;
}

/** Which link of the standard chain will answer, as far as the environment tells. */
function defaultChainSource(env: Record<string, string | undefined>): string {
  if (env.AWS_ACCESS_KEY_ID) return ' (AWS_ACCESS_KEY_ID from the environment)';
  if (env.AWS_PROFILE) return ` (AWS_PROFILE=${env.AWS_PROFILE})`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return ' (web identity token)';
  return '';
}

/** Where a service's requests go, in words. */
export function describeEndpoint(target: AwsTarget, service: AwsService): string {
  const endpoint = target.endpoints[service];
  return endpoint ? `endpoint ${endpoint}` : `AWS's ${service} endpoint in ${target.region}`;
}
