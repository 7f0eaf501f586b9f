/**
 * Which terraform components a change can reach, read from the changed manifests alone. The
 * usual edit (one catalog entry, one override in a stack manifest) changes nothing but
 * `components.terraform.<name>` in the files it touches; then only the instances of those
 * components, and of the components inheriting them, can resolve differently, and describe
 * affected builds only those on both sides (ResolveOptions.buildOnly) instead of every
 * instance twice. Any other change — a global section, an import list, a template, a file that
 * is not a stack manifest — gives no scope, and every instance is compared.
 */
import { readdirSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { isUserError } from '../errors/user-error';
import { localModuleFolders, withRealPath } from '../terraform/local-modules';
import { componentBasePaths } from '../config/base-path';
import type { AtmosConfig } from '../config/types';
import { parseManifest } from './parse';
import { decodeUtf8 } from './utf8';
import { asMap, deepEqual, isPlainMap, type PlainMap } from './values';

export interface ComponentScope {
  /** Terraform components some changed file defines differently at the base and at head (added and removed ones included). */
  readonly changed: ReadonlySet<string>;
  /**
   * Whether the instance of `name` a stack manifest defines may differ between the two sides,
   * given that manifest's merged configuration (StackFile.merged) on that side: see reachesChanged.
   */
  reaches(name: string, stack: PlainMap): boolean;
  /**
   * False once some name got both answers (in two manifests). Two top-level manifests may define
   * one component in one stack (the engine keeps one copy when they agree): building it from one
   * manifest and not the other would change which copy is kept, or drop it. The caller then takes
   * the full comparison.
   */
  readonly consistent: boolean;
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
  const componentBases = componentBasePaths(config).map((path) => path + '/');
  const [open] = config.templates.delimiters;
  const changed = new Set<string>();
  let modules: string[] | undefined;
  for (const file of changedFiles) {
    // A component folder's file changes what its instances run, not their configuration.
    if (!file.startsWith(stacksBase) || componentBases.some((base) => file.startsWith(base))) return undefined;
    // So does a file in a local module a component uses (`source = "../../../stacks/..."`).
    modules ??= moduleFolders(config.components.terraform.basePath, config.basePath);
    if (modules.some((folder) => file.startsWith(folder + sep))) return undefined;
    const before = atBase.get(file);
    if (before === undefined) return undefined;
    const names = differingComponents(file, before, readHead(file), open);
    if (names === undefined) return undefined;
    for (const name of names) changed.add(name);
  }
  return new Scope(changed);
}

class Scope implements ComponentScope {
  private readonly answers = new Map<string, boolean>();
  consistent = true;

  constructor(readonly changed: ReadonlySet<string>) {}

  reaches = (name: string, stack: PlainMap): boolean => {
    const answer = reachesChanged(name, stack, this.changed);
    const earlier = this.answers.get(name);
    if (earlier === undefined) this.answers.set(name, answer);
    else if (earlier !== answer) this.consistent = false;
    return answer;
  };
}

/**
 * Whether a component, or a component it names as a base (`metadata.inherits`, the legacy
 * `component:`, followed through the sections that name them), changed. The names are followed
 * as written, defined or not: a base the change defines or removes is a base on one side only,
 * and the answer must be the same on both sides (the sections it passes through before reaching
 * a changed one are the same on both).
 *
 * Also true when the instance may be affected by a changed file whatever its configuration: a
 * section on that chain, the stack's `terraform:` or its globals declare file or folder
 * dependencies, or a `source` (a local source folder is the component's folder).
 */
function reachesChanged(name: string, stack: PlainMap, changed: ReadonlySet<string>): boolean {
  const typeSection = asMap(stack.terraform);
  if (declaresFiles(stack) || declaresFiles(typeSection) || typeSection.source !== undefined) return true;
  const components = asMap(asMap(stack.components).terraform);
  const seen = new Set<string>();
  const pending = [name];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    if (changed.has(next)) return true;
    const section = components[next];
    if (!isPlainMap(section)) continue;
    if (section.source !== undefined || declaresFiles(section) || declaresFiles(asMap(section.overrides))) return true;
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
 * Whether a section's `dependencies` or `settings.depends_on` may name a file or a folder (the
 * forms declaredDependencies reads). Entries merge key by key (and list items by index), so an
 * entry can be a file only if some layer's entry spells `file`, `folder` or such a `kind`; a
 * value of another shape is counted too. Component dependencies, the usual kind, are not.
 */
function declaresFiles(section: PlainMap): boolean {
  const { dependencies, settings } = section;
  if (dependencies !== undefined && dependencies !== null) {
    if (!isPlainMap(dependencies) || dependencies.files !== undefined || dependencies.folders !== undefined) return true;
    const components = dependencies.components;
    if (components !== undefined && components !== null && (!Array.isArray(components) || components.some(namesFile))) return true;
  }
  if (settings === undefined || settings === null) return false;
  if (!isPlainMap(settings)) return true;
  const dependsOn = settings.depends_on;
  if (dependsOn === undefined || dependsOn === null) return false;
  return !isPlainMap(dependsOn) || Object.values(dependsOn).some(namesFile);
}

function namesFile(entry: unknown): boolean {
  if (!isPlainMap(entry)) return true;
  const kind = entry.kind;
  return entry.file !== undefined || entry.folder !== undefined || kind === 'file' || kind === 'folder' || (kind !== undefined && typeof kind !== 'string');
}

/**
 * The local module folders of every folder under the Terraform components' base path that holds
 * Terraform files: a component that is not built has its folder there (or a local `source`,
 * which reachesChanged builds).
 */
function moduleFolders(terraformBase: string, root: string): string[] {
  const folders = new Set<string>();
  const cache = new Map<string, string[]>();
  const visit = (folder: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((entry) => entry.isFile() && (entry.name.endsWith('.tf') || entry.name.endsWith('.tf.json')))) {
      for (const module of localModuleFolders(folder, cache)) for (const path of withRealPath(module, root)) folders.add(path);
    }
    // `.terraform` holds what `terraform init` downloaded, not components.
    for (const entry of entries) if (entry.isDirectory() && !entry.name.startsWith('.')) visit(join(folder, entry.name));
  };
  if (terraformBase !== '') visit(terraformBase);
  return [...folders];
}

/**
 * Whether a text holds a template action that names gomplate's `file` namespace (`file.Read`,
 * `(file).Read`, `$f := file`, ...).
 */
export function mayReadFilesInTemplates(text: string, [open, close]: [string, string]): boolean {
  for (let start = text.indexOf(open); start >= 0; start = text.indexOf(open, start + open.length)) {
    const end = text.indexOf(close, start + open.length);
    if (end < 0) return FILE_NAMESPACE.test(text.slice(start));
    if (FILE_NAMESPACE.test(text.slice(start + open.length, end))) return true;
  }
  return false;
}

const FILE_NAMESPACE = /\bfile\b/;

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
