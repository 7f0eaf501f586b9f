/**
 * Finds and normalises atmos.yaml.
 *
 * Where: `ATMOS_CLI_CONFIG_PATH` (a folder holding atmos.yaml, or the file itself) wins;
 * otherwise the nearest `atmos.yaml` (or `.atmos.yaml`) from the working directory upwards.
 * `base_path` is relative to the folder of atmos.yaml, so commands behave the same from any
 * folder of the workspace; `ATMOS_BASE_PATH` overrides it (relative to the working directory).
 * Without any atmos.yaml, Atmos's built-in defaults apply with the working directory as base.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { LIST_MERGE_STRATEGIES, type ListMergeStrategy } from '../stacks/merge';
import { basePathGitRoot, resolveBasePath } from './base-path';
import { readConfigSources } from './imports';
import { findRepoRoot } from './repo-root';
import { isPlainMap, type PlainMap } from '../stacks/values';
import type { AtmosConfig, StoreConfig } from './types';

export const CONFIG_FILE_NAMES = ['atmos.yaml', '.atmos.yaml'];

export interface LoadConfigOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** An explicit atmos.yaml (or its folder); takes precedence over discovery. */
  configPath?: string;
  /**
   * The git root to use instead of the one found from `cwd` (null: none) — for a copy of the
   * repository without its `.git`, such as the merge-base side of `describe affected`.
   */
  gitRoot?: string | null;
}

export function loadAtmosConfig(options: LoadConfigOptions = {}): AtmosConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const configFile = findConfigFile(cwd, options.configPath ?? env.ATMOS_CLI_CONFIG_PATH);
  const gitRoot = options.gitRoot === undefined ? basePathGitRoot(() => findRepoRoot(cwd), env) : options.gitRoot ?? undefined;
  const sources = readConfigSources(configFile, { cwd, gitRoot, runtimeBasePath: env.ATMOS_BASE_PATH || undefined });
  const config = normaliseConfig(sources.raw, {
    configDir: configFile ? dirname(configFile) : cwd,
    configFile,
    cwd,
    env,
    gitRoot,
  });
  config.configFiles = sources.files;
  config.configFolders = sources.folders;
  if (sources.warnings.length > 0) config.warnings = sources.warnings;
  return config;
}

export function findConfigFile(cwd: string, explicitPath?: string): string | undefined {
  if (explicitPath) {
    const path = resolve(cwd, explicitPath);
    if (existsSync(path) && statSync(path).isFile()) return path;
    for (const name of CONFIG_FILE_NAMES) {
      if (existsSync(join(path, name))) return join(path, name);
    }
    throw new AtmosUserError('CONFIG_INVALID', `ATMOS_CLI_CONFIG_PATH points to ${path}, which holds no atmos.yaml`, undefined,
      'set ATMOS_CLI_CONFIG_PATH to the folder that contains atmos.yaml, or unset it');
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

interface NormaliseContext {
  configDir: string;
  configFile?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** For an empty or bare base_path (see base-path.ts); found from cwd when not given. */
  gitRoot?: string;
}

/**
 * Atmos has two sets of defaults: its built-in configuration when there is no atmos.yaml at all,
 * and Go zero values for keys an existing atmos.yaml omits (templates off, no name pattern,
 * no backend file generation). We follow both.
 */
const BUILT_IN_DEFAULTS = {
  stacksBasePath: 'stacks',
  includedPaths: ['orgs/**/*'],
  excludedPaths: ['**/_defaults.yaml'],
  namePattern: '{tenant}-{environment}-{stage}',
  terraformBasePath: 'components/terraform',
  autoGenerateBackendFile: true,
  deployRunInit: true,
  initRunReconfigure: true,
  templatesEnabled: true,
  workflowsBasePath: 'stacks/workflows',
};

const OMITTED_KEY_DEFAULTS: typeof BUILT_IN_DEFAULTS = {
  stacksBasePath: '',
  includedPaths: [],
  excludedPaths: [],
  namePattern: '',
  terraformBasePath: '',
  autoGenerateBackendFile: false,
  deployRunInit: false,
  initRunReconfigure: false,
  templatesEnabled: false,
  workflowsBasePath: '',
};

export function normaliseConfig(raw: PlainMap, context: NormaliseContext): AtmosConfig {
  const { env, configFile } = context;
  const check = new ConfigReader(raw, configFile);
  const defaults = configFile ? OMITTED_KEY_DEFAULTS : BUILT_IN_DEFAULTS;
  // Without atmos.yaml, Atmos's defaults resolve against the working directory.
  const gitRoot = configFile ? ('gitRoot' in context ? context.gitRoot : basePathGitRoot(() => findRepoRoot(context.cwd), env)) : undefined;
  const basePath = env.ATMOS_BASE_PATH
    ? resolveBasePath(env.ATMOS_BASE_PATH, { configDir: context.configDir, cwd: context.cwd, source: 'runtime', gitRoot })
    : resolveBasePath(check.string(['base_path']) ?? '', { configDir: configFile ? context.configDir : undefined, cwd: context.cwd, source: 'config', gitRoot });
  const under = (path: string) => (isAbsolute(path) ? path : resolve(basePath, path));

  const listMergeStrategy = emptyToUndefined(env.ATMOS_SETTINGS_LIST_MERGE_STRATEGY ?? check.string(['settings', 'list_merge_strategy'])) ?? 'replace';
  if (!LIST_MERGE_STRATEGIES.includes(listMergeStrategy as ListMergeStrategy)) {
    throw check.error(`settings.list_merge_strategy must be one of ${LIST_MERGE_STRATEGIES.join(', ')}, not "${listMergeStrategy}"`);
  }
  const delimiters = check.stringList(['templates', 'settings', 'delimiters']) ?? ['{{', '}}'];
  if (delimiters.length !== 2) throw check.error('templates.settings.delimiters must list exactly two strings, e.g. ["{{", "}}"]');

  const stacksBasePath = env.ATMOS_STACKS_BASE_PATH ?? check.string(['stacks', 'base_path']) ?? defaults.stacksBasePath;
  if (stacksBasePath === '') throw check.error("stack base path must be provided in 'stacks.base_path' (or ATMOS_STACKS_BASE_PATH)", 'add `stacks: {base_path: stacks}` to atmos.yaml');
  const includedPaths = splitEnvList(env.ATMOS_STACKS_INCLUDED_PATHS) ?? check.stringList(['stacks', 'included_paths']) ?? defaults.includedPaths;
  if (includedPaths.length === 0) throw check.error("at least one path must be provided in 'stacks.included_paths' (or ATMOS_STACKS_INCLUDED_PATHS)", 'add e.g. `included_paths: ["orgs/**/*"]` under stacks: in atmos.yaml');

  return {
    configFile,
    configFiles: configFile ? [configFile] : [],
    basePath,
    stacks: {
      basePath: under(stacksBasePath),
      includedPaths,
      excludedPaths: splitEnvList(env.ATMOS_STACKS_EXCLUDED_PATHS) ?? check.stringList(['stacks', 'excluded_paths']) ?? defaults.excludedPaths,
      namePattern: emptyToUndefined(env.ATMOS_STACKS_NAME_PATTERN ?? check.string(['stacks', 'name_pattern']) ?? defaults.namePattern),
      nameTemplate: emptyToUndefined(env.ATMOS_STACKS_NAME_TEMPLATE ?? check.string(['stacks', 'name_template'])),
      inheritMetadata: check.boolean(['stacks', 'inherit', 'metadata']) ?? true,
      inheritSource: check.boolean(['stacks', 'inherit', 'source']) ?? true,
    },
    components: {
      terraform: {
        basePath: under(env.ATMOS_COMPONENTS_TERRAFORM_BASE_PATH ?? check.string(['components', 'terraform', 'base_path']) ?? defaults.terraformBasePath),
        command: emptyToUndefined(env.ATMOS_COMPONENTS_TERRAFORM_COMMAND ?? check.string(['components', 'terraform', 'command'])) ?? 'terraform',
        autoGenerateBackendFile: check.boolean(['components', 'terraform', 'auto_generate_backend_file']) ?? defaults.autoGenerateBackendFile,
        workspacesEnabled: check.boolean(['components', 'terraform', 'workspaces_enabled']) ?? true,
        applyAutoApprove: check.boolean(['components', 'terraform', 'apply_auto_approve']) ?? false,
        deployRunInit: check.boolean(['components', 'terraform', 'deploy_run_init']) ?? defaults.deployRunInit,
        initRunReconfigure: check.boolean(['components', 'terraform', 'init_run_reconfigure']) ?? defaults.initRunReconfigure,
      },
      helmfile: describedComponentType(check, 'helmfile', env.ATMOS_COMPONENTS_HELMFILE_BASE_PATH, env.ATMOS_COMPONENTS_HELMFILE_COMMAND, configFile ? '' : 'components/helmfile', under),
      packer: describedComponentType(check, 'packer', env.ATMOS_COMPONENTS_PACKER_BASE_PATH, env.ATMOS_COMPONENTS_PACKER_COMMAND, configFile ? '' : 'components/packer', under),
      ansible: describedComponentType(check, 'ansible', undefined, undefined, '', under),
    },
    settings: { listMergeStrategy: listMergeStrategy as ListMergeStrategy },
    templates: {
      enabled: check.boolean(['templates', 'settings', 'enabled']) ?? defaults.templatesEnabled,
      evaluations: Math.max(1, check.number(['templates', 'settings', 'evaluations']) ?? 1),
      delimiters: [delimiters[0], delimiters[1]],
      env: templateEnv(check.map(['templates', 'settings', 'env'])),
      ignoreMissingTemplateValues: check.boolean(['templates', 'settings', 'ignore_missing_template_values']) ?? false,
    },
    workflows: { basePath: under(check.string(['workflows', 'base_path']) ?? defaults.workflowsBasePath) },
    env: check.map(['env']),
    stores: check.stores(),
    // pkg/version/manager (EffectiveTrack, LockFilePath): track "default", versions.lock.yaml under base_path.
    version: {
      track: emptyToUndefined(check.string(['version', 'track'])) ?? 'default',
      lockFile: under(emptyToUndefined(check.string(['version', 'lock_file'])) ?? 'versions.lock.yaml'),
    },
    functions: { execEnabled: check.boolean(['settings', 'functions', 'exec']) ?? false },
    describe: { affectedSections: check.commaList(['describe', 'affected', 'sections']) },
    raw,
  };
}

/**
 * components.<type>.base_path and command of the types that are described, never run here
 * (Atmos v1.226.1 pkg/config/default.go: helmfile components/helmfile, packer components/packer
 * without an atmos.yaml; pkg/config/utils.go ATMOS_COMPONENTS_HELMFILE_* / ATMOS_COMPONENTS_PACKER_*).
 * An unset base path stays '': describe then prints no component_path, as buildComponentInfo does.
 */
function describedComponentType(check: ConfigReader, type: string, envBasePath: string | undefined, envCommand: string | undefined, defaultBasePath: string,
  under: (path: string) => string): { basePath: string; command: string } {
  const basePath = emptyToUndefined(envBasePath ?? check.string(['components', type, 'base_path'])) ?? defaultBasePath;
  return { basePath: basePath === '' ? '' : under(basePath), command: emptyToUndefined(envCommand ?? check.string(['components', type, 'command'])) ?? type };
}

function splitEnvList(value: string | undefined): string[] | undefined {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Atmos v1.226.1 internal/exec/template_utils.go (convertRawEnvToStringMap): only string values
 * of `templates.settings.env` are set; others are skipped, not converted.
 */
export function templateEnv(env: PlainMap): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') result[name] = value;
  return result;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Atmos v1.226.1 (pkg/store/registry.go, resolveKind / legacyTypeToKind): an explicit `kind`
 * wins over the legacy `type`, and both are mapped through the same legacy table, so
 * `type: aws/ssm` and `kind: aws-ssm-parameter-store` mean aws/ssm too.
 */
const LEGACY_STORE_TYPES: Record<string, string> = {
  artifactory: 'artifactory',
  'azure-key-vault': 'azure/keyvault',
  'aws-ssm-parameter-store': 'aws/ssm',
  'aws-secrets-manager': 'aws/asm',
  'google/secretmanager': 'gcp/secretmanager',
  'google-secret-manager': 'gcp/secretmanager',
  gsm: 'gcp/secretmanager',
  'hashicorp-vault': 'hashicorp/vault',
  redis: 'redis',
  '1password': 'onepassword',
  onepassword: 'onepassword',
  keychain: 'keychain',
  keyring: 'keychain',
  'github-actions': 'github/actions',
};

export function storeKind(written: string): string {
  return Object.hasOwn(LEGACY_STORE_TYPES, written) ? LEGACY_STORE_TYPES[written] : written;
}

/** Typed reads of atmos.yaml keys with errors that name the key and the file. */
class ConfigReader {
  constructor(
    private readonly raw: PlainMap,
    private readonly file: string | undefined,
  ) {}

  private get(path: string[]): unknown {
    let value: unknown = this.raw;
    for (const key of path) {
      if (!isPlainMap(value)) return undefined;
      value = value[key];
    }
    return value;
  }

  string(path: string[]): string | undefined {
    const value = this.get(path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.error(`${path.join('.')} must be a string`);
    return value;
  }

  boolean(path: string[]): boolean | undefined {
    const value = this.get(path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.error(`${path.join('.')} must be true or false`);
    return value;
  }

  number(path: string[]): number | undefined {
    const value = this.get(path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw this.error(`${path.join('.')} must be a whole number`);
    return value;
  }

  stringList(path: string[]): string[] | undefined {
    const value = this.get(path);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw this.error(`${path.join('.')} must be a list of strings`);
    return value as string[];
  }

  /** A list of strings, or one string of comma-separated items (Atmos decodes such a string into a list: StringToSliceHookFunc). */
  commaList(path: string[]): string[] | undefined {
    const value = this.get(path);
    if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
    return this.stringList(path);
  }

  map(path: string[]): PlainMap {
    const value = this.get(path);
    if (value === undefined || value === null) return {};
    if (!isPlainMap(value)) throw this.error(`${path.join('.')} must be a map`);
    return value;
  }

  stores(): Record<string, StoreConfig> {
    const value = this.get(['stores']);
    if (value === undefined || value === null) return {};
    if (!isPlainMap(value)) throw this.error('stores must be a map of store names to { kind, options }');
    const stores: Record<string, StoreConfig> = {};
    for (const [name, store] of Object.entries(value)) {
      const written = isPlainMap(store) ? emptyToUndefined(stringOrUndefined(store.kind)) ?? emptyToUndefined(stringOrUndefined(store.type)) : undefined;
      if (!isPlainMap(store) || written === undefined) throw this.error(`stores.${name} needs a "kind" (e.g. aws/ssm)`);
      stores[name] = { kind: storeKind(written), options: isPlainMap(store.options) ? store.options : {} };
    }
    return stores;
  }

  error(message: string, hint = 'fix atmos.yaml'): AtmosUserError {
    return new AtmosUserError('CONFIG_INVALID', message, this.file ? { file: this.file } : undefined, hint);
  }
}
