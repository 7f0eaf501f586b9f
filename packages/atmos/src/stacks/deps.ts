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
  return { stackManifest, imports };
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
  const { stackManifest, imports } = sources;

  for (const section of SOURCE_SECTIONS) {
    const finalSection = section === 'backend' ? sections.backend : sections[section];
    const pick = (config: PlainMap, where: 'component' | 'terraform' | 'global', name?: string): PlainMap => {
      const holder = where === 'global' ? config : where === 'terraform' ? asMap(config.terraform) : asMap(asMap(asMap(config.components).terraform)[name ?? '']);
      const value = asMap(holder[section]);
      return section === 'backend' ? asMap(value[sections.backendType]) : value;
    };
    const searchOrder: Array<{ manifests: ManifestSummary[]; where: 'component' | 'terraform' | 'global'; name?: string }> = [
      { manifests: [stackManifest], where: 'component', name: component },
      { manifests: imports, where: 'component', name: component },
      ...inheritance.flatMap((base) => [
        { manifests: [stackManifest], where: 'component' as const, name: base },
        { manifests: imports, where: 'component' as const, name: base },
      ]),
      { manifests: [stackManifest], where: 'terraform' },
      ...(section === 'backend' ? [] : [{ manifests: [stackManifest], where: 'global' as const }]),
      { manifests: imports, where: 'terraform' },
      ...(section === 'backend' ? [] : [{ manifests: imports, where: 'global' as const }]),
    ];
    for (const key of Object.keys(finalSection)) {
      let first = true;
      for (const step of searchOrder) {
        for (const manifest of step.manifests) {
          if (!manifest.configs.some((config) => key in pick(config, step.where, step.name))) continue;
          if (first) deps.add(manifest.name);
          first = false;
          depsAll.add(manifest.name);
        }
      }
    }
  }
  return { deps: [...deps].sort(), depsAll: [...depsAll].sort() };
}
