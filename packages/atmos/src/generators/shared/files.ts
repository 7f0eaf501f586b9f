/**
 * Writing generated files into the Nx Tree. Every file is planned first and checked against
 * what exists; only when all checks pass is anything written, so a refusal leaves the Tree (and
 * so the disk, which Nx flushes only after the generator returns) as it was.
 */
import type { Tree } from '@nx/devkit';
import { join } from 'node:path';
import { GeneratorError } from './options';

export interface PlannedFile {
  path: string;
  content: string;
}

/**
 * Writes the files, refusing (before writing any) if one exists with other content and `force`
 * is off. A file that already has exactly this content is left alone: running twice changes nothing.
 */
export function writePlannedFiles(tree: Tree, files: PlannedFile[], force: boolean): { written: string[]; unchanged: string[] } {
  const conflicts = files.filter((file) => tree.exists(file.path) && tree.read(file.path, 'utf-8') !== file.content);
  if (conflicts.length > 0 && !force) {
    const names = conflicts.map((file) => file.path).join(', ');
    throw new GeneratorError(`${names} already exist${conflicts.length === 1 ? 's' : ''}: refusing to overwrite; pass --force to replace ${conflicts.length === 1 ? 'it' : 'them'}, or choose another name`);
  }
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const file of files) {
    if (tree.exists(file.path) && tree.read(file.path, 'utf-8') === file.content) {
      unchanged.push(file.path);
      continue;
    }
    tree.write(file.path, file.content);
    written.push(file.path);
  }
  return { written, unchanged };
}

/**
 * A generator's `files/` folder. Templates are not compiled: they ship as `src/generators/<name>/files`
 * (package.json "files"), beside `dist/`; from `dist/generators/shared` and from
 * `src/generators/shared` alike that is three folders up, then `src/generators/<name>/files`.
 */
export function templateFolder(generator: string): string {
  return join(__dirname, '..', '..', '..', 'src', 'generators', generator, 'files');
}
