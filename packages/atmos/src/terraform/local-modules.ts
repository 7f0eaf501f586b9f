/**
 * Local module folders a Terraform component uses (`source = "../modules/label"`), followed
 * transitively, so a change to a shared module affects exactly the components that use it.
 * Registry and git sources are not files of this workspace and are ignored.
 */
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** `source = "../modules/x"` in HCL (a comment that spells it counts too: one folder too many, never one too few). */
const LOCAL_SOURCE_HCL = /\bsource\s*=\s*"(\.{1,2}\/[^"]*)"/g;
/** `"source": "../modules/x"` in Terraform's JSON syntax (`*.tf.json`). */
const LOCAL_SOURCE_JSON = /"source"\s*:\s*"(\.{1,2}\/[^"]*)"/g;

/**
 * The folders whose files make up a component: its own and its local modules', each also as the
 * folder it really is when it is a link or lies under one inside `root` (see withRealPath).
 */
export function componentFolders(componentFolder: string, root: string, cache = new Map<string, string[]>()): string[] {
  return [...new Set([componentFolder, ...localModuleFolders(componentFolder, cache)].flatMap((folder) => withRealPath(folder, root)))];
}

/**
 * The folder, and the folder it really is when a link inside `root` (the repository) leads there:
 * git lists a change under the real path. Named as a path under `root`, so a link above it (a
 * workspace checked out through a linked folder) changes nothing; a link out of `root` adds
 * nothing either, since git sees no change there. Just the folder when it does not exist.
 */
export function withRealPath(folder: string, root: string): string[] {
  let real: string;
  let realRoot: string;
  try {
    real = realpathSync(folder);
    realRoot = realpathSync(root);
  } catch {
    return [folder];
  }
  const inside = relative(realRoot, real);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return [folder];
  const named = join(root, inside);
  return named === folder ? [folder] : [folder, named];
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
