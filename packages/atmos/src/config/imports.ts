/**
 * atmos.yaml with its config imports, merged in Atmos v1.226.1's order (pkg/config/load.go
 * mergeConfig -> processConfigImportsAndReapply, mergeDefaultImports, mergeImports;
 * pkg/config/imports.go processImports / SearchAtmosConfig; pkg/config/adapters/local_adapter.go):
 *   1. the main file;
 *   2. `atmos.d/` then `.atmos.d/` of the git root (when it is not atmos.yaml's folder), then of
 *      atmos.yaml's folder: every `*.yaml` / `*.yml` below them, shallower files first, then by path;
 *   3. the main file again;
 *   4. the `import:` list (the main file's, else what the default imports set), each entry
 *      relative to the resolved base_path: a file, a folder (all YAML below it), a path without
 *      extension (`.yaml`, `.yml`) or a glob; each imported file is followed by its own nested
 *      imports (relative to its own base_path if it declares one), so they win over it;
 *   5. the main file once more: it wins over everything it imports.
 * Maps merge key by key; anything else (lists included) is replaced, as Viper's MergeConfig does.
 * Every file read is returned: they are all inputs of the graph (cache key, instance inputs).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { globFiles } from '../glob-files';
import { AtmosUserError } from '../errors/user-error';
import { parseYaml } from '../stacks/parse';
import { hasOwn, isPlainMap, setKey, type PlainMap } from '../stacks/values';
import { resolveBasePath } from './base-path';
import { resolveConfigRepoRoot } from './repo-root';
import type { AtmosConfig } from './types';

/** pkg/config/load.go MaximumImportLvL. */
const MAX_IMPORT_DEPTH = 10;
const DEFAULT_IMPORT_DIRS = ['atmos.d', '.atmos.d'];
/** pkg/config/adapters/gogetter_adapter.go Schemes: imports Atmos fetches over the network. */
const REMOTE_IMPORT = /^(https?:\/\/|git::|git@|s3::|s3:\/\/|gcs::|gcs:\/\/|oci:\/\/|file:\/\/|hg::|scp:\/\/|ssh:\/\/|github\.com\/|bitbucket\.org\/)/;

export interface ConfigSources {
  /** The merged configuration, as if it had been written in one atmos.yaml. */
  raw: PlainMap;
  /** Every config file that was read, the main file first. */
  files: string[];
  /** Imports that matched nothing (Atmos warns and goes on). */
  warnings: string[];
  /** The `atmos.d/` / `.atmos.d/` folders looked in, present or not: a file added or deleted there changes the configuration. */
  folders: string[];
}

export interface ConfigSourcesContext {
  cwd: string;
  gitRoot: string | undefined;
  /** ATMOS_BASE_PATH, when set: it anchors the import paths as it anchors base_path. */
  runtimeBasePath: string | undefined;
}

export function readConfigSources(configFile: string | undefined, context: ConfigSourcesContext): ConfigSources {
  const files: string[] = [];
  const warnings: string[] = [];
  const read = (file: string): PlainMap => {
    files.push(file);
    return readConfigYaml(file, context.cwd);
  };
  const folders: string[] = [];
  const defaults = (dir: string) => {
    const roots = context.gitRoot !== undefined && resolve(context.gitRoot) !== resolve(dir) ? [context.gitRoot, dir] : [dir];
    const found: string[] = [];
    for (const root of roots) {
      for (const name of DEFAULT_IMPORT_DIRS) {
        folders.push(join(root, name));
        if (isDirectory(join(root, name))) found.push(...configFilesFor(join(root, name)));
      }
    }
    return found.map(read);
  };
  // Without atmos.yaml Atmos still reads the git root's .atmos.d over its built-in defaults.
  if (configFile === undefined) {
    const layers = context.gitRoot ? defaults(context.gitRoot) : [];
    return { raw: mergeConfigLayers(layers), files, warnings, folders };
  }
  const configDir = dirname(configFile);
  const main = read(configFile);
  const beforeImports = mergeConfigLayers([main, ...defaults(configDir), main]);
  const imported: PlainMap[] = [];
  const list = importList(beforeImports.import, configFile);
  if (list.length > 0) {
    const declared = typeof beforeImports.base_path === 'string' ? beforeImports.base_path : '';
    const base = context.runtimeBasePath
      ? resolveBasePath(context.runtimeBasePath, { configDir, cwd: context.cwd, source: 'runtime', gitRoot: context.gitRoot })
      : resolveBasePath(declared, { configDir, cwd: context.cwd, source: 'config', gitRoot: context.gitRoot });
    const visit = (entries: string[], basePath: string, from: string, chain: string[]) => {
      for (const entry of entries) {
        if (entry === '') continue;
        if (REMOTE_IMPORT.test(entry)) {
          throw new AtmosUserError('CONFIG_INVALID', `import "${entry}" is remote: the static phase never reaches the network`, { file: from },
            'vendor the file into the repository and import its local path');
        }
        const matches = configFilesFor(resolve(basePath, entry));
        if (matches.length === 0) {
          warnings.push(`${relative(context.cwd, from) || from}: import "${entry}" matches no file under ${basePath}; skipped, as Atmos does`);
          continue;
        }
        for (const file of matches) {
          if (chain.includes(file)) {
            warnings.push(`${relative(context.cwd, from) || from}: import "${entry}" leads back to ${relative(context.cwd, file) || file} (${[...chain, file].map((f) => relative(context.cwd, f) || f).join(' -> ')}); not read again`);
            continue;
          }
          const raw = read(file);
          imported.push(raw);
          const nested = importList(raw.import, file);
          if (nested.length === 0) continue;
          if (chain.length >= MAX_IMPORT_DEPTH) {
            warnings.push(`${relative(context.cwd, file) || file}: imports nested deeper than ${MAX_IMPORT_DEPTH} levels are not read (Atmos's limit)`);
            continue;
          }
          // pkg/config/imports.go ResolveConfigImportBasePath: a file's own base_path, else its importer's.
          const nestedBase = typeof raw.base_path === 'string'
            ? resolveBasePath(raw.base_path, { configDir: dirname(file), cwd: context.cwd, source: 'config', gitRoot: context.gitRoot })
            : basePath;
          visit(nested, nestedBase, file, [...chain, file]);
        }
      }
    };
    visit(list, base, configFile, [configFile]);
  }
  return { raw: imported.length === 0 ? beforeImports : mergeConfigLayers([beforeImports, ...imported, main]), files, warnings, folders };
}

/**
 * Whether a change to these files changes the configuration itself: one of its files, or a file
 * added to or deleted from an `atmos.d/` / `.atmos.d/` folder (then every instance may differ).
 */
export function changesConfig(config: Pick<AtmosConfig, 'configFiles' | 'configFolders'>, changed: Iterable<string>): boolean {
  const files = new Set(config.configFiles);
  const folders = (config.configFolders ?? []).map((folder) => folder + sep);
  for (const file of changed) if (files.has(file) || folders.some((folder) => file.startsWith(folder))) return true;
  return false;
}

function readConfigYaml(file: string, cwd: string): PlainMap {
  const value = parseYaml(readFileSync(file, 'utf8'), { file });
  if (value === null || value === undefined) return {};
  if (!isPlainMap(value)) throw new AtmosUserError('CONFIG_INVALID', `${file.endsWith('atmos.yaml') ? 'atmos.yaml' : 'a config file'} must be a YAML map`, { file, line: 1 }, 'fix the file');
  return resolveConfigRepoRoot(value, cwd);
}

function importList(value: unknown, file: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  throw new AtmosUserError('CONFIG_INVALID', 'import must be a list of paths', { file }, 'write e.g. `import: ["config/stacks.yaml", "config/*.yaml"]`');
}

/**
 * pkg/config/imports.go SearchAtmosConfig: an existing file is itself; a folder is every YAML
 * file below it; a path without extension tries `.yaml` and `.yml`; anything else is a glob.
 * A `.yaml` hides the `.yml` of the same name; shallower files first, then by path.
 */
function configFilesFor(path: string): string[] {
  if (existsSync(path) && !isDirectory(path)) return [path];
  const glob = (pattern: string) => globFiles(pattern.split(sep).join('/'), { onlyFiles: true, dot: true });
  let found: string[];
  // A folder is taken as named (globbing below it): `config (old)/` is not a pattern.
  if (isDirectory(path)) found = globFiles(['**/*.yaml', '**/*.yml'], { cwd: path, onlyFiles: true, dot: true });
  else if (extname(path) === '') found = [...glob(path + '.yaml'), ...glob(path + '.yml')];
  else found = glob(path);
  const byStem = new Map<string, string>();
  for (const file of found.map((f) => resolve(f))) {
    const stem = file.slice(0, file.length - extname(file).length);
    const seen = byStem.get(stem);
    if (seen === undefined || (extname(file) === '.yaml' && extname(seen) !== '.yaml')) byStem.set(stem, file);
  }
  const depth = (file: string) => dirname(file).split(sep).length;
  return [...byStem.values()].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Viper's MergeConfig: maps merge key by key, anything else replaces. */
export function mergeConfigLayers(layers: readonly PlainMap[]): PlainMap {
  const result: PlainMap = {};
  for (const layer of layers) mergeInto(result, layer);
  return result;
}

function mergeInto(target: PlainMap, source: PlainMap): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = hasOwn(target, key) ? target[key] : undefined;
    if (isPlainMap(value) && isPlainMap(existing)) {
      const copy = { ...existing };
      mergeInto(copy, value);
      setKey(target, key, copy);
    } else if (isPlainMap(value)) {
      const copy: PlainMap = {};
      mergeInto(copy, value);
      setKey(target, key, copy);
    } else {
      setKey(target, key, value);
    }
  }
}
