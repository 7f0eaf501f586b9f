/**
 * A merged stack config -> its component instances, with Atmos's precedence for every section:
 * global -> `terraform:` -> base components (`metadata.inherits` in order, each base's own
 * ancestors first; the legacy top-level `component:` first of all) -> the component ->
 * `overrides`. Exceptions, as in Atmos: `env` starts from atmos.yaml's `env:`; `providers` and
 * the backend keys have no global (top-level) layer; `metadata` inherits from bases except
 * `inherits` and `type` (so `abstract` never spreads), unless `stacks.inherit.metadata: false`.
 */
import { join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { resolveBackend } from './backend';
import { deepMerge, LIST_MERGE_STRATEGIES, type ListMergeStrategy } from './merge';
import type { StackFile } from './stack-file';
import type { ComponentSections } from './types';
import { asMap, isPlainMap, locationOf, type PlainMap } from './values';

/** Sections merged key by key along the inheritance chain. */
const MERGED_SECTIONS = ['vars', 'settings', 'env', 'providers', 'hooks'] as const;

/** Metadata keys that describe the component itself and are never inherited. */
const OWN_METADATA_KEYS = ['inherits', 'type'];
type MergedSection = (typeof MERGED_SECTIONS)[number];

export interface RawInstance {
  component: string;
  terraformComponent: string;
  componentPath: string;
  sections: ComponentSections;
  inheritance: string[];
}

export interface InstanceOptions {
  terraformBasePath: string;
  defaultCommand: string;
  listMergeStrategy: ListMergeStrategy;
  inheritMetadata: boolean;
  /** atmos.yaml `env:`. */
  globalEnv: PlainMap;
}

export function buildInstances(stackFile: StackFile, options: InstanceOptions): RawInstance[] {
  const merged = stackFile.merged;
  const terraform = asMap(merged.terraform);
  const components = asMap(asMap(merged.components).terraform);
  const resolver = new InheritanceResolver(components, stackFile.file);
  return Object.keys(components).map((name) => {
    const section = components[name];
    if (!isPlainMap(section)) {
      throw new AtmosUserError('INVALID_MANIFEST', `components.terraform.${name} must be a map`, locationOf(merged.components) ?? { file: stackFile.file });
    }
    return buildInstance(name, section, merged, terraform, resolver, options);
  });
}

function buildInstance(name: string, section: PlainMap, globals: PlainMap, terraform: PlainMap, resolver: InheritanceResolver, options: InstanceOptions): RawInstance {
  const bases = resolver.basesOf(name);
  const baseSections = bases.map((base) => resolver.section(base));
  const metadata = options.inheritMetadata
    ? deepMerge([...baseSections.map((b) => withoutKeys(asMap(b.metadata), OWN_METADATA_KEYS)), section.metadata], options.listMergeStrategy)
    : asMap(section.metadata);
  const overrides = asMap(section.overrides);
  const strategy = componentStrategy([globals.settings, terraform.settings, ...baseSections.map((b) => b.settings), section.settings], options.listMergeStrategy);

  const globalLayer: Record<MergedSection, unknown[]> = {
    vars: [globals.vars],
    settings: [globals.settings],
    env: [options.globalEnv, globals.env],
    providers: [],
    hooks: [globals.hooks],
  };
  const mergeSection = (key: MergedSection): PlainMap =>
    deepMerge([...globalLayer[key], terraform[key], ...baseSections.map((b) => b[key]), section[key], overrides[key]], strategy);

  const legacyComponent = typeof section.component === 'string' && section.component !== '' ? section.component : undefined;
  const folderFromMetadata = typeof metadata.component === 'string' && metadata.component !== '' ? metadata.component : undefined;
  const terraformComponent = folderFromMetadata ?? legacyComponent ?? name;
  const stableName = typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : undefined;
  const chain = [terraform, ...baseSections, section];
  const backend = resolveBackend({
    types: chain.map((s) => s.backend_type),
    sections: chain.map((s) => s.backend),
    remoteStateTypes: chain.map((s) => s.remote_state_backend_type),
    remoteStateSections: chain.map((s) => s.remote_state_backend),
    keyName: stableName ?? folderFromMetadata ?? legacyComponent ?? name,
    strategy,
  });
  const command = [overrides.command, section.command, ...baseSections.map((b) => b.command).reverse(), terraform.command]
    .find((c): c is string => typeof c === 'string' && c !== '') ?? options.defaultCommand;

  return {
    component: name,
    terraformComponent,
    componentPath: join(options.terraformBasePath, terraformComponent),
    sections: {
      vars: mergeSection('vars'),
      settings: mergeSection('settings'),
      env: mergeSection('env'),
      providers: mergeSection('providers'),
      hooks: mergeSection('hooks'),
      overrides,
      metadata,
      dependencies: deepMerge([...baseSections.map((b) => b.dependencies), section.dependencies], strategy),
      backendType: backend.backendType,
      backend: backend.backend,
      remoteStateBackendType: backend.remoteStateBackendType,
      remoteStateBackend: backend.remoteStateBackend,
      command,
    },
    inheritance: inheritanceList(bases),
  };
}

function withoutKeys(map: PlainMap, keys: string[]): PlainMap {
  if (!keys.some((key) => key in map)) return map;
  const copy = { ...map };
  for (const key of keys) delete copy[key];
  return copy;
}

/** `settings.list_merge_strategy` may be set per component (also through its bases). */
function componentStrategy(settingsLayers: unknown[], fallback: ListMergeStrategy): ListMergeStrategy {
  for (let i = settingsLayers.length - 1; i >= 0; i--) {
    const value = asMap(settingsLayers[i]).list_merge_strategy;
    if (typeof value === 'string' && (LIST_MERGE_STRATEGIES as readonly string[]).includes(value)) return value as ListMergeStrategy;
  }
  return fallback;
}

/** Atmos lists the inheritance chain nearest base first. */
function inheritanceList(basesInMergeOrder: string[]): string[] {
  return [...new Set(basesInMergeOrder.slice().reverse())];
}

/** Resolves `metadata.inherits` (and the legacy `component:`) chains within one stack. */
class InheritanceResolver {
  private readonly cache = new Map<string, string[]>();

  constructor(
    private readonly components: PlainMap,
    private readonly stackFile: string,
  ) {}

  section(name: string): PlainMap {
    return asMap(this.components[name]);
  }

  /** Base components of `name` in merge order (farthest ancestor first), without `name`. */
  basesOf(name: string, path: string[] = []): string[] {
    const cached = this.cache.get(name);
    if (cached) return cached;
    if (path.includes(name)) {
      throw new AtmosUserError('INHERITANCE_CYCLE', `component inheritance cycle: ${[...path, name].join(' -> ')}`, this.locate(name),
        'remove one of the metadata.inherits entries in this cycle');
    }
    const section = this.section(name);
    const direct: string[] = [];
    if (typeof section.component === 'string' && section.component !== name && isPlainMap(this.components[section.component])) direct.push(section.component);
    const inherits = asMap(section.metadata).inherits;
    if (inherits !== undefined && inherits !== null) {
      if (!Array.isArray(inherits) || inherits.some((b) => typeof b !== 'string')) {
        throw new AtmosUserError('INVALID_MANIFEST', `components.terraform.${name}.metadata.inherits must be a list of component names`, this.locate(name));
      }
      for (const base of inherits as string[]) {
        if (!isPlainMap(this.components[base])) {
          throw new AtmosUserError('UNKNOWN_BASE_COMPONENT',
            `component '${name}' inherits from '${base}' (metadata.inherits), but '${base}' is not defined in this stack or its imports`,
            this.locate(name), `define components.terraform.${base} (usually in a catalog file this stack imports), or fix the name`);
        }
        direct.push(base);
      }
    }
    const bases: string[] = [];
    for (const base of direct) bases.push(...this.basesOf(base, [...path, name]), base);
    this.cache.set(name, bases);
    return bases;
  }

  private locate(name: string) {
    return locationOf(asMap(this.section(name)).metadata) ?? locationOf(this.components[name]) ?? { file: this.stackFile };
  }
}
