/**
 * Local module folders a Terraform component uses (`source = "../modules/label"`), followed
 * transitively, so a change to a shared module affects exactly the components that use it.
 * Registry and git sources are not files of this workspace and are ignored.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const LOCAL_SOURCE = /\bsource\s*=\s*"(\.{1,2}\/[^"]*)"/g;

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
      for (const match of text.matchAll(LOCAL_SOURCE)) {
        // `//` separates a module's package from a sub-folder in Terraform sources.
        modules.push(resolve(folder, match[1].split('//')[0]));
      }
    }
  }
  cache.set(folder, modules);
  return modules;
}
