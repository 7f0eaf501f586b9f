/**
 * Files matching glob patterns, as absolute paths. fast-glob's own `absolute` option turns a
 * backslash in a file name into a `/` (a separator only on Windows; elsewhere part of the
 * name), so `catalog/back\slash.yaml` became a file that does not exist: relative matches are
 * joined to `cwd` here instead (an absolute pattern's matches come back absolute as they are).
 * The folder is best given as `cwd`: in a pattern its name would be read as a glob too.
 */
import fg from 'fast-glob';
import { isAbsolute, join } from 'node:path';

export function globFiles(patterns: string | string[], options: Omit<fg.Options, 'absolute'> = {}): string[] {
  const cwd = options.cwd ?? process.cwd();
  return fg.sync(patterns, options).map((file) => (isAbsolute(file) ? file : join(cwd, file)));
}
