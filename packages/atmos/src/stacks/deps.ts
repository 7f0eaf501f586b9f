/**
 * Atmos's `deps` and `deps_all`, derived from where each final value comes from ("sources").
 * For every top-level key of the final `vars`, `env`, `settings` and `backend`, the manifests
 * that set it are searched in Atmos's priority order:
 *   1. the component in the stack manifest itself; 2. the component in imports;
 *   3. each base component (nearest first): in the stack manifest, then in imports;
 *   4. `terraform.<section>` in the stack manifest; 5. the global section in the stack manifest;
 *   6. `terraform.<section>` in imports; 7. the global section in imports.
 * Imports are searched in name order, as Atmos does. `deps` takes the first manifest found for
 * each key; `deps_all` every manifest found, plus the stack manifest. Both are manifest names,
 * sorted and unique.
 */
import type { ManifestLayer } from './stack-file';
import type { ComponentSections } from './types';
import { asMap, hasOwn, type PlainMap } from './values';

type SourceSection = 'vars' | 'env' | 'settings' | 'backend';
const SOURCE_SECTIONS: SourceSection[] = ['vars', 'env', 'settings', 'backend'];

interface ManifestSummary {
  name: string;
  /** The name's index among the stack's manifest names sorted: names flagged by rank come out in order. */
  rank: number;
  /** Every configuration this file was loaded with (one per import context). */
  configs: PlainMap[];
}

type Group = 'stack' | 'imports';
type Where = 'component' | 'terraform' | 'global';
const GROUPS: Group[] = ['stack', 'imports'];
/** Flag bytes as a string key (latin1 maps each byte to one character). */
const FLAG_KEYS = new TextDecoder('latin1');

/** key -> ranks of the manifests (in search order) that set it, for one search step. */
type StepIndex = Map<string, number[]>;
/** holder name (a component, or "" for the terraform/global holder) -> its step index. */
type HolderIndex = Map<string, StepIndex>;

/** Steps 3-7 folded, with what every instance that sets none of those keys itself gets from them. */
interface InheritedIndex {
  index: StepIndex;
  keys: string[];
  /** Every rank in the index, once. */
  allRanks: number[];
  /** By rank: how many keys the manifest of that rank is the first source of. */
  firstCounts: Int32Array;
  /** The ranks with a first count, once. */
  firstRanks: number[];
}

function summariseInherited(index: StepIndex, names: number): InheritedIndex {
  const all = new Set<number>();
  const firstCounts = new Int32Array(names);
  for (const ranks of index.values()) {
    firstCounts[ranks[0]]++;
    for (const rank of ranks) all.add(rank);
  }
  const firstRanks: number[] = [];
  firstCounts.forEach((count, rank) => count > 0 && firstRanks.push(rank));
  return { index, keys: [...index.keys()], allRanks: [...all], firstCounts, firstRanks };
}

/**
 * The manifests of one stack, with the search-step indexes its instances share: each
 * (section, backend type, group, where) is indexed in one pass, the first time an instance asks.
 * Nested maps keyed by the parts, not one joined string key: this lookup runs for every section
 * of every instance, and building and hashing a fresh string each time cost more than the index.
 */
export class StackSources {
  private readonly indexes = new Map<SourceSection, Map<string, Map<string, HolderIndex>>>();
  private readonly flaggedNames = new Map<string, string[]>();
  private readonly flags: { inDeps: Uint8Array; inDepsAll: Uint8Array };
  /** Folded steps by section, backend type ("" but for `backend`) and inheritance chain. */
  private readonly folded = new Map<SourceSection, Map<string, Map<string, InheritedIndex>>>();

  constructor(
    readonly stackManifest: ManifestSummary,
    /** Imported manifests, sorted by name. */
    readonly imports: ManifestSummary[],
    /** Every manifest name of the stack, sorted and unique: `rank` indexes it. */
    readonly names: string[],
    /**
     * Whether a manifest of the stack can remove a key (`!unset`). Without one, every key a
     * source sets is in the instance's final section, and nothing needs checking key by key.
     */
    readonly mayUnset: boolean,
  ) {
    this.flags = { inDeps: new Uint8Array(names.length), inDepsAll: new Uint8Array(names.length) };
  }

  /** Rank flags for one instance, reused from instance to instance (the names are read out before the next). */
  clearedFlags(): { inDeps: Uint8Array; inDepsAll: Uint8Array } {
    this.flags.inDeps.fill(0);
    this.flags.inDepsAll.fill(0);
    return this.flags;
  }

  /**
   * The names whose rank is flagged, in order. Instances of a stack mostly come from the same
   * manifests: equal lists are one shared (read-only) array, not thousands of copies to keep.
   */
  namesFlagged(flags: Uint8Array): string[] {
    const key = FLAG_KEYS.decode(flags);
    let names = this.flaggedNames.get(key);
    if (!names) this.flaggedNames.set(key, (names = this.names.filter((_, rank) => flags[rank] === 1)));
    return names;
  }

  /** Steps 1-2: the component itself in the stack manifest, then in imports (the empty ones left out). */
  ownSteps(section: SourceSection, type: string, component: string): StepIndex[] {
    const steps: StepIndex[] = [];
    for (const group of GROUPS) {
      const own = this.holders(section, type, group, 'component').get(component);
      if (own) steps.push(own);
    }
    return steps;
  }

  /**
   * Steps 3-7 (the base components, then the terraform and global sections) folded into one
   * index: per key, the manifests of those steps in search order. They are the same for every
   * instance of the stack with the same bases, so each instance looks a key up once, not once
   * per step.
   */
  inherited(section: SourceSection, type: string, inheritance: string[], inheritanceKey: string): InheritedIndex {
    let byType = this.folded.get(section);
    if (!byType) this.folded.set(section, (byType = new Map()));
    let byChain = byType.get(type);
    if (!byChain) byType.set(type, (byChain = new Map()));
    let folded = byChain.get(inheritanceKey);
    if (!folded) {
      const steps: (StepIndex | undefined)[] = [];
      for (const base of inheritance) for (const group of GROUPS) steps.push(this.holders(section, type, group, 'component').get(base));
      const shared: [Group, Where][] = section === 'backend'
        ? [['stack', 'terraform'], ['imports', 'terraform']]
        : [['stack', 'terraform'], ['stack', 'global'], ['imports', 'terraform'], ['imports', 'global']];
      for (const [group, where] of shared) steps.push(this.holders(section, type, group, where).get(''));
      const index: StepIndex = new Map();
      for (const step of steps) {
        for (const [key, ranks] of step ?? []) {
          const known = index.get(key);
          if (known) known.push(...ranks);
          else index.set(key, [...ranks]);
        }
      }
      folded = summariseInherited(index, this.names.length);
      byChain.set(inheritanceKey, folded);
    }
    return folded;
  }

  private holders(section: SourceSection, type: string, group: Group, where: Where): HolderIndex {
    let byType = this.indexes.get(section);
    if (!byType) this.indexes.set(section, (byType = new Map()));
    let byStep = byType.get(type);
    if (!byStep) byType.set(type, (byStep = new Map()));
    const stepKey = group === 'stack' ? STACK_STEP_KEYS[where] : IMPORT_STEP_KEYS[where];
    let holders = byStep.get(stepKey);
    if (!holders) byStep.set(stepKey, (holders = indexManifests(group === 'stack' ? [this.stackManifest] : this.imports, where, section, type)));
    return holders;
  }
}

const STACK_STEP_KEYS: Record<Where, string> = { component: 'stack component', terraform: 'stack terraform', global: 'stack global' };
const IMPORT_STEP_KEYS: Record<Where, string> = { component: 'imports component', terraform: 'imports terraform', global: 'imports global' };

export function summariseSources(
  layers: ManifestLayer[],
  stackFile: string,
  stackManifestName: string,
  importNameOf: (file: string) => string,
  /** Whether a manifest can remove a key when merged (`!unset`); by default every one can. */
  mayUnset: (file: string) => boolean = () => true,
): StackSources {
  const byFile = new Map<string, ManifestSummary>();
  for (const layer of layers) {
    let summary = byFile.get(layer.file);
    if (!summary) byFile.set(layer.file, (summary = { name: layer.file === stackFile ? stackManifestName : importNameOf(layer.file), rank: 0, configs: [] }));
    summary.configs.push(layer.config);
  }
  const stackManifest = byFile.get(stackFile) ?? { name: stackManifestName, rank: 0, configs: [] };
  byFile.delete(stackFile);
  const imports = [...byFile.values()].sort((a, b) => compareNames(a.name, b.name));
  const names = [...new Set([stackManifest.name, ...imports.map((summary) => summary.name)])].sort(compareNames);
  const rankOf = new Map(names.map((name, rank) => [name, rank]));
  for (const summary of [stackManifest, ...imports]) summary.rank = rankOf.get(summary.name) as number;
  return new StackSources(stackManifest, imports, names, layers.some((layer) => mayUnset(layer.file)));
}

/** Code-unit order, as Atmos (Go) sorts strings. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function instanceDeps(
  sources: StackSources,
  component: string,
  /** Base components, nearest first (Atmos's `inheritance` order). */
  inheritance: string[],
  sections: ComponentSections,
): { deps: string[]; depsAll: string[] } {
  // Flags by rank: the names come out sorted and unique without a sort per instance.
  const { inDeps, inDepsAll } = sources.clearedFlags();
  inDepsAll[sources.stackManifest.rank] = 1;
  const inheritanceKey = inheritance.join('\0');
  const keepsAll = !sources.mayUnset;
  for (const section of SOURCE_SECTIONS) {
    const final = sections[section];
    const type = section === 'backend' ? sections.backendType : '';
    // Steps 1-2, the component's own keys: they come first (a key of both steps counts once, for the first).
    const own = sources.ownSteps(section, type, component);
    let hidden: number[] | undefined;
    const inherited = sources.inherited(section, type, inheritance, inheritanceKey);
    for (let i = 0; i < own.length; i++) {
      for (const [key, ranks] of own[i]) {
        if (!keepsAll && !hasOwn(final, key)) continue;
        for (const rank of ranks) inDepsAll[rank] = 1;
        if (i > 0 && own[0].has(key)) continue;
        inDeps[ranks[0]] = 1;
        // An inherited key the component sets itself: its inherited first source is hidden.
        const below = inherited.index.get(key);
        if (below) (hidden ??= []).push(below[0]);
      }
    }
    // Steps 3-7, shared by the instances with the same bases: whole when every key they set is
    // in the final section (nothing unset), less the first sources of the keys the component hides.
    if (keepsAll || inherited.keys.every((key) => hasOwn(final, key))) {
      for (const rank of inherited.allRanks) inDepsAll[rank] = 1;
      if (!hidden) {
        for (const rank of inherited.firstRanks) inDeps[rank] = 1;
      } else {
        const counts = inherited.firstCounts.slice();
        for (const rank of hidden) counts[rank]--;
        for (const rank of inherited.firstRanks) if (counts[rank] > 0) inDeps[rank] = 1;
      }
      continue;
    }
    for (const [key, ranks] of inherited.index) {
      if (!hasOwn(final, key)) continue;
      if (!own.some((step) => step.has(key))) inDeps[ranks[0]] = 1;
      for (const rank of ranks) inDepsAll[rank] = 1;
    }
  }
  return { deps: sources.namesFlagged(inDeps), depsAll: sources.namesFlagged(inDepsAll) };
}

/**
 * One pass over a group of manifests for one section: for every component (or the single
 * terraform/global holder, under the name ""), which manifests set which keys.
 */
function indexManifests(manifests: ManifestSummary[], where: Where, section: SourceSection, backendType: string): HolderIndex {
  const byName = new Map<string, StepIndex>();
  const add = (name: string, manifest: number, holder: unknown) => {
    let value = asMap(asMap(holder)[section]);
    if (section === 'backend') value = asMap(value[backendType]);
    const keys = Object.keys(value);
    if (keys.length === 0) return;
    let index = byName.get(name);
    if (!index) byName.set(name, (index = new Map()));
    for (const key of keys) {
      const list = index.get(key);
      if (!list) index.set(key, [manifest]);
      else if (list[list.length - 1] !== manifest) list.push(manifest);
    }
  };
  for (const manifest of manifests) {
    for (const config of manifest.configs) {
      if (where === 'global') add('', manifest.rank, config);
      else if (where === 'terraform') add('', manifest.rank, config.terraform);
      else for (const [component, holder] of Object.entries(asMap(asMap(config.components).terraform))) add(component, manifest.rank, holder);
    }
  }
  return byName;
}
