/**
 * Files matching glob patterns, as absolute paths. fast-glob's own `absolute` option turns a
 * backslash in a file name into a `/` (a separator only on Windows; elsewhere part of the
 * name), so `catalog/back\slash.yaml` became a file that does not exist: the relative matches
 * are joined to the folder here instead.
 */
import fg from 'fast-glob';
import { isAbsolute, join } from 'node:path';

export function globFiles(patterns: string | string[], options: Omit<fg.Options, 'absolute'> = {}): string[] {
  const cwd = options.cwd ?? process.cwd();
  return fg.sync(patterns, options).map((file) => (isAbsolute(file) ? file : join(cwd, file)));
}
