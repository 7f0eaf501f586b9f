/**
 * The AWS target of an s3 backend, read the way terraform 1.11 reads its `backend "s3"` block:
 * `region`, `profile`, `shared_config_files` / `shared_credentials_files`, `access_key` /
 * `secret_key` / `token`, `endpoints.{s3,sts,dynamodb}` (and the older `endpoint`,
 * `sts_endpoint`, `dynamodb_endpoint`), `use_path_style` (`force_path_style`), and the
 * `assume_role` block. The pre-1.6 top-level `role_arn` / `external_id` / `session_name` /
 * `assume_role_*` keys are honoured as Atmos honours them for its own reads (terraform 1.11
 * itself rejects them: the README says to move them into `assume_role`).
 */
import { AtmosUserError } from '../errors/user-error';
import { YamlFunction, isPlainMap, type PlainMap } from '../stacks/values';
import type { AwsTarget, RoleHop, StaticKeys } from './target';

/** The session name terraform's settings leave empty: recognisable in CloudTrail. */
export const DEFAULT_SESSION_NAME = 'atmos-nx';

export interface BackendOwner {
  /** "the s3 backend of 'vpc' in stack 'dev-use1'" */
  owner: string;
  /** The stack manifest the instance comes from. */
  file?: string;
}

/**
 * The AWS variables of a component's `env:` section that terraform sees when it runs for that
 * component, so the plugin's own reads of its state use them too (as Atmos does for
 * `!terraform.state`): another profile, region, config files or endpoints per component.
 */
export const COMPONENT_ENV_KEYS = ['AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_STS'] as const;

export function backendTarget(config: PlainMap, owner: BackendOwner, processEnv: Record<string, string | undefined>, componentEnv: PlainMap = {}): AwsTarget {
  const overlay: Record<string, string> = {};
  for (const key of COMPONENT_ENV_KEYS) {
    const value = componentEnv[key];
    if (typeof value === 'string' && value !== '') overlay[key] = value;
  }
  // As in the standard chain, keys in the environment win over a profile named in the environment.
  if (overlay.AWS_PROFILE !== undefined && processEnv.AWS_ACCESS_KEY_ID) delete overlay.AWS_PROFILE;
  const env = { ...processEnv, ...overlay };
  const read = new SettingsReader(config, 'terraform.backend.s3', owner);
  const endpoints = read.map('endpoints');
  const endpointsReader = new SettingsReader(endpoints, 'terraform.backend.s3.endpoints', owner);
  const target: AwsTarget = {
    region: read.string('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoints: {
      s3: endpointsReader.string('s3') ?? read.string('endpoint') ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
      sts: endpointsReader.string('sts') ?? read.string('sts_endpoint') ?? env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL,
      dynamodb: endpointsReader.string('dynamodb') ?? read.string('dynamodb_endpoint') ?? env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL,
      // terraform's s3 backend has no KMS endpoint setting: only the bootstrap calls KMS.
      kms: env.AWS_ENDPOINT_URL_KMS ?? env.AWS_ENDPOINT_URL,
    },
    forcePathStyle: read.boolean('use_path_style') ?? read.boolean('force_path_style') ?? false,
    profile: read.string('profile') ?? overlay.AWS_PROFILE,
    profileSetting: read.string('profile') !== undefined ? 'terraform.backend.s3.profile' : overlay.AWS_PROFILE !== undefined ? 'env.AWS_PROFILE of the component' : undefined,
    sharedConfigFile: read.singleFile('shared_config_files') ?? overlay.AWS_CONFIG_FILE,
    sharedCredentialsFile: read.singleFile('shared_credentials_files') ?? overlay.AWS_SHARED_CREDENTIALS_FILE,
    staticKeys: staticKeys(read),
    roles: [],
    owner: owner.owner,
    file: owner.file,
    settingPrefix: 'terraform.backend.s3',
    roleSetting: 'terraform.backend.s3.assume_role.role_arn',
  };
  if (config.assume_role_with_web_identity !== undefined) {
    throw read.error('assume_role_with_web_identity',
      'is not supported for the plugin\'s own reads (state, destroy checks): they would run with another identity than terraform',
      'use assume_role (with the web identity in the standard chain: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)');
  }
  const block = config.assume_role;
  if (block !== undefined && block !== null) {
    if (!isPlainMap(block)) throw read.error('assume_role', 'must be a map (role_arn, external_id, session_name, duration, tags, ...)');
    const hop = roleFromBlock(new SettingsReader(block, 'terraform.backend.s3.assume_role', owner));
    if (hop) target.roles.push(hop);
  }
  if (target.roles.length === 0) {
    const legacy = legacyRole(read);
    if (legacy) target.roles.push(legacy);
  }
  return target;
}

function staticKeys(read: SettingsReader): StaticKeys | undefined {
  const accessKeyId = read.string('access_key');
  const secretAccessKey = read.string('secret_key');
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw read.error(accessKeyId === undefined ? 'access_key' : 'secret_key', 'is needed with the other one (access_key and secret_key go together)');
  }
  return { accessKeyId, secretAccessKey, sessionToken: read.string('token') };
}

function roleFromBlock(read: SettingsReader): RoleHop | undefined {
  const roleArn = read.string('role_arn');
  if (roleArn === undefined) {
    if (Object.keys(read.values).length === 0) return undefined;
    throw read.error('role_arn', 'is required in an assume_role block');
  }
  return {
    roleArn: arn(read, 'role_arn', roleArn),
    sessionName: sessionName(read, 'session_name'),
    externalId: read.string('external_id'),
    durationSeconds: read.duration('duration'),
    tags: read.stringMap('tags'),
    transitiveTagKeys: read.stringList('transitive_tag_keys'),
    policy: read.string('policy'),
    policyArns: read.stringList('policy_arns'),
    sourceIdentity: read.string('source_identity'),
    setting: `${read.prefix}.role_arn`,
  };
}

function legacyRole(read: SettingsReader): RoleHop | undefined {
  const roleArn = read.string('role_arn');
  if (roleArn === undefined) return undefined;
  const seconds = read.number('assume_role_duration_seconds');
  return {
    roleArn: arn(read, 'role_arn', roleArn),
    sessionName: sessionName(read, 'session_name'),
    externalId: read.string('external_id'),
    durationSeconds: seconds === undefined ? undefined : checkDuration(read, 'assume_role_duration_seconds', seconds),
    tags: read.stringMap('assume_role_tags'),
    transitiveTagKeys: read.stringList('assume_role_transitive_tag_keys'),
    policy: read.string('assume_role_policy'),
    policyArns: read.stringList('assume_role_policy_arns'),
    setting: `${read.prefix}.role_arn`,
  };
}

function arn(read: SettingsReader, key: string, value: string): string {
  if (!/^arn:[^:]+:iam::\d{12}:role\/.+$/.test(value)) {
    throw read.error(key, `must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), not ${JSON.stringify(value)}`);
  }
  return value;
}

function sessionName(read: SettingsReader, key: string): string {
  const value = read.string(key) ?? DEFAULT_SESSION_NAME;
  // STS's own rule for RoleSessionName.
  if (!/^[\w+=,.@-]{2,64}$/.test(value)) throw read.error(key, `must be 2-64 letters, digits or +=,.@-_ (STS's rule), not ${JSON.stringify(value)}`);
  return value;
}

/** STS allows 15 minutes to 12 hours (the role's maximum may be lower). */
function checkDuration(read: SettingsReader, key: string, seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43200) throw read.error(key, `must be between 15 minutes and 12 hours (900-43200 s), not ${seconds} s`);
  return seconds;
}

/** A Go duration as terraform writes it: "1h", "15m", "1h30m", "900s". */
export function parseGoDuration(text: string): number | undefined {
  const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(text.trim());
  if (!match || text.trim() === '' || match.slice(1).every((part) => part === undefined)) return undefined;
  const [hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return Math.round(hours * 3600 + minutes * 60 + seconds);
}

/** Typed reads of one settings map; a wrong type is an error naming the setting and the manifest. */
class SettingsReader {
  constructor(readonly values: PlainMap, readonly prefix: string, private readonly owner: BackendOwner) {}

  string(key: string): string | undefined {
    const value = this.values[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw this.error(key, `must be a string, not ${describe(value)}`);
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.values[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw this.error(key, `must be true or false, not ${describe(value)}`);
  }

  number(key: string): number | undefined {
    const value = this.values[key];
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number') throw this.error(key, `must be a number, not ${describe(value)}`);
    return number;
  }

  duration(key: string): number | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const seconds = parseGoDuration(text);
    if (seconds === undefined) throw this.error(key, `must be a duration such as "1h" or "15m", not ${JSON.stringify(text)}`);
    return checkDuration(this, key, seconds);
  }

  map(key: string): PlainMap {
    const value = this.values[key];
    if (value === undefined || value === null) return {};
    if (!isPlainMap(value)) throw this.error(key, `must be a map, not ${describe(value)}`);
    return value;
  }

  stringMap(key: string): Record<string, string> | undefined {
    const map = this.values[key] === undefined || this.values[key] === null ? undefined : this.map(key);
    if (!map) return undefined;
    const result: Record<string, string> = {};
    for (const [name, value] of Object.entries(map)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw this.error(`${key}.${name}`, `must be a string, not ${describe(value)}`);
      result[name] = String(value);
    }
    return result;
  }

  stringList(key: string): string[] | undefined {
    const value = this.values[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw this.error(key, `must be a list of strings, not ${describe(value)}`);
    return value as string[];
  }

  /** The SDK reads one shared config and one credentials file; more than one would be read partly. */
  singleFile(key: string): string | undefined {
    const files = this.stringList(key);
    if (!files || files.length === 0) return undefined;
    if (files.length > 1) throw this.error(key, `lists ${files.length} files; the plugin's own AWS calls read one`, 'merge them into one file, or keep only the one holding the profile');
    return files[0].replace(/^~(?=\/)/, process.env.HOME ?? '~');
  }

  error(key: string, problem: string, hint?: string): AtmosUserError {
    return new AtmosUserError('CONFIG_INVALID', `${this.prefix}.${key} of ${this.owner.owner} ${problem}`, this.owner.file ? { file: this.owner.file } : undefined,
      hint ?? `fix ${this.prefix}.${key} in the stack manifest (or the catalog file it imports)`);
  }
}

function describe(value: unknown): string {
  if (value instanceof YamlFunction) return `the YAML function ${value.toString()} (functions are not evaluated in backend and store settings)`;
  if (Array.isArray(value)) return 'a list';
  if (isPlainMap(value)) return 'a map';
  return JSON.stringify(value);
}

export { SettingsReader };
