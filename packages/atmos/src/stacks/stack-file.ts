/**
 * One top-level stack manifest -> its import closure as merge layers, and the merged stack
 * config. Layers come depth-first (each import's own imports first, the file itself last),
 * which is Atmos's merge order.
 *
 * `overrides` (and `terraform.overrides`) of a manifest apply to the components defined in that
 * manifest and in everything it imports, never to sibling imports or to the files importing it:
 * each layer's components carry the overrides in force for that layer, the importing file's
 * winning over the imported one's.
 */
import { relative } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { ManifestReader } from './manifests';
import { resolveImport, readImportSpecs, type ImportResolution } from './imports';
import { deepMerge, type ListMergeStrategy } from './merge';
import { EMPTY_MAP, asMap, isPlainMap, setKey, type PlainMap } from './values';

export interface ManifestLayer {
  file: string;
  /** The manifest as parsed (after template rendering), with overrides attached to its components. */
  config: PlainMap;
}

export interface StackFile {
  file: string;
  layers: ManifestLayer[];
  /** All layers merged: globals, `terraform:` and `components:` of the whole stack. */
  merged: PlainMap;
  /** Every manifest imported (directly or not), in first-seen order, without the stack file itself. */
  imports: string[];
  /** Absolute glob patterns of every import as written (a glob import stays a glob). */
  importPatterns: string[];
  /** Files read by `!include` in any manifest of the closure. */
  includedFiles: string[];
}

export interface StackFileOptions extends ImportResolution {
  listMergeStrategy: ListMergeStrategy;
}

interface Visit {
  file: string;
  context?: PlainMap;
  skipTemplatesProcessing?: boolean;
  ignoreMissingTemplateValues?: boolean;
  parentOverrides: PlainMap;
  chain: string[];
}

export function processStackFile(file: string, reader: ManifestReader, options: StackFileOptions): StackFile {
  const layers: ManifestLayer[] = [];
  const imports = new Set<string>();
  const importPatterns = new Set<string>();

  const visit = ({ file: current, context, skipTemplatesProcessing, ignoreMissingTemplateValues, parentOverrides, chain }: Visit): void => {
    if (chain.includes(current)) throw cycleError([...chain, current], options.rootPath);
    const manifest = reader.load({ file: current, context, skipTemplatesProcessing, ignoreMissingTemplateValues });
    const overrides = overridesInForce(manifest, parentOverrides, options.listMergeStrategy);
    for (const spec of readImportSpecs(manifest, current)) {
      const resolved = resolveImport(spec, current, options);
      resolved.patterns.forEach((pattern) => importPatterns.add(pattern));
      // The importing chain's context wins over the import's own (Atmos merges [import.context, parentContext]).
      const childContext = spec.context ? (context ? deepMerge([spec.context, context], options.listMergeStrategy) : spec.context) : context;
      for (const imported of resolved.files) {
        imports.add(imported);
        visit({
          file: imported,
          context: childContext,
          skipTemplatesProcessing: spec.skipTemplatesProcessing,
          ignoreMissingTemplateValues: spec.ignoreMissingTemplateValues,
          parentOverrides: overrides,
          chain: [...chain, current],
        });
      }
    }
    layers.push({ file: current, config: attachOverrides(manifest, overrides) });
  };

  visit({ file, parentOverrides: EMPTY_MAP, chain: [] });
  imports.delete(file);
  return {
    file,
    layers,
    merged: deepMerge(layers.map((layer) => layer.config), options.listMergeStrategy),
    imports: [...imports],
    importPatterns: [...importPatterns],
    includedFiles: [...new Set(layers.flatMap((layer) => reader.includesOf(layer.file)))],
  };
}

/** This manifest's own `overrides` and `terraform.overrides`, under those of the files importing it. */
function overridesInForce(manifest: PlainMap, parentOverrides: PlainMap, strategy: ListMergeStrategy): PlainMap {
  const own = [manifest.overrides, asMap(manifest.terraform).overrides].filter(isPlainMap);
  if (own.length === 0) return parentOverrides;
  return deepMerge([...own, parentOverrides], strategy);
}

function attachOverrides(manifest: PlainMap, overrides: PlainMap): PlainMap {
  const terraformComponents = asMap(asMap(manifest.components).terraform);
  if (Object.keys(overrides).length === 0 || Object.keys(terraformComponents).length === 0) return manifest;
  const withOverrides: PlainMap = {};
  for (const [name, section] of Object.entries(terraformComponents)) {
    setKey(withOverrides, name, isPlainMap(section) ? { ...section, overrides } : section);
  }
  return { ...manifest, components: { ...asMap(manifest.components), terraform: withOverrides } };
}

function cycleError(chain: string[], rootPath: string): AtmosUserError {
  const names = chain.map((file) => relative(rootPath, file));
  return new AtmosUserError('IMPORT_CYCLE', `import cycle: ${names.join(' -> ')}`, { file: chain[chain.length - 2] },
    `remove the import of ${names[names.length - 1]} from ${names[names.length - 2]}`);
}
