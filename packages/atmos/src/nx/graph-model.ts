/**
 * Resolved stacks -> what Nx needs: one project per deployable instance (name, virtual root,
 * tags, the exact files its configuration is made of) and the dependency edges between them.
 * Knows nothing about spawning processes; never runs terraform.
 */
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { posixPath } from '../posix-path';
import { AtmosUserError, throwCollected, uniqueErrors, type SourceLocation } from '../errors/user-error';
import { instanceProblems } from '../validation/stacks';
import { declaredDependencies, dependencyFolderGlob, dependencyGlob, dependencyMatches, type DeclaredDependencies } from '../stacks/dependencies';
import type { ResolvedStacks } from '../stacks/engine';
import { contextOf } from '../stacks/naming';
import type { ComponentInstance } from '../stacks/types';
import { locateText } from '../stacks/value-source';
import { holdsYamlFunction } from '../stacks/values';
import { componentFolders } from '../terraform/local-modules';
import type { NormalisedPluginOptions } from './options';
import { contentHash } from './cache';
import { preciseInputs, type PreciseInputs } from './precise-inputs';
import { collectYamlFunctionReferences, type ComponentReference, type FunctionsWithin } from '../functions/yaml-references';

export interface InstanceProject {
  name: string;
  root: string;
  component: string;
  stack: string;
  tags: string[];
  /**
   * The instance's own Nx inputs (its `default` named input): the changed files that changed its
   * configuration, its component folder and local modules, `dependencies.files/folders`, and
   * the environment variables its static configuration read.
   */
  inputs: NxInput[];
  /**
   * The named input on the workspace project holding its stack's unchanged configuration files
   * (targets list it as `{ input, projects: "atmos" }`: Nx allows that in target inputs only).
   */
  sharedInput?: string;
  /** Hash of every configuration file of the instance's stack (changed or not): keys the `describe` cache. */
  digest: string;
  manifest: string;
  /** `metadata.locked`: the plugin says so in the project's metadata (the demo reads it). */
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

export type NxInput = string | { env: string };

export interface GraphModel {
  projects: InstanceProject[];
  edges: GraphEdge[];
  /** Named inputs of the workspace project `atmos`: per stack, its unchanged configuration files. */
  sharedInputs: Record<string, string[]>;
  /** The mistakes of the validation pass (the graph holds everything else); absent when there are none. */
  problems?: ProblemRecord[];
}

/** A user error as the on-disk graph cache keeps it. */
export interface ProblemRecord {
  code: AtmosUserError['code'];
  message: string;
  location?: SourceLocation;
  hint?: string;
}

export function toProblemRecord(error: AtmosUserError): ProblemRecord {
  return { code: error.code, message: error.message, location: error.location, hint: error.hint };
}

export function fromProblemRecord(record: ProblemRecord): AtmosUserError {
  return new AtmosUserError(record.code, record.message, record.location, record.hint);
}

/** The workspace project the shared named inputs live on. */
export const WORKSPACE_PROJECT = 'atmos';

export interface GraphModelInput {
  workspaceRoot: string;
  resolved: ResolvedStacks;
  options: NormalisedPluginOptions;
  /** References recorded while rendering templates (`atmos.Component`), per instance key `component\0stack`. */
  templateReferences?: Map<string, ComponentReference[]>;
  /** Extra references per instance from inline expressions (functions layer). */
  expressionReferences?: (instance: ComponentInstance) => ComponentReference[];
  /**
   * Collects every mistake (unknown references, cycles, name clashes, the checks of
   * src/validation/stacks.ts) and builds the rest of the graph; without it they are thrown together.
   */
  problems?: AtmosUserError[];
  /** Which configuration files are inputs of which instance (default: every file unchanged, no git base known). */
  precise?: PreciseInputs;
  /** Environment variables the static phase read for this instance. */
  envInputs?: (instance: ComponentInstance) => string[];
  /** Content hash of a configuration file (default: read and hash it). */
  fileHash?: (file: string) => string;
}

export function buildGraphModel(input: GraphModelInput): GraphModel {
  const { workspaceRoot, resolved } = input;
  const problems: AtmosUserError[] = [];
  const { names, deployable, declaredByInstance, edges } = checkedGraph(input, problems);
  // Thousands of instances name the same few hundred files and folders: each made relative once.
  const relatives = new Map<string, string>();
  const rel = (path: string) => {
    let value = relatives.get(path);
    if (value === undefined) relatives.set(path, (value = posixPath(relative(workspaceRoot, path))));
    return value;
  };
  const moduleCache = new Map<string, string[]>();
  const configFiles = resolved.config.configFiles;

  const precise = input.precise ?? preciseInputs(resolved.config, resolved, undefined, {});
  const fileHash = input.fileHash ?? contentHash;
  // Instances of one stack share their unchanged list: one named input per distinct list, on the workspace project.
  const sharedInputs: Record<string, string[]> = {};
  const sharedNames = new Map<string[], string>();
  const sharedInput = (instance: ComponentInstance): string | undefined => {
    const files = precise.unchangedOf(instance);
    if (files.length === 0) return undefined;
    let name = sharedNames.get(files);
    if (name === undefined) {
      name = `stack:${instance.stack}`;
      while (sharedInputs[name]) name += '+';
      sharedNames.set(files, name);
      sharedInputs[name] = files.map((file) => fileInput(rel(file)));
    }
    return name;
  };
  // The component folder and its local modules, as inputs: one list per component folder.
  const folderLists = new Map<string, string[]>();
  const folderInputs = (componentPath: string): string[] => {
    let list = folderLists.get(componentPath);
    if (!list) {
      // The folder's own path too: git names a link re-pointed elsewhere, or a submodule at another commit, by it.
      folderLists.set(componentPath, (list = componentFolders(componentPath, workspaceRoot, moduleCache).flatMap((folder) => [fileInput(rel(folder)), folderInput(rel(folder))])));
    }
    return list;
  };
  // Every configuration file of the stack, changed or not: what `describe` shows is made of them.
  const digests = new Map<string, string>();
  const digestOf = (instance: ComponentInstance): string => {
    let digest = digests.get(instance.manifestFile);
    if (digest === undefined) {
      const hash = createHash('sha256');
      for (const file of [...configFiles, instance.manifestFile, ...instance.imports, ...instance.includedFiles]) hash.update(rel(file)).update('\0').update(fileHash(file)).update('\0');
      digests.set(instance.manifestFile, (digest = hash.digest('hex').slice(0, 32)));
    }
    return digest;
  };
  const projects: InstanceProject[] = deployable.map((instance) => {
    const declared = declaredByInstance.get(instance)!;
    const inputs: NxInput[] = [
      ...precise.changedOf(instance).map((file) => fileInput(rel(file))),
      ...folderInputs(instance.componentPath),
      // Declared paths are globs, as Atmos matches them (doublestar): given to Nx as written, once cleaned (dependencyGlob).
      ...declared.files.map((file) => `{workspaceRoot}/${dependencyGlob(file, workspaceRoot)}`),
      // A folder's own path too, as for the component folder: a re-pointed link or a moved submodule is named by it.
      ...declared.folders.flatMap((folder) => {
        const glob = dependencyFolderGlob(folder, workspaceRoot);
        return glob === undefined ? ['{workspaceRoot}/**/*'] : [`{workspaceRoot}/${glob}`, `{workspaceRoot}/${glob}/**/*`];
      }),
      // `!version` reads the lock file at run time: a version bump is a change of the instance.
      ...(resolved.versionedStacks?.has(instance.manifestFile) && readsVersionLock(instance) ? [fileInput(rel(resolved.config.version.lockFile))] : []),
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
        ...Object.entries(contextOf(vars)).map(([field, value]) => `${field}:${value}`),
        ...(layer ? [`layer:${layer}`] : []),
      ],
      inputs: [...dedupeStrings(inputs), ...(input.envInputs?.(instance) ?? []).map((name) => ({ env: name }))],
      sharedInput: sharedInput(instance),
      digest: digestOf(instance),
      locked: instance.locked,
      manifest: rel(instance.manifestFile),
      ...(layer ? { layer } : {}),
    };
  });

  report(problems, input.problems);
  return { projects, edges, sharedInputs };
}

/**
 * The graph's checks alone (what `validate stacks` and every `describe` run): the same problems
 * buildGraphModel reports, without the Nx inputs, digests and project records they do not need
 * (at 10,000 instances those were a third of `describe stacks`).
 */
export function validateGraph(input: Pick<GraphModelInput, 'workspaceRoot' | 'resolved' | 'options' | 'templateReferences' | 'expressionReferences' | 'problems'>): void {
  const problems: AtmosUserError[] = [];
  checkedGraph(input, problems);
  report(problems, input.problems);
}

/**
 * The dependency edges `nx graph` draws (declared and inferred), by project name, and the
 * instance each name is: what `describe affected --include-dependents` walks. Mistakes go to
 * `problems`; the edges of everything else are there.
 */
export function dependencyEdges(input: Pick<GraphModelInput, 'workspaceRoot' | 'resolved' | 'options' | 'templateReferences' | 'expressionReferences'>, problems: AtmosUserError[]): { edges: GraphEdge[]; instances: Map<string, ComponentInstance> } {
  const { names, edges } = checkedGraph(input, problems);
  return { edges, instances: new Map([...names].map(([instance, name]) => [name, instance])) };
}

function report(problems: AtmosUserError[], into: AtmosUserError[] | undefined): void {
  if (into) into.push(...uniqueErrors(problems));
  else throwCollected(problems);
}

/** Project names, declared dependencies and edges, with every mistake found on the way. */
function checkedGraph(input: Pick<GraphModelInput, 'workspaceRoot' | 'resolved' | 'options' | 'templateReferences' | 'expressionReferences'>, problems: AtmosUserError[]) {
  const { workspaceRoot, resolved, options } = input;
  // The checks every command runs (validate stacks, describe, the graph). An instance failing one
  // stays in the graph, so the problems of its references and cycles are reported too.
  // One walk for YAML functions: the checks' and the references' (buildEdges) share it.
  const functions: FunctionsWithin = new WeakMap();
  instanceProblems(resolved, problems, undefined, functions);
  const names = assignProjectNames(resolved.instances.filter(isDeployable), options.projectName, problems);
  const deployable = resolved.instances.filter((instance) => names.has(instance));
  const declaredByInstance = new Map(deployable.map((instance) => [instance, declaredOrEmpty(instance, problems)]));
  const edges = buildEdges(resolved.instances, deployable, declaredByInstance, names, input, problems, functions);
  const manifests = new Map(deployable.map((instance) => [names.get(instance)!, instance.manifestFile]));
  problems.push(...cycleProblems(edges, (name) => {
    const file = manifests.get(name);
    return file === undefined ? undefined : posixPath(relative(workspaceRoot, file));
  }));
  return { names, deployable, declaredByInstance, edges };
}

function declaredOrEmpty(instance: ComponentInstance, problems: AtmosUserError[]): DeclaredDependencies {
  try {
    return declaredDependencies(instance.sections, { file: instance.manifestFile });
  } catch (error) {
    if (!(error instanceof AtmosUserError)) throw error;
    problems.push(error);
    return { components: [], files: [], folders: [] };
  }
}

/** File inputs once each (a module folder can also be a declared folder); objects kept as they are. */
function dedupeStrings(inputs: NxInput[]): NxInput[] {
  const seen = new Set<string>();
  return inputs.filter((entry) => typeof entry !== 'string' || (!seen.has(entry) && (seen.add(entry), true)));
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

function assignProjectNames(instances: ComponentInstance[], template: string, problems: AtmosUserError[]): Map<ComponentInstance, string> {
  const names = new Map<ComponentInstance, string>();
  const owners = new Map<string, ComponentInstance>();
  for (const instance of instances) {
    const name = projectName(template, instance);
    const clash = owners.get(name);
    if (clash) {
      problems.push(new AtmosUserError('CONFLICTING_COMPONENT',
        `project name '${name}' is produced by both '${clash.component}' in stack '${clash.stack}' and '${instance.component}' in stack '${instance.stack}'`,
        { file: instance.manifestFile },
        'change the plugin option "projectName" in nx.json (e.g. "{component}-{stack}") so every instance gets its own name'));
      continue;
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
  input: Pick<GraphModelInput, 'templateReferences' | 'expressionReferences'>,
  problems: AtmosUserError[],
  functionsWithin: FunctionsWithin,
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
    if (target === source || !names.has(target)) return;
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
      if (targets.length === 0) problems.push(missingTarget(instance, dependency.component, dependency.stack ?? describeContext(dependency.context, instance), dependency.via));
      for (const target of targets) addEdge(instance, target, dependency.via);
    }
    const references: ComponentReference[] = [];
    for (const [section, value] of Object.entries({ vars: instance.sections.vars, settings: instance.sections.settings, env: instance.sections.env, providers: instance.sections.providers })) {
      collectYamlFunctionReferences(value, section, references, functionsWithin);
    }
    references.push(...(input.templateReferences?.get(`${instance.component}\0${instance.stack}`) ?? []));
    try {
      references.push(...(input.expressionReferences?.(instance) ?? []));
    } catch (error) {
      if (!(error instanceof AtmosUserError)) throw error;
      problems.push(error);
    }
    for (const reference of references) {
      const stack = reference.stack ?? instance.stack;
      const target = byKey.get(`${reference.component}\0${stack}`);
      if (!target) problems.push(missingTarget(instance, reference.component, `stack '${stack}'`, reference.via, reference.location));
      else if (target === instance) problems.push(selfReference(instance, names.get(instance), reference.via, reference.location ?? referenceLocation(instance, reference.component, reference.via)));
      else addEdge(instance, target, reference.via);
    }
  }
  return [...edges.values()];
}

/**
 * An instance reading its own outputs: the shortest cycle. Atmos v1.226.1 reports it as a
 * circular dependency (internal/exec/yaml_func_resolution_context.go Push: reading the state
 * describes the component again, which reaches the same function), not as missing state.
 */
function selfReference(instance: ComponentInstance, name: string | undefined, via: string, location: SourceLocation): AtmosUserError {
  const node = name ?? `${instance.component} (stack ${instance.stack})`;
  return new AtmosUserError('INVALID_MANIFEST', `dependency cycle: ${node} -> ${node} (${via}): component '${instance.component}' in stack '${instance.stack}' reads its own outputs`, location,
    'an instance cannot read its own outputs: use a local value, a variable, or another component\'s output');
}

/** Whether an instance's values hold a `!version` (only asked for the stacks whose manifests spell it). */
function readsVersionLock(instance: ComponentInstance): boolean {
  const { vars, settings, env, providers } = instance.sections;
  return [vars, settings, env, providers].some((section) => holdsYamlFunction(section, '!version'));
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

/**
 * Every dependency cycle (one per edge that closes one in a depth-first walk), each edge named
 * with the manifest that declares it and why, so the user sees which file to edit.
 */
function cycleProblems(edges: GraphEdge[], manifestOf: (project: string) => string | undefined): AtmosUserError[] {
  const next = new Map<string, GraphEdge[]>();
  for (const edge of edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge]);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: GraphEdge[] = [];
  const problems: AtmosUserError[] = [];
  const visit = (node: string): void => {
    state.set(node, 'visiting');
    for (const edge of next.get(node) ?? []) {
      const seen = state.get(edge.target);
      if (seen === 'visiting') {
        const start = path.findIndex((step) => step.source === edge.target);
        const cycle = [...path.slice(start < 0 ? path.length : start), edge];
        const steps = cycle.map((step) => `${step.source} -> ${step.target} (${manifestOf(step.source) ?? '?'}: ${step.via})`);
        const first = manifestOf(cycle[0].source);
        problems.push(new AtmosUserError('INVALID_MANIFEST', `dependency cycle: ${steps.join(', ')}`, first ? { file: first } : undefined,
          'remove one of these dependencies (settings.depends_on, dependencies.components or an output reference)'));
      } else if (!seen) {
        path.push(edge);
        visit(edge.target);
        path.pop();
      }
    }
    state.set(node, 'done');
  };
  for (const node of [...next.keys()].sort()) if (!state.has(node)) visit(node);
  return problems;
}

/**
 * Nx reads a file input as a glob: every character its glob engine gives a meaning to is escaped,
 * so `catalog/network (v2).yaml` or `[e2] x.yaml` is that one file (unescaped, Nx matched nothing
 * and `nx affected` missed the change), and `a*.yaml` is not also `ab.yaml`.
 */
export function fileInput(relativePath: string): string {
  return `{workspaceRoot}/${relativePath.replace(GLOB_SYNTAX, '\\$&')}`;
}

/** Every file under a folder, the folder's name taken literally (see fileInput). */
export function folderInput(relativePath: string): string {
  return `${fileInput(relativePath)}/**/*`;
}

const GLOB_SYNTAX = /[\\[\]{}()*?!+@]/g;
