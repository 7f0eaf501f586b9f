/**
 * Reads an instance's Terraform state straight from its backend (S3 through the AWS SDK, or
 * the local file) without running terraform: used by `destroy` to find dependents that still
 * have resources, and by `!terraform.state`.
 */
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import type { ComponentInstance } from '../stacks/types';
import type { PlainMap } from '../stacks/values';
import { effectiveBackend, readTextOrUndefined } from './files';

export interface TerraformState {
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
  if (type === 's3') return readS3State(config, workspace, env);
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

async function readS3State(config: PlainMap, workspace: string, env: Record<string, string | undefined>): Promise<TerraformState | undefined> {
  const endpoints = (config.endpoints ?? {}) as PlainMap;
  const endpoint = (endpoints.s3 as string | undefined) ?? (config.endpoint as string | undefined) ?? env.AWS_ENDPOINT_URL_S3;
  const client = s3Client(String(config.region ?? env.AWS_REGION ?? 'us-east-1'), endpoint, config.use_path_style === true || config.force_path_style === true);
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: String(config.bucket), Key: s3StateKey(config, workspace) }));
    const text = await response.Body?.transformToString('utf8');
    return text ? (JSON.parse(text) as TerraformState) : undefined;
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** One client per region/endpoint for the whole process: connection setup dominates small state reads. */
const clients = new Map<string, S3Client>();

function s3Client(region: string, endpoint: string | undefined, forcePathStyle: boolean): S3Client {
  const key = `${region}\0${endpoint ?? ''}\0${forcePathStyle}`;
  let client = clients.get(key);
  if (!client) clients.set(key, (client = new S3Client({ region, endpoint, forcePathStyle })));
  return client;
}

/** Closes the shared clients (their sockets would keep a short-lived process alive). */
export function closeStateClients(): void {
  for (const client of clients.values()) client.destroy();
  clients.clear();
}
