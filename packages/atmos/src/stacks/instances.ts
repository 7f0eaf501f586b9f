/**
 * A merged stack config -> its component instances, with Atmos's precedence for every section:
 * global -> `terraform:` -> base components (`metadata.inherits` in order, each base's own
 * ancestors first; the legacy top-level `component:` first of all) -> the component ->
 * `overrides`. Exceptions, as in Atmos: `env` starts from atmos.yaml's `env:`; `providers` and
 * the backend keys have no global (top-level) layer; `metadata` starts from the stack's
 * top-level `metadata:` (a few keys only) and inherits from bases except `inherits` and `type`
 * (so `abstract` never spreads), unless `stacks.inherit.metadata: false`.
 */
import { join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { mergeSource } from './source';
import { resolveBackend, type BackendTypeMismatch, type ResolvedBackend } from './backend';
import { mapList, newList } from './lists';
import { assertPathName } from './path-names';
import { deepMerge, LIST_MERGE_STRATEGIES, normalise, type ListMergeStrategy } from './merge';
import type { StackFile } from './stack-file';
import type { TemplateKeyIndex } from './template-keys';
import type { ComponentSections, ComponentType } from './types';
import { EMPTY_MAP, UNSET, asMap, isPlainMap, locationOf, type PlainMap } from './values';

/** Sections merged key by key along the inheritance chain. */
const MERGED_SECTIONS = ['vars', 'settings', 'env', 'providers', 'hooks', 'locals'] as const;

/** Metadata keys that describe the component itself and are never inherited. */
const OWN_METADATA_KEYS = ['inherits', 'type'];

/**
 * The only keys a stack's top-level `metadata:` may set (Atmos v1.226.1
 * globalMetadataAllowedKeys): data and gates that make sense for every component of the stack.
 * The identity keys (component, inherits, type, name, terraform_workspace) would silently apply
 * to all of them, so Atmos refuses them, and so do we.
 */
const GLOBAL_METADATA_KEYS = ['labels', 'tags', 'custom', 'enabled', 'locked', 'terraform_workspace_pattern'];
type MergedSection = (typeof MERGED_SECTIONS)[number];

export interface RawInstance {
  component: string;
  terraformComponent: string;
  componentPath: string;
  sections: ComponentSections;
  inheritance: string[];
  /** Per merged section, the keys that may hold a template (only with `templateKeys` in the options). */
  templateKeys?: Record<MergedSection, readonly string[]>;
  /** False when no map of the section can hold a template (only with `templateKeys` in the options). */
  mayHoldTemplates?: boolean;
  /** A backend type its backend section does not configure (reported once the stack is named). */
  backendMismatch?: BackendTypeMismatch;
}

export interface InstanceOptions {
  terraformBasePath: string;
  defaultCommand: string;
  listMergeStrategy: ListMergeStrategy;
  inheritMetadata: boolean;
  /** `stacks.inherit.source` (default true): base components' `source` is inherited. */
  inheritSource?: boolean;
  /** atmos.yaml `env:`. */
  globalEnv: PlainMap;
  /** Given when templates are rendered after merging: records where templates can be. */
  templateKeys?: TemplateKeyIndex;
  /** Collects the components' mistakes (the component is left out); without it the first one is thrown. */
  problems?: AtmosUserError[];
  /**
   * The `components.<type>` to build (default terraform). The other types merge as Atmos merges
   * them (internal/exec/stack_processor_process_stacks.go ProcessStackConfig and
   * stack_processor_merge.go): globals -> `<type>:` -> bases -> component for vars, settings and
   * env; hooks from the bases and the component only (no global or `<type>:` layer), no
   * providers and no backend.
   */
  componentType?: ComponentType;
  /**
   * Builds only the components this answers true for (given the component's name and the
   * stack's merged configuration, StackFile.merged); the others are left out, after their names
   * are checked. describe affected's scoped comparison builds only what a change can reach.
   */
  buildOnly?: (name: string, stack: PlainMap) => boolean;
}

export function buildInstances(stackFile: StackFile, options: InstanceOptions): RawInstance[] {
  const merged = stackFile.merged;
  const type = options.componentType ?? 'terraform';
  const terraform = asMap(merged[type]);
  const components = asMap(asMap(merged.components)[type]);
  const resolver = new InheritanceResolver(components, stackFile.file, type);
  let globalMetadata: PlainMap;
  try {
    globalMetadata = globalMetadataOf(merged, stackFile.file);
  } catch (error) {
    if (!(error instanceof AtmosUserError) || !options.problems) throw error;
    options.problems.push(error);
    return [];
  }
  const shared = new SharedLayers(merged, globalMetadata, terraform, resolver, options);
  const instances = newList<RawInstance>();
  for (const name of Object.keys(components)) {
    // One component's mistake is reported with the others of the stack, not instead of them.
    try {
      const section = components[name];
      if (!isPlainMap(section)) {
        throw new AtmosUserError('INVALID_MANIFEST', `components.${type}.${name} must be a map`, locationOf(merged.components) ?? { file: stackFile.file });
      }
      assertPathName(name, 'component name', () => locationOf(section) ?? locationOf(merged.components) ?? { file: stackFile.file },
        `rename components.${type}.${name}; use '/' only between names (e.g. eks/cluster)`);
      if (options.buildOnly && !options.buildOnly(name, merged)) continue;
      instances.push(buildInstance(name, section, terraform, resolver, shared, options));
    } catch (error) {
      if (!(error instanceof AtmosUserError) || !options.problems) throw error;
      options.problems.push(error);
    }
  }
  return instances;
}

/**
 * The stack's top-level `metadata:`, every component's lowest metadata layer (below its bases'
 * and its own), as in Atmos: `metadata: {locked: true}` locks the whole stack. A key Atmos does
 * not allow there is an error, as it is in Atmos.
 */
function globalMetadataOf(merged: PlainMap, file: string): PlainMap {
  const metadata = merged.metadata;
  if (!isPlainMap(metadata)) return EMPTY_MAP;
  const refused = Object.keys(metadata).filter((key) => !GLOBAL_METADATA_KEYS.includes(key)).sort();
  if (refused.length > 0) {
    throw new AtmosUserError('INVALID_MANIFEST',
      `the stack's top-level metadata may not set ${refused.join(', ')}: it may set only ${GLOBAL_METADATA_KEYS.join(', ')}`,
      // The first refused key's value when it is a map or a list (they carry a line), else the map.
      locationOf(metadata[refused[0]]) ?? locationOf(metadata) ?? { file },
      `move ${refused.join(', ')} under components.terraform.<component>.metadata`);
  }
  return metadata;
}

/** What a chain of base components gives every instance that inherits it, whatever its own sections. */
interface BaseChain {
  baseSections: PlainMap[];
  /** `list_merge_strategy` from the bases, `terraform:` or the globals (the component's own wins). */
  strategy: ListMergeStrategy | undefined;
  /** `command` from the bases or `terraform:` (the component's own and its overrides' win). */
  command: string | undefined;
  /** Atmos's `inheritance` list. */
  inheritance: string[];
  prefixes: Map<ListMergeStrategy, MergedPrefix>;
}

interface MergedPrefix {
  sections: Record<MergedSection, PlainMap>;
  templateKeys?: Record<MergedSection, readonly string[]>;
  /** The bases' metadata without their own keys (inherits, type), merged. */
  metadata: PlainMap;
  /** The top-level, `<type>:` and bases' `dependencies:`, merged. */
  dependencies: PlainMap;
  /** Backends by the name their defaults use, for the instances that set no backend keys of their own. */
  backends: Map<string, ResolvedBackend>;
}

const BACKEND_KEYS = ['backend_type', 'backend', 'remote_state_backend_type', 'remote_state_backend'];
const NO_BACKEND: ResolvedBackend = { backendType: '', backend: EMPTY_MAP, remoteStateBackendType: '', remoteStateBackend: EMPTY_MAP };

/** The stack's global and `<type>:` layers of each merged section, as written and merged (SharedLayers.stackLevelLayers). */
interface StackLevel {
  layers: Record<MergedSection, unknown[]>;
  sections: Record<MergedSection, PlainMap>;
  dependencies: PlainMap;
}

/**
 * The layers every instance of a stack merges before its own: global, `terraform:` and its
 * base components. Merging is a left fold, so merging these first gives the same result; the
 * instances with the same bases (often most of a stack's) then share one merge of them (and of
 * the bases' metadata and dependencies, and the backend when they add none) instead of each
 * merging them again.
 */
class SharedLayers {
  private readonly chains = new Map<string, BaseChain>();
  private readonly componentPaths = new Map<string, string>();
  private stackLevel?: StackLevel;

  constructor(
    private readonly globals: PlainMap,
    /** The stack's top-level `metadata:` (globalMetadataOf). */
    readonly globalMetadata: PlainMap,
    private readonly terraform: PlainMap,
    private readonly resolver: InheritanceResolver,
    private readonly options: InstanceOptions,
  ) {}

  chain(bases: readonly string[]): BaseChain {
    const key = bases.join('\0');
    let chain = this.chains.get(key);
    if (!chain) {
      const { globals, terraform } = this;
      const baseSections = mapList(bases, (base) => this.resolver.section(base));
      chain = {
        baseSections,
        strategy: componentStrategy([globals.settings, terraform.settings, ...mapList(baseSections, (b) => b.settings)]),
        command: firstCommand([...mapList(baseSections, (b) => b.command).reverse(), terraform.command]),
        inheritance: inheritanceList(bases),
        prefixes: new Map(),
      };
      this.chains.set(key, chain);
    }
    return chain;
  }

  /**
   * The stack's global and `<type>:` layers, as written and merged. Atmos merges them first, with
   * atmos.yaml's list strategy (ProcessStackConfig's globalAndTerraform*), then the result with the
   * bases' and the component's, with the component's strategy: the two differ when a component
   * sets list_merge_strategy. The same for every instance of the stack, so merged once.
   */
  private stackLevelLayers(): StackLevel {
    if (!this.stackLevel) {
      const { globals, terraform, options } = this;
      const isTerraform = options.componentType === undefined || options.componentType === 'terraform';
      const layers: Record<MergedSection, unknown[]> = {
        vars: [globals.vars, terraform.vars],
        settings: [globals.settings, terraform.settings],
        env: [options.globalEnv, globals.env, terraform.env],
        providers: isTerraform ? [terraform.providers] : [],
        hooks: isTerraform ? [globals.hooks, terraform.hooks] : [],
        // Component-level locals only (the file-scoped ones never merge): mergeComponentConfigurations merges base and component locals.
        locals: [],
      };
      const sections = {} as Record<MergedSection, PlainMap>;
      for (const section of MERGED_SECTIONS) sections[section] = deepMerge(layers[section], options.listMergeStrategy);
      this.stackLevel = { layers, sections, dependencies: deepMerge([globals.dependencies, terraform.dependencies], options.listMergeStrategy) };
    }
    return this.stackLevel;
  }

  prefix(chain: BaseChain, strategy: ListMergeStrategy): MergedPrefix {
    let prefix = chain.prefixes.get(strategy);
    if (!prefix) {
      const { options } = this;
      const baseSections = chain.baseSections;
      const stackLevel = this.stackLevelLayers();
      const sections = {} as Record<MergedSection, PlainMap>;
      for (const section of MERGED_SECTIONS) sections[section] = deepMerge([stackLevel.sections[section], ...mapList(baseSections, (base) => base[section])], strategy);
      prefix = {
        sections,
        templateKeys: options.templateKeys && templateKeysOf(options.templateKeys, (section) => [...stackLevel.layers[section], ...mapList(baseSections, (base) => base[section])]),
        metadata: deepMerge(mapList(baseSections, (b) => withoutKeys(asMap(b.metadata), OWN_METADATA_KEYS)), strategy),
        // Atmos: the top-level `dependencies:` with `<type>.dependencies`, then the bases' (the component's own come last).
        dependencies: deepMerge([stackLevel.dependencies, ...mapList(baseSections, (b) => b.dependencies)], strategy),
        backends: new Map(),
      };
      chain.prefixes.set(strategy, prefix);
    }
    return prefix;
  }

  /** Component folders are joined once per stack (thousands of instances share a few dozen). */
  componentPath(terraformComponent: string): string {
    let path = this.componentPaths.get(terraformComponent);
    // A type without a configured base path has no folder to name (Atmos prints no component_path then).
    if (path === undefined) this.componentPaths.set(terraformComponent, (path = this.options.terraformBasePath === '' ? '' : join(this.options.terraformBasePath, terraformComponent)));
    return path;
  }
}

function buildInstance(name: string, section: PlainMap, terraform: PlainMap, resolver: InheritanceResolver, shared: SharedLayers, options: InstanceOptions): RawInstance {
  const chain = shared.chain(resolver.basesOf(name));
  const baseSections = chain.baseSections;
  const overrides = asMap(section.overrides);
  // effectiveAtmosConfig (internal/exec/stack_processor_merge.go): overrides' settings, then the component's, the bases', the globals'.
  const strategy = strategyOf(asMap(overrides.settings)) ?? strategyOf(section.settings) ?? chain.strategy ?? options.listMergeStrategy;

  const prefix = shared.prefix(chain, strategy);
  // Atmos: the stack's top-level metadata, then the bases' (unless stacks.inherit.metadata is false), then the component's.
  const metadataLayers = [shared.globalMetadata, options.inheritMetadata ? prefix.metadata : undefined, section.metadata];
  // With the component's list strategy, as Atmos's mergeConfig (a stack-wide `tags` list and a component's with `append`).
  const metadata = deepMerge(metadataLayers, strategy);
  const mergeSection = (key: MergedSection): PlainMap => {
    const own = section[key];
    const over = overrides[key];
    // Most instances set only some sections themselves; the others are the shared merge as it is.
    if (!isPlainMap(own) && !isPlainMap(over)) return prefix.sections[key];
    return deepMerge([prefix.sections[key], own, over], strategy);
  };

  const legacyComponent = resolver.legacyBaseOf(name);
  const folderFromMetadata = typeof metadata.component === 'string' && metadata.component !== '' ? metadata.component : undefined;
  const terraformComponent = folderFromMetadata ?? legacyComponent ?? name;
  if (terraformComponent !== name) {
    assertPathName(terraformComponent, () => `component folder of '${name}' (${folderFromMetadata ? 'metadata.component' : 'component'})`,
      () => locationOf(section.metadata) ?? locationOf(section) ?? { file: resolver.stackFile },
      `name a folder under components.${resolver.type}.base_path, e.g. \`metadata.component: vpc\``);
  }
  const stableName = typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : undefined;
  const keyName = stableName ?? folderFromMetadata ?? legacyComponent ?? name;
  const ownBackend = hasBackendKeys(section);
  let backend = ownBackend ? undefined : prefix.backends.get(keyName);
  // Only terraform components have a backend (Atmos adds it for TerraformComponentType only).
  if (options.componentType !== undefined && options.componentType !== 'terraform') backend = NO_BACKEND;
  if (!backend) {
    const layers = [terraform, ...baseSections, section];
    backend = resolveBackend({
      types: mapList(layers, (s) => s.backend_type),
      sections: mapList(layers, (s) => s.backend),
      remoteStateTypes: mapList(layers, (s) => s.remote_state_backend_type),
      remoteStateSections: mapList(layers, (s) => s.remote_state_backend),
      keyName,
      strategy,
    });
    if (!ownBackend) prefix.backends.set(keyName, backend);
  }
  const command = nonEmptyString(overrides.command) ?? nonEmptyString(section.command) ?? chain.command ?? options.defaultCommand;
  const index = options.templateKeys;
  const templateKeys = index && prefix.templateKeys && ownTemplateKeys(index, section, overrides, prefix.templateKeys);

  const raw: RawInstance = {
    component: name,
    terraformComponent,
    componentPath: shared.componentPath(terraformComponent),
    sections: {
      vars: mergeSection('vars'),
      settings: mergeSection('settings'),
      env: mergeSection('env'),
      providers: mergeSection('providers'),
      hooks: mergeSection('hooks'),
      locals: mergeSection('locals'),
      overrides,
      metadata,
      dependencies: deepMerge([prefix.dependencies, section.dependencies], strategy),
      backendType: backend.backendType,
      backend: backend.backend,
      remoteStateBackendType: backend.remoteStateBackendType,
      remoteStateBackend: backend.remoteStateBackend,
      command,
      // Almost no component has a source: nothing is built for them.
      source: terraform.source === undefined && section.source === undefined && (options.inheritSource === false || !baseSections.some((b) => b.source !== undefined)) ? EMPTY_MAP
        : mergeSource([terraform.source, ...(options.inheritSource === false ? [] : mapList(baseSections, (b) => b.source)), section.source], strategy,
          () => locationOf(section) ?? { file: resolver.stackFile }),
    },
    inheritance: chain.inheritance,
    templateKeys,
    mayHoldTemplates: index && templateKeys && (MERGED_SECTIONS.some((key) => templateKeys[key].length > 0) ||
      // The other maps of the section, by the layers they come from.
      index.mayHold(metadataLayers[0]) || index.mayHold(metadataLayers[1]) || index.mayHold(section.metadata) || index.mayHold(overrides) || index.mayHold(prefix.dependencies) ||
      index.mayHold(section.dependencies) || index.mayHold(backend.backend) || index.mayHold(backend.remoteStateBackend)),
  };
  if (backend.mismatch) raw.backendMismatch = backend.mismatch;
  return raw;
}

/** The shared keys (the prefix's), with those the component's own sections and overrides add. */
function ownTemplateKeys(index: TemplateKeyIndex, section: PlainMap, overrides: PlainMap, shared: Record<MergedSection, readonly string[]>): Record<MergedSection, readonly string[]> {
  const keys = {} as Record<MergedSection, readonly string[]>;
  for (const key of MERGED_SECTIONS) keys[key] = index.withLayer(index.withLayer(shared[key], section[key]), overrides[key]);
  return keys;
}

function templateKeysOf(index: TemplateKeyIndex, layersOf: (section: MergedSection) => unknown[]): Record<MergedSection, readonly string[]> {
  const keys = {} as Record<MergedSection, readonly string[]>;
  for (const section of MERGED_SECTIONS) keys[section] = index.keysOf(layersOf(section));
  return keys;
}

function withoutKeys(map: PlainMap, keys: string[]): PlainMap {
  if (!keys.some((key) => key in map)) return map;
  const copy = { ...map };
  for (const key of keys) delete copy[key];
  return copy;
}

/** `settings.list_merge_strategy` may be set per component (also through its bases): the last layer that sets a valid one. */
function componentStrategy(settingsLayers: unknown[]): ListMergeStrategy | undefined {
  for (let i = settingsLayers.length - 1; i >= 0; i--) {
    const strategy = strategyOf(settingsLayers[i]);
    if (strategy) return strategy;
  }
  return undefined;
}

/**
 * The `list_merge_strategy` of one settings map. Atmos v1.226.1 takes any non-empty string there
 * (stack_processor_merge.go effectiveAtmosConfig) and then stops on an unknown one
 * (pkg/merge Merge: ErrInvalidListMergeStrategy), so an unknown value is an error here too.
 */
function strategyOf(settings: unknown): ListMergeStrategy | undefined {
  const map = asMap(settings);
  const value = map.list_merge_strategy;
  if (typeof value !== 'string' || value === '') return undefined;
  if ((LIST_MERGE_STRATEGIES as readonly string[]).includes(value)) return value as ListMergeStrategy;
  throw new AtmosUserError('INVALID_MANIFEST', `invalid list merge strategy '${value}' in settings.list_merge_strategy; supported: ${LIST_MERGE_STRATEGIES.join(', ')}`,
    locationOf(map), 'set settings.list_merge_strategy to replace, append or merge');
}

/** The first non-empty `command` string, in priority order. */
function firstCommand(candidates: unknown[]): string | undefined {
  return candidates.find((c): c is string => typeof c === 'string' && c !== '');
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function hasBackendKeys(section: PlainMap): boolean {
  for (const key of BACKEND_KEYS) if (key in section) return true;
  return false;
}

/** Atmos lists the inheritance chain nearest base first. */
function inheritanceList(basesInMergeOrder: readonly string[]): string[] {
  return [...new Set(basesInMergeOrder.slice().reverse())];
}

/** Resolves `metadata.inherits` (and the legacy `component:`) chains within one stack. */
class InheritanceResolver {
  private readonly cache = new Map<string, string[]>();

  constructor(
    private readonly components: PlainMap,
    readonly stackFile: string,
    readonly type: ComponentType,
  ) {}

  section(name: string): PlainMap {
    return asMap(this.components[name]);
  }

  /**
   * The component a legacy `component: <name>` makes this one's `component` (and folder): the
   * named component when the stack defines it, followed through the `component:` of the
   * components it names (the farthest defined one wins; an abstract one's own `component:` is
   * not followed). A name the stack does not define is only a folder, and then Atmos keeps the
   * instance's own name (undefined here). Atmos v1.226.1 internal/exec/stack_processor_utils.go
   * processBaseComponentConfigInternal (FinalBaseComponentName is set only in the branch where
   * the base component exists) and stack_processor_process_stacks_helpers_inheritance.go
   * processMetadataInheritance (BaseComponentName falls back to the component's own name).
   */
  legacyBaseOf(name: string): string | undefined {
    // Most components have no legacy key: no walk for them.
    if (typeof this.section(name).component !== 'string') return undefined;
    let found: string | undefined;
    const seen = new Set([name]);
    for (let current = name; ;) {
      const next = this.section(current).component;
      if (typeof next !== 'string' || next === '' || seen.has(next) || !isPlainMap(this.components[next])) return found;
      found = next;
      seen.add(next);
      if (isAbstract(this.section(next))) return found;
      current = next;
    }
  }

  /** Base components of `name` in merge order (farthest ancestor first), without `name`. */
  basesOf(name: string, path: string[] = []): string[] {
    // An abstract base's own legacy `component:` is not followed (Atmos: processBaseComponentConfigInternal, isAbstractComponent).
    const asAbstractBase = path.length > 0 && isAbstract(this.section(name));
    const cacheKey = asAbstractBase ? `${name}\0base` : name;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    if (path.includes(name)) {
      throw new AtmosUserError('INHERITANCE_CYCLE', `component inheritance cycle: ${[...path, name].join(' -> ')}`, this.locate(name),
        'remove one of the metadata.inherits entries in this cycle');
    }
    const section = this.section(name);
    const direct = newList<string>();
    if (!asAbstractBase && typeof section.component === 'string' && section.component !== name && isPlainMap(this.components[section.component])) direct.push(section.component);
    const written = normalise(asMap(section.metadata).inherits, 'replace');
    const inherits = written === UNSET ? undefined : written;
    if (inherits !== undefined && inherits !== null) {
      if (!Array.isArray(inherits) || inherits.some((b) => typeof b !== 'string')) {
        throw new AtmosUserError('INVALID_MANIFEST', `components.${this.type}.${name}.metadata.inherits must be a list of component names`, this.locate(name));
      }
      for (const base of inherits as string[]) {
        if (!isPlainMap(this.components[base])) {
          throw new AtmosUserError('UNKNOWN_BASE_COMPONENT',
            `component '${name}' inherits from '${base}' (metadata.inherits), but '${base}' is not defined in this stack or its imports`,
            this.locate(name), `define components.${this.type}.${base} (usually in a catalog file this stack imports), or fix the name`);
        }
        direct.push(base);
      }
    }
    const bases = newList<string>();
    for (const base of direct) bases.push(...this.basesOf(base, [...path, name]), base);
    this.cache.set(cacheKey, bases);
    return bases;
  }

  private locate(name: string) {
    return locationOf(asMap(this.section(name)).metadata) ?? locationOf(this.components[name]) ?? { file: this.stackFile };
  }
}

function isAbstract(section: PlainMap): boolean {
  return asMap(section.metadata).type === 'abstract';
}
