/**
 * `describe affected`, as Atmos computes it: resolve every instance at a base git ref and in the
 * working tree, and report the instances whose resolved configuration or Terraform sources
 * differ — a semantic diff, so a catalog edit that changes nothing for an instance does not
 * report it. The base is read with `git archive` into a temporary folder (the repository and
 * its worktrees are left alone), and only the stacks a changed file can reach are resolved
 * there: every other stack is the same on both sides.
 *
 * The Nx plugin uses the same pieces (baseInstances, configDifference) to decide which changed
 * files are inputs of which instance.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import picomatch from 'picomatch';
import { loadAtmosConfig } from '../config/load';
import { changesConfig } from '../config/imports';
import type { AtmosConfig } from '../config/types';
import { AtmosUserError } from '../errors/user-error';
import { localModuleFolders } from '../terraform/local-modules';
import { discoverStackFiles } from './discover';
import { resolveStacks, type ResolveOptions, type ResolvedStacks } from './engine';
import type { ComponentInstance } from './types';
import { deepEqual } from './values';

export interface AffectedInstance {
  component: string;
  component_type: 'terraform';
  stack: string;
  stack_slug: string;
  /** Why, first match in Atmos's order: stack.metadata, component, component.module, stack.vars, stack.env, stack.settings; ours: stack.backend, stack.providers, file, folder; deleted. */
  affected: string;
  deleted?: boolean;
}

export function describeAffected(config: AtmosConfig, baseRef: string, env: Record<string, string | undefined> = process.env): AffectedInstance[] {
  const { changed, deleted } = compareWithBase(config, baseRef, env);
  const affected = [
    ...changed.map(({ instance, reason }) => entry(instance, reason)),
    ...deleted.map((old) => ({ ...entry(old, 'deleted'), deleted: true })),
  ];
  return affected.sort((a, b) => a.stack.localeCompare(b.stack) || a.component.localeCompare(b.component));
}

export interface BaseComparison {
  /** Deployable head instances that differ from the base, with the reason. */
  changed: Array<{ instance: ComponentInstance; reason: string }>;
  /** Deployable base instances gone at head. */
  deleted: ComponentInstance[];
}

export function compareWithBase(config: AtmosConfig, baseRef: string, env: Record<string, string | undefined>): BaseComparison {
  const repoRoot = git(config.basePath, ['rev-parse', '--show-toplevel']).trim();
  const changedFiles = changedSince(repoRoot, baseRef);
  const head = resolveStacks(config, { env });
  const base = baseInstances(config, repoRoot, baseRef, head, changedFiles, { env });
  const changed: BaseComparison['changed'] = [];
  for (const instance of head.instances) {
    if (instance.abstract || !instance.enabled) continue;
    // A stack no changed file reaches resolves the same at the base: compare it with itself.
    const baseInstance = base.touched.has(instance.manifestFile) ? base.byKey.get(instanceKey(instance)) : instance;
    const reason = baseInstance === undefined ? 'stack.metadata' : affectedReason(baseInstance, instance, changedFiles, config.basePath);
    if (reason) changed.push({ instance, reason });
  }
  const headKeys = new Set(head.instances.map(instanceKey));
  const deleted = [...base.byKey.values()].filter((old) => !old.abstract && old.enabled && !headKeys.has(instanceKey(old)));
  return { changed, deleted };
}

/**
 * Files changed in the working tree since `ref` (committed, staged, unstaged or untracked),
 * absolute. `head` compares two commits instead, as `nx affected --head` does.
 */
export function changedSince(repoRoot: string, ref: string, head?: string): Set<string> {
  const lists = head !== undefined
    ? [git(repoRoot, ['diff', '--name-only', '--no-renames', '-z', ref, head, '--'])]
    : [
      git(repoRoot, ['diff', '--name-only', '--no-renames', '-z', ref, 'HEAD', '--']),
      git(repoRoot, ['diff', '--name-only', '--no-renames', '-z', 'HEAD', '--']),
      git(repoRoot, ['ls-files', '--others', '--exclude-standard', '-z']),
    ];
  const files = new Set<string>();
  for (const list of lists) for (const file of list.split('\0')) if (file !== '') files.add(join(repoRoot, file));
  return files;
}

export interface BaseSide {
  /** Head stack manifests (absolute) whose instances were resolved at the base too. */
  touched: Set<string>;
  /** Instances at the base of the touched stacks and of stacks gone at head, by `component\0stack`. */
  byKey: Map<string, ComponentInstance>;
}

/**
 * The head stacks a changed file can reach: the stack manifest itself, a file of its import
 * closure or an `!include`d file changed, or a changed (added, deleted) file matches one of its
 * import patterns. Any other stack resolves the same at the base.
 */
export function touchedStacks(head: ResolvedStacks, changedFiles: Set<string>): Set<string> {
  const touched = new Set<string>();
  if (changedFiles.size === 0) return touched;
  const checkedImports = new Map<string[], boolean>();
  const matchers = new Map<string, (path: string) => boolean>();
  const changed = [...changedFiles];
  const reaches = (files: string[]): boolean => {
    let hit = checkedImports.get(files);
    if (hit === undefined) checkedImports.set(files, (hit = files.some((file) => changedFiles.has(file))));
    return hit;
  };
  const matches = (patterns: string[]): boolean => patterns.some((pattern) => {
    let matcher = matchers.get(pattern);
    if (!matcher) matchers.set(pattern, (matcher = picomatch(pattern, { dot: true })));
    return changed.some((file) => matcher(file));
  });
  for (const instance of head.instances) {
    if (touched.has(instance.manifestFile)) continue;
    if (changedFiles.has(instance.manifestFile) || reaches(instance.imports) || reaches(instance.includedFiles) || matches(instance.importPatterns)) {
      touched.add(instance.manifestFile);
    }
  }
  return touched;
}

/**
 * The base side of the comparison: the touched head stacks, and the stack manifests that changed
 * (deleted or renamed ones included), resolved from `git archive <ref>`. atmos.yaml changed
 * means every stack may differ: all are resolved.
 */
export function baseInstances(config: AtmosConfig, repoRoot: string, ref: string, head: ResolvedStacks, changedFiles: Set<string>, options: Pick<ResolveOptions, 'env'>): BaseSide {
  const configChanged = changesConfig(config, changedFiles);
  const touched = configChanged ? new Set(head.stackFiles) : touchedStacks(head, changedFiles);
  const byKey = new Map<string, ComponentInstance>();
  const stacksBase = config.stacks.basePath + '/';
  if (touched.size === 0 && ![...changedFiles].some((file) => file.startsWith(stacksBase))) return { touched, byKey };

  const baseDir = mkdtempSync(join(tmpdir(), 'atmos-affected-'));
  try {
    const archive = execFileSync('git', ['-C', repoRoot, 'archive', '--format=tar', ref], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync('tar', ['-x', '-C', baseDir], { input: archive });
    const inBase = (path: string) => join(baseDir, relative(repoRoot, path));
    const baseConfigPath = config.configFile ? inBase(config.configFile) : undefined;
    const baseConfig = loadAtmosConfig({ cwd: inBase(config.basePath), env: { ...options.env, ATMOS_CLI_CONFIG_PATH: baseConfigPath, ATMOS_BASE_PATH: undefined }, gitRoot: inBase(repoRoot) });
    const wanted = new Set([...touched].map(inBase));
    for (const file of changedFiles) wanted.add(inBase(file));
    const stackFiles = configChanged ? undefined : discoverStackFiles(baseConfig).filter((file) => wanted.has(file));
    if (stackFiles === undefined || stackFiles.length > 0) {
      // Paths as they are in the repository (the temporary folder is gone on return).
      const inHead = (path: string) => join(repoRoot, relative(baseDir, path));
      const lists = new Map<string[], string[]>();
      const listInHead = (list: string[]) => {
        let mapped = lists.get(list);
        if (!mapped) lists.set(list, (mapped = list.map(inHead)));
        return mapped;
      };
      for (const instance of resolveStacks(baseConfig, { env: options.env, stackFiles, computeDeps: false }).instances) {
        byKey.set(instanceKey(instance), {
          ...instance,
          manifestFile: inHead(instance.manifestFile),
          componentPath: inHead(instance.componentPath),
          imports: listInHead(instance.imports),
          includedFiles: listInHead(instance.includedFiles),
        });
      }
    }
    return { touched, byKey };
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
}

/**
 * The first section (in Atmos's order) whose resolved value differs between the base and head
 * instance, leaving out what files decide (component folder, modules, dependencies.files):
 * undefined when the configuration is the same.
 */
export function configDifference(base: ComponentInstance, head: ComponentInstance): string | undefined {
  const a = base.sections;
  const b = head.sections;
  if (!deepEqual(a.metadata, b.metadata)) return 'stack.metadata';
  if (base.terraformComponent !== head.terraformComponent) return 'component';
  if (!deepEqual(a.vars, b.vars)) return 'stack.vars';
  if (!deepEqual(a.env, b.env)) return 'stack.env';
  if (!deepEqual(a.settings, b.settings)) return 'stack.settings';
  if (a.backendType !== b.backendType || !deepEqual(a.backend, b.backend) || base.workspace !== head.workspace) return 'stack.backend';
  if (!deepEqual(a.providers, b.providers) || a.command !== b.command) return 'stack.providers';
  return undefined;
}

function affectedReason(base: ComponentInstance, head: ComponentInstance, changedFiles: Set<string>, basePath: string): string | undefined {
  const config = configDifference(base, head);
  if (config === 'stack.metadata') return config;
  if (touches(changedFiles, head.componentPath) || config === 'component') return 'component';
  if (localModuleFolders(head.componentPath).some((folder) => touches(changedFiles, folder))) return 'component.module';
  if (config) return config;
  const dependencies = head.sections.dependencies;
  const files = Array.isArray(dependencies.files) ? dependencies.files.map(String) : [];
  if (files.some((file) => changedFiles.has(join(basePath, file)))) return 'file';
  const folders = Array.isArray(dependencies.folders) ? dependencies.folders.map(String) : [];
  if (folders.some((folder) => touches(changedFiles, join(basePath, folder)))) return 'folder';
  return undefined;
}

function touches(changedFiles: Set<string>, folder: string): boolean {
  const prefix = folder.endsWith('/') ? folder : folder + '/';
  for (const file of changedFiles) if (file.startsWith(prefix)) return true;
  return false;
}

export function instanceKey(instance: Pick<ComponentInstance, 'component' | 'stack'>): string {
  return `${instance.component}\0${instance.stack}`;
}

function entry(instance: ComponentInstance, affected: string): AffectedInstance {
  return { component: instance.component, component_type: 'terraform', stack: instance.stack, stack_slug: `${instance.stack}-${instance.component.split('/').join('-')}`, affected };
}

export function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new AtmosUserError('USAGE', `git ${args.join(' ')} failed: ${stderr.trim() || (error as Error).message}`, undefined,
      'run inside a git repository and pass an existing ref, e.g. --base main');
  }
}
