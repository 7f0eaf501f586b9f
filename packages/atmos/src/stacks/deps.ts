/**
 * Atmos's `deps` and `deps_all`: the manifests an instance's configuration comes from.
 * - `deps`: the stack manifest and every imported manifest that defines the component or one
 *   of its base components;
 * - `deps_all`: those, plus every imported manifest with non-empty global sections
 *   (`vars`, `settings`, `env`, backend keys, at the top level or under `terraform:`).
 * Both are manifest names (path under the stacks base path, no extension), sorted, unique.
 */
import type { ManifestLayer } from './stack-file';
import { asMap, type PlainMap } from './values';

const GLOBAL_SECTIONS = ['vars', 'settings', 'env', 'backend', 'backend_type', 'remote_state_backend', 'remote_state_backend_type'];

export interface LayerSummary {
  name: string;
  isStackFile: boolean;
  hasGlobals: boolean;
  components: Set<string>;
}

export function summariseLayers(layers: ManifestLayer[], stackFile: string, nameOf: (file: string) => string): LayerSummary[] {
  const seen = new Map<string, LayerSummary>();
  for (const layer of layers) {
    let summary = seen.get(layer.file);
    if (!summary) {
      summary = { name: nameOf(layer.file), isStackFile: layer.file === stackFile, hasGlobals: false, components: new Set() };
      seen.set(layer.file, summary);
    }
    summary.hasGlobals ||= hasGlobalSections(layer.config) || hasGlobalSections(asMap(layer.config.terraform));
    for (const component of Object.keys(asMap(asMap(layer.config.components).terraform))) summary.components.add(component);
  }
  return [...seen.values()];
}

function hasGlobalSections(section: PlainMap): boolean {
  return GLOBAL_SECTIONS.some((key) => {
    const value = section[key];
    if (value === undefined || value === null || value === '') return false;
    return typeof value !== 'object' || Object.keys(value as object).length > 0;
  });
}

export function instanceDeps(summaries: LayerSummary[], contributingComponents: string[]): { deps: string[]; depsAll: string[] } {
  const deps = new Set<string>();
  const depsAll = new Set<string>();
  for (const summary of summaries) {
    const definesComponent = summary.isStackFile || contributingComponents.some((c) => summary.components.has(c));
    if (definesComponent) deps.add(summary.name);
    if (definesComponent || summary.hasGlobals) depsAll.add(summary.name);
  }
  return { deps: [...deps].sort(), depsAll: [...depsAll].sort() };
}
