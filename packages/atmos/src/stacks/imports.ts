/**
 * Import entries -> manifest files. An entry is a string or an object
 * `{ path, context, skip_templates_processing, ignore_missing_template_values, skip_if_missing }`.
 * `./x` and `../x` are relative to the importing file, anything else to the stacks base path.
 * Without a manifest extension Atmos tries `.yaml`, `.yml`, `.yaml.tmpl`, `.yml.tmpl` in that
 * order; globs (`catalog/*`, `mixins/**`) match every file of the first extension that matches.
 */
import { globFiles } from '../glob-files';
import { lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { AtmosUserError, type SourceLocation } from '../errors/user-error';
import { MANIFEST_EXTENSIONS, isManifestFile } from './discover';
import { mapList, newList } from './lists';
import { isPlainMap, locationOf, type PlainMap } from './values';

export interface ImportSpec {
  /** The path as written, or as rendered when `written` is set. */
  path: string;
  /** A path template as written, when `path` is what it rendered to (stack-file.ts renderedImport). */
  written?: string;
  context?: PlainMap;
  skipTemplatesProcessing: boolean;
  ignoreMissingTemplateValues: boolean;
  skipIfMissing: boolean;
  /**
   * Where the entry is: a map entry's own position; for a string entry, the list's (see
   * importEntryLocation). Worked out when an error asks: thousands of entries are read per run.
   */
  locate(): SourceLocation;
}

export interface ResolvedImport {
  spec: ImportSpec;
  files: string[];
  /** Absolute glob patterns this import reads (inputs for change detection: a glob stays a glob). */
  patterns: string[];
  /** The path is a template: resolved once rendered, on each visit (stack-file.ts), not here. */
  templatedPath?: true;
}

export interface ImportResolution {
  stacksBasePath: string;
  /** Nothing may be imported from outside this folder (the repository / base path). */
  rootPath: string;
  /** Resolved imports by path as written (with the importing folder for `./` and `../`), shared across the stacks of one run (files do not change during a run). */
  cache?: Map<string, { files: string[]; patterns: string[] }>;
}

/** Reads the `import:` section of a manifest into specs, validating its shape. */
export function readImportSpecs(manifest: PlainMap, file: string): ImportSpec[] {
  const section = manifest.import;
  if (section === undefined || section === null) return newList();
  const entries = Array.isArray(section) ? section : [section];
  return mapList(entries, (entry, index) => toSpec(entry, index, () => locationOf(entry) ?? locationOf(section) ?? { file }));
}

function toSpec(entry: unknown, index: number, locate: () => SourceLocation): ImportSpec {
  if (typeof entry === 'string') {
    return { path: entry, skipTemplatesProcessing: false, ignoreMissingTemplateValues: false, skipIfMissing: false, locate };
  }
  if (isPlainMap(entry) && typeof entry.path === 'string' && entry.path !== '') {
    if (entry.context !== undefined && entry.context !== null && !isPlainMap(entry.context)) {
      throw new AtmosUserError('IMPORT_INVALID', `import #${index + 1} ("${entry.path}"): context must be a map`, locate());
    }
    return {
      path: entry.path,
      context: isPlainMap(entry.context) ? entry.context : undefined,
      skipTemplatesProcessing: entry.skip_templates_processing === true,
      ignoreMissingTemplateValues: entry.ignore_missing_template_values === true,
      skipIfMissing: entry.skip_if_missing === true,
      locate,
    };
  }
  throw new AtmosUserError('IMPORT_INVALID', `import #${index + 1} must be a path string or a map with a "path" key`, locate(),
    'write `- catalog/vpc` or `- path: catalog/vpc` with optional context, skip_if_missing, ...');
}

const GLOB_CHARS = /[*?[\]{}]/;

export function resolveImport(spec: ImportSpec, importingFile: string, options: ImportResolution): ResolvedImport {
  // Relative to the importing file as written (Atmos resolves `./` and `../` before rendering a path template).
  const asWritten = spec.written ?? spec.path;
  const relativeToFile = asWritten.startsWith('./') || asWritten.startsWith('../');
  const base = relativeToFile ? dirname(importingFile) : options.stacksBasePath;
  // The same import from the same folder resolves the same way all run long (thousands of stacks
  // share catalogs). Most paths are relative to the stacks base path, and are keys as written.
  const cacheKey = relativeToFile ? `${base}\0${spec.path}` : spec.path;
  const cached = options.cache?.get(cacheKey);
  if (cached) return { spec, files: cached.files, patterns: cached.patterns };

  // Joined as Atmos joins it (filepath.Join): `/catalog/vpc` is the stacks folder's catalog/vpc too.
  const target = join(base, spec.path);
  assertInside(target, spec, options);
  const isGlob = GLOB_CHARS.test(spec.path);
  const candidates = candidatePaths(target, isGlob);
  const found = findCandidates(candidates, isGlob);
  if (found) {
    for (const file of found.files) assertInside(file, spec, options);
    options.cache?.set(cacheKey, found);
    return { spec, ...found };
  }
  // Atmos skips an import that matches nothing when it is still a Go template (templates off, or
  // skip_templates_processing): IsGolangTemplate in ProcessImportSection.
  if (spec.skipIfMissing || spec.path.includes('{{')) return { spec, files: [], patterns: candidates };
  const broken = isGlob ? undefined : candidates.find(isBrokenLink);
  if (broken !== undefined) {
    throw new AtmosUserError('IMPORT_NOT_FOUND', `import "${spec.path}": ${relative(options.rootPath, broken)} is a symbolic link to ${readlinkSync(broken)}, which does not exist (or links back to itself)`,
      importEntryLocation(spec), 'point the link at an existing manifest, or replace it with the file');
  }
  throw new AtmosUserError('IMPORT_NOT_FOUND', `import "${spec.path}" matches no manifest`, importEntryLocation(spec),
    `looked for ${candidates.map((c) => relative(options.stacksBasePath, c)).join(', ')} under ${relative(options.rootPath, options.stacksBasePath) || '.'}; ` +
      'fix the path, or set `skip_if_missing: true` on the import if it is optional');
}

/**
 * Atmos's extension rules: without an extension, the first of `.yaml`, `.yml`, `.yaml.tmpl`,
 * `.yml.tmpl` that exists (a glob without extension matches `.yaml` files only); a `.yaml`/`.yml`
 * path prefers its `.tmpl` sibling when there is one.
 */
function findCandidates(candidates: string[], isGlob: boolean): { files: string[]; patterns: string[] } | undefined {
  for (const [index, candidate] of candidates.entries()) {
    const files = isGlob ? globPattern(candidate) : fileIfExists(candidate);
    // Every path tried counts as an input: creating an earlier candidate changes what is imported.
    if (files.length > 0) return { files, patterns: candidates.slice(0, index + 1) };
  }
  return undefined;
}

function candidatePaths(target: string, isGlob: boolean): string[] {
  if (target.endsWith('.yaml') || target.endsWith('.yml')) return isGlob ? [target] : [target + '.tmpl', target];
  if (isManifestFile(target)) return [target];
  return isGlob ? [target + '.yaml'] : MANIFEST_EXTENSIONS.map((ext) => target + ext);
}

function globPattern(pattern: string): string[] {
  // fast-glob wants a literal folder (cwd) and a relative pattern: split at the first glob segment.
  const segments = pattern.split('/');
  const firstGlob = segments.findIndex((segment) => GLOB_CHARS.test(segment));
  const cwd = segments.slice(0, firstGlob).join('/') || '/';
  return globFiles(segments.slice(firstGlob).join('/'), { cwd, onlyFiles: true, dot: false }).sort();
}

/** A link whose target cannot be read (missing, or a loop). */
function isBrokenLink(path: string): boolean {
  if (!lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) return false;
  try {
    return statSync(path, { throwIfNoEntry: false }) === undefined;
  } catch {
    return true; // ELOOP: a link that leads back to itself
  }
}

function fileIfExists(path: string): string[] {
  // One stat, not an exists check and then a stat: thousands of import candidates are tried cold.
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ? [path] : [];
  } catch {
    return []; // ENOTDIR (a file where a folder was expected), EACCES: nothing to import there, as existsSync said
  }
}

/**
 * The line of the entry itself, for error messages. Positions are kept for maps and lists, not
 * for strings, so a string entry is found by its text from the list's line on (read only when
 * an error is reported).
 */
export function importEntryLocation(spec: ImportSpec): SourceLocation {
  const from = spec.locate();
  if (from.line === undefined) return from;
  let lines: string[];
  try {
    lines = readFileSync(from.file, 'utf8').split('\n');
  } catch {
    return from;
  }
  const path = escapeRegExp(spec.written ?? spec.path);
  const blockItem = new RegExp(`^(\\s*-\\s*(?:path:\\s*)?)["']?${path}["']?\\s*(?:#.*)?$`);
  for (let i = from.line - 1; i < lines.length; i++) {
    const match = blockItem.exec(lines[i]);
    if (match) return { file: from.file, line: i + 1, column: match[1].length + 1 };
  }
  // A flow sequence (`import: [catalog/vpc, catalog/app]`, or one item a line): the item, not the bracket.
  const flowItem = new RegExp(`(^\\s*|[[,]\\s*)["']?${path}["']?\\s*(?:[,\\]]|(?:#.*)?$)`);
  for (let i = from.line - 1; i < lines.length; i++) {
    const match = flowItem.exec(lines[i]);
    if (match) return { file: from.file, line: i + 1, column: match.index + match[1].length + 1 };
  }
  return from;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function assertInside(path: string, spec: ImportSpec, options: ImportResolution): void {
  const rel = relative(options.rootPath, path);
  if (rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel))) return;
  // The destination relative to the repository, so that it reads the same from an extracted base.
  const destination = isAbsolute(rel) ? rel : rel.split(sep).join('/');
  throw new AtmosUserError('IMPORT_ESCAPES_REPO', `import "${spec.path}" resolves outside the repository ${options.rootPath} (to ${destination})`,
    importEntryLocation(spec), 'imports may only read manifests inside the repository; copy the file into stacks/ instead');
}
