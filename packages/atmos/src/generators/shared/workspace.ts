/**
 * The generators' view of an Atmos workspace: atmos.yaml, the stacks and the instances they
 * resolve to, read through the static engine.
 *
 * The engine reads files from disk, a generator sees the Nx Tree (the disk plus the changes made
 * so far in this run, which may be virtual in tests or under --dry-run). So the Tree's atmos.yaml
 * and stacks folder are copied into a scratch folder and the engine runs there; paths are
 * reported back relative to the workspace root. The same scratch copy lets a generator check
 * that the manifests it is about to write resolve, before anything reaches the disk.
 */
import type { Tree } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { CONFIG_FILE_NAMES, normaliseConfig } from '../../config/load';
import type { AtmosConfig } from '../../config/types';
import { discoverStackFiles } from '../../stacks/discover';
import { resolveStacks } from '../../stacks/engine';
import { parseYaml } from '../../stacks/parse';
import type { ComponentInstance } from '../../stacks/types';
import { isPlainMap, type PlainMap } from '../../stacks/values';
import { isUserError } from '../../errors/user-error';
import { GeneratorError } from './options';

/** Folders never copied: they hold no manifests and can be large. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.nx', '.atmos', '.terraform']);

export interface StackSummary {
  name: string;
  /** The top-level manifest, relative to the workspace root (`stacks/orgs/plat/dev/us-east-1.yaml`). */
  manifest: string;
  /** The same, relative to the stacks base path. */
  manifestInStacks: string;
  /** The context vars of the stack (from its first instance; they are stack-wide in practice). */
  context: { namespace?: string; tenant?: string; stage?: string; environment?: string; region?: string };
  /** Deployable components (not abstract, enabled), sorted. */
  components: string[];
  instances: ComponentInstance[];
}

export interface WorkspaceView {
  /** Relative (to the workspace root) path of atmos.yaml, or undefined when there is none. */
  configFile?: string;
  config: AtmosConfig;
  /** Stacks base path and components base path, relative to the workspace root. */
  stacksDir: string;
  componentsDir: string;
  stacks: StackSummary[];
  /** Absolute path in the scratch copy of a workspace-relative path. */
  scratchPath(path: string): string;
  /** Workspace-relative path of an absolute scratch path. */
  workspacePath(path: string): string;
  /**
   * Resolves again with extra files placed in the scratch copy (what a generator is about to
   * write): all stacks, or only the top-level manifests named (workspace-relative).
   */
  resolveWith(files: Array<{ path: string; content: string }>, only?: string[], computeDeps?: boolean): StackSummary[];
  /** Whether included_paths/excluded_paths select this (workspace-relative) manifest as a stack, as written to the scratch copy. */
  isStackManifest(path: string): boolean;
  dispose(): void;
}

export function readWorkspace(tree: Tree): WorkspaceView {
  const scratch = mkdtempSync(join(tmpdir(), 'atmos-generator-'));
  try {
    const configName = CONFIG_FILE_NAMES.find((name) => tree.exists(name));
    const raw = configName ? readConfigText(tree, configName, scratch) : {};
    // The generator acts on the workspace it runs in: ATMOS_* overrides that point elsewhere are ignored.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ATMOS_')));
    const config = normaliseConfig(raw, { configDir: scratch, configFile: configName ? join(scratch, configName) : undefined, cwd: scratch, env });
    const toWorkspace = (path: string) => relative(scratch, path).split(sep).join('/');
    const stacksDir = toWorkspace(config.stacks.basePath);
    const componentsDir = toWorkspace(config.components.terraform.basePath);
    for (const [what, dir] of [['stacks.base_path', stacksDir], ['components.terraform.base_path', componentsDir]]) {
      if (dir.startsWith('..') || isAbsolute(dir)) throw new GeneratorError(`${configName}: ${what} points outside the workspace (${dir}); the generators write only inside it`);
    }
    copyFolder(tree, stacksDir, scratch);
    const view: WorkspaceView = {
      configFile: configName,
      config,
      stacksDir,
      componentsDir,
      stacks: inScratch(scratch, () => summarise(config, resolveStacks(config, { computeDeps: false, env }).instances, scratch)),
      scratchPath: (path) => join(scratch, path),
      workspacePath: toWorkspace,
      resolveWith(files, only, computeDeps = false) {
        for (const file of files) writeScratch(scratch, file.path, file.content);
        const stackFiles = only ? only.map((path) => join(scratch, path)) : discoverStackFiles(config);
        return inScratch(scratch, () => summarise(config, resolveStacks(config, { computeDeps, env, stackFiles }).instances, scratch));
      },
      isStackManifest: (path) => discoverStackFiles(config).includes(join(scratch, path)),
      dispose: () => rmSync(scratch, { recursive: true, force: true }),
    };
    return view;
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

/** Engine errors name scratch files: report them as the workspace files they copy. */
function inScratch<T>(scratch: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (isUserError(error)) throw new GeneratorError(error.format(scratch).split(`${scratch}/`).join('').replace(/\n\s*/g, ' '));
    throw error;
  }
}

function readConfigText(tree: Tree, name: string, scratch: string): PlainMap {
  const text = tree.read(name, 'utf-8') ?? '';
  writeScratch(scratch, name, text);
  const value = parseYaml(text, { file: join(scratch, name) });
  if (value === null || value === undefined) return {};
  if (!isPlainMap(value)) throw new GeneratorError(`${name} must be a YAML map`);
  return value;
}

function copyFolder(tree: Tree, dir: string, scratch: string): void {
  const walk = (folder: string) => {
    for (const child of tree.children(folder)) {
      const path = folder === '' ? child : `${folder}/${child}`;
      if (tree.isFile(path)) writeScratch(scratch, path, tree.read(path, 'utf-8') ?? '');
      else if (!SKIPPED_FOLDERS.has(child)) walk(path);
    }
  };
  if (tree.exists(dir)) walk(dir);
}

function writeScratch(scratch: string, path: string, content: string): void {
  const target = join(scratch, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}

function summarise(config: AtmosConfig, instances: ComponentInstance[], scratch: string): StackSummary[] {
  const byStack = new Map<string, StackSummary>();
  for (const instance of instances) {
    let stack = byStack.get(instance.stack);
    if (!stack) {
      const vars = instance.sections.vars;
      const text = (key: string) => (typeof vars[key] === 'string' && vars[key] !== '' ? (vars[key] as string) : undefined);
      stack = {
        name: instance.stack,
        manifest: relative(scratch, instance.manifestFile).split(sep).join('/'),
        manifestInStacks: relative(config.stacks.basePath, instance.manifestFile).split(sep).join('/'),
        context: { namespace: text('namespace'), tenant: text('tenant'), stage: text('stage'), environment: text('environment'), region: text('region') },
        components: [],
        instances: [],
      };
      byStack.set(instance.stack, stack);
    }
    stack.instances.push(instance);
    if (!instance.abstract && instance.enabled) stack.components.push(instance.component);
  }
  for (const stack of byStack.values()) stack.components.sort();
  return [...byStack.values()].sort((a, b) => (a.manifest < b.manifest ? -1 : a.manifest > b.manifest ? 1 : 0));
}
