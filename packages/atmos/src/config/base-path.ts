/**
 * Where `base_path` points, as Atmos v1.226.1 resolves it (pkg/config/config.go
 * resolveAbsolutePath / tryResolveWithGitRoot / tryResolveWithConfigPath; the convention is
 * written up in Atmos's docs/prd/base-path-resolution-semantics.md). The meaning comes from the
 * value's form, the anchor from where it was written:
 *   - absolute: as written;
 *   - `.`, `./x`, `..`, `../x`: atmos.yaml's folder (written in a config file) or the working
 *     directory (ATMOS_BASE_PATH);
 *   - empty: the git root found from the working directory, else atmos.yaml's folder;
 *   - bare (`infra`, `stacks/x`): searched — `<git root>/x` if it exists, else `<cwd>/x` if it
 *     exists, else `<git root>/x`; outside git, `<atmos.yaml folder>/x`, then `<cwd>/x`
 *     (ATMOS_BASE_PATH tries the working directory first), else `<atmos.yaml folder>/x`.
 * `ATMOS_GIT_ROOT_BASEPATH=false` turns the git-root search off (getGitRootOrEmpty).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { AtmosConfig } from './types';

export interface BasePathContext {
  /** The folder of the atmos.yaml that declared the value (undefined without a config file). */
  configDir: string | undefined;
  cwd: string;
  /** `config`: written in atmos.yaml (or an import of it); `runtime`: ATMOS_BASE_PATH. */
  source: 'config' | 'runtime';
  /** The git root from the working directory, or undefined outside git (or when disabled). */
  gitRoot: string | undefined;
}

export function resolveBasePath(value: string, context: BasePathContext): string {
  if (isAbsolute(value)) return resolve(value);
  const { configDir, cwd, source, gitRoot } = context;
  if (isDotPath(value)) return resolve(source === 'runtime' || configDir === undefined ? cwd : configDir, value);
  if (gitRoot !== undefined) {
    if (value === '') return gitRoot;
    const joined = join(gitRoot, value);
    if (existsSync(joined)) return joined;
    const fromCwd = resolve(cwd, value);
    return existsSync(fromCwd) ? fromCwd : joined;
  }
  if (source === 'runtime' && value !== '' && existsSync(resolve(cwd, value))) return resolve(cwd, value);
  if (configDir === undefined) return resolve(cwd, value);
  const joined = resolve(configDir, value);
  if (value === '' || existsSync(joined)) return joined;
  const fromCwd = resolve(cwd, value);
  return source !== 'runtime' && existsSync(fromCwd) ? fromCwd : joined;
}

function isDotPath(value: string): boolean {
  return value === '.' || value === '..' || value.startsWith('./') || value.startsWith('../') || value.startsWith('.\\') || value.startsWith('..\\');
}

/** The git root Atmos's base-path search uses: none when ATMOS_GIT_ROOT_BASEPATH=false. */
export function basePathGitRoot(find: () => string | undefined, env: Record<string, string | undefined>): string | undefined {
  return env.ATMOS_GIT_ROOT_BASEPATH === 'false' ? undefined : find();
}

/** The components folder of every component type that has one (absolute). */
export function componentBasePaths(config: Pick<AtmosConfig, 'components'>): string[] {
  return Object.values(config.components).map((type) => type.basePath).filter((path) => path !== '');
}
