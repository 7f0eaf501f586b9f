/**
 * A stored plan ("bundle"): the plan file, the dependency lock file, the inputs fingerprint the
 * local apply checks, and the state serial/lineage the plan was made against, gzip-compressed and
 * encrypted with AES-256-GCM before it leaves the machine (a plan file holds every variable
 * value, sensitive ones included).
 *
 * Wire format (JSON, so `aws s3 cp` + `jq` can read the header without our code):
 *
 *     { "format": "atmos-nx-plan-bundle", "version": 1,
 *       "stack": "...", "component": "...", "fingerprint": "...", "planId": "...", "createdAt": "...",
 *       "key": { "kind": "kms", "keyId": "...", "encryptedDataKey": "<base64>" } | { "kind": "env", "variable": "..." },
 *       "iv": "<base64>", "tag": "<base64>", "ciphertext": "<base64>" }
 *
 * The header (everything but tag and ciphertext) is the GCM additional data: a bundle moved to
 * another instance's key, or with its fingerprint edited, does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { AtmosUserError } from '../errors/user-error';

export const BUNDLE_FORMAT = 'atmos-nx-plan-bundle';
export const BUNDLE_VERSION = 1;

/** The state a plan was made against (absent: the instance had no state yet). */
export interface StateVersion {
  serial: number;
  lineage: string;
}

export interface PlanContent {
  /** The binary plan file terraform wrote. */
  planfile: Buffer;
  /** `.terraform.lock.hcl` of the workdir at plan time (absent when the configuration has no providers to lock). */
  lockfile?: string;
  fingerprint: string;
  state?: StateVersion;
  /** The backend's state cannot be read without terraform (not s3 or local): no serial/lineage check; terraform's own stale-plan check remains. */
  stateUnknown?: boolean;
  /** What the plan does, in addresses and actions (no values). */
  summary: unknown;
}

export type KeyReference = { kind: 'kms'; keyId: string; encryptedDataKey: string } | { kind: 'env'; variable: string };

export interface BundleHeader {
  format: typeof BUNDLE_FORMAT;
  version: number;
  stack: string;
  component: string;
  fingerprint: string;
  /** Unique per plan: what "already applied" compares. */
  planId: string;
  createdAt: string;
  key: KeyReference;
  iv: string;
}

/** Where a bundle's data key comes from and goes to. */
export interface DataKeys {
  /** A fresh 32-byte key and how to find it again (stored in the header). */
  newKey(context: Record<string, string>): Promise<{ key: Buffer; reference: KeyReference }>;
  /** The key of an existing bundle. */
  openKey(reference: KeyReference, context: Record<string, string>): Promise<Buffer>;
}

interface Payload {
  planfile: string;
  lockfile?: string;
  fingerprint: string;
  state?: StateVersion;
  stateUnknown?: boolean;
  summary: unknown;
}

export async function sealBundle(instance: { stack: string; component: string }, content: PlanContent, keys: DataKeys, now = new Date()): Promise<{ bytes: Buffer; header: BundleHeader }> {
  const context = keyContext(instance.stack, instance.component);
  const { key, reference } = await keys.newKey(context);
  const header: BundleHeader = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    stack: instance.stack,
    component: instance.component,
    fingerprint: content.fingerprint,
    planId: randomUUID(),
    createdAt: now.toISOString(),
    key: reference,
    iv: randomBytes(12).toString('base64'),
  };
  const payload: Payload = {
    planfile: content.planfile.toString('base64'),
    ...(content.lockfile !== undefined ? { lockfile: content.lockfile } : {}),
    fingerprint: content.fingerprint,
    ...(content.state ? { state: content.state } : {}),
    ...(content.stateUnknown ? { stateUnknown: true } : {}),
    summary: content.summary,
  };
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(header.iv, 'base64'));
  cipher.setAAD(Buffer.from(JSON.stringify(header)));
  const ciphertext = Buffer.concat([cipher.update(gzipSync(JSON.stringify(payload))), cipher.final()]);
  const tag = cipher.getAuthTag();
  key.fill(0);
  const document = { ...header, tag: tag.toString('base64'), ciphertext: ciphertext.toString('base64') };
  return { bytes: Buffer.from(JSON.stringify(document)), header };
}

/** The header alone (no key needed): who the bundle is for and which plan it is. */
export function readBundleHeader(bytes: Buffer, where: string): BundleHeader & { tag: string; ciphertext: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw corrupt(where, 'is not a plan bundle (not JSON)');
  }
  const doc = parsed as Partial<BundleHeader & { tag: string; ciphertext: string }>;
  if (doc === null || typeof doc !== 'object' || doc.format !== BUNDLE_FORMAT) throw corrupt(where, 'is not a plan bundle');
  if (doc.version !== BUNDLE_VERSION) throw corrupt(where, `has bundle version ${String(doc.version)}; this @org/atmos reads version ${BUNDLE_VERSION}`);
  for (const field of ['stack', 'component', 'fingerprint', 'planId', 'createdAt', 'iv', 'tag', 'ciphertext'] as const) {
    if (typeof doc[field] !== 'string') throw corrupt(where, `has no ${field}`);
  }
  if (!doc.key || (doc.key.kind !== 'kms' && doc.key.kind !== 'env')) throw corrupt(where, 'names no key');
  return doc as BundleHeader & { tag: string; ciphertext: string };
}

export async function openBundle(bytes: Buffer, keys: DataKeys, where: string): Promise<{ header: BundleHeader; content: PlanContent }> {
  const { tag, ciphertext, ...header } = readBundleHeader(bytes, where);
  // The AAD is the header exactly as sealed: same fields, same order.
  const aad: BundleHeader = {
    format: header.format, version: header.version, stack: header.stack, component: header.component, fingerprint: header.fingerprint,
    planId: header.planId, createdAt: header.createdAt, key: header.key, iv: header.iv,
  };
  const key = await keys.openKey(header.key, keyContext(header.stack, header.component));
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(header.iv, 'base64'));
    decipher.setAAD(Buffer.from(JSON.stringify(aad)));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
  } catch {
    throw new AtmosUserError('USAGE', `the stored plan ${where} does not decrypt: it was sealed with another key, or it was altered`, undefined,
      header.key.kind === 'env' ? `set ${header.key.variable} to the key the plan job used, or plan again` : 'plan again (the KMS key answered, but the bundle does not match it)');
  } finally {
    key.fill(0);
  }
  const payload = JSON.parse(gunzipSync(plain).toString('utf8')) as Payload;
  return {
    header: aad,
    content: {
      planfile: Buffer.from(payload.planfile, 'base64'),
      lockfile: payload.lockfile,
      fingerprint: payload.fingerprint,
      state: payload.state,
      stateUnknown: payload.stateUnknown,
      summary: payload.summary,
    },
  };
}

/** KMS encryption context: a data key made for one instance opens no other instance's bundle. */
function keyContext(stack: string, component: string): Record<string, string> {
  return { 'atmos:stack': stack, 'atmos:component': component, 'atmos:purpose': 'plan-bundle' };
}

function corrupt(where: string, problem: string): AtmosUserError {
  return new AtmosUserError('USAGE', `the stored plan ${where} ${problem}`, undefined, 'delete it and plan again');
}
