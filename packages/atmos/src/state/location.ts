/**
 * Where an instance's state object lives, as terraform stores it: for the s3 backend the bucket
 * and `<workspace_key_prefix>/<workspace>/<key>` (the default workspace: `<key>`), for the local
 * backend the file (`<workspace_dir>/<workspace>/terraform.tfstate`, or `path` in the default
 * workspace). State backups, `orphans` and `destroy-orphan` all start from here, so an object in
 * the bucket and the instance that owns it are compared by the same location.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { backendTarget } from '../aws/backend-target';
import type { AwsTarget } from '../aws/target';
import { AtmosUserError } from '../errors/user-error';
import type { ComponentInstance } from '../stacks/types';
import { isPlainMap, type PlainMap } from '../stacks/values';
import { effectiveBackend } from '../terraform/files';
import { s3StateKey } from '../terraform/state';

export type StateLocation = S3StateLocation | LocalStateLocation;

export interface S3StateLocation {
  kind: 's3';
  bucket: string;
  key: string;
  /** The backend settings (encryption of copies, the target's region, endpoints, role). */
  config: PlainMap;
  target: AwsTarget;
  workspace: string;
}

export interface LocalStateLocation {
  kind: 'local';
  /** Absolute path of the state file. */
  path: string;
  workspace: string;
}

export interface LocationOwner {
  component: string;
  stack: string;
  /** The stack manifest (for error positions). */
  file?: string;
}

/** The state location of an instance, from its effective backend (the generated local one when it has none). */
export function instanceStateLocation(instance: ComponentInstance, workspaceRoot: string, env: Record<string, string | undefined>): StateLocation {
  const { type, config } = effectiveBackend(instance, workspaceRoot);
  return stateLocation(type, config, instance.workspace, { component: instance.component, stack: instance.stack, file: instance.manifestFile }, env, instance.sections.env);
}

/**
 * The location for a backend type and settings in a workspace. `relativeTo`: where a relative
 * local `path` is resolved (terraform resolves it against its working directory).
 */
export function stateLocation(
  type: string,
  config: PlainMap,
  workspace: string,
  owner: LocationOwner,
  env: Record<string, string | undefined>,
  componentEnv: PlainMap = {},
  relativeTo = '',
): StateLocation {
  if (type === 'local') {
    const path = workspace === 'default'
      ? String(config.path ?? 'terraform.tfstate')
      : join(String(config.workspace_dir ?? 'terraform.tfstate.d'), workspace, 'terraform.tfstate');
    return { kind: 'local', path: isAbsolute(path) ? path : resolve(relativeTo || process.cwd(), path), workspace };
  }
  if (type === 's3') {
    if (typeof config.bucket !== 'string' || config.bucket === '') {
      throw new AtmosUserError('CONFIG_INVALID', `the s3 backend of '${owner.component}' in stack '${owner.stack}' names no bucket`, owner.file ? { file: owner.file } : undefined,
        'set terraform.backend.s3.bucket');
    }
    const target = backendTarget(config, { owner: `the s3 backend of '${owner.component}' in stack '${owner.stack}'`, file: owner.file }, env, componentEnv);
    return { kind: 's3', bucket: config.bucket, key: s3StateKey(config, workspace), config, target, workspace };
  }
  throw new AtmosUserError('USAGE', `the state of '${owner.component}' in stack '${owner.stack}' is in a "${type}" backend: state backups, orphans and destroy-orphan support s3 and local backends`,
    owner.file ? { file: owner.file } : undefined, 'use the s3 backend, or back up this backend\'s state with its own tools');
}

/** `s3://bucket/key` or the file's path relative to the workspace: how a location is named to the user, and compared. */
export function describeLocation(location: StateLocation, workspaceRoot: string): string {
  if (location.kind === 's3') return `s3://${location.bucket}/${location.key}`;
  const rel = relative(workspaceRoot, location.path);
  return rel.startsWith('..') ? location.path : rel;
}

/** The same object, whatever settings reach it: bucket and key (endpoint and region), or the absolute file. */
export function locationId(location: StateLocation): string {
  return location.kind === 's3'
    ? `s3\0${location.target.endpoints.s3 ?? ''}\0${location.bucket}\0${location.key}`
    : `local\0${location.path}`;
}

/** Drops null values, recursively: terraform records every unset backend attribute as null. */
export function withoutNulls(value: PlainMap): PlainMap {
  const out: PlainMap = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue;
    out[key] = isPlainMap(item) ? withoutNulls(item) : item;
  }
  return out;
}
