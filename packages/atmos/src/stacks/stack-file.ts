/**
 * One top-level stack manifest -> its import closure as merge layers, and the merged stack
 * config. Layers come depth-first (each import's own imports first, the file itself last),
 * which is Atmos's merge order.
 *
 * `overrides` (with `terraform.overrides` and `helmfile.overrides`), as Atmos v1.226.1 carries
 * them (internal/exec/stack_processor_utils.go processYAMLConfigFileWithContextInternal, the
 * `parentTerraformOverridesInline` / `parentTerraformOverridesImports` pair and its helmfile
 * twin): two tracks, one per type that has overrides — terraform components get the global
 * `overrides` under `terraform.overrides`, helmfile components the global under
 * `helmfile.overrides`; packer and ansible components get none. Each track travels as below:
 *   - a manifest's own overrides, under those of the files importing it ("inline"), apply to its
 *     components and to everything it imports;
 *   - after each import (all files of a glob import together), what that import brought — its
 *     inline overrides over the ones its own imports brought — is added to what the manifest's
 *     earlier imports brought ("imports"): the later imports of the same manifest get them, and so
 *     do the manifest's own components (an import's overrides reach the importing file's
 *     components and its later siblings, not its earlier ones);
 *   - a manifest's components carry imports-so-far under inline (inline wins), replacing any
 *     `overrides` they write themselves. Atmos's own fixture tests/fixtures/scenarios/atmos-overrides-section
 *     pins it: `import: [catalog/overrides, catalog/c1]` overrides c1, `[catalog/c1, catalog/overrides]` does not.
 */
import { relative } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { TemplateError } from '../templates';
import { importEntryLocation, resolveImport, readImportSpecs, type ImportResolution, type ImportSpec, type ResolvedImport } from './imports';
import { mapList } from './lists';
import { ManifestReader, contextKey } from './manifests';
import { deepMerge, mergeKeepingMarkers, type ListMergeStrategy } from './merge';
import { EMPTY_MAP, asMap, isEmptyMap, isPlainMap, setKey, type PlainMap } from './values';

export interface ManifestLayer {
  file: string;
  /** The manifest as parsed (after template rendering), with overrides attached to its components. */
  config: PlainMap;
}

export interface StackFile {
  file: string;
  layers: ManifestLayer[];
  /**
   * All layers merged: globals, `terraform:` and `components:` of the whole stack. Markers with
   * nothing under them yet (`!append`, `!unset`) are kept for the instance merge.
   */
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
  /**
   * Resolved imports per loaded manifest (the reader returns the same object for the same file
   * and context), shared by the stacks of one run: a catalog imported by every stack has its
   * import list read and resolved once.
   */
  resolvedImports?: Map<PlainMap, ResolvedImport[]>;
  /** Import closures shared by the stacks of one run (see ImportClosures). */
  closures?: ImportClosures;
  /** atmos.yaml `templates.settings`: import paths are templates only when `enabled` (Atmos renderImportPath). */
  templates?: { enabled: boolean; ignoreMissingTemplateValues: boolean };
}

/** What visiting one manifest adds to a stack, in order. */
interface Closure {
  /** The manifest's import closure as merge layers, its own layer last. */
  layers: ManifestLayer[];
  /** The files imported below it, in first-seen order (each import before its own imports). */
  imports: string[];
  /** Glob patterns of the imports below it, in order. */
  patterns: string[];
  /** The manifest and every file below it, to find a cycle through the files importing it. */
  files: ReadonlySet<string>;
  /** The manifest's inline overrides (its own under its importers'). */
  inline: PlainMap;
  /** The overrides the files importing it and its imports brought (Atmos's "imports" overrides). */
  imported: PlainMap;
  /**
   * An import path of it or below is a template: what it imports depends on the values the files
   * importing it gathered, so the closure is never shared.
   */
  templatedPaths?: true;
}

/**
 * A manifest imported with the same context under the same overrides adds the same layers
 * wherever it is imported: a stack's catalog, mixins and defaults are visited once per run, not
 * once per stack (a stack's closure visits a hundred manifests or more, most shared).
 */
export class ImportClosures {
  /** Closures visited under no overrides (most manifests of most workspaces): one lookup instead of three. */
  private readonly plain = new Map<PlainMap, Map<string, Closure>>();
  private readonly overridden = new Map<PlainMap, Map<PlainMap, Map<PlainMap, Map<string, Closure>>>>();

  get(manifest: PlainMap, overrides: InheritedOverrides, context: string): Closure | undefined {
    if (noOverrides(overrides)) return this.plain.get(manifest)?.get(context);
    return this.overridden.get(manifest)?.get(overrides.inline)?.get(overrides.imported)?.get(context);
  }

  set(manifest: PlainMap, overrides: InheritedOverrides, context: string, closure: Closure): void {
    let byContext: Map<string, Closure> | undefined;
    if (noOverrides(overrides)) {
      byContext = this.plain.get(manifest);
      if (!byContext) this.plain.set(manifest, (byContext = new Map()));
    } else {
      let byInline = this.overridden.get(manifest);
      if (!byInline) this.overridden.set(manifest, (byInline = new Map()));
      let byImported = byInline.get(overrides.inline);
      if (!byImported) byInline.set(overrides.inline, (byImported = new Map()));
      byContext = byImported.get(overrides.imported);
      if (!byContext) byImported.set(overrides.imported, (byContext = new Map()));
    }
    byContext.set(context, closure);
  }
}

function noOverrides(overrides: InheritedOverrides): boolean {
  return overrides.inline === EMPTY_MAP && overrides.imported === EMPTY_MAP;
}

/** The overrides a manifest is visited under (Atmos's parent inline and imports overrides). */
interface InheritedOverrides {
  inline: PlainMap;
  imported: PlainMap;
}

interface Visit {
  file: string;
  context?: PlainMap;
  skipTemplatesProcessing?: boolean;
  ignoreMissingTemplateValues?: boolean;
  parentOverrides: InheritedOverrides;
  chain: string[];
  /** What an import path template of this manifest sees from the files importing it (importPathData). */
  pathData?: () => PlainMap;
}

export function processStackFile(file: string, reader: ManifestReader, options: StackFileOptions): StackFile {
  const visit = ({ file: current, context, skipTemplatesProcessing, ignoreMissingTemplateValues, parentOverrides, chain, pathData }: Visit): Closure => {
    if (chain.includes(current)) throw cycleError([...chain, current], options.rootPath);
    const manifest = reader.load({ file: current, context, skipTemplatesProcessing, ignoreMissingTemplateValues });
    const closureKey = context ? contextKey(context) : '';
    const cached = options.closures?.get(manifest, parentOverrides, closureKey);
    // A cached closure holding a file that imports this one is a cycle: visit again to report it.
    if (cached && !chain.some((ancestor) => cached.files.has(ancestor))) return cached;

    const inline = overridesInForce(manifest, parentOverrides.inline, options.listMergeStrategy);
    let imported = parentOverrides.imported;
    const files = new Set([current]);
    const closure: Closure = { layers: [], imports: [], patterns: [], files, inline, imported };
    const childChain = [...chain, current];
    // Only a shared closure needs its files (to find cycles through it); the stack file's is not shared.
    const shared = chain.length > 0;
    // The imports visited so far, for the data of a later import's path template (most manifests have none).
    const visited: Closure[] = [];
    for (const entry of importsOf(manifest, current, options)) {
      // What a path template of this import, or of a manifest it imports, sees: worked out when one asks.
      const dataSoFar = visited.length;
      const pathDataOfThisImport = lazily(() => importPathData(pathData, visited.slice(0, dataSoFar), options.listMergeStrategy));
      const resolved = entry.templatedPath ? renderedImport(entry.spec, current, pathDataOfThisImport(), reader, options) : entry;
      if (entry.templatedPath) closure.templatedPaths = true;
      const spec = resolved.spec;
      closure.patterns.push(...resolved.patterns);
      // The importing chain's context wins over the import's own (Atmos merges [import.context, parentContext]).
      const childContext = spec.context ? (context ? deepMerge([spec.context, context], options.listMergeStrategy) : spec.context) : context;
      // The files of one (glob) import are visited under the same overrides, then all add theirs.
      // The same object (and so the same cached closures) while nothing changes, as in most workspaces.
      const underThisImport: InheritedOverrides = inline === parentOverrides.inline && imported === parentOverrides.imported ? parentOverrides : { inline, imported };
      // Built only when an import brings overrides (most workspaces have none).
      let brought: PlainMap[] | undefined;
      for (const file of resolved.files) {
        const child = visit({
          file,
          context: childContext,
          skipTemplatesProcessing: spec.skipTemplatesProcessing,
          ignoreMissingTemplateValues: ignoresMissingValues(spec, options),
          parentOverrides: underThisImport,
          chain: childChain,
          // Atmos hands every file of one (glob) import the values of the imports before it, not its siblings'.
          pathData: pathDataOfThisImport,
        });
        if (child.templatedPaths) closure.templatedPaths = true;
        closure.imports.push(file, ...child.imports);
        closure.patterns.push(...child.patterns);
        closure.layers.push(...child.layers);
        if (child.imported !== imported || child.inline !== EMPTY_MAP) (brought ??= [imported]).push(child.imported, child.inline);
        if (shared) for (const below of child.files) files.add(below);
        visited.push(child);
      }
      if (brought) imported = mergeOverrides(brought, options.listMergeStrategy);
    }
    closure.imported = imported;
    const inForce = imported === EMPTY_MAP ? inline : inline === EMPTY_MAP ? imported : mergeOverrides([imported, inline], options.listMergeStrategy);
    closure.layers.push({ file: current, config: attachOverrides(manifest, inForce) });
    if (shared && !closure.templatedPaths) options.closures?.set(manifest, parentOverrides, closureKey, closure);
    return closure;
  };

  const { layers, imports, patterns } = visit({ file, parentOverrides: NO_OVERRIDES, chain: [], ignoreMissingTemplateValues: ignoresMissingValues(undefined, options) });
  const imported = new Set(imports);
  imported.delete(file);
  return {
    file,
    layers,
    merged: mergeKeepingMarkers(mapList(layers, (layer) => layer.config), options.listMergeStrategy),
    imports: [...imported],
    importPatterns: [...new Set(patterns)],
    includedFiles: includedFiles(layers, reader),
  };
}

function includedFiles(layers: ManifestLayer[], reader: ManifestReader): string[] {
  if (!reader.hasIncludes()) return [];
  const files = new Set<string>();
  for (const layer of layers) for (const file of reader.includesOf(layer.file)) files.add(file);
  return [...files];
}

function importsOf(manifest: PlainMap, file: string, options: StackFileOptions): ResolvedImport[] {
  let resolved = options.resolvedImports?.get(manifest);
  if (!resolved) {
    resolved = mapList(readImportSpecs(manifest, file), (spec) =>
      isTemplatedPath(spec, options) ? { spec, files: [], patterns: [], templatedPath: true as const } : resolveImport(spec, file, options));
    options.resolvedImports?.set(manifest, resolved);
  }
  return resolved;
}

/**
 * Atmos renders an import path that holds `{{` when templates are enabled and the import does not
 * skip them (renderImportPath). A manifest imported with a context has had its whole text,
 * import paths included, rendered already.
 */
function isTemplatedPath(spec: ImportSpec, options: StackFileOptions): boolean {
  return options.templates?.enabled === true && !spec.skipTemplatesProcessing && spec.path.includes('{{');
}

/** The import of a templated path: rendered with what the walk gathered and the import's own context, then resolved. */
function renderedImport(spec: ImportSpec, importingFile: string, gathered: PlainMap, reader: ManifestReader, options: StackFileOptions): ResolvedImport {
  // The import's own context wins over what earlier imports set.
  const data = spec.context ? deepMerge([gathered, spec.context], options.listMergeStrategy) : gathered;
  let path: string;
  try {
    path = reader.renderImportPath(spec.path, data, importingFile, ignoresMissingValues(spec, options));
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const missingValue = /no entry for key|nil pointer|<no value>/.test(error.detail);
    throw new AtmosUserError('TEMPLATE_ERROR', `import path "${spec.path}": ${error.detail}`, importEntryLocation(spec),
      missingValue ? 'define the value in an earlier import of this manifest (a `_defaults` file, say) or in the import\'s `context:`, ' +
        'or set `ignore_missing_template_values: true` on the import (or templates.settings.ignore_missing_template_values in atmos.yaml)'
        : 'fix the template in the import path (Go template syntax, with the functions of section templates)');
  }
  if (path.trim() === '') {
    throw new AtmosUserError('IMPORT_INVALID', `import path "${spec.path}" renders to an empty path`, importEntryLocation(spec),
      'define the value it reads in an earlier import of this manifest, or in the import\'s `context:`');
  }
  return resolveImport({ ...spec, path, written: spec.path }, importingFile, options);
}

/** The import's `ignore_missing_template_values`, or atmos.yaml's (every import's default, as in Atmos). */
function ignoresMissingValues(spec: ImportSpec | undefined, options: StackFileOptions): boolean {
  return spec?.ignoreMissingTemplateValues === true || options.templates?.ignoreMissingTemplateValues === true;
}

/** The value of `compute`, computed on the first call only. */
function lazily<T>(compute: () => T): () => T {
  let value: { of: T } | undefined;
  return () => (value ??= { of: compute() }).of;
}

/**
 * What an import path template sees (Atmos's accumulatedImportContext): the files importing this
 * manifest gave theirs; then each import before this one adds the `settings`, `vars` and `env`
 * of its whole closure, later ones winning. Worked out only when a path is a template.
 */
function importPathData(fromImporters: (() => PlainMap) | undefined, before: readonly Closure[], strategy: ListMergeStrategy): PlainMap {
  const layers: PlainMap[] = [fromImporters?.() ?? EMPTY_MAP];
  for (const closure of before) {
    const sections: PlainMap = {};
    for (const key of IMPORT_PATH_SECTIONS) {
      const values = closure.layers.map((layer) => layer.config[key]).filter(isPlainMap);
      if (values.length > 0) sections[key] = deepMerge(values, strategy);
    }
    layers.push(sections);
  }
  return deepMerge(layers, strategy);
}

/** The sections of earlier imports an import path template may read (Atmos extractImportPathSections). */
const IMPORT_PATH_SECTIONS = ['settings', 'vars', 'env'] as const;

const NO_OVERRIDES: InheritedOverrides = { inline: EMPTY_MAP, imported: EMPTY_MAP };

/**
 * Overrides merged in order, keeping the identity of a layer when it is the only non-empty one
 * (or every non-empty one is the same object): closures are shared by overrides identity.
 */
function mergeOverrides(layers: readonly PlainMap[], strategy: ListMergeStrategy): PlainMap {
  let only: PlainMap | undefined;
  let distinct = false;
  for (const layer of layers) {
    if (isEmptyMap(layer)) continue;
    if (only === undefined) only = layer;
    else if (layer !== only) distinct = true;
  }
  if (only === undefined) return EMPTY_MAP;
  return distinct ? deepMerge(layers, strategy) : only;
}

/** The component types `overrides` reach; an overrides map in force is keyed by them. */
const OVERRIDDEN_TYPES = ['terraform', 'helmfile'] as const;

/**
 * This manifest's own overrides, under those of the files importing it, per type: Atmos merges
 * `[globalOverrides, terraformOverrides, parentTerraformOverridesInline]` (and the same for
 * helmfile), so a parent's overrides win over the manifest's own.
 */
function overridesInForce(manifest: PlainMap, parentOverrides: PlainMap, strategy: ListMergeStrategy): PlainMap {
  const global = isPlainMap(manifest.overrides) ? manifest.overrides : undefined;
  const ownByType = OVERRIDDEN_TYPES.map((type) => asMap(manifest[type]).overrides);
  if (!global && !ownByType.some(isPlainMap)) return parentOverrides;
  const inForce: PlainMap = {};
  OVERRIDDEN_TYPES.forEach((type, index) => {
    const layers = [global, ownByType[index], parentOverrides[type]].filter(isPlainMap);
    if (layers.length > 0) inForce[type] = deepMerge(layers, strategy);
  });
  return inForce;
}

function attachOverrides(manifest: PlainMap, overrides: PlainMap): PlainMap {
  if (isEmptyMap(overrides)) return manifest;
  let components: PlainMap | undefined;
  for (const type of OVERRIDDEN_TYPES) {
    const ofType = asMap(overrides[type]);
    const sections = asMap(asMap(manifest.components)[type]);
    if (isEmptyMap(ofType) || isEmptyMap(sections)) continue;
    const withOverrides: PlainMap = {};
    for (const [name, section] of Object.entries(sections)) {
      setKey(withOverrides, name, isPlainMap(section) ? { ...section, overrides: ofType } : section);
    }
    (components ??= { ...asMap(manifest.components) })[type] = withOverrides;
  }
  return components ? { ...manifest, components } : manifest;
}

function cycleError(chain: string[], rootPath: string): AtmosUserError {
  const names = chain.map((file) => relative(rootPath, file));
  return new AtmosUserError('IMPORT_CYCLE', `import cycle: ${names.join(' -> ')}`, { file: chain[chain.length - 2] },
    `remove the import of ${names[names.length - 1]} from ${names[names.length - 2]}`);
}
