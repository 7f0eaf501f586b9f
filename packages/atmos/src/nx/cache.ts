/**
 * Nx runs plugins in short-lived worker processes, so the graph model is cached on disk. The key
 * is a hash of everything the static phase reads:
 *   - the plugin version and options, the ATMOS_* variables atmos.yaml loading reads;
 *   - the git state affected is computed against (base ref, NX_HEAD, merge-base and HEAD commits);
 *   - atmos.yaml, every file under the stacks base path, the Terraform files of the components
 *     base path (they name local modules);
 * and, checked when the cache is read, what the computation itself recorded reading beyond
 * those trees: `!include`d files and module folders elsewhere, and the environment variables
 * templates consulted (`{{ env "X" }}`), by a hash of their value (never the value itself).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { globFiles } from '../glob-files';
import type { AtmosConfig } from '../config/types';

/** The environment variables atmos.yaml loading reads (not every ATMOS_*: a log path must not rebuild the graph). */
const CONFIG_ENV = /^ATMOS_(BASE_PATH|CLI_CONFIG_PATH|STACKS_|COMPONENTS_TERRAFORM_|SETTINGS_)/;

const NEVER_INPUTS = ['**/node_modules/**', '**/.git/**', '**/.nx/**', '**/.terraform/**', '**/.atmos/**'];

export interface TreeFingerprint {
  key: string;
  /** Content hash of every file hashed into the key, by absolute path. */
  hashes: Map<string, string>;
}

export function graphCacheKey(config: AtmosConfig, extra: unknown, env: Record<string, string | undefined>): TreeFingerprint {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(extra));
  hash.update(JSON.stringify(Object.entries(env).filter(([k]) => CONFIG_ENV.test(k)).sort()));
  const files = [
    ...config.configFiles,
    ...globFiles('**/*', { cwd: config.stacks.basePath, onlyFiles: true, dot: true, ignore: NEVER_INPUTS }).sort(),
    ...globFiles(['**/*.tf', '**/*.tf.json'], { cwd: config.components.terraform.basePath, onlyFiles: true, ignore: NEVER_INPUTS }).sort(),
  ];
  const hashes = new Map<string, string>();
  for (const file of files) {
    const content = contentHash(file);
    hashes.set(file, content);
    hash.update(file);
    hash.update('\0');
    hash.update(content);
    hash.update('\0');
  }
  return { key: hash.digest('hex'), hashes };
}

export function contentHash(file: string): string {
  try {
    return createHash('sha1').update(readFileSync(file)).digest('hex');
  } catch {
    return 'missing';
  }
}

/** What a graph computation read outside the key's trees; checked again before a cached graph is used. */
export interface WatchedInputs {
  /** Absolute file path -> content hash ('missing' when absent). */
  files: Record<string, string>;
  /** Absolute folder -> hash of its Terraform files (a module folder outside the components base path). */
  folders: Record<string, string>;
  /** Variable name -> hash of its value ('unset' when unset). */
  env: Record<string, string>;
}

export function envValueHash(value: string | undefined): string {
  return value === undefined ? 'unset' : createHash('sha256').update(value).digest('hex');
}

/** Hash of a folder's Terraform files (names and contents), as local module discovery reads them. */
export function terraformFolderHash(folder: string): string {
  const hash = createHash('sha1');
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return 'missing';
  for (const entry of readdirSync(folder).sort()) {
    if (!entry.endsWith('.tf') && !entry.endsWith('.tf.json')) continue;
    hash.update(entry).update('\0').update(contentHash(join(folder, entry))).update('\0');
  }
  return hash.digest('hex');
}

export function watchedUnchanged(watched: WatchedInputs, env: Record<string, string | undefined>): boolean {
  for (const [file, hash] of Object.entries(watched.files)) if (contentHash(file) !== hash) return false;
  for (const [folder, hash] of Object.entries(watched.folders)) if (terraformFolderHash(folder) !== hash) return false;
  for (const [name, hash] of Object.entries(watched.env)) if (envValueHash(env[name]) !== hash) return false;
  return true;
}

export function readCache<T>(file: string, key: string): T | undefined {
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { key: string; value: T };
    return cached.key === key ? cached.value : undefined;
  } catch {
    return undefined;
  }
}

/** Written atomically: a concurrent reader sees the old file or the new one, never half of it. */
export function writeCache<T>(file: string, key: string, value: T): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(temp, JSON.stringify({ key, value }));
  renameSync(temp, file);
}
