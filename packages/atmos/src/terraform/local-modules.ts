/**
 * Local module folders a Terraform component uses (`source = "../modules/label"`), followed
 * transitively, so a change to a shared module affects exactly the components that use it.
 * Registry and git sources are not files of this workspace and are ignored.
 */
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `source = "../modules/x"` in HCL (a comment that spells it counts too: one folder too many, never one too few). */
const LOCAL_SOURCE_HCL = /\bsource\s*=\s*"(\.{1,2}\/[^"]*)"/g;
/** `"source": "../modules/x"` in Terraform's JSON syntax (`*.tf.json`). */
const LOCAL_SOURCE_JSON = /"source"\s*:\s*"(\.{1,2}\/[^"]*)"/g;

/**
 * The folders whose files make up a component: its own and its local modules', each also as the
 * folder it really is when it is a link or lies under one (git lists a change under the real path).
 */
export function componentFolders(componentFolder: string, cache = new Map<string, string[]>()): string[] {
  return [...new Set([componentFolder, ...localModuleFolders(componentFolder, cache)].flatMap(withRealPath))];
}

/** The folder, and the folder it really is when that differs (a link); just the folder when it does not exist. */
export function withRealPath(folder: string): string[] {
  try {
    const real = realpathSync(folder);
    return real === folder ? [folder] : [folder, real];
  } catch {
    return [folder];
  }
}

export function localModuleFolders(componentFolder: string, cache = new Map<string, string[]>()): string[] {
  const found = new Set<string>();
  const visit = (folder: string): void => {
    for (const module of directModules(folder, cache)) {
      if (found.has(module) || module === componentFolder) continue;
      found.add(module);
      visit(module);
    }
  };
  visit(componentFolder);
  return [...found].sort();
}

function directModules(folder: string, cache: Map<string, string[]>): string[] {
  const cached = cache.get(folder);
  if (cached) return cached;
  const modules: string[] = [];
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    for (const entry of readdirSync(folder)) {
      if (!entry.endsWith('.tf') && !entry.endsWith('.tf.json')) continue;
      const text = readFileSync(join(folder, entry), 'utf8');
      // Terraform cleans a local path (`../modules//x` is `../modules/x`): `//` marks a sub-folder only in package sources.
      for (const match of text.matchAll(entry.endsWith('.tf.json') ? LOCAL_SOURCE_JSON : LOCAL_SOURCE_HCL)) modules.push(resolve(folder, match[1]));
    }
  }
  cache.set(folder, modules);
  return modules;
}
