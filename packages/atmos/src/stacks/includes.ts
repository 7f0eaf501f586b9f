/**
 * `!include` and `!include.raw`, evaluated when a manifest is parsed (as Atmos does), so the
 * included value takes part in merging. Paths are relative to the manifest, then to the stacks
 * base path, then to the base path; nothing outside the repository and nothing remote (the
 * static phase never touches the network). JSON and YAML are parsed, anything else is text;
 * an optional yq-style query selects a part: `!include config/tags.yaml .prod`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parseHclSync } from '../hcl/sync';
import { hclValues } from '../hcl/values';
import { AtmosUserError } from '../errors/user-error';
import type { RepositoryFiles } from './confine';
import { QueryError, applyQuery } from '../functions/runtime/query';
import { splitArgs } from '../functions/yaml-references';
import { MAX_NESTING, assertNesting } from './depth';
import { parseYaml } from './parse';
import { decodeUtf8 } from './utf8';
import { YamlFunction, mapLeaves } from './values';

export interface IncludeOptions {
  stacksBasePath: string;
  rootPath: string;
  /** What is inside the repository, for the real path (symlinks followed). */
  repository: RepositoryFiles;
  /** Called with every file read, for change detection. */
  onRead(file: string): void;
}

const INCLUDE_TAGS = new Set(['!include', '!include.raw']);

export function resolveIncludes<T>(value: T, manifestFile: string, options: IncludeOptions): T {
  return walk(value, manifestFile, options) as T;
}

function walk(value: unknown, manifestFile: string, options: IncludeOptions): unknown {
  return mapLeaves(value, (leaf) => (leaf instanceof YamlFunction && INCLUDE_TAGS.has(leaf.tag) ? include(leaf, manifestFile, options) : leaf));
}

function include(fn: YamlFunction, manifestFile: string, options: IncludeOptions): unknown {
  const location = fn.location ?? { file: manifestFile };
  const [path, ...queryParts] = splitArgs(fn.args);
  if (!path) throw new AtmosUserError('FUNCTION_ERROR', `${fn.tag} needs a file path`, location, `write e.g. \`${fn.tag} config/tags.yaml\``);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new AtmosUserError('FUNCTION_ERROR', `${fn.tag} ${path}: remote includes are not supported`, location, 'vendor the file into the repository and include it by path');
  }
  const file = findFile(path, manifestFile, options);
  if (!file) {
    throw new AtmosUserError('FUNCTION_ERROR', `${fn.tag}: file "${path}" not found`, location,
      'paths are relative to the manifest, the stacks base path or the base path');
  }
  const outside = options.repository.outside(file);
  if (outside !== undefined) {
    throw new AtmosUserError('IMPORT_ESCAPES_REPO', `${fn.tag} ${path} resolves outside the repository${outside !== file ? ` (through a symlink, to ${outside})` : ''}`, location,
      'include only files inside the repository; copy the file in instead of linking it');
  }
  options.onRead(file);
  const text = decodeUtf8(readFileSync(file), file);
  if (fn.tag === '!include.raw') return text;
  const content = parseByExtension(text, file, location);
  const query = queryParts.join(' ');
  if (!query) return content;
  try {
    return applyQuery(content, query);
  } catch (error) {
    if (error instanceof QueryError) throw new AtmosUserError('FUNCTION_ERROR', `${fn.tag} ${path}: ${error.message}`, location);
    throw error;
  }
}

function parseByExtension(text: string, file: string, location: { file: string }): unknown {
  const extension = extname(file).toLowerCase();
  if (extension === '.json') {
    try {
      const value: unknown = JSON.parse(text);
      if (text.length > 2 * MAX_NESTING) assertNesting(value, location);
      return value;
    } catch (error) {
      if (error instanceof AtmosUserError) throw error;
      throw new AtmosUserError('FUNCTION_ERROR', `!include ${file}: invalid JSON: ${(error as Error).message}`, location);
    }
  }
  if (extension === '.yaml' || extension === '.yml') return parseYaml(text, { file });
  // Atmos reads HCL files as values (pkg/filetype: DetectFormatAndParseFile); so do we, with HashiCorp's own parser.
  if (extension === '.hcl' || extension === '.tf' || extension === '.tfvars') return hclValues(parseHclSync(file, text), extension === '.tfvars');
  return text;
}

function findFile(path: string, manifestFile: string, options: IncludeOptions): string | undefined {
  const candidates = isAbsolute(path) ? [path] : [resolve(dirname(manifestFile), path), resolve(options.stacksBasePath, path), resolve(options.rootPath, path)];
  return candidates.find((candidate) => existsSync(candidate));
}
