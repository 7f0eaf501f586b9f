import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Written whole or not at all (temp file, then rename): a reader never sees half a diagram or result. */
export function writeAtomically(file: string, text: string, mode?: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temp, text, mode === undefined ? undefined : { mode });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true }); // never a stray temp file next to the result
    throw error;
  }
}
