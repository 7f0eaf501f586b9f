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
/** The sections indexed under their own name; `backend` is indexed per backend type (see backendSectionId). */
const PLAIN_SECTIONS = ['vars', 'env', 'settings'] as const;

interface ManifestSummary {
  name: string;
  /** The name's index among the stack's manifest names sorted: names flagged by rank come out in order. */
  rank: number;
  /** Every configuration this file was loaded with (one per import context). */
  configs: PlainMap[];
}

/**
 * One search step: per key, the ranks of the manifests (in search order) that set it. The keys
 * are kept in a list too, so an instance walks them without iterating the map.
 */
class StepIndex {
  readonly keys: string[] = [];
  readonly ranks: number[][] = [];
  readonly byKey = new Map<string, number[]>();

  add(key: string, rank: number): void {
    const list = this.byKey.get(key);
    if (!list) {
      const created = [rank];
      this.byKey.set(key, created);
      this.keys.push(key);
      this.ranks.push(created);
    } else if (list[list.length - 1] !== rank) {
      list.push(rank);
    }
  }
}

/** Flag bytes as a string key (latin1 maps each byte to one character). */
const FLAG_KEYS = new TextDecoder('latin1');

/** A holder's step indexes by section id (`vars`, `env`, `settings`, or a backend type's id). */
type HolderSections = Map<string, StepIndex>;

/** One group of manifests (the stack manifest, or the imports in name order), indexed in one pass. */
interface GroupIndex {
  components: Map<string, HolderSections>;
  terraform: HolderSections;
  global: HolderSections;
}

/** Steps 3-7 folded, with what every instance that sets none of those keys itself gets from them. */
interface InheritedIndex {
  index: Map<string, number[]>;
  keys: string[];
  /** Every rank in the index, once. */
  allRanks: number[];
  /** The ranks of the manifests that are the first source of some key, once. */
  firstRanks: number[];
  /** For each of firstRanks: how many keys that manifest is the first source of. */
  firstCounts: number[];
}

/** Backend keys are searched under the instance's backend type: `backend.<type>`. */
const backendIds = new Map<string, string>();
function backendSectionId(type: string): string {
  let id = backendIds.get(type);
  if (id === undefined) backendIds.set(type, (id = `backend\0${type}`));
  return id;
}

/**
 * The manifests of one stack, indexed once for all its instances: per group, which manifests
 * set which keys of each section of each holder (a component, `terraform:`, the globals), and
 * per chain of base components the inherited steps folded.
 */
export class StackSources {
  private readonly groups: [GroupIndex, GroupIndex];
  private readonly flaggedNames = new Map<string, string[]>();
  private readonly flags: { inDeps: Uint8Array; inDepsAll: Uint8Array };
  /** Folded steps by inheritance chain (the instances of one chain share its list), then section id. */
  private readonly folded = new Map<readonly string[], Map<string, InheritedIndex>>();

  constructor(
    readonly stackManifest: ManifestSummary,
    /** Imported manifests, sorted by name. */
    imports: ManifestSummary[],
    /** Every manifest name of the stack, sorted and unique: `rank` indexes it. */
    readonly names: string[],
    /**
     * Whether a manifest of the stack can remove a key (`!unset`). Without one, every key a
     * source sets is in the instance's final section, and nothing needs checking key by key.
     */
    readonly mayUnset: boolean,
    /** `terraform`, or another component type: its `<type>:` section and `components.<type>` are searched. */
    componentType: string,
  ) {
    this.flags = { inDeps: new Uint8Array(names.length), inDepsAll: new Uint8Array(names.length) };
    this.groups = [indexGroup([stackManifest], componentType), indexGroup(imports, componentType)];
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
  /** Steps 1-2 for a component: its sections in the stack manifest, then in imports. */
  own(component: string): [HolderSections | undefined, HolderSections | undefined] {
    return [this.groups[0].components.get(component), this.groups[1].components.get(component)];
  }

  /**
   * Steps 3-7 (the base components, then the terraform and global sections) folded into one
   * index per section: per key, the manifests of those steps in search order. They are the same
   * for every instance of the stack with the same bases, so each instance looks a key up once,
   * not once per step.
   */
  inherited(sectionId: string, inheritance: readonly string[]): InheritedIndex {
    let bySection = this.folded.get(inheritance);
    if (!bySection) this.folded.set(inheritance, (bySection = new Map()));
    let folded = bySection.get(sectionId);
    if (!folded) {
      const [stack, imports] = this.groups;
      const steps: (StepIndex | undefined)[] = [];
      for (const base of inheritance) for (const group of this.groups) steps.push(group.components.get(base)?.get(sectionId));
      if (sectionId === 'vars' || sectionId === 'env' || sectionId === 'settings') {
        steps.push(stack.terraform.get(sectionId), stack.global.get(sectionId), imports.terraform.get(sectionId), imports.global.get(sectionId));
      } else {
        steps.push(stack.terraform.get(sectionId), imports.terraform.get(sectionId));
      }
      folded = foldSteps(steps);
      bySection.set(sectionId, folded);
    }
    return folded;
  }
}

function foldSteps(steps: (StepIndex | undefined)[]): InheritedIndex {
  const index = new Map<string, number[]>();
  for (const step of steps) {
    if (!step) continue;
    for (let i = 0; i < step.keys.length; i++) {
      const known = index.get(step.keys[i]);
      if (known) known.push(...step.ranks[i]);
      else index.set(step.keys[i], [...step.ranks[i]]);
    }
  }
  const all = new Set<number>();
  // A handful of first sources: lists searched, not arrays as long as the stack's names.
  const firstRanks: number[] = [];
  const firstCounts: number[] = [];
  for (const ranks of index.values()) {
    const at = firstRanks.indexOf(ranks[0]);
    if (at < 0) {
      firstRanks.push(ranks[0]);
      firstCounts.push(1);
    } else {
      firstCounts[at]++;
    }
    for (const rank of ranks) all.add(rank);
  }
  return { index, keys: [...index.keys()], allRanks: [...all], firstCounts, firstRanks };
}

/**
 * One pass over a group of manifests: for every component, the terraform holder and the globals,
 * which manifests set which keys of each section.
 */
function indexGroup(manifests: ManifestSummary[], componentType: string): GroupIndex {
  const group: GroupIndex = { components: new Map(), terraform: new Map(), global: new Map() };
  for (const manifest of manifests) {
    for (const config of manifest.configs) {
      indexHolder(group.global, manifest.rank, config, false);
      indexHolder(group.terraform, manifest.rank, config[componentType], true);
      const components = asMap(asMap(config.components)[componentType]);
      for (const name of Object.keys(components)) {
        let sections = group.components.get(name);
        if (!sections) group.components.set(name, (sections = new Map()));
        indexHolder(sections, manifest.rank, components[name], true);
      }
    }
  }
  return group;
}

function indexHolder(sections: HolderSections, rank: number, holder: unknown, withBackend: boolean): void {
  const map = asMap(holder);
  for (const section of PLAIN_SECTIONS) indexKeys(sections, section, rank, map[section]);
  // The globals' `backend` is never searched (Atmos has no global backend layer).
  if (!withBackend) return;
  const backend = asMap(map.backend);
  for (const type of Object.keys(backend)) indexKeys(sections, backendSectionId(type), rank, backend[type]);
}

function indexKeys(sections: HolderSections, sectionId: string, rank: number, value: unknown): void {
  const keys = Object.keys(asMap(value));
  if (keys.length === 0) return;
  let step = sections.get(sectionId);
  if (!step) sections.set(sectionId, (step = new StepIndex()));
  for (const key of keys) step.add(key, rank);
}

export function summariseSources(
  layers: ManifestLayer[],
  stackFile: string,
  stackManifestName: string,
  importNameOf: (file: string) => string,
  /** The names of the stack's imports, sorted (code-unit order) and unique. */
  sortedImportNames: readonly string[],
  /** Whether a manifest can remove a key when merged (`!unset`); by default every one can. */
  mayUnset: (file: string) => boolean = () => true,
  componentType = 'terraform',
): StackSources {
  const byFile = new Map<string, ManifestSummary>();
  for (const layer of layers) {
    let summary = byFile.get(layer.file);
    if (!summary) byFile.set(layer.file, (summary = { name: layer.file === stackFile ? stackManifestName : importNameOf(layer.file), rank: 0, configs: [] }));
    // A file imported again (a base under each catalog entry) brings the same config: indexed once.
    if (!summary.configs.includes(layer.config)) summary.configs.push(layer.config);
  }
  const stackManifest = byFile.get(stackFile) ?? { name: stackManifestName, rank: 0, configs: [] };
  byFile.delete(stackFile);
  const names = withName(sortedImportNames, stackManifest.name);
  const rankOf = new Map(names.map((name, rank) => [name, rank]));
  for (const summary of [stackManifest, ...byFile.values()]) summary.rank = rankOf.get(summary.name) as number;
  // Name order is rank order (a stable sort keeps files that share a name in first-seen order).
  const imports = [...byFile.values()].sort((a, b) => a.rank - b.rank);
  return new StackSources(stackManifest, imports, names, layers.some((layer) => mayUnset(layer.file)), componentType);
}

/** A sorted unique list with one more name in its place (the stack's own name among its imports'). */
function withName(sorted: readonly string[], name: string): string[] {
  let index = 0;
  while (index < sorted.length && sorted[index] < name) index++;
  if (sorted[index] === name) return [...sorted];
  return [...sorted.slice(0, index), name, ...sorted.slice(index)];
}

export function instanceDeps(
  sources: StackSources,
  component: string,
  /** Base components, nearest first (Atmos's `inheritance` order); instances with the same bases share the list. */
  inheritance: readonly string[],
  sections: ComponentSections,
): { deps: string[]; depsAll: string[] } {
  // Flags by rank: the names come out sorted and unique without a sort per instance.
  const { inDeps, inDepsAll } = sources.clearedFlags();
  inDepsAll[sources.stackManifest.rank] = 1;
  const keepsAll = !sources.mayUnset;
  const [ownInStack, ownInImports] = sources.own(component);
  for (const section of SOURCE_SECTIONS) {
    const final = sections[section];
    const sectionId = section === 'backend' ? backendSectionId(sections.backendType) : section;
    const inherited = sources.inherited(sectionId, inheritance);
    // Steps 1-2, the component's own keys: they come first (a key of both steps counts once, for the first).
    const inStack = ownInStack?.get(sectionId);
    const inImports = ownInImports?.get(sectionId);
    let hidden: number[] | undefined;
    if (inStack) hidden = markOwn(inStack, undefined, final, keepsAll, inherited, inDeps, inDepsAll, hidden);
    if (inImports) hidden = markOwn(inImports, inStack, final, keepsAll, inherited, inDeps, inDepsAll, hidden);
    // Steps 3-7, shared by the instances with the same bases: whole when every key they set is
    // in the final section (nothing unset), less the first sources of the keys the component hides.
    if (keepsAll || inherited.keys.every((key) => hasOwn(final, key))) {
      for (const rank of inherited.allRanks) inDepsAll[rank] = 1;
      if (!hidden) {
        for (const rank of inherited.firstRanks) inDeps[rank] = 1;
      } else {
        // A first source stays unless the component hides every key it is the first source of.
        inherited.firstRanks.forEach((rank, at) => {
          let count = inherited.firstCounts[at];
          for (const hiddenRank of hidden) if (hiddenRank === rank) count--;
          if (count > 0) inDeps[rank] = 1;
        });
      }
      continue;
    }
    for (const [key, ranks] of inherited.index) {
      if (!hasOwn(final, key)) continue;
      if (!inStack?.byKey.has(key) && !inImports?.byKey.has(key)) inDeps[ranks[0]] = 1;
      for (const rank of ranks) inDepsAll[rank] = 1;
    }
  }
  return { deps: sources.namesFlagged(inDeps), depsAll: sources.namesFlagged(inDepsAll) };
}

/**
 * Flags the sources of a component's own keys of one step (`before`: the earlier own step, whose
 * keys come first) and returns the inherited first sources those keys hide.
 */
function markOwn(
  step: StepIndex,
  before: StepIndex | undefined,
  final: PlainMap,
  keepsAll: boolean,
  inherited: InheritedIndex,
  inDeps: Uint8Array,
  inDepsAll: Uint8Array,
  hidden: number[] | undefined,
): number[] | undefined {
  for (let i = 0; i < step.keys.length; i++) {
    const key = step.keys[i];
    if (!keepsAll && !hasOwn(final, key)) continue;
    const ranks = step.ranks[i];
    for (const rank of ranks) inDepsAll[rank] = 1;
    if (before?.byKey.has(key)) continue;
    inDeps[ranks[0]] = 1;
    // An inherited key the component sets itself: its inherited first source is hidden.
    const below = inherited.index.get(key);
    if (below) (hidden ??= []).push(below[0]);
  }
  return hidden;
}
