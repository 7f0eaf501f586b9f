/**
 * The component section as Atmos shows it (`atmos describe component`, `describe stacks`) and as
 * Go templates see it after merging.
 */
import { relative } from 'node:path';
import { describeStacksWorkspace, type DescribeStacksNaming } from './describe-stacks-workspace';
import type { ComponentInstance, ComponentSections } from './types';
import { asMap, isEmptyMap, type PlainMap } from './values';

export interface DescribeContext {
  /** Absolute workspace root, to print paths relative to it. */
  basePath: string;
  /** Absolute stacks base path. */
  stacksBasePath: string;
  /** How `describe stacks` derives its workspace (see describe-stacks-workspace.ts); the instance's own when absent. */
  describeStacksNaming?: DescribeStacksNaming;
}

type SectionIdentity = Pick<ComponentInstance, 'component' | 'componentType' | 'stack' | 'terraformComponent' | 'componentPath' | 'manifestName' | 'workspace' | 'inheritance' | 'importNames' | 'deps' | 'depsAll'>;

export function componentSection(instance: SectionIdentity, sections: ComponentSections, context: DescribeContext): PlainMap {
  if (instance.componentType !== 'terraform') return describedTypeSection(instance, sections, context);
  const section: PlainMap = {
    atmos_component: instance.component,
    atmos_manifest: instance.manifestName,
    atmos_stack: instance.stack,
    atmos_stack_file: instance.manifestName,
    backend: sections.backend,
    backend_type: sections.backendType,
    command: sections.command,
    component: instance.terraformComponent,
    component_info: {
      component_path: componentPathIn(context, instance.componentPath),
      component_type: 'terraform',
    },
    deps: instance.deps,
    deps_all: instance.depsAll,
    env: sections.env,
    hooks: sections.hooks,
    imports: instance.importNames,
    inheritance: instance.inheritance,
    metadata: sections.metadata,
    overrides: sections.overrides,
    providers: sections.providers,
    remote_state_backend: sections.remoteStateBackend,
    remote_state_backend_type: sections.remoteStateBackendType,
    settings: sections.settings,
    // Printed when set (Atmos prints `source: {}` for every component; see README).
    ...(isEmptyMap(sections.source) ? {} : { source: sections.source }),
    stack: instance.stack,
    vars: sections.vars,
    workspace: instance.workspace,
  };
  // Atmos emits `dependencies` and component-level `locals` only when there are some.
  if (!isEmptyMap(sections.dependencies)) section.dependencies = sections.dependencies;
  if (!isEmptyMap(sections.locals)) section.locals = sections.locals;
  return section;
}

/**
 * A helmfile, packer or ansible component as Atmos v1.226.1 describes it: the sections every type
 * has (internal/exec/stack_processor_merge.go mergeComponentConfigurations: vars, settings, env,
 * command, inheritance, metadata, overrides, component; `hooks` for helmfile only, as
 * supportsComponentHooks; no providers, backend or workspace, which are terraform's), with what
 * describe adds (atmos_* keys, component_info with the type's base path as buildComponentInfo
 * builds it, imports, deps, deps_all).
 */
function describedTypeSection(instance: SectionIdentity, sections: ComponentSections, context: DescribeContext): PlainMap {
  const componentInfo: PlainMap = { component_type: instance.componentType };
  if (instance.componentPath !== '') componentInfo.component_path = componentPathIn(context, instance.componentPath);
  const section: PlainMap = {
    atmos_component: instance.component,
    atmos_manifest: instance.manifestName,
    atmos_stack: instance.stack,
    atmos_stack_file: instance.manifestName,
    command: sections.command,
    component: instance.terraformComponent,
    component_info: componentInfo,
    deps: instance.deps,
    deps_all: instance.depsAll,
    env: sections.env,
  };
  if (instance.componentType === 'helmfile') section.hooks = sections.hooks;
  section.imports = instance.importNames;
  section.inheritance = instance.inheritance;
  section.metadata = sections.metadata;
  section.overrides = sections.overrides;
  section.settings = sections.settings;
  // helmfile and packer have Atmos's `source` (supportsSourceProvision), printed when set as for terraform.
  if (instance.componentType !== 'ansible' && !isEmptyMap(sections.source)) section.source = sections.source;
  section.stack = instance.stack;
  section.vars = sections.vars;
  if (!isEmptyMap(sections.dependencies)) section.dependencies = sections.dependencies;
  if (!isEmptyMap(sections.locals)) section.locals = sections.locals;
  return section;
}

/**
 * The strings of componentSection that come from names, types and the command rather than from
 * its maps (kept beside it: a string added there belongs here too).
 */
export function sectionStrings(instance: SectionIdentity, sections: ComponentSections): string[] {
  return [instance.component, instance.stack, instance.terraformComponent, instance.workspace, sections.backendType, sections.remoteStateBackendType, sections.command];
}

/** Component folders relative to the workspace root, per describe context: thousands of instances share a few dozen folders. */
const relativePaths = new WeakMap<DescribeContext, Map<string, string>>();

function componentPathIn(context: DescribeContext, componentPath: string): string {
  let paths = relativePaths.get(context);
  if (!paths) relativePaths.set(context, (paths = new Map()));
  let path = paths.get(componentPath);
  if (path === undefined) paths.set(componentPath, (path = relative(context.basePath, componentPath)));
  return path;
}

/** Reads the sections back from a (template-rendered) component section. */
export function sectionsFrom(section: PlainMap, previous: ComponentSections): ComponentSections {
  return {
    vars: asMap(section.vars),
    settings: asMap(section.settings),
    env: asMap(section.env),
    providers: asMap(section.providers),
    hooks: asMap(section.hooks),
    locals: asMap(section.locals),
    overrides: asMap(section.overrides),
    metadata: asMap(section.metadata),
    dependencies: asMap(section.dependencies),
    backendType: typeof section.backend_type === 'string' ? section.backend_type : previous.backendType,
    backend: asMap(section.backend),
    remoteStateBackendType: typeof section.remote_state_backend_type === 'string' ? section.remote_state_backend_type : previous.remoteStateBackendType,
    remoteStateBackend: asMap(section.remote_state_backend),
    command: typeof section.command === 'string' ? section.command : previous.command,
    source: asMap(section.source),
  };
}

export function describeInstance(instance: ComponentInstance, context: DescribeContext): PlainMap {
  return componentSection(instance, instance.sections, context);
}

/**
 * `describe stacks` shape: stack -> components -> <type> -> component -> section; a stack has a
 * type's map only when it has components of that type (Atmos's ensureComponentEntryInMap).
 */
export function describeStacks(instances: ComponentInstance[], context: DescribeContext): PlainMap {
  const stacks: Record<string, { components: Record<string, PlainMap> }> = {};
  const sorted = [...instances].sort((a, b) => a.stack.localeCompare(b.stack) || a.componentType.localeCompare(b.componentType) || a.component.localeCompare(b.component));
  for (const instance of sorted) {
    const stack = (stacks[instance.stack] ??= { components: {} });
    const described = describeInstance(instance, context);
    // Only terraform components have a workspace (other types are described without one).
    if (context.describeStacksNaming && instance.componentType === 'terraform') described.workspace = describeStacksWorkspace(instance, context.describeStacksNaming);
    (stack.components[instance.componentType] ??= {})[instance.component] = described;
  }
  return stacks;
}
