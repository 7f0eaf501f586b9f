/**
 * Each section of a stack manifest has a type (Atmos v1.226.1's manifest schema,
 * pkg/datafetcher/schema/atmos/manifest/1.0.json): `vars`, `settings`, `env`, ... are maps,
 * `import` a list, `command` and `backend_type` strings, `metadata.enabled` a boolean. A value of
 * another type used to become `{}` or no instance at all, silently; it is an error naming the
 * file, line and column, the section and the expected type.
 *
 * Checked once per parsed manifest, where it is read, over the keys the engine reads (not the
 * values under `vars`, which are the user's own): a few dozen type tests per manifest.
 * `null` (an empty `vars:`) counts as absent, `!unset` and `!append` as the merge markers they are.
 */
import { AtmosUserError, type SourceLocation } from '../errors/user-error';
import { AppendList, UNSET, YamlFunction, isPlainMap, locationOf, type PlainMap } from './values';

type Expected = 'map' | 'list' | 'string' | 'boolean' | 'list of strings';

const MAP = 'map';
const STRING = 'string';

/** Sections shared by the global level, `terraform:` and a component. */
const COMMON: Record<string, Expected> = { vars: MAP, env: MAP, settings: MAP, hooks: MAP, locals: MAP };
const BACKEND: Record<string, Expected> = {
  command: STRING, backend_type: STRING, backend: MAP, remote_state_backend_type: STRING, remote_state_backend: MAP, providers: MAP, overrides: MAP,
};
const OVERRIDES: Record<string, Expected> = { vars: MAP, env: MAP, settings: MAP, providers: MAP, command: STRING };
const TOP_LEVEL: Record<string, Expected> = { ...COMMON, name: STRING, import: 'list', terraform: MAP, components: MAP, overrides: MAP, dependencies: MAP, metadata: MAP };
const TERRAFORM: Record<string, Expected> = { ...COMMON, ...BACKEND, dependencies: MAP };
const COMPONENT: Record<string, Expected> = { ...COMMON, ...BACKEND, metadata: MAP, component: STRING, dependencies: MAP };
const METADATA: Record<string, Expected> = {
  type: STRING, enabled: 'boolean', locked: 'boolean', component: STRING, inherits: 'list of strings', name: STRING,
  terraform_workspace: STRING, terraform_workspace_pattern: STRING, terraform_workspace_template: STRING,
};

export interface WrongType {
  /** `components.terraform.vpc.vars` */
  path: string[];
  expected: Expected;
  value: unknown;
}

/** Every section of the manifest whose value has the wrong type (empty for nearly all manifests). */
export function wrongTypes(manifest: PlainMap): WrongType[] {
  const found: WrongType[] = [];
  checkKeys(manifest, TOP_LEVEL, [], found);
  if (isPlainMap(manifest.metadata)) checkKeys(manifest.metadata, METADATA, ['metadata'], found);
  const terraform = manifest.terraform;
  if (isPlainMap(terraform)) {
    checkKeys(terraform, TERRAFORM, ['terraform'], found);
    if (isPlainMap(terraform.overrides)) checkKeys(terraform.overrides, OVERRIDES, ['terraform', 'overrides'], found);
  }
  if (isPlainMap(manifest.overrides)) checkKeys(manifest.overrides, OVERRIDES, ['overrides'], found);
  const components = manifest.components;
  if (isPlainMap(components)) {
    for (const kind of Object.keys(components)) {
      const byName = components[kind];
      if (!fits(byName, MAP)) {
        found.push({ path: ['components', kind], expected: MAP, value: byName });
        continue;
      }
      if (kind !== 'terraform' || !isPlainMap(byName)) continue;
      for (const name of Object.keys(byName)) {
        const section = byName[name];
        const path = ['components', 'terraform', name];
        if (section === null || section === UNSET) continue;
        if (!isPlainMap(section)) {
          found.push({ path, expected: MAP, value: section });
          continue;
        }
        checkKeys(section, COMPONENT, path, found);
        if (isPlainMap(section.metadata)) checkKeys(section.metadata, METADATA, [...path, 'metadata'], found);
        if (isPlainMap(section.overrides)) checkKeys(section.overrides, OVERRIDES, [...path, 'overrides'], found);
      }
    }
  }
  return found;
}

function checkKeys(map: PlainMap, types: Record<string, Expected>, path: string[], found: WrongType[]): void {
  for (const key in map) {
    const expected = types[key];
    if (expected !== undefined && !fits(map[key], expected)) found.push({ path: [...path, key], expected, value: map[key] });
  }
}

function fits(value: unknown, expected: Expected): boolean {
  if (value === null || value === undefined || value === UNSET) return true;
  switch (expected) {
    case 'map':
      return isPlainMap(value);
    case 'list':
      return Array.isArray(value) || value instanceof AppendList;
    case 'list of strings': {
      const items = value instanceof AppendList ? value.items : value;
      return Array.isArray(items) && items.every((item) => typeof item === 'string');
    }
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
  }
}

const HOW: Record<Expected, string> = {
  map: 'write it as `key: value` lines indented under the key (or `{}`)',
  list: 'write it as `- item` lines indented under the key (or `[]`)',
  'list of strings': 'write it as a list of names, e.g. `[vpc/defaults]`',
  string: 'write a plain string',
  boolean: 'write true or false',
};

/** The user error for one wrong type, at the key's position (or the enclosing map's). */
export function wrongTypeError(wrong: WrongType, file: string, locate: (path: string[]) => SourceLocation | undefined, parent: unknown): AtmosUserError {
  const section = wrong.path.join('.');
  const location = locate(wrong.path) ?? locationOf(wrong.value) ?? locationOf(parent) ?? { file };
  return new AtmosUserError('WRONG_TYPE', `${section} must be ${article(wrong.expected)}${wrong.expected}, not ${describe(wrong.value)}`, location,
    `${HOW[wrong.expected]}; a value of another type would otherwise be ignored`);
}

function article(expected: Expected): string {
  return expected === 'list of strings' ? 'a ' : /^[aeiou]/.test(expected) ? 'an ' : 'a ';
}

function describe(value: unknown): string {
  if (value instanceof YamlFunction) return `the YAML function ${value.tag} (not evaluated in this position)`;
  if (Array.isArray(value) || value instanceof AppendList) return 'a list';
  if (isPlainMap(value)) return 'a map';
  // The value itself is not printed: a misplaced string may be a secret.
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return typeof value;
}

/** A copy of the manifest without the wrongly typed sections (so the rest can still be checked). */
export function withoutWrongTypes(manifest: PlainMap, wrong: WrongType[]): PlainMap {
  const copy = clonePaths(manifest, wrong.map((w) => w.path));
  return copy;
}

function clonePaths(map: PlainMap, paths: string[][]): PlainMap {
  const copy: PlainMap = { ...map };
  const byHead = new Map<string, string[][]>();
  for (const path of paths) {
    if (path.length === 1) delete copy[path[0]];
    else byHead.set(path[0], [...(byHead.get(path[0]) ?? []), path.slice(1)]);
  }
  for (const [head, rest] of byHead) if (isPlainMap(copy[head])) copy[head] = clonePaths(copy[head] as PlainMap, rest);
  return copy;
}
