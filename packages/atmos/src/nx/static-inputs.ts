/**
 * What the static phase reads besides the trees the cache key hashes: the environment variables
 * templates consult (`{{ env "X" }}` in a stack name template, an import context, a section)
 * and files outside the stacks and components base paths (`!include` of `../shared/x.yaml`,
 * local modules elsewhere). Recorded while the graph is computed, so the cache key can be
 * checked against them and each instance gets them as Nx inputs of its own.
 */
import { readFileSync } from 'node:fs';
import type { AtmosConfig } from '../config/types';
import type { ResolvedStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import { localModuleFolders } from '../terraform/local-modules';
import { contentHash, envValueHash, terraformFolderHash, type WatchedInputs } from './cache';

export interface EnvRecording {
  /** Variables read, by name. */
  read: Set<string>;
  /** True when the whole environment was listed (every variable then counts). */
  listed: boolean;
}

/**
 * Runs `compute` with `process.env` replaced by a view that records each variable read. The
 * engine and the template functions default to process.env, so this sees every read without
 * threading a recorder through them; the real environment is back when compute returns.
 */
export function recordingEnvReads<T>(compute: () => T): { result: T; recording: EnvRecording } {
  const real = process.env;
  const recording: EnvRecording = { read: new Set(), listed: false };
  process.env = new Proxy(real, {
    get(target, name) {
      if (typeof name === 'string') recording.read.add(name);
      return Reflect.get(target, name);
    },
    has(target, name) {
      if (typeof name === 'string') recording.read.add(name);
      return Reflect.has(target, name);
    },
    ownKeys(target) {
      recording.listed = true;
      return Reflect.ownKeys(target);
    },
  });
  try {
    return { result: compute(), recording };
  } finally {
    process.env = real;
  }
}

/** Variables the plugin reads itself for the git base; they are in the key already. */
const PLUGIN_ENV = new Set(['NX_BASE', 'NX_HEAD']);

/**
 * Each instance's environment inputs: a variable whose name appears in one of its
 * configuration files (the name of `{{ env "X" }}` is almost always written out) belongs to
 * that stack's instances; one named in atmos.yaml (a stack name template) or in no file at all
 * (a computed name) belongs to every instance.
 */
export function envInputs(config: AtmosConfig, resolved: ResolvedStacks, configFilesOf: (instance: ComponentInstance) => string[], recording: EnvRecording, env: Record<string, string | undefined>): (instance: ComponentInstance) => string[] {
  const names = (recording.listed ? Object.keys(env) : [...recording.read]).filter((name) => !PLUGIN_ENV.has(name)).sort();
  if (names.length === 0) return () => [];
  const texts = new Map<string, string>();
  const mentions = (file: string, name: string): boolean => {
    let text = texts.get(file);
    if (text === undefined) {
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = '';
      }
      texts.set(file, text);
    }
    return text.includes(name);
  };
  const byStack = new Map<string, string[]>();
  const forStack = (instance: ComponentInstance) => {
    let found = byStack.get(instance.manifestFile);
    if (!found) {
      const files = configFilesOf(instance);
      byStack.set(instance.manifestFile, (found = names.filter((name) => files.some((file) => mentions(file, name)))));
    }
    return found;
  };
  const named = new Set<string>();
  for (const instance of resolved.instances) for (const name of forStack(instance)) named.add(name);
  const everywhere = new Set(names.filter((name) => !named.has(name) || config.configFiles.some((file) => mentions(file, name))));
  return (instance) => names.filter((name) => everywhere.has(name) || forStack(instance).includes(name));
}

/** Files and module folders outside the key's trees, and the variables read, with their hashes. */
export function watchedInputs(config: AtmosConfig, resolved: ResolvedStacks, recording: EnvRecording, env: Record<string, string | undefined>): WatchedInputs {
  const stacksBase = config.stacks.basePath + '/';
  const componentsBase = config.components.terraform.basePath + '/';
  const files: Record<string, string> = {};
  const folders: Record<string, string> = {};
  const seenLists = new Set<string[]>();
  const componentPaths = new Set<string>();
  for (const instance of resolved.instances) {
    componentPaths.add(instance.componentPath);
    if (seenLists.has(instance.includedFiles)) continue;
    seenLists.add(instance.includedFiles);
    for (const file of instance.includedFiles) if (!file.startsWith(stacksBase)) files[file] = contentHash(file);
  }
  const moduleCache = new Map<string, string[]>();
  for (const path of componentPaths) {
    for (const folder of localModuleFolders(path, moduleCache)) if (!folder.startsWith(componentsBase)) folders[folder] = terraformFolderHash(folder);
  }
  const names = recording.listed ? Object.keys(env) : [...recording.read];
  const envHashes: Record<string, string> = {};
  for (const name of names.sort()) envHashes[name] = envValueHash(env[name]);
  return { files, folders, env: envHashes };
}
