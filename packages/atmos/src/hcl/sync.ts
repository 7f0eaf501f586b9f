/**
 * HCL parsing for the static phase, which is synchronous (the stack engine reads files in one
 * pass). The parse runs in a worker thread (parse-worker.ts) that the calling thread waits
 * for; the worker starts on first use (~100 ms with the WebAssembly load), later calls take
 * about a millisecond each. Imports nothing heavy: the stack engine loads this module always.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { hclSyntaxError } from './errors';
import type { HclBody } from './values';

let parseInWorker: ((fileName: string, text: string) => string) | undefined;

/** The compiled worker: beside this file in dist/; from the sources (tests), the built copy. */
function workerPath(): string {
  const beside = join(__dirname, 'parse-worker.js');
  return existsSync(beside) ? beside : join(__dirname, '..', '..', 'dist', 'hcl', 'parse-worker.js');
}

export function parseHclSync(file: string, text: string): HclBody {
  // Loaded on first use: most stacks include no HCL file, and the engine's start-up is measured.
  parseInWorker ??= (require('synckit') as typeof import('synckit')).createSyncFn(workerPath()) as (fileName: string, text: string) => string;
  try {
    return JSON.parse(parseInWorker(basename(file), text)) as HclBody;
  } catch (error) {
    throw hclSyntaxError(file, error);
  }
}
