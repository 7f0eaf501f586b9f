/**
 * Reads an instance's Terraform state straight from its backend (S3 through the AWS SDK, or
 * the local file) without running terraform: used by `destroy` to find dependents that still
 * have resources, and by `!terraform.state` / `!terraform.output`. S3 reads go through src/aws
 * with the backend's own region, endpoints, profile and `assume_role` chain, as terraform reads it.
 */
import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { awsClients, closeAwsClients } from '../aws/clients';
import { backendTarget } from '../aws/backend-target';
import { explainAwsError, wantsCallerAccount } from '../aws/errors';
import { AtmosUserError } from '../errors/user-error';
import type { ComponentInstance } from '../stacks/types';
import type { PlainMap } from '../stacks/values';
import { effectiveBackend, readTextOrUndefined } from './files';

export interface TerraformState {
  /** Bumped by every write; with the lineage, what a stored plan was made against (src/planfiles). */
  serial?: number;
  lineage?: string;
  resources?: Array<{ mode?: string; type?: string; name?: string; instances?: unknown[] }>;
  outputs?: Record<string, { value: unknown; sensitive?: boolean; type?: unknown }>;
}

/** Undefined when the instance has never been applied (no state object). */
export async function readState(instance: ComponentInstance, workspaceRoot: string, env: Record<string, string | undefined> = process.env): Promise<TerraformState | undefined> {
  const { type, config } = effectiveBackend(instance, workspaceRoot);
  const workspace = instance.workspace;
  if (type === 'local') {
    const path = workspace === 'default' ? String(config.path) : join(String(config.workspace_dir ?? 'terraform.tfstate.d'), workspace, 'terraform.tfstate');
    const text = readTextOrUndefined(path);
    return text === undefined || text.trim() === '' ? undefined : (JSON.parse(text) as TerraformState);
  }
  if (type === 's3') return readS3State(instance, config, workspace, env);
  throw new AtmosUserError('FUNCTION_ERROR', `reading state from a "${type}" backend is not supported (only s3 and local)`, { file: instance.manifestFile },
    'use !terraform.output for this dependency instead');
}

export function managedResourceCount(state: TerraformState | undefined): number {
  return (state?.resources ?? []).filter((r) => r.mode !== 'data' && (r.instances?.length ?? 1) > 0).length;
}

/** `<workspace_key_prefix>/<workspace>/<key>`, or `<key>` in the default workspace, as the s3 backend stores it. */
export function s3StateKey(config: PlainMap, workspace: string): string {
  const key = String(config.key ?? 'terraform.tfstate');
  if (workspace === 'default') return key;
  const prefix = typeof config.workspace_key_prefix === 'string' ? config.workspace_key_prefix : 'env:';
  return `${prefix}/${workspace}/${key}`;
}

async function readS3State(instance: ComponentInstance, config: PlainMap, workspace: string, env: Record<string, string | undefined>): Promise<TerraformState | undefined> {
  // The component's own env (AWS_PROFILE, endpoints, ...) is what terraform runs with for it: the read uses it too.
  const target = backendTarget(config, { owner: `the s3 backend of '${instance.component}' in stack '${instance.stack}'`, file: instance.manifestFile }, env, instance.sections.env);
  const bucket = String(config.bucket);
  const key = s3StateKey(config, workspace);
  try {
    const response = await (await awsClients(env).s3(target)).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await response.Body?.transformToString('utf8');
    return text ? (JSON.parse(text) as TerraformState) : undefined;
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
    // As Atmos: a bucket that does not exist yet holds no state (nothing in this backend was applied).
    if ((error as { name?: string }).name === 'NoSuchBucket') return undefined;
    const callerAccount = wantsCallerAccount(error, target) ? await awsClients(env).account(target, 0) : undefined;
    throw explainAwsError(error, {
      callerAccount,
      service: 's3',
      action: 's3:GetObject',
      resource: `s3://${bucket}/${key}`,
      purpose: `reading the state of '${instance.component}' in stack '${instance.stack}'`,
      target,
    }, env);
  }
}

/** Ends the run's AWS clients (their sockets would keep a short-lived process alive) and its cached credentials. */
export function closeStateClients(): void {
  closeAwsClients();
}
