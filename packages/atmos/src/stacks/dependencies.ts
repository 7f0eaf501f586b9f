/**
 * Declared dependencies, normalised from both forms Atmos accepts:
 * - legacy `settings.depends_on`: a map of `{component, stack?, namespace?, tenant?,
 *   environment?, stage?}` or `{file}` / `{folder}` entries;
 * - `dependencies.components` (`name` or legacy `component`, `stack?`, `kind?`), and
 *   `dependencies.files` / `dependencies.folders`.
 */
import { isAbsolute, posix, relative } from 'node:path';
import { AtmosUserError, type SourceLocation } from '../errors/user-error';
import type { ComponentSections } from './types';
import { asMap, isPlainMap, locationOf } from './values';

export const CONTEXT_FIELDS = ['namespace', 'tenant', 'environment', 'stage'] as const;
export type ContextField = (typeof CONTEXT_FIELDS)[number];

export interface DeclaredComponentDependency {
  component: string;
  /** An explicit stack name; when absent the context fields (or the same stack) decide. */
  stack?: string;
  context: Partial<Record<ContextField, string>>;
  kind: string;
  /** Where it was declared: `settings.depends_on.1` or `dependencies.components[0]`. */
  via: string;
}

export interface DeclaredDependencies {
  components: DeclaredComponentDependency[];
  /** Paths relative to the workspace root. */
  files: string[];
  folders: string[];
}

/**
 * A declared file or folder as Atmos matches it, relative to `root`: Atmos makes the path
 * absolute (filepath.Abs), which cleans it, so `./cfg.json`, `shared/` and `a//b` name
 * `cfg.json`, `shared` and `a/b`, and an absolute path inside the repository names the same file
 * as a relative one. The whole tree is `.`. The glob characters stay as written.
 */
export function dependencyPath(path: string, root: string): string {
  const fromRoot = isAbsolute(path) ? relative(root, path).split('\\').join('/') : path;
  const clean = posix.normalize(fromRoot).replace(/\/+$/, '');
  return clean === '' || clean === '.' ? '.' : clean;
}

/**
 * A declared file or folder as a glob for picomatch and Nx: cleaned (dependencyPath), with `(`
 * and `)` escaped, which doublestar reads literally and picomatch and Nx's globs read as extglob
 * groups (`config/net(v2).json` would match nothing).
 */
export function dependencyGlob(path: string, root: string): string {
  return dependencyPath(path, root).replace(/[()]/g, '\\$&');
}

/** A declared folder as a glob (dependencyGlob), or undefined when it is the whole tree (`.`, `./`, `d/..`). */
export function dependencyFolderGlob(folder: string, root: string): string | undefined {
  const glob = dependencyGlob(folder, root);
  return glob === '.' ? undefined : glob;
}

export function declaredDependencies(sections: ComponentSections, where: SourceLocation): DeclaredDependencies {
  const result: DeclaredDependencies = { components: [], files: [], folders: [] };
  const dependsOn = sections.settings.depends_on;
  if (dependsOn !== undefined && dependsOn !== null) {
    if (!isPlainMap(dependsOn)) throw invalid('settings.depends_on must be a map of entries like `1: {component: vpc}`', dependsOn, where);
    for (const key of Object.keys(dependsOn).sort()) {
      readEntry(dependsOn[key], `settings.depends_on.${key}`, result, where);
    }
  }
  const dependencies = sections.dependencies;
  const components = dependencies.components;
  if (components !== undefined && components !== null) {
    if (!Array.isArray(components)) throw invalid('dependencies.components must be a list of `{name: <component>, stack?: <stack>}`', components, where);
    components.forEach((entry, i) => readEntry(entry, `dependencies.components[${i}]`, result, where));
  }
  result.files.push(...stringList(dependencies.files, 'dependencies.files', where));
  result.folders.push(...stringList(dependencies.folders, 'dependencies.folders', where));
  return result;
}

function readEntry(entry: unknown, via: string, into: DeclaredDependencies, where: SourceLocation): void {
  if (!isPlainMap(entry)) throw invalid(`${via} must be a map with a component (or name), file or folder`, entry, where);
  if (entry.kind === 'file' || typeof entry.file === 'string') {
    into.files.push(String(entry.path ?? entry.file));
    return;
  }
  if (entry.kind === 'folder' || typeof entry.folder === 'string') {
    into.folders.push(String(entry.path ?? entry.folder));
    return;
  }
  const name = entry.name ?? entry.component;
  if (entry.name !== undefined && entry.component !== undefined && entry.name !== entry.component) {
    throw invalid(`${via} sets both name '${String(entry.name)}' and component '${String(entry.component)}'`, entry, where);
  }
  if (typeof name !== 'string' || name === '') throw invalid(`${via} needs a component name (name: or component:)`, entry, where);
  const context: Partial<Record<ContextField, string>> = {};
  for (const field of CONTEXT_FIELDS) {
    if (typeof entry[field] === 'string' && entry[field] !== '') context[field] = entry[field] as string;
  }
  into.components.push({
    component: name,
    stack: typeof entry.stack === 'string' && entry.stack !== '' ? entry.stack : undefined,
    context,
    kind: typeof entry.kind === 'string' ? entry.kind : 'terraform',
    via,
  });
}

function stringList(value: unknown, name: string, where: SourceLocation): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${name} must be a list of paths`, value, where);
  return value.map((item, index) => {
    const path = isPlainMap(item) ? item.path : item;
    // Atmos decodes the list into strings: anything else fails the whole section there (silently).
    if (typeof path !== 'string') throw invalid(`${name}[${index}] must be a path (a string), not ${JSON.stringify(path) ?? String(path)}`, value, where);
    return path;
  }).filter((p) => p !== '');
}

function invalid(message: string, value: unknown, where: SourceLocation): AtmosUserError {
  return new AtmosUserError('INVALID_MANIFEST', message, locationOf(value) ?? where, 'see https://atmos.tools/stacks/dependencies');
}

/** The dependency's stack, by Atmos's rules: explicit stack; else same stack, or the dependent's vars with the given context fields replaced. */
export function dependencyMatches(
  dependency: DeclaredComponentDependency,
  dependent: { stack: string; vars: Record<string, unknown> },
  candidate: { component: string; stack: string; vars: Record<string, unknown> },
): boolean {
  if (candidate.component !== dependency.component) return false;
  if (dependency.stack !== undefined) return candidate.stack === dependency.stack;
  if (Object.keys(dependency.context).length === 0) return candidate.stack === dependent.stack;
  return CONTEXT_FIELDS.every((field) => asMap(candidate.vars)[field] === (dependency.context[field] ?? dependent.vars[field]));
}
