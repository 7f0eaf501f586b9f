/**
 * Where a value of an instance is written, for an error about it: the file and line the user
 * must edit, which is often a catalog file the stack manifest imports, not the manifest.
 *
 * Scalars carry no position (the merge is tuned for speed and keeps none), so the text is
 * looked up when an error needs it, never before: the instance's own files (its manifest, then
 * its imports), each read once per process, searched for a line that holds the value's text
 * (and its key, when the value sits under one). The manifest comes first because it is merged
 * last and so wins; an import before the files it imports, for the same reason.
 */
import { readFileSync } from 'node:fs';
import type { SourceLocation } from '../errors/user-error';
import type { ComponentInstance } from './types';
import { isPlainMap } from './values';

type PathSegment = string | number;

/** The location of `text` (under `key`) in the instance's files; the manifest when no file holds it. */
export function locateText(instance: Pick<ComponentInstance, 'manifestFile' | 'imports'>, text: string, key?: string): SourceLocation {
  const needle = firstLine(text);
  if (needle !== '') {
    for (const file of [instance.manifestFile, ...instance.imports]) {
      const found = findInFile(file, needle, key);
      if (found) return found;
    }
  }
  return { file: instance.manifestFile };
}

/** The location of the value at `path` in the instance's sections (`['vars', 'vpc_id']`). */
export function locateValue(instance: Pick<ComponentInstance, 'manifestFile' | 'imports' | 'sections'>, path: PathSegment[]): SourceLocation {
  let value: unknown = instance.sections;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === 'number') value = value[segment];
    else if (isPlainMap(value) && typeof segment === 'string') value = value[segment];
    else return { file: instance.manifestFile };
  }
  if (typeof value !== 'string') return { file: instance.manifestFile };
  const key = [...path].reverse().find((segment): segment is string => typeof segment === 'string');
  return locateText(instance, value, key);
}

const texts = new Map<string, string | undefined>();

function findInFile(file: string, needle: string, key: string | undefined): SourceLocation | undefined {
  if (!texts.has(file)) {
    try {
      texts.set(file, readFileSync(file, 'utf8'));
    } catch {
      texts.set(file, undefined);
    }
  }
  const lines = texts.get(file)?.split('\n');
  if (!lines) return undefined;
  let fallback: SourceLocation | undefined;
  for (let i = 0; i < lines.length; i++) {
    const column = lines[i].indexOf(needle);
    if (column === -1) continue;
    const location = { file, line: i + 1, column: column + 1 };
    // The key on the same line (`vpc_id: ${{ output.vpc.id }}`) makes it this value, not a look-alike.
    if (key === undefined || lines[i].slice(0, column).includes(key)) return location;
    fallback ??= location;
  }
  return fallback;
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}
