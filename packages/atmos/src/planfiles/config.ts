/**
 * `components.terraform.planfiles` of atmos.yaml, in Atmos v1.226.1's shape (pkg/schema
 * PlanfilesConfig): `default` / `priority` pick one of the named `stores` (`type` + `options`),
 * `key_pattern`, `verify: fail|warn|off` and `required`. Two differences, both because a plan
 * file holds every variable value, secrets included:
 *
 * - `encryption` (ours; Atmos stores bundles as they are): `kms_key_id` (a KMS key: one data key
 *   per bundle from GenerateDataKey) or `key_env` (the name of an environment variable holding a
 *   32-byte key, base64 or hex: for tests and for CI systems with their own secret store). A store
 *   without either is refused: we never upload a plan in clear.
 * - `key_pattern` names `{{ .Fingerprint }}` (the hash of the instance's inputs) where Atmos's
 *   default names `{{ .SHA }}` (the git commit): a merge that changes nothing for an instance then
 *   keeps its plan valid. `{{ .SHA }}` is refused for that reason.
 *
 * Store types: `aws/s3` (bucket defaulting to the instance's own s3 backend bucket, region to the
 * backend's) and `local/dir` (a folder, `.atmos/plans` by default: one machine, or a shared mount).
 */
import { AtmosUserError } from '../errors/user-error';
import type { AtmosConfig } from '../config/types';
import { isPlainMap, type PlainMap } from '../stacks/values';

export type VerifyMode = 'fail' | 'warn' | 'off';

export interface S3StoreSettings {
  type: 'aws/s3';
  name: string;
  /** Absent: the instance's s3 backend bucket. */
  bucket?: string;
  prefix: string;
  region?: string;
}

export interface LocalStoreSettings {
  type: 'local/dir';
  name: string;
  /** Absolute. */
  path: string;
}

export type StoreSettings = S3StoreSettings | LocalStoreSettings;

export type EncryptionSettings = { kind: 'kms'; keyId: string; region?: string } | { kind: 'env'; variable: string };

export interface PlanfilesSettings {
  store: StoreSettings;
  encryption: EncryptionSettings;
  /** With `{{ .Stack }}`, `{{ .Component }}` and `{{ .Fingerprint }}` (in its last segment). */
  keyPattern: string;
  /** As written; `undefined` = unset (see `effectiveVerify`). */
  verify?: VerifyMode;
  required?: boolean;
  /** atmos.yaml, for messages. */
  file?: string;
}

export const DEFAULT_KEY_PATTERN = '{{ .Stack }}/{{ .Component }}/{{ .Fingerprint }}.tfplan.bundle';
export const DEFAULT_S3_PREFIX = 'planfiles/';
export const DEFAULT_LOCAL_PATH = '.atmos/plans';
const SETTING = 'components.terraform.planfiles';
const VERIFY_MODES: VerifyMode[] = ['fail', 'warn', 'off'];

/** The planfile storage of this atmos.yaml, or undefined when none is configured (stored plans are then off). */
export function planfilesSettings(config: AtmosConfig): PlanfilesSettings | undefined {
  const terraform = child(child(config.raw, 'components'), 'terraform');
  const raw = terraform?.planfiles;
  if (raw === undefined || raw === null) return undefined;
  const file = config.configFile;
  const fail = (message: string, hint: string) => new AtmosUserError('CONFIG_INVALID', `${SETTING}${message}`, file ? { file } : undefined, hint);
  if (!isPlainMap(raw)) throw fail(' must be a map (stores, default, verify, encryption)', 'see "Stored plans" in the README');
  const stores = raw.stores;
  if (stores === undefined || stores === null || (isPlainMap(stores) && Object.keys(stores).length === 0)) return undefined;
  if (!isPlainMap(stores)) throw fail('.stores must be a map of store names to { type, options }', 'e.g. stores: { s3: { type: aws/s3 } }');

  const name = chooseStore(raw, stores, fail);
  const spec = stores[name];
  if (!isPlainMap(spec) || typeof spec.type !== 'string') throw fail(`.stores.${name} needs a type (aws/s3 or local/dir)`, 'e.g. type: aws/s3');
  const options = spec.options === undefined || spec.options === null ? {} : spec.options;
  if (!isPlainMap(options)) throw fail(`.stores.${name}.options must be a map`, 'e.g. options: { bucket: my-planfiles, prefix: planfiles/ }');
  const text = (key: string): string | undefined => {
    const value = options[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw fail(`.stores.${name}.options.${key} must be a string`, 'fix atmos.yaml');
    return value;
  };
  let store: StoreSettings;
  if (spec.type === 'aws/s3') {
    const prefix = text('prefix') ?? DEFAULT_S3_PREFIX;
    store = { type: 'aws/s3', name, bucket: text('bucket'), prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`, region: text('region') };
  } else if (spec.type === 'local/dir') {
    const path = text('path') ?? DEFAULT_LOCAL_PATH;
    store = { type: 'local/dir', name, path: path.startsWith('/') ? path : `${config.basePath}/${path}` };
  } else {
    throw fail(`.stores.${name}.type "${spec.type}" is not supported by @org/atmos`,
      'use aws/s3 (the bucket defaults to the instance\'s state bucket) or local/dir; github/artifacts is not implemented here');
  }

  return {
    store,
    encryption: encryption(raw.encryption, fail),
    keyPattern: keyPattern(raw.key_pattern, fail),
    verify: verifyMode(raw.verify, fail),
    required: typeof raw.required === 'boolean' ? raw.required : raw.required === undefined || raw.required === null ? undefined : (() => { throw fail('.required must be true or false', 'fix atmos.yaml'); })(),
    file,
  };
}

/**
 * The verification that applies, as Atmos decides it: the flag (`--verify-plan`) beats the
 * setting, which beats the default: `fail` in CI (`CI` set to anything but false), else `off`.
 */
export function effectiveVerify(settings: PlanfilesSettings, flag: boolean | undefined, env: Record<string, string | undefined>): VerifyMode {
  if (flag === true) return 'fail';
  if (flag === false) return 'off';
  if (settings.verify) return settings.verify;
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0' ? 'fail' : 'off';
}

function chooseStore(raw: PlainMap, stores: PlainMap, fail: (message: string, hint: string) => AtmosUserError): string {
  const names = Object.keys(stores);
  if (typeof raw.default === 'string' && raw.default !== '') {
    if (!Object.hasOwn(stores, raw.default)) throw fail(`.default names the store "${raw.default}", which is not in stores (${names.join(', ')})`, 'name one of the stores');
    return raw.default;
  }
  if (Array.isArray(raw.priority) && raw.priority.length > 0) {
    const first = raw.priority.find((p): p is string => typeof p === 'string' && Object.hasOwn(stores, p));
    if (!first) throw fail(`.priority names no store of stores (${names.join(', ')})`, 'list store names');
    return first;
  }
  if (names.length > 1) throw fail(`.stores has ${names.length} stores (${names.join(', ')}) but no default`, `set ${SETTING}.default to one of them`);
  return names[0];
}

function encryption(raw: unknown, fail: (message: string, hint: string) => AtmosUserError): EncryptionSettings {
  const hint = `add ${SETTING}.encryption.kms_key_id (e.g. alias/atmos-planfiles) or encryption.key_env (an environment variable holding a 32-byte key, base64)`;
  if (!isPlainMap(raw)) throw fail(' stores plans, which hold every variable value (secrets included): it needs an encryption key', hint);
  const keyId = typeof raw.kms_key_id === 'string' && raw.kms_key_id !== '' ? raw.kms_key_id : undefined;
  const variable = typeof raw.key_env === 'string' && raw.key_env !== '' ? raw.key_env : undefined;
  if (keyId && variable) throw fail('.encryption sets both kms_key_id and key_env', 'keep one of them');
  if (keyId) return { kind: 'kms', keyId, region: typeof raw.region === 'string' && raw.region !== '' ? raw.region : undefined };
  if (variable) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw fail(`.encryption.key_env must name an environment variable, not "${variable}"`, 'e.g. key_env: ATMOS_PLANFILES_KEY');
    return { kind: 'env', variable };
  }
  throw fail('.encryption needs kms_key_id or key_env', hint);
}

function keyPattern(raw: unknown, fail: (message: string, hint: string) => AtmosUserError): string {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_KEY_PATTERN;
  if (typeof raw !== 'string') throw fail('.key_pattern must be a string', `e.g. ${DEFAULT_KEY_PATTERN}`);
  const pattern = raw.replace(/\{\{\s*\.(\w+)\s*\}\}/g, '{{ .$1 }}');
  if (pattern.includes('{{ .SHA }}')) {
    throw fail('.key_pattern uses {{ .SHA }}: a plan keyed by commit goes stale on every merge, even one that changes nothing for the instance',
      `use {{ .Fingerprint }} (the hash of the instance's inputs), e.g. ${DEFAULT_KEY_PATTERN}`);
  }
  const unknown = [...pattern.matchAll(/\{\{ \.(\w+) \}\}/g)].map((m) => m[1]).filter((name) => !['Stack', 'Component', 'Fingerprint'].includes(name));
  if (unknown.length > 0) throw fail(`.key_pattern names ${unknown.map((n) => `{{ .${n} }}`).join(', ')}`, 'only {{ .Stack }}, {{ .Component }} and {{ .Fingerprint }} are known');
  const last = pattern.split('/').pop() ?? '';
  if (!pattern.includes('{{ .Stack }}') || !pattern.includes('{{ .Component }}') || !last.includes('{{ .Fingerprint }}') || pattern.split('{{ .Fingerprint }}').length !== 2) {
    throw fail('.key_pattern must name {{ .Stack }} and {{ .Component }}, and {{ .Fingerprint }} once, in its last segment', `e.g. ${DEFAULT_KEY_PATTERN}`);
  }
  return pattern;
}

function verifyMode(raw: unknown, fail: (message: string, hint: string) => AtmosUserError): VerifyMode | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || !VERIFY_MODES.includes(raw as VerifyMode)) throw fail(`.verify must be fail, warn or off, not ${JSON.stringify(raw)}`, 'fix atmos.yaml');
  return raw as VerifyMode;
}

function child(value: unknown, key: string): PlainMap | undefined {
  if (!isPlainMap(value)) return undefined;
  const next = value[key];
  return isPlainMap(next) ? next : undefined;
}
