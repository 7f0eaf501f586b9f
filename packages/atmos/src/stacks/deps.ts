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
import { asMap, type PlainMap } from './values';

type SourceSection = 'vars' | 'env' | 'settings' | 'backend';
const SOURCE_SECTIONS: SourceSection[] = ['vars', 'env', 'settings', 'backend'];

interface ManifestSummary {
  name: string;
  /** Every configuration this file was loaded with (one per import context). */
  configs: PlainMap[];
}

export interface StackSources {
  stackManifest: ManifestSummary;
  /** Imported manifests, sorted by name. */
  imports: ManifestSummary[];
  /** Search-step indexes shared by the instances of this stack: (group, where, section) -> holder name -> key -> manifests. */
  stepCache: Map<string, Map<string, Map<string, string[]>>>;
}

export function summariseSources(layers: ManifestLayer[], stackFile: string, stackManifestName: string, importNameOf: (file: string) => string): StackSources {
  const byFile = new Map<string, ManifestSummary>();
  for (const layer of layers) {
    let summary = byFile.get(layer.file);
    if (!summary) byFile.set(layer.file, (summary = { name: layer.file === stackFile ? stackManifestName : importNameOf(layer.file), configs: [] }));
    summary.configs.push(layer.config);
  }
  const stackManifest = byFile.get(stackFile) ?? { name: stackManifestName, configs: [] };
  byFile.delete(stackFile);
  const imports = [...byFile.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { stackManifest, imports, stepCache: new Map() };
}

export function instanceDeps(
  sources: StackSources,
  component: string,
  /** Base components, nearest first (Atmos's `inheritance` order). */
  inheritance: string[],
  sections: ComponentSections,
): { deps: string[]; depsAll: string[] } {
  const deps = new Set<string>();
  const depsAll = new Set<string>([sources.stackManifest.name]);
  for (const section of SOURCE_SECTIONS) {
    const finalSection = section === 'backend' ? sections.backend : sections[section];
    const keys = Object.keys(finalSection);
    if (keys.length === 0) continue;
    const steps = searchSteps(sources, section, component, inheritance, sections.backendType);
    for (const key of keys) {
      let first = true;
      for (const step of steps) {
        const manifests = step.get(key);
        if (!manifests) continue;
        if (first) deps.add(manifests[0]);
        first = false;
        for (const name of manifests) depsAll.add(name);
      }
    }
  }
  return { deps: [...deps].sort(), depsAll: [...depsAll].sort() };
}

type Where = 'component' | 'terraform' | 'global';
/** key -> names of the manifests (in search order) that set it, for one search step. */
type StepIndex = Map<string, string[]>;

/** The search steps for one section in priority order; each step is indexed once per stack and reused by every instance. */
function searchSteps(sources: StackSources, section: SourceSection, component: string, inheritance: string[], backendType: string): StepIndex[] {
  const { stackManifest, imports } = sources;
  const step = (group: 'stack' | 'imports', where: Where, name = ''): StepIndex =>
    stepIndex(sources, group === 'stack' ? [stackManifest] : imports, group, where, name, section, backendType);
  return [
    step('stack', 'component', component),
    step('imports', 'component', component),
    ...inheritance.flatMap((base) => [step('stack', 'component', base), step('imports', 'component', base)]),
    step('stack', 'terraform'),
    ...(section === 'backend' ? [] : [step('stack', 'global')]),
    step('imports', 'terraform'),
    ...(section === 'backend' ? [] : [step('imports', 'global')]),
  ];
}

function stepIndex(sources: StackSources, manifests: ManifestSummary[], group: string, where: Where, name: string, section: SourceSection, backendType: string): StepIndex {
  const type = section === 'backend' ? backendType : '';
  const cacheKey = `${group}\0${where}\0${section}\0${type}`;
  let byName = sources.stepCache.get(cacheKey);
  if (!byName) {
    byName = indexManifests(manifests, where, section, type);
    sources.stepCache.set(cacheKey, byName);
  }
  return byName.get(name) ?? EMPTY_INDEX;
}

const EMPTY_INDEX: StepIndex = new Map();

/**
 * One pass over a group of manifests for one section: for every component (or the single
 * terraform/global holder, under the name ""), which manifests set which keys.
 */
function indexManifests(manifests: ManifestSummary[], where: Where, section: SourceSection, backendType: string): Map<string, StepIndex> {
  const byName = new Map<string, StepIndex>();
  const add = (name: string, manifest: string, holder: unknown) => {
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
      if (where === 'global') add('', manifest.name, config);
      else if (where === 'terraform') add('', manifest.name, config.terraform);
      else for (const [component, holder] of Object.entries(asMap(asMap(config.components).terraform))) add(component, manifest.name, holder);
    }
  }
  return byName;
}
