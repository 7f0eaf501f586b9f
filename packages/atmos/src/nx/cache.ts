/**
 * Nx runs plugins in short-lived worker processes, so the graph model is cached on disk, keyed
 * by a hash of everything it is computed from: the plugin version and options, ATMOS_*
 * environment variables, atmos.yaml, every file under the stacks base path and the Terraform
 * files of the components base path (they name local modules). An unchanged workspace is read
 * back instead of re-parsed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fg from 'fast-glob';
import type { AtmosConfig } from '../config/types';

/** The environment variables atmos.yaml loading reads (not every ATMOS_*: a log path must not rebuild the graph). */
const CONFIG_ENV = /^ATMOS_(BASE_PATH|CLI_CONFIG_PATH|STACKS_|COMPONENTS_TERRAFORM_|SETTINGS_)/;

const NEVER_INPUTS = ['**/node_modules/**', '**/.git/**', '**/.nx/**', '**/.terraform/**', '**/.atmos/**'];

export function graphCacheKey(config: AtmosConfig, extra: unknown, env: Record<string, string | undefined>): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(extra));
  hash.update(JSON.stringify(Object.entries(env).filter(([k]) => CONFIG_ENV.test(k)).sort()));
  const files = [
    ...(config.configFile ? [config.configFile] : []),
    ...fg.sync('**/*', { cwd: config.stacks.basePath, absolute: true, onlyFiles: true, dot: true, ignore: NEVER_INPUTS }).sort(),
    ...fg.sync(['**/*.tf', '**/*.tf.json'], { cwd: config.components.terraform.basePath, absolute: true, onlyFiles: true, ignore: NEVER_INPUTS }).sort(),
  ];
  for (const file of files) {
    hash.update(file);
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
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
