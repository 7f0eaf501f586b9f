/**
 * Resolved stacks -> what Nx needs: one project per deployable instance (name, virtual root,
 * tags, the exact files its configuration is made of) and the dependency edges between them.
 * Knows nothing about spawning processes; never runs terraform.
 */
import { relative } from 'node:path';
import { AtmosUserError, type SourceLocation } from '../errors/user-error';
import { declaredDependencies, dependencyMatches, type DeclaredDependencies } from '../stacks/dependencies';
import type { ResolvedStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import { locateText } from '../stacks/value-source';
import { localModuleFolders } from '../terraform/local-modules';
import type { NormalisedPluginOptions } from './options';
import { collectYamlFunctionReferences, type ComponentReference } from '../functions/yaml-references';

export interface InstanceProject {
  name: string;
  root: string;
  component: string;
  stack: string;
  tags: string[];
  /** Nx file-set inputs (`{workspaceRoot}/...`) of the instance's configuration. */
  inputs: string[];
  manifest: string;
  componentPath: string;
  locked: boolean;
  /** `settings.layer` (network, database, ...), which colours the instance in `describe graph`. */
  layer?: string;
}

export interface GraphEdge {
  source: string;
  target: string;
  /** Why: `settings.depends_on.1`, `vars.vpc_id: !terraform.state vpc vpc_id`, ... */
  via: string;
  /** Every distinct reason for this pair, `via` first (`describe graph` labels the edge with them all). */
  reasons: string[];
}

export interface GraphModel {
  projects: InstanceProject[];
  edges: GraphEdge[];
}

export interface GraphModelInput {
  workspaceRoot: string;
  resolved: ResolvedStacks;
  options: NormalisedPluginOptions;
  /** References recorded while rendering templates (`atmos.Component`), per instance key `component\0stack`. */
  templateReferences?: Map<string, ComponentReference[]>;
  /** Extra references per instance from inline expressions (functions layer). */
  expressionReferences?: (instance: ComponentInstance) => ComponentReference[];
}

const CONTEXT_TAGS = ['namespace', 'tenant', 'environment', 'stage'] as const;

export function buildGraphModel(input: GraphModelInput): GraphModel {
  const { workspaceRoot, resolved, options } = input;
  const rel = (path: string) => relative(workspaceRoot, path).split('\\').join('/');
  const deployable = resolved.instances.filter(isDeployable);
  const names = assignProjectNames(deployable, options.projectName);
  const moduleCache = new Map<string, string[]>();
  const atmosYaml = resolved.config.configFile ? [`{workspaceRoot}/${rel(resolved.config.configFile)}`] : [];

  const declaredByInstance = new Map(deployable.map((instance) => [instance, declaredDependencies(instance.sections, { file: instance.manifestFile })]));
  // Instances of one stack manifest share their import lists: turn each list into inputs once.
  const asInputs = memoByIdentity((files: string[]) => files.map((file) => `{workspaceRoot}/${rel(file)}`));
  const projects: InstanceProject[] = deployable.map((instance) => {
    const declared = declaredByInstance.get(instance)!;
    const folders = [instance.componentPath, ...localModuleFolders(instance.componentPath, moduleCache)];
    const inputs = [
      ...atmosYaml,
      `{workspaceRoot}/${rel(instance.manifestFile)}`,
      ...asInputs(instance.imports),
      ...asInputs(instance.importPatterns),
      ...asInputs(instance.includedFiles),
      ...folders.map((folder) => `{workspaceRoot}/${rel(folder)}/**/*`),
      ...declared.files.map((file) => `{workspaceRoot}/${file}`),
      ...declared.folders.map((folder) => `{workspaceRoot}/${folder}/**/*`),
    ];
    const vars = instance.sections.vars;
    const layer = typeof instance.sections.settings.layer === 'string' && instance.sections.settings.layer !== '' ? instance.sections.settings.layer : undefined;
    return {
      name: names.get(instance)!,
      root: `.atmos/${instance.stack}/${instance.component}`,
      component: instance.component,
      stack: instance.stack,
      tags: [
        'atmos',
        `stack:${instance.stack}`,
        `component:${instance.component}`,
        ...CONTEXT_TAGS.filter((field) => typeof vars[field] === 'string' && vars[field] !== '').map((field) => `${field}:${String(vars[field])}`),
        ...(layer ? [`layer:${layer}`] : []),
      ],
      inputs: [...new Set(inputs)],
      manifest: rel(instance.manifestFile),
      componentPath: rel(instance.componentPath),
      locked: instance.locked,
      ...(layer ? { layer } : {}),
    };
  });

  const edges = buildEdges(resolved.instances, deployable, declaredByInstance, names, input);
  assertNoCycles(edges);
  return { projects, edges };
}

function memoByIdentity<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) cache.set(key, (value = fn(key)));
    return value;
  };
}

export function isDeployable(instance: ComponentInstance): boolean {
  return !instance.abstract && instance.enabled;
}

/** The Nx project name of an instance under the `projectName` template (`{component}-{stack}`). */
export function projectName(template: string, instance: ComponentInstance): string {
  const vars = instance.sections.vars;
  return template.replace(/\{(component|stack|namespace|tenant|environment|stage)\}/g, (_, token: string) => {
    if (token === 'component') return instance.component.split('/').join('-');
    if (token === 'stack') return instance.stack.split('/').join('-');
    return String(vars[token] ?? '');
  });
}

function assignProjectNames(instances: ComponentInstance[], template: string): Map<ComponentInstance, string> {
  const names = new Map<ComponentInstance, string>();
  const owners = new Map<string, ComponentInstance>();
  for (const instance of instances) {
    const name = projectName(template, instance);
    const clash = owners.get(name);
    if (clash) {
      throw new AtmosUserError('CONFLICTING_COMPONENT',
        `project name '${name}' is produced by both '${clash.component}' in stack '${clash.stack}' and '${instance.component}' in stack '${instance.stack}'`,
        { file: instance.manifestFile },
        'change the plugin option "projectName" in nx.json (e.g. "{component}-{stack}") so every instance gets its own name');
    }
    owners.set(name, instance);
    names.set(instance, name);
  }
  return names;
}

function buildEdges(
  all: ComponentInstance[],
  deployable: ComponentInstance[],
  declaredByInstance: Map<ComponentInstance, DeclaredDependencies>,
  names: Map<ComponentInstance, string>,
  input: GraphModelInput,
): GraphEdge[] {
  const byKey = new Map(all.map((instance) => [`${instance.component}\0${instance.stack}`, instance]));
  const byComponent = new Map<string, ComponentInstance[]>();
  for (const instance of all) {
    const list = byComponent.get(instance.component);
    if (list) list.push(instance);
    else byComponent.set(instance.component, [instance]);
  }
  const edges = new Map<string, GraphEdge>();
  const addEdge = (source: ComponentInstance, target: ComponentInstance, via: string) => {
    if (target === source || !isDeployable(target)) return;
    const edge = { source: names.get(source)!, target: names.get(target)!, via, reasons: [via] };
    const key = `${edge.source}\0${edge.target}`;
    const known = edges.get(key);
    if (!known) edges.set(key, edge);
    else if (!known.reasons.includes(via)) known.reasons.push(via);
  };

  for (const instance of deployable) {
    for (const dependency of declaredByInstance.get(instance)!.components) {
      if (dependency.kind !== 'terraform') continue;
      // An explicit stack, or none (same stack), is one lookup; context fields scan that component's instances only.
      const sameOrExplicit = dependency.stack !== undefined || Object.keys(dependency.context).length === 0;
      const exact = sameOrExplicit ? byKey.get(`${dependency.component}\0${dependency.stack ?? instance.stack}`) : undefined;
      const targets = sameOrExplicit ? (exact ? [exact] : []) : (byComponent.get(dependency.component) ?? []).filter((candidate) =>
        dependencyMatches(dependency, { stack: instance.stack, vars: instance.sections.vars }, { component: candidate.component, stack: candidate.stack, vars: candidate.sections.vars }));
      if (targets.length === 0) throw missingTarget(instance, dependency.component, dependency.stack ?? describeContext(dependency.context, instance), dependency.via);
      for (const target of targets) addEdge(instance, target, dependency.via);
    }
    const references: ComponentReference[] = [];
    for (const [section, value] of Object.entries({ vars: instance.sections.vars, settings: instance.sections.settings, env: instance.sections.env, providers: instance.sections.providers })) {
      collectYamlFunctionReferences(value, section, references);
    }
    references.push(...(input.templateReferences?.get(`${instance.component}\0${instance.stack}`) ?? []));
    references.push(...(input.expressionReferences?.(instance) ?? []));
    for (const reference of references) {
      const stack = reference.stack ?? instance.stack;
      const target = byKey.get(`${reference.component}\0${stack}`);
      if (!target) throw missingTarget(instance, reference.component, `stack '${stack}'`, reference.via, reference.location);
      addEdge(instance, target, reference.via);
    }
  }
  return [...edges.values()];
}

function describeContext(context: Record<string, string | undefined>, instance: ComponentInstance): string {
  const fields = Object.entries(context).map(([k, v]) => `${k}=${v}`);
  return fields.length === 0 ? `stack '${instance.stack}'` : `the stack with ${fields.join(', ')}`;
}

function missingTarget(instance: ComponentInstance, component: string, where: string, via: string, location?: SourceLocation): AtmosUserError {
  return new AtmosUserError('COMPONENT_NOT_FOUND',
    `component '${instance.component}' in stack '${instance.stack}' depends on '${component}' in ${where.startsWith('stack') || where.startsWith('the') ? where : `stack '${where}'`}, which does not exist (${via})`,
    location ?? referenceLocation(instance, component, via),
    'fix the component or stack name, or define that component in that stack');
}

/** The line that holds the reference, often in a catalog file the manifest imports (looked up only for the error). */
function referenceLocation(instance: ComponentInstance, component: string, via: string) {
  for (const needle of [via, via.slice(via.indexOf(': ') + 2), `output.${component}`, `output("${component}"`, `component: ${component}`]) {
    const location = locateText(instance, needle);
    if (location.line !== undefined) return location;
  }
  return { file: instance.manifestFile };
}

function assertNoCycles(edges: GraphEdge[]): void {
  const next = new Map<string, GraphEdge[]>();
  for (const edge of edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge]);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const edge of next.get(node) ?? []) {
      const seen = state.get(edge.target);
      if (seen === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(edge.target)), edge.target];
        throw new AtmosUserError('INVALID_MANIFEST', `dependency cycle: ${cycle.join(' -> ')}`, undefined,
          'remove one of these dependencies (settings.depends_on, dependencies.components or an output reference)');
      }
      if (!seen) visit(edge.target);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...next.keys()].sort()) if (!state.has(node)) visit(node);
}
