/**
 * The files the run phase generates in an instance's workdir. Every write is atomic (temp file
 * + rename: an interrupted run never leaves half a file), stays inside the folder it belongs to
 * (owned-paths.ts), and is 0600 from the moment it exists: the varfile, backend.tf.json (an S3
 * backend's secret_key), provider settings and the plan records may all hold secrets.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { backendFileContent, planfileName, varfileName } from '../stacks/backend';
import type { ComponentInstance } from '../stacks/types';
import type { PlainMap } from '../stacks/values';
import { assertInsideRoot, ownedAreas } from './owned-paths';
import type { Workdir } from './workdir';

export interface GeneratedFiles {
  /** The instance's work folder: every generated file lies inside it. */
  root: string;
  varfile: string;
  planfile: string;
  /** Fingerprint of the backend configuration, to notice a change since the last init. */
  backendFingerprint: string;
  /** Fingerprint of the Terraform sources (component, local modules, lock file). */
  sourcesFingerprint: string;
  /** Fingerprint of everything a plan depends on: vars, backend, workspace, providers and sources. */
  inputsFingerprint: string;
}

export interface GenerateOptions {
  workspaceRoot: string;
  autoGenerateBackendFile: boolean;
  /** Variables after functions were evaluated. */
  vars: PlainMap;
  sourcesFingerprint: string;
}

/**
 * Writes `content` to `path` (inside `root`) through a temp file renamed over it. The temp file is
 * created exclusively with `mode` (never an older file or a planted symlink, never a looser mode
 * for a moment: the umask can only take bits away, and fchmod sets the exact mode before any
 * byte is written); the rename replaces a symlink at `path` instead of writing through it.
 */
export function writeAtomically(path: string, content: string | Buffer, root: string, mode = 0o600): void {
  assertInsideRoot(path, root, 'write');
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  const fd = openSync(temp, 'wx', mode);
  try {
    fchmodSync(fd, mode);
    if (typeof content === 'string') writeSync(fd, content);
    else writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** Deletes a generated file of the workdir (a link is removed, never followed). */
export function removeGenerated(path: string, root: string): void {
  assertInsideRoot(path, root, 'delete');
  rmSync(path, { force: true });
}

export function generateFiles(instance: ComponentInstance, workdir: Workdir, options: GenerateOptions): GeneratedFiles {
  const baseComponent = typeof instance.sections.metadata.component === 'string' ? instance.sections.metadata.component : undefined;
  const varfile = join(workdir.dir, varfileName(instance.stack, instance.component, baseComponent));
  const planfile = join(workdir.dir, planfileName(instance.stack, instance.component, baseComponent));
  const varfileContent = JSON.stringify(sortKeys(options.vars), null, 2) + '\n';
  writeAtomically(varfile, varfileContent, workdir.root);

  const backend = effectiveBackend(instance, options.workspaceRoot);
  const backendFile = join(workdir.dir, 'backend.tf.json');
  if (options.autoGenerateBackendFile) {
    writeAtomically(backendFile, JSON.stringify(backendFileContent(backend.type, backend.config), null, 2) + '\n', workdir.root);
  } else if (existsSync(backendFile)) {
    removeGenerated(backendFile, workdir.root);
  }
  const providersFile = join(workdir.dir, 'providers_override.tf.json');
  if (Object.keys(instance.sections.providers).length > 0) {
    writeAtomically(providersFile, JSON.stringify({ provider: instance.sections.providers }, null, 2) + '\n', workdir.root);
  } else if (existsSync(providersFile)) {
    removeGenerated(providersFile, workdir.root);
  }

  const backendFingerprint = hash(JSON.stringify(sortKeys({ type: backend.type, config: backend.config })));
  return {
    root: workdir.root,
    varfile,
    planfile,
    backendFingerprint,
    sourcesFingerprint: options.sourcesFingerprint,
    inputsFingerprint: hash([varfileContent, backendFingerprint, instance.workspace, JSON.stringify(sortKeys(instance.sections.providers)), options.sourcesFingerprint].join('\0')),
  };
}

/**
 * The backend terraform uses. Without a backend section, state would land in the workdir and be
 * lost by `clean`; the generated backend keeps it in `.atmos/state/<component>/`, which nothing deletes.
 * A relative local path is relative to the component folder, as in Atmos.
 */
export function effectiveBackend(instance: ComponentInstance, workspaceRoot: string): { type: string; config: PlainMap } {
  const type = instance.sections.backendType;
  if (type === '') {
    const stateDir = localStateDir(instance, workspaceRoot);
    return { type: 'local', config: { path: join(stateDir, 'terraform.tfstate'), workspace_dir: join(stateDir, 'terraform.tfstate.d') } };
  }
  if (type === 'local') {
    const config = { ...instance.sections.backend };
    for (const key of ['path', 'workspace_dir']) {
      if (typeof config[key] === 'string' && !isAbsolute(config[key] as string)) config[key] = resolve(instance.componentPath, config[key] as string);
    }
    if (config.path === undefined) {
      const stateDir = localStateDir(instance, workspaceRoot);
      config.path = join(stateDir, 'terraform.tfstate');
      config.workspace_dir ??= join(stateDir, 'terraform.tfstate.d');
    }
    return { type, config };
  }
  return { type, config: instance.sections.backend };
}

/** `.atmos/state/<component folder>`: strictly inside the local state folder, whatever the folder's name. */
function localStateDir(instance: ComponentInstance, workspaceRoot: string): string {
  const area = ownedAreas(workspaceRoot).state;
  const stateDir = join(area, instance.terraformComponent);
  assertInsideRoot(stateDir, area, 'write', { strict: true });
  return stateDir;
}

export function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function readTextOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** JSON with sorted keys, as Atmos writes varfiles (stable bytes, stable fingerprints). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) result[key] = sortKeys((value as Record<string, unknown>)[key]);
    return result;
  }
  return value;
}
