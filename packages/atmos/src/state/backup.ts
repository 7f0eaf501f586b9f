/**
 * State backups: a copy of the current state object taken before something rewrites it.
 *
 * S3: a server-side CopyObject inside the backend's bucket, next to the state, at
 *   `<state key>.backups/<UTC timestamp>-<reason>.tfstate`
 *   e.g. plat/dev/use1/vpc/dev-use1/terraform.tfstate.backups/20261202T004500123Z-apply.tfstate
 * (terraform's workspace listing only counts `<prefix>/<workspace>/<key>`, so a backup is never
 * taken for a workspace; the copy keeps the state's access rules, bucket policy and encryption).
 * Local: a 0600 copy under `.atmos/state-backups/<stack>/<component>/<UTC timestamp>-<reason>.tfstate`.
 *
 * A missing state (the first apply) is not an error: there is nothing to back up, and we say so.
 */
import { CopyObjectCommand, GetObjectCommand, type CopyObjectCommandInput, type GetObjectCommandInput } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { awsClients } from '../aws/clients';
import { explainAwsError, wantsCallerAccount } from '../aws/errors';
import { readTextOrUndefined, writeAtomically } from '../terraform/files';
import { ownedAreas } from '../terraform/owned-paths';
import { workFolderName } from '../terraform/workdir';
import { describeLocation, type LocationOwner, type S3StateLocation, type StateLocation } from './location';

/** Why a backup is taken: the operation about to change the state, or `on-demand` (the state-backup target). */
export type BackupReason = 'apply' | 'destroy' | 'import' | 'state' | 'taint' | 'untaint' | 'refresh' | 'migrate-state' | 'migrate-state-target' | 'destroy-orphan' | 'on-demand';

export interface BackupOptions {
  workspaceRoot: string;
  owner: LocationOwner;
  reason: BackupReason;
  env: Record<string, string | undefined>;
  /** The backup's timestamp (tests). */
  now?: Date;
}

export interface BackupResult {
  /** The state's location, as the user reads it (s3://bucket/key or a path). */
  state: string;
  /** Where the copy is; undefined when there was no state to copy. */
  backup?: string;
  /** The state exists but holds nothing (terraform writes an empty state when it creates a workspace). */
  empty?: boolean;
}

/** `20261202T004500123Z`: sorts by time, and has no `:` (a valid file name everywhere). */
export function backupStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

export function s3BackupKey(stateKey: string, at: Date, reason: BackupReason): string {
  return `${stateKey}.backups/${backupStamp(at)}-${reason}.tfstate`;
}

export function localBackupPath(workspaceRoot: string, owner: LocationOwner, at: Date, reason: BackupReason): string {
  return join(ownedAreas(workspaceRoot).stateBackups, workFolderName(owner.stack, owner.component), `${backupStamp(at)}-${reason}.tfstate`);
}

export async function backupState(location: StateLocation, options: BackupOptions): Promise<BackupResult> {
  const at = options.now ?? new Date();
  const state = describeLocation(location, options.workspaceRoot);
  if (location.kind === 'local') {
    const text = readTextOrUndefined(location.path);
    if (text === undefined || text.trim() === '') return { state };
    if (holdsNothing(text)) return { state, empty: true };
    const path = localBackupPath(options.workspaceRoot, options.owner, at, options.reason);
    writeAtomically(path, text, ownedAreas(options.workspaceRoot).stateBackups, 0o600);
    return { state, backup: describeLocation({ kind: 'local', path, workspace: location.workspace }, options.workspaceRoot) };
  }
  const current = await readS3Object(location, options);
  if (current === undefined) return { state };
  if (holdsNothing(current)) return { state, empty: true };
  const key = s3BackupKey(location.key, at, options.reason);
  const copied = await copyS3Object(location, key, options);
  return copied ? { state, backup: `s3://${location.bucket}/${key}` } : { state };
}

/** A state without resources or outputs: nothing a backup could save. Unreadable text is kept (copied). */
function holdsNothing(text: string): boolean {
  try {
    const state = JSON.parse(text) as { resources?: unknown[]; outputs?: Record<string, unknown> };
    return (state.resources ?? []).length === 0 && Object.keys(state.outputs ?? {}).length === 0;
  } catch {
    return false;
  }
}

/** One line for the run's output: what was copied where, or that there was nothing to copy. */
export function describeBackup(result: BackupResult, what: string): string {
  if (result.backup) return `state backup (${what}): ${result.state} -> ${result.backup}`;
  return result.empty
    ? `state backup (${what}): the state at ${result.state} holds no resources yet, nothing to back up`
    : `state backup (${what}): no state at ${result.state} yet, nothing to back up`;
}

/** The state's text, or undefined when the object (or its bucket) does not exist yet. */
async function readS3Object(location: S3StateLocation, options: BackupOptions): Promise<string | undefined> {
  try {
    return await readS3Text(location, options.env);
  } catch (error) {
    throw await explained(error, location, options, 's3:GetObject', `s3://${location.bucket}/${location.key}`);
  }
}

/** The text of a state object; undefined when it (or its bucket) does not exist. AWS errors are thrown as the SDK gives them. */
export async function readS3Text(location: S3StateLocation, env: Record<string, string | undefined>): Promise<string | undefined> {
  try {
    const response = await (await awsClients(env).s3(location.target)).send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key, ...customerKeyOf(location.config) }));
    return (await response.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchBucket';
}

function explained(error: unknown, location: S3StateLocation, options: BackupOptions, action: string, resource: string): Promise<unknown> {
  const purpose = `backing up the state of '${options.owner.component}' in stack '${options.owner.stack}' (${options.reason === 'on-demand' ? 'on demand' : `before ${options.reason}`})`;
  return explainS3Failure(error, location, options.env, action, resource, purpose);
}

/** An S3 failure on a state object in one line: what was being done, on which object, as whom. */
export async function explainS3Failure(error: unknown, location: S3StateLocation, env: Record<string, string | undefined>, action: string, resource: string, purpose: string): Promise<unknown> {
  const { target } = location;
  const callerAccount = wantsCallerAccount(error, target) ? await awsClients(env).account(target, 0) : undefined;
  return explainAwsError(error, { callerAccount, service: 's3', action, resource, purpose, target }, env);
}

/** False when the state object does not exist (or its bucket does not yet). */
async function copyS3Object(location: S3StateLocation, key: string, options: BackupOptions): Promise<boolean> {
  const { bucket, config } = location;
  const input: CopyObjectCommandInput = {
    Bucket: bucket,
    Key: key,
    // CopySource is a URL path: each key segment encoded, the slashes kept.
    CopySource: `${bucket}/${location.key.split('/').map(encodeURIComponent).join('/')}`,
    // The copy is encrypted as terraform writes the state itself (CopyObject does not carry SSE-KMS over).
    ...encryptionOf(config),
  };
  try {
    await (await awsClients(options.env).s3(location.target)).send(new CopyObjectCommand(input));
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw await explained(error, location, options, 's3:GetObject and s3:PutObject', `s3://${bucket}/${location.key} -> s3://${bucket}/${key}`);
  }
}

/** SSE-C: the state can only be read with its key. */
function customerKeyOf(config: Record<string, unknown>): Partial<GetObjectCommandInput> {
  const customerKey = typeof config.sse_customer_key === 'string' && config.sse_customer_key !== '' ? config.sse_customer_key : undefined;
  return customerKey ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey } : {};
}

function encryptionOf(config: Record<string, unknown>): Partial<CopyObjectCommandInput> {
  const kmsKey = typeof config.kms_key_id === 'string' && config.kms_key_id !== '' ? config.kms_key_id : undefined;
  const customerKey = typeof config.sse_customer_key === 'string' && config.sse_customer_key !== '' ? config.sse_customer_key : undefined;
  if (customerKey) {
    // SSE-C: the source can only be read, and the copy only written, with the same key (terraform's
    // setting is the base64 of the 32-byte key, which the SDK sends as it is and hashes itself).
    return { CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: customerKey, SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey };
  }
  if (kmsKey) return { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKey };
  if (config.encrypt === true) return { ServerSideEncryption: 'AES256' };
  return {};
}
