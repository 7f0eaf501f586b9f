/**
 * The files `describe affected --file` and `--output-file` write. A regular file (or a new one)
 * is replaced whole, through a temporary file renamed over it: a reader never sees half a result,
 * and a failed write leaves the old one. Anything else at the path is written through, as Atmos
 * writes it: the file a link leads to, a FIFO, a device (`--file /dev/stdout`). A path that cannot
 * be written is the user's to fix: an error naming it, never a stack trace or a stray temp file.
 */
import { appendFileSync, lstatSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { writeAtomically } from '../graph/write-file';

/** The result, whole, at `path` (`flag` names the option in an error). */
export function writeResultFile(path: string, text: string, flag: string): void {
  attempt(path, flag, () => {
    const target = writtenPath(path, flag);
    if (target.kind === 'through') writeFileSync(target.path, text);
    else writeAtomically(target.path, text);
  });
}

/** Lines added at the end (GitHub's $GITHUB_OUTPUT holds the outputs of earlier steps too). */
export function appendResultLines(path: string, text: string, flag: string): void {
  attempt(path, flag, () => {
    if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) throw folderGiven(path, flag);
    appendFileSync(path, text);
  });
}

/** Where to write: a regular file or a new one is replaced; a link is followed to what it names. */
function writtenPath(path: string, flag: string): { kind: 'replace' | 'through'; path: string } {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined || stat.isFile()) return { kind: 'replace', path };
  if (stat.isDirectory()) throw folderGiven(path, flag);
  if (!stat.isSymbolicLink()) return { kind: 'through', path };
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return { kind: 'through', path }; // a dangling link: writing through it makes the file it names
  }
  return writtenPath(real, flag);
}

function attempt(path: string, flag: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    if (error instanceof AtmosUserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new AtmosUserError('USAGE', `${flag} ${path}: cannot write it (${code}: ${(error as Error).message.replace(/^[A-Z]+: /, '').split(', ')[0]})`, undefined,
      `pass a file in a folder you can write to, e.g. ${flag} affected.json`);
  }
}

function folderGiven(path: string, flag: string): AtmosUserError {
  return new AtmosUserError('USAGE', `${flag} ${path} is a folder`, undefined, `name a file, e.g. ${flag} ${join(path, 'affected.json')}`);
}
