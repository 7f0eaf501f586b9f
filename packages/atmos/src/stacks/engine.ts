/**
 * The static stack engine: atmos.yaml -> top-level manifests -> import closures -> merged
 * stacks -> component instances (named, with workspace, backend and Go templates rendered).
 * Pure: reads files, never runs terraform or touches the network.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { templateEnv } from '../config/load';
import type { AtmosConfig } from '../config/types';
import { AtmosUserError, isUserError, throwCollected, uniqueErrors, type SourceLocation } from '../errors/user-error';
import { hasTemplate, type TemplateFunction } from '../templates';
import { backendMismatchMessage } from './backend';
import { instanceDeps, summariseSources } from './deps';
import { placeholderComponentFunctions, placeholdersHandedOut, type TemplateConsumer } from './component-function';
import { componentSection, sectionStrings, sectionsFrom, type DescribeContext } from './describe';
import { discoverStackFiles, importName, manifestName } from './discover';
import type { ResolvedImport } from './imports';
import { buildInstances, type InstanceOptions, type RawInstance } from './instances';
import { ManifestReader } from './manifests';
import { stackName, terraformWorkspace } from './naming';
import { assertPathName } from './path-names';
import { localSourceFolder } from './source';
import { ImportClosures, processStackFile, type StackFile } from './stack-file';
import { TemplateKeyIndex } from './template-keys';
import { SectionTemplateError, renderSectionTemplates } from './templating';
import { DESCRIBED_COMPONENT_TYPES, type ComponentInstance, type ComponentType } from './types';
import { EMPTY_MAP, deepEqual, isPlainMap, locationOf, type PlainMap } from './values';

export interface ResolveOptions {
  /** Render Go templates over component sections when atmos.yaml templates.settings.enabled allows it (default true: then they render). */
  processTemplates?: boolean;
  env?: Record<string, string | undefined>;
  /**
   * Functions available to templates over one instance's sections (`atmos` answered at run time, a
   * recorder in the graph phase). Without them `atmos.Component` renders empty outputs (see
   * component-function.ts): the static phase never reads state.
   */
  templateFunctions?: (instance: TemplateConsumer) => Record<string, TemplateFunction>;
  /** Only these top-level manifests (absolute paths); default: all discovered. */
  stackFiles?: string[];
  /**
   * Collects every mistake here and returns what could be built (the graph builds the rest of the
   * graph around a broken stack). Without it, the mistakes are thrown together at the end.
   */
  problems?: AtmosUserError[];
  /** Compute Atmos's `deps`/`deps_all` (describe output); the graph phase does not need them. Default true. */
  computeDeps?: boolean;
  /** Manifest contents read instead of these files' (see ManifestReaderOptions.contents). */
  manifestContents?: ReadonlyMap<string, Buffer>;
  /** Manifests parsed by an earlier resolution, reused except the changed files (see ManifestReaderOptions.earlier). */
  earlier?: { resolved: ResolvedStacks; changed: ReadonlySet<string> };
  /** Builds only the terraform components this answers true for (see InstanceOptions.buildOnly). */
  buildOnly?: InstanceOptions['buildOnly'];
}

/** What a stack manifest reads besides its own text, whether or not any of its instances was built. */
export interface StackClosure {
  imports: string[];
  importPatterns: string[];
  includedFiles: string[];
}

export interface ResolvedStacks {
  config: AtmosConfig;
  /** The terraform component instances: what becomes Nx projects, runs and is validated. */
  instances: ComponentInstance[];
  /**
   * Instances that are described and listed (`describe stacks`, `list stacks`, `describe
   * component`) as Atmos shows them, but never become Nx projects: terraform components of a
   * manifest whose stack name stacks.name_pattern cannot make (named after the file, as Atmos's
   * describe stacks does; a warning says so), and the components of the other types (helmfile,
   * packer, ansible).
   */
  describedOnly: ComponentInstance[];
  /** Top-level manifests, absolute. */
  stackFiles: string[];
  /** Every manifest read (top-level and imported), absolute. */
  manifestsRead: string[];
  /** Per stack manifest processed (absolute), what it imports and includes. */
  stackClosures: Map<string, StackClosure>;
  describeContext: DescribeContext;
  /** Stack manifests whose import closure spells `!version`: their instances may read the version lock file. */
  versionedStacks?: ReadonlySet<string>;
  /** Things the user should know that do not stop resolution (one line each). */
  warnings: string[];
  /** The manifests as read and parsed, for a later resolution of the same workspace (ResolveOptions.earlier). */
  reader: ManifestReader;
}

export function resolveStacks(config: AtmosConfig, options: ResolveOptions = {}): ResolvedStacks {
  const env = options.env ?? process.env;
  // atmos.yaml templates.settings.env: set while templates render, over the process environment.
  const templatesEnv = Object.keys(config.templates.env).length > 0 ? { ...env, ...config.templates.env } : env;
  const reader = new ManifestReader({ delimiters: config.templates.delimiters, env, stacksBasePath: config.stacks.basePath, rootPath: config.basePath, contents: options.manifestContents,
    earlier: options.earlier && { reader: options.earlier.resolved.reader, changed: options.earlier.changed } });
  const stackFiles = options.stackFiles ?? discoverStackFiles(config);
  const importNames = new Map<string, string>();
  const importNameOf = (file: string) => {
    let name = importNames.get(file);
    if (name === undefined) importNames.set(file, (name = importName(config, file)));
    return name;
  };
  // Stacks a manifest `name:` names: describe stacks reads no vars for their workspace pattern.
  const explicitlyNamed = new Set<string>();
  const describeContext: DescribeContext = {
    basePath: config.basePath,
    stacksBasePath: config.stacks.basePath,
    describeStacksNaming: {
      workspacesEnabled: config.components.terraform.workspacesEnabled,
      namedByPattern: (stack) => config.stacks.nameTemplate === undefined && config.stacks.namePattern !== undefined && !explicitlyNamed.has(stack),
    },
  };
  // As Atmos: templates render when atmos.yaml enables them and the command does not turn them off
  // (--process-templates=true does not turn on what templates.settings.enabled turns off).
  const processTemplates = (options.processTemplates ?? true) && config.templates.enabled;
  // Config imports that matched nothing come first (Atmos warns while it loads atmos.yaml).
  const warnings: string[] = [...(config.warnings ?? [])];

  const templateKeys = processTemplates ? new TemplateKeyIndex(config.templates.delimiters) : undefined;
  const instances = new InstanceRegistry(config.basePath);
  // Keyed by type too: a helmfile and a terraform component may share a name in one stack.
  const describedOnly = new InstanceRegistry(config.basePath, true);
  const importCache = new Map<string, { files: string[]; patterns: string[] }>();
  const resolvedImports = new Map<PlainMap, ResolvedImport[]>();
  const closures = new ImportClosures();
  const versionedStacks = new Set<string>();
  const stackClosures = new Map<string, StackClosure>();
  // Every mistake is collected (one validation pass reports them all): a stack whose manifests
  // cannot be read is left out, as is an instance that cannot be built.
  const problems = reader.problems;
  for (const file of stackFiles) {
    let stackFile: StackFile;
    try {
      stackFile = processStackFile(file, reader, {
        stacksBasePath: config.stacks.basePath,
        rootPath: config.basePath,
        listMergeStrategy: config.settings.listMergeStrategy,
        cache: importCache,
        resolvedImports,
        closures,
        templates: { enabled: config.templates.enabled, ignoreMissingTemplateValues: config.templates.ignoreMissingTemplateValues },
      });
    } catch (error) {
      if (!isUserError(error)) throw error;
      problems.push(error);
      continue;
    }
    stackClosures.set(file, { imports: stackFile.imports, importPatterns: stackFile.importPatterns, includedFiles: stackFile.includedFiles });
    // A manifest of the closure had a wrongly typed section (reported by the reader): its stack is not built.
    if (reader.hasInvalid && (reader.isInvalid(file) || stackFile.layers.some((layer) => reader.isInvalid(layer.file)))) continue;
    if (stackFile.layers.some((layer) => reader.mentionsVersion(layer.file))) versionedStacks.add(file);
    const stackManifestName = manifestName(config, file);
    // Sorted in code-unit order, as Atmos (Go) sorts them.
    const stackImportNames = [...new Set(stackFile.imports.map(importNameOf))].sort();
    const context: FinishContext = {
      config, warnings, env, templatesEnv, processTemplates, options, describeContext, reader, manifestName: stackManifestName, importNames: stackImportNames, explicitlyNamed,
      componentType: 'terraform', patternMiss: undefined, onPatternMiss: (token) => (context.patternMiss = token),
    };
    // One type's instances of the stack: terraform ones become Nx projects unless their stack is
    // named after the file (a name_pattern token missing); the other types are described only.
    const finishType = (type: ComponentType, typeConfig: { basePath: string; command: string }): void => {
      const sources = options.computeDeps === false ? undefined
        : summariseSources(stackFile.layers, file, stackManifestName, importNameOf, stackImportNames, (manifest) => reader.mayUnset(manifest), type);
      const raws = buildInstances(stackFile, {
        terraformBasePath: typeConfig.basePath,
        defaultCommand: typeConfig.command,
        listMergeStrategy: config.settings.listMergeStrategy,
        inheritMetadata: config.stacks.inheritMetadata,
        inheritSource: config.stacks.inheritSource,
        globalEnv: config.env,
        templateKeys,
        problems,
        componentType: type,
        buildOnly: type === 'terraform' ? options.buildOnly : undefined,
      });
      context.componentType = type;
      for (const raw of raws) {
        try {
          const deps = sources ? instanceDeps(sources, raw.component, raw.inheritance, raw.sections) : NO_DEPS;
          const instance = finishInstance(raw, stackFile, deps, context);
          const namedAfterFile = context.patternMiss !== undefined;
          if (namedAfterFile) {
            instance.namedAfterFile = true;
            warnUnnamed(context, config.stacks.namePattern ?? '', relative(config.basePath, file));
          }
          if (type === 'terraform' && !namedAfterFile) instances.add(instance);
          else describedOnly.add(instance);
        } catch (error) {
          if (!isUserError(error)) throw error;
          problems.push(error);
        }
      }
    };
    finishType('terraform', config.components.terraform);
    // Components of the other types (helmfile, packer, ansible): described and listed as Atmos
    // does, never Nx projects. Most stacks have none: nothing is done for them.
    const byType = stackFile.merged.components;
    if (!isPlainMap(byType)) continue;
    for (const type of DESCRIBED_COMPONENT_TYPES) {
      if (isPlainMap(byType[type])) finishType(type, config.components[type]);
    }
  }
  if (options.problems) options.problems.push(...uniqueErrors(problems));
  else throwCollected(problems);
  return { config, instances: instances.all(), describedOnly: describedOnly.all(), stackFiles, manifestsRead: reader.filesRead(), stackClosures, describeContext, warnings, versionedStacks, reader };
}

/** One warning per manifest and missing token (its components all fall back to the file name). */
function warnUnnamed(context: FinishContext, pattern: string, file: string): void {
  const token = context.patternMiss;
  context.patternMiss = undefined;
  const warning = `${file}: stacks.name_pattern '${pattern}' needs vars.${token}, which this manifest's components do not have: ` +
    `described as stack '${context.manifestName}' (as Atmos does) and not an Nx project; set vars.${token}, or exclude the file from stacks.included_paths if it is not a stack`;
  if (!context.warnings.includes(warning)) context.warnings.push(warning);
}

const NO_DEPS = { deps: [], depsAll: [] };

interface FinishContext {
  config: AtmosConfig;
  /** Collects ResolvedStacks.warnings. */
  warnings: string[];
  /** Collects the stacks a manifest `name:` names. */
  explicitlyNamed: Set<string>;
  env: Record<string, string | undefined>;
  /** The environment templates see: `env` with atmos.yaml templates.settings.env over it. */
  templatesEnv: Record<string, string | undefined>;
  processTemplates: boolean;
  options: ResolveOptions;
  describeContext: DescribeContext;
  reader: ManifestReader;
  manifestName: string;
  importNames: string[];
  /** The type of the instances being finished. */
  componentType: ComponentType;
  /** Set by finishInstance: the name_pattern token the instance's vars lack (it is then named after the manifest). */
  patternMiss?: string;
  onPatternMiss: (token: string) => void;
}

function finishInstance(raw: RawInstance, stackFile: StackFile, deps: { deps: string[]; depsAll: string[] }, context: FinishContext): ComponentInstance {
  const { config, describeContext } = context;
  // Built complete up front (stack, workspace and rendered sections filled in below) so every
  // instance has one object shape; a spread into a fresh literal at the end cost more than the merge.
  const instance: ComponentInstance = {
    component: raw.component,
    componentType: context.componentType,
    stack: '',
    terraformComponent: raw.terraformComponent,
    componentPath: raw.componentPath,
    manifestFile: stackFile.file,
    manifestName: context.manifestName,
    abstract: false,
    enabled: true,
    locked: false,
    workspace: '',
    sections: raw.sections,
    inheritance: raw.inheritance,
    imports: stackFile.imports,
    importNames: context.importNames,
    importPatterns: stackFile.importPatterns,
    includedFiles: stackFile.includedFiles,
    deps: deps.deps,
    depsAll: deps.depsAll,
    versionTrack: versionTrackOf(stackFile.merged),
  };
  // A component folder that does not exist comes from a local `source:` as Atmos would vendor it (see source.ts).
  if (raw.sections.source !== EMPTY_MAP) {
    const local = localSourceFolder(raw.sections.source, config.basePath);
    if (local !== undefined && !existsSync(instance.componentPath)) instance.componentPath = local;
  }
  const explicitName = typeof stackFile.merged.name === 'string' && stackFile.merged.name !== '' ? stackFile.merged.name : undefined;
  instance.stack = stackName({
    manifestName: context.manifestName,
    manifestFile: stackFile.file,
    explicitName,
    nameTemplate: config.stacks.nameTemplate,
    namePattern: config.stacks.namePattern,
    vars: raw.sections.vars,
    componentSection: () => componentSection(instance, raw.sections, describeContext),
    delimiters: config.templates.delimiters,
    onPatternMiss: context.onPatternMiss,
  });
  if (explicitName !== undefined) context.explicitlyNamed.add(instance.stack);
  assertPathName(instance.stack, 'stack name', () => ({ file: stackFile.file }),
    'fix `name:`, stacks.name_pattern / name_template or the vars they use (e.g. vars.stage) so the stack name is relative segments separated by /');
  // Only terraform components have a workspace (Atmos builds it for terraform only).
  if (context.componentType === 'terraform') instance.workspace = terraformWorkspace({
    workspacesEnabled: config.components.terraform.workspacesEnabled,
    backendType: raw.sections.backendType,
    stack: instance.stack,
    atmosComponent: raw.component,
    metadata: raw.sections.metadata,
    terraformComponent: raw.terraformComponent,
    vars: raw.sections.vars,
    componentSection: () => componentSection(instance, raw.sections, describeContext),
    manifestFile: stackFile.file,
    delimiters: config.templates.delimiters,
  });

  // Atmos checks the backend types of terraform components only (stack_processor_backend.go).
  if (raw.backendMismatch && context.componentType === 'terraform') {
    const { message, hint } = backendMismatchMessage(raw.backendMismatch, raw.component, instance.stack);
    throw new AtmosUserError('INVALID_MANIFEST', message, locationOf(raw.sections.metadata) ?? { file: stackFile.file }, hint);
  }
  if (context.componentType === 'terraform') assertPathName(instance.workspace, () => `Terraform workspace of '${raw.component}' in stack '${instance.stack}'`, () => locationOf(raw.sections.metadata) ?? { file: stackFile.file },
    'fix metadata.terraform_workspace (or its pattern or template)');

  let sections = raw.sections;
  let placeholdersBefore = 0;
  // Most instances hold no template at all: no section to build and walk for them.
  if (context.processTemplates && (raw.mayHoldTemplates !== false || sectionStrings(instance, sections).some((text) => hasTemplate(text, config.templates.delimiters)))) {
    try {
      const section = componentSection(instance, sections, describeContext);
      const filesRead: string[] = [];
      const volatile = new Set<string>();
      placeholdersBefore = placeholdersHandedOut();
      const rendered = renderSectionTemplates(section, {
        delimiters: config.templates.delimiters,
        evaluations: config.templates.evaluations,
        env: componentTemplatesEnv(context.templatesEnv, sections.settings),
        functions: (context.options.templateFunctions ?? placeholderComponentFunctions)({
          component: raw.component, stack: instance.stack, enabled: sections.metadata.enabled !== false, settings: sections.settings,
        }),
        templateKeys: raw.templateKeys,
        repoRoot: config.basePath,
        onRead: (file) => filesRead.push(file),
        onVolatile: (namespace) => volatile.add(namespace),
      });
      // A file a template read (gomplate's file.Read) is an input of this instance only.
      if (filesRead.length > 0) instance.includedFiles = [...new Set([...stackFile.includedFiles, ...filesRead])];
      if (volatile.size > 0) {
        context.warnings.push(`component '${raw.component}' in stack '${instance.stack}' uses ${[...volatile].sort().map((n) => `${n}.*`).join(', ')} in a template: ` +
          'its configuration changes on every run, so it is always affected and never cached');
      }
      // Most instances hold no template: the section comes back as it went in.
      if (rendered !== section) sections = sectionsFrom(rendered, sections);
    } catch (error) {
      // A template that failed on atmos.Component's placeholder renders at run time, with the answer.
      if (error instanceof SectionTemplateError && placeholdersHandedOut() !== placeholdersBefore) {
        // The sections stay as merged (unrendered).
      } else if (error instanceof SectionTemplateError) {
        throw new AtmosUserError('TEMPLATE_ERROR', `component '${raw.component}' in stack '${instance.stack}': ${error.templateError.detail}`,
          locateText(error.template, stackFile, context.reader),
          'fix the template; values under vars, settings, env, ... are available as .vars, .settings, .env, and .atmos_component, .atmos_stack, .workspace');
      } else {
        throw error;
      }
    }
  }
  const metadata = sections.metadata;
  instance.sections = sections;
  instance.abstract = metadata.type === 'abstract';
  instance.enabled = metadata.enabled !== false;
  instance.locked = metadata.locked === true;
  return instance;
}

/** The stack's `version.track` (pkg/version/manager EffectiveTrackFromStack reads the stack section's `version.track`). */
function versionTrackOf(merged: PlainMap): string | undefined {
  const version = merged.version;
  const track = isPlainMap(version) ? version.track : undefined;
  return typeof track === 'string' && track !== '' ? track : undefined;
}

/**
 * A component's `settings.templates.settings.env` overrides atmos.yaml's for its own templates
 * (Atmos v1.226.1 internal/exec/template_utils.go ProcessTmplWithDatasources: the stack
 * manifest's env is merged over the CLI config's, then set in the process environment while
 * the component section renders).
 */
function componentTemplatesEnv(base: Record<string, string | undefined>, settings: PlainMap): Record<string, string | undefined> {
  const templates = settings.templates;
  const templateSettings = isPlainMap(templates) ? templates.settings : undefined;
  const env = isPlainMap(templateSettings) ? templateSettings.env : undefined;
  return isPlainMap(env) ? { ...base, ...templateEnv(env) } : base;
}

/** Finds which manifest of the stack wrote a piece of text (templates lose their position when merged). */
function locateText(text: string, stackFile: StackFile, reader: ManifestReader): SourceLocation {
  for (const layer of [...stackFile.layers].reverse()) {
    const source = reader.text(layer.file);
    const index = source.indexOf(text);
    if (index >= 0) {
      const before = source.slice(0, index);
      const line = before.split('\n').length;
      return { file: layer.file, line, column: index - before.lastIndexOf('\n') };
    }
  }
  return { file: stackFile.file };
}

/**
 * Collects instances; one component in one stack may be defined by several top-level manifests
 * only if they agree (Atmos's rule), otherwise it is an error naming both manifests.
 */
class InstanceRegistry {
  /** Stack -> component -> instance: the names are shared strings, so no key is built per instance. */
  private readonly byStack = new Map<string, Map<string, ComponentInstance>>();

  constructor(
    private readonly basePath: string,
    /** Instances of several component types: keyed by type and name. */
    private readonly typed = false,
  ) {}

  add(instance: ComponentInstance): void {
    let components = this.byStack.get(instance.stack);
    if (!components) this.byStack.set(instance.stack, (components = new Map()));
    const key = this.typed ? `${instance.componentType}\0${instance.component}` : instance.component;
    const existing = components.get(key);
    if (!existing) {
      components.set(key, instance);
      return;
    }
    if (sameConfiguration(existing, instance)) return;
    throw new AtmosUserError('CONFLICTING_COMPONENT',
      `${instance.componentType === 'terraform' ? '' : `${instance.componentType} `}component '${instance.component}' in stack '${instance.stack}' is defined with different configuration in ` +
        `${relative(this.basePath, existing.manifestFile)} and ${relative(this.basePath, instance.manifestFile)}`,
      { file: instance.manifestFile },
      'a component may be defined by several top-level manifests of one stack only if their configuration is identical; ' +
        'remove one definition or move the shared part to a catalog file both import');
  }

  all(): ComponentInstance[] {
    const all: ComponentInstance[] = [];
    for (const components of this.byStack.values()) for (const instance of components.values()) all.push(instance);
    return all;
  }
}

function sameConfiguration(a: ComponentInstance, b: ComponentInstance): boolean {
  return a.terraformComponent === b.terraformComponent && a.workspace === b.workspace && deepEqual(a.sections, b.sections);
}
