/**
 * Which terraform components a change can reach, read from the changed manifests alone. The
 * usual edit (one catalog entry, one override in a stack manifest) changes nothing but
 * `components.terraform.<name>` in the files it touches; then only the instances of those
 * components, and of the components inheriting them, can resolve differently, and describe
 * affected builds only those on both sides (ResolveOptions.buildOnly) instead of every
 * instance twice. Any other change — a global section, an import list, a template, a file that
 * is not a stack manifest — gives no scope, and every instance is compared.
 */
import { isUserError } from '../errors/user-error';
import type { AtmosConfig } from '../config/types';
import { parseManifest } from './parse';
import { decodeUtf8 } from './utf8';
import { deepEqual, isPlainMap, type PlainMap } from './values';

export interface ComponentScope {
  /** Terraform components some changed file defines differently at the base and at head (added and removed ones included). */
  changed: ReadonlySet<string>;
  /**
   * Whether an instance of `name` may differ between the two sides, given its stack's merged
   * `components.terraform` on that side (see reachesChanged).
   */
  reaches(name: string, components: PlainMap): boolean;
}

/**
 * The scope of a change that edits only stack manifests, or undefined when the change may reach
 * beyond the components it names. `atBase` holds every changed file's content at the base ref;
 * each changed file must exist at head as a regular file (the caller checks: added, deleted and
 * linked files take the full comparison).
 */
export function changedComponents(config: AtmosConfig, changedFiles: ReadonlySet<string>, atBase: ReadonlyMap<string, Buffer>,
  readHead: (file: string) => Buffer): ComponentScope | undefined {
  const stacksBase = config.stacks.basePath + '/';
  const componentBases = Object.values(config.components).map((type) => type.basePath).filter((path) => path !== '').map((path) => path + '/');
  const [open] = config.templates.delimiters;
  const changed = new Set<string>();
  for (const file of changedFiles) {
    // A component folder's file changes what its instances run, not their configuration.
    if (!file.startsWith(stacksBase) || componentBases.some((base) => file.startsWith(base))) return undefined;
    const before = atBase.get(file);
    if (before === undefined) return undefined;
    const names = differingComponents(file, before, readHead(file), open);
    if (names === undefined) return undefined;
    for (const name of names) changed.add(name);
  }
  return { changed, reaches: (name, components) => reachesChanged(name, components, changed) };
}

/**
 * Whether a component, or a component it names as a base (`metadata.inherits`, the legacy
 * `component:`, followed through the sections that name them), changed, or one of them declares
 * `dependencies` (their `files`/`folders` make an instance affected by a changed file whatever its
 * configuration). The names are followed as written, defined or not: a base the change defines
 * or removes is a base on one side only, and the answer must be the same on both sides (the
 * sections it passes through before reaching a changed one are the same on both).
 */
function reachesChanged(name: string, components: PlainMap, changed: ReadonlySet<string>): boolean {
  const seen = new Set<string>();
  const pending = [name];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    if (changed.has(next)) return true;
    const section = components[next];
    if (!isPlainMap(section)) continue;
    if (section.dependencies !== undefined) return true;
    if (typeof section.component === 'string') pending.push(section.component);
    const inherits = isPlainMap(section.metadata) ? section.metadata.inherits : undefined;
    if (inherits === undefined || inherits === null) continue;
    // Anything but a list of names is built, to be reported (instances.ts).
    if (!Array.isArray(inherits) || inherits.some((base) => typeof base !== 'string')) return true;
    pending.push(...(inherits as string[]));
  }
  return false;
}

/**
 * The names under `components.terraform` whose values differ between the two texts of a
 * manifest, or undefined when anything else differs. A text holding a template may render
 * differently per import context and stack, whatever its parsed form: no scope.
 */
function differingComponents(file: string, before: Buffer, after: Buffer, templateOpen: string): string[] | undefined {
  let a: PlainMap;
  let b: PlainMap;
  try {
    const [textA, textB] = [decodeUtf8(before, file), decodeUtf8(after, file)];
    if (textA.includes(templateOpen) || textB.includes(templateOpen)) return undefined;
    a = parseManifest(textA, { file });
    b = parseManifest(textB, { file });
  } catch (error) {
    // A side that does not parse is reported by the full comparison, as it always was.
    if (isUserError(error)) return undefined;
    throw error;
  }
  if (!sameExcept(a, b, 'components')) return undefined;
  // A key written empty (`components:`) is null, which merges differently from no key: no scope.
  const componentsA = a.components === undefined ? {} : a.components;
  const componentsB = b.components === undefined ? {} : b.components;
  if (!isPlainMap(componentsA) || !isPlainMap(componentsB) || !sameExcept(componentsA, componentsB, 'terraform')) return undefined;
  const terraformA = componentsA.terraform === undefined ? {} : componentsA.terraform;
  const terraformB = componentsB.terraform === undefined ? {} : componentsB.terraform;
  if (!isPlainMap(terraformA) || !isPlainMap(terraformB)) return undefined;
  const names = new Set([...Object.keys(terraformA), ...Object.keys(terraformB)]);
  return [...names].filter((name) => !deepEqual(terraformA[name], terraformB[name]));
}

/** Whether two maps hold equal values under every key but one. */
function sameExcept(a: PlainMap, b: PlainMap, except: string): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete(except);
  for (const key of keys) if (!deepEqual(a[key], b[key])) return false;
  return true;
}
