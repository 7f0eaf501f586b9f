/**
 * The Nx plugin: `atmos.yaml` at the workspace root -> one project per deployable component
 * instance, plus the workspace project `atmos`. The inferred edges are the projects'
 * `implicitDependencies` (Nx makes them implicit edges): a `createDependencies` would have Nx
 * send every project's configuration to the plugin worker once more (~4 s at 10,000 instances
 * on a loaded 2-core machine) for edges createNodes already knows.
 *
 * Graph construction is static: it reads files, never runs terraform or touches the network.
 */
import { join } from 'node:path';
// Types only: loading @nx/devkit itself cost the plugin worker ~0.6 s at start (its index pulls in
// much of Nx and runs git to identify the repository). The error class is loaded when needed.
import type { AggregateCreateNodesError as AggregateCreateNodesErrorType, CreateNodes, CreateNodesResult, ProjectConfiguration } from '@nx/devkit';
import { componentBasePaths } from '../config/base-path';
import { loadAtmosConfig } from '../config/load';
import { AtmosUserError, isUserError, uniqueErrors, userErrorsOf } from '../errors/user-error';
import { scanReferences, type PathSegment } from '../functions';
import { formatPath } from '../functions/expression/values';
import type { ComponentInstance } from '../stacks/types';
import { resolveStacks, type ResolvedStacks } from '../stacks/engine';
import type { AtmosConfig } from '../config/types';
import { contentHash, graphCacheKey, readCache, watchedUnchanged, writeCache, type TreeFingerprint, type WatchedInputs } from './cache';
import { branchState, readNxJsonBase, type BranchChanges } from './changes';
import { configFilesByStack, preciseInputs } from './precise-inputs';
import { envInputs, recordingEnvReads, watchedInputs } from './static-inputs';
import { buildGraphModel, fromProblemRecord, toProblemRecord, type GraphModel, type NxInput } from './graph-model';
import { normaliseOptions, type AtmosPluginOptions, type NormalisedPluginOptions } from './options';
import type { ComponentReference } from '../functions/yaml-references';
import { CONFIG_ENV_INPUTS, CONFIG_INPUT, instanceTargets, workspaceTargets } from './targets';
import { locateText } from '../stacks/value-source';
import { componentPlaceholder } from '../stacks/component-function';
import { isPlainMap } from '../stacks/values';

// 2: projects carry settings.layer, edges every reason (describe graph draws them).
// 3: the model keeps the validation pass's problems beside the partial graph.
// 4: precise affected inputs, shared stack inputs, watched env and files.
// 5: atmos.yaml describe.affected.sections chooses the sections the precise inputs compare.
// 6: a link's target is an input with the link; a base compared as empty gives every instance an input.
// 7: top-level metadata and dependencies, folders' own paths, cleaned dependency globs, templated import paths.
const PLUGIN_VERSION = 7;
const CONFIG_GLOB = 'atmos.yaml';

function aggregateError(...args: ConstructorParameters<typeof AggregateCreateNodesErrorType>): AggregateCreateNodesErrorType {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AggregateCreateNodesError } = require('@nx/devkit') as typeof import('@nx/devkit');
  return new AggregateCreateNodesError(...args);
}

export const createNodes: CreateNodes<AtmosPluginOptions> = [
  CONFIG_GLOB,
  (configFiles, options, context) => {
    // Only the workspace's own atmos.yaml: nested example and test workspaces have their own.
    if (!configFiles.includes(CONFIG_GLOB)) return [];
    let model: GraphModel;
    try {
      model = graphModel(context.workspaceRoot, options);
    } catch (error) {
      const errors: unknown[] = isUserError(error) ? userErrorsOf(error) : [error];
      throw aggregateError(errors.map((e) => [CONFIG_GLOB, asNxError(e, context.workspaceRoot)]), []);
    }
    const result = projectsFor(model, options);
    // Every problem of the validation pass, each on its own line, with the rest of the graph built.
    if (model.problems && model.problems.length > 0) {
      throw aggregateError(model.problems.map((problem) => [CONFIG_GLOB, asNxError(fromProblemRecord(problem), context.workspaceRoot)]), [[CONFIG_GLOB, result]]);
    }
    return [[CONFIG_GLOB, result]];
  },
];

/** Older Nx versions look for `createNodesV2`; the tuple is the same. */
export const createNodesV2 = createNodes;

interface CachedModel {
  model: GraphModel;
  watched: WatchedInputs;
}

const memo = new Map<string, CachedModel>();

/**
 * The cache file's value has the containers this version writes (a shallow check). The key names
 * the plugin version, so only a hand-edited or damaged file fails this: it is then recomputed,
 * not a crash on every command until `nx reset`.
 */
function isCachedModel(value: unknown): value is CachedModel {
  if (!isPlainMap(value) || !isPlainMap(value.model) || !isPlainMap(value.watched)) return false;
  const { model, watched } = value;
  return Array.isArray(model.projects) && Array.isArray(model.edges) && isPlainMap(model.sharedInputs) &&
    (model.problems === undefined || Array.isArray(model.problems)) && isPlainMap(watched.files) && isPlainMap(watched.folders) && isPlainMap(watched.env);
}

/**
 * The graph model, from memory, the disk cache, or computed (and cached). A cached model is used
 * only if what its computation read outside the hashed trees is unchanged too (see cache.ts).
 */
export function graphModel(workspaceRoot: string, rawOptions: AtmosPluginOptions | undefined): GraphModel {
  const options = normaliseOptions(rawOptions);
  const config = loadAtmosConfig({ cwd: workspaceRoot, configPath: join(workspaceRoot, CONFIG_GLOB) });
  const configPaths = [config.stacks.basePath, ...componentBasePaths(config), ...config.configFiles];
  const { changes, unknownReason } = branchState(workspaceRoot, process.env, readNxJsonBase(workspaceRoot), configPaths);
  const git = changes && { base: changes.baseRef, head: changes.headRef, mergeBase: changes.mergeBase, headCommit: changes.headCommit };
  const tree = graphCacheKey(config, { PLUGIN_VERSION, options, git }, process.env);
  const usable = (entry: CachedModel | undefined) => (entry && watchedUnchanged(entry.watched, process.env) ? entry : undefined);
  const cacheFile = join(workspaceRoot, '.nx', 'workspace-data', 'atmos-graph.json');
  let entry = usable(memo.get(tree.key));
  if (!entry) {
    const cached = readCache<unknown>(cacheFile, tree.key);
    entry = usable(isCachedModel(cached) ? cached : undefined);
  }
  if (!entry) {
    if (unknownReason) warnAboutAffected(unknownReason);
    entry = computeModel(workspaceRoot, config, options, changes, tree);
    writeCache(cacheFile, tree.key, entry);
  }
  memo.clear(); // one workspace state at a time: a long-lived worker does not pile up models
  memo.set(tree.key, entry);
  return entry.model;
}

/**
 * The stacks resolved as the graph sees them: every `atmos.Component` call a template makes is
 * recorded as a reference (per instance key `component\0stack`) and renders nothing, since
 * terraform cannot run here.
 */
export function resolveWithTemplateReferences(config: AtmosConfig, problems: AtmosUserError[]): { resolved: ResolvedStacks; templateReferences: Map<string, ComponentReference[]> } {
  const templateReferences = new Map<string, ComponentReference[]>();
  const resolved = resolveStacks(config, {
    computeDeps: false,
    problems,
    templateFunctions: ({ component, stack }) => ({
      atmos: () => ({
        Component: (referenced: unknown, referencedStack: unknown) => {
          const key = `${component}\0${stack}`;
          const list = templateReferences.get(key) ?? [];
          list.push({ component: String(referenced), stack: String(referencedStack), via: `atmos.Component "${String(referenced)}" "${String(referencedStack)}"` });
          templateReferences.set(key, list);
          return componentPlaceholder();
        },
      }),
    }),
  });
  return { resolved, templateReferences };
}

/**
 * Printed when the graph is computed. Nx pipes a plugin worker's stderr to the command's (without
 * the daemon) or to the daemon's log: it is the only channel createNodes has to the user.
 */
function warnAboutAffected(message: string): void {
  process.stderr.write(`warning: @org/atmos, nx affected: ${message}\n`);
}

function computeModel(workspaceRoot: string, config: AtmosConfig, options: NormalisedPluginOptions, changes: BranchChanges | undefined, tree: TreeFingerprint): CachedModel {
  const problems: AtmosUserError[] = [];
  const { result: { resolved, templateReferences }, recording } = recordingEnvReads(() => resolveWithTemplateReferences(config, problems));
  const precise = preciseInputs(config, resolved, changes, process.env, warnAboutAffected);
  const model = buildGraphModel({
    workspaceRoot,
    resolved,
    options,
    templateReferences,
    expressionReferences,
    precise,
    envInputs: envInputs(config, resolved, configFilesByStack(config, resolved), recording, process.env),
    fileHash: (file) => tree.hashes.get(file) ?? contentHash(file),
    problems,
  });
  if (problems.length > 0) model.problems = uniqueErrors(problems).map(toProblemRecord);
  return { model, watched: watchedInputs(config, resolved, recording, process.env) };
}

/** `${{ output.vpc.x }}` and `${{ output("dns", "shared-use1").zone_id }}` in an instance's sections. */
export function expressionReferences(instance: ComponentInstance): ComponentReference[] {
  const references: ComponentReference[] = [];
  const { vars, settings, env, providers } = instance.sections;
  for (const reference of scanReferences({ vars, settings, env, providers }, { file: instance.manifestFile })) {
    if (reference.kind !== 'output') continue;
    if (reference.dynamic) {
      throw new AtmosUserError('FUNCTION_ERROR', `an output reference to '${reference.component}' in '${instance.component}' (stack '${instance.stack}') has a computed stack`,
        locateText(instance, `output("${reference.component}"`), 'write the stack as a string literal, e.g. output("dns", "shared-use1").zone_id, so the dependency is known before running');
    }
    references.push({ component: reference.component, stack: reference.stack, via: `\${{ ${outputExpression(reference.component, reference.stack, reference.path)} }}` });
  }
  return references;
}

/** The reference as it reads in a manifest (`output.vpc.vpc_id`, `output("dns", "shared-use1").zone_id`): the edge's reason. */
function outputExpression(component: string, stack: string | undefined, path: PathSegment[]): string {
  if (stack === undefined) return formatPath(['output', component, ...path]);
  const rest = formatPath(['_', ...path]).slice(1);
  return `output(${JSON.stringify(component)}, ${JSON.stringify(stack)})${rest}`;
}

function projectsFor(model: GraphModel, rawOptions: AtmosPluginOptions | undefined): CreateNodesResult {
  const options = normaliseOptions(rawOptions);
  const projects: Record<string, ProjectConfiguration> = {
    '.atmos': {
      name: 'atmos',
      root: '.atmos',
      tags: ['atmos'],
      // Shared by the instances (`{ input, projects: "atmos" }`): each stack's unchanged configuration files, once.
      namedInputs: model.sharedInputs,
      targets: workspaceTargets(),
      metadata: { description: 'Whole-workspace Atmos targets', technologies: ['atmos'] },
    },
  };
  const dependsOn = new Map<string, string[]>();
  for (const edge of model.edges) {
    const list = dependsOn.get(edge.source);
    if (list) list.push(edge.target);
    else dependsOn.set(edge.source, [edge.target]);
  }
  for (const project of model.projects) {
    const implicitDependencies = dependsOn.get(project.name);
    projects[project.root] = {
      name: project.name,
      root: project.root,
      tags: project.tags,
      ...(implicitDependencies ? { implicitDependencies } : {}),
      // A named input's entries cost Nx no source-map entry each; a target's inputs do.
      namedInputs: { [CONFIG_INPUT]: withConfigEnv(project.inputs) },
      targets: instanceTargets(project, options),
      // Only what the executors need besides the tags (executors/project-instance.ts): Nx keeps a
      // source-map entry for each key, and the Nx client parses them all before any task (most of
      // a warm-daemon `nx run`). Nothing every instance shares: no projectType, no
      // metadata.technologies (the same for all 10,000, and Nx has no icon for it); no
      // metadata.description (it repeated component and stack), no componentPath (the executors
      // resolve it). `locked` only when true.
      metadata: { atmos: { manifest: project.manifest, ...(project.locked ? { locked: true } : {}) } },
    } as ProjectConfiguration;
  }
  return { projects };
}

/** The instance's inputs and the variables that choose the Atmos configuration, each once. */
function withConfigEnv(inputs: NxInput[]): NxInput[] {
  const read = new Set(inputs.map((entry) => (typeof entry === 'string' ? undefined : entry.env)));
  return [...inputs, ...CONFIG_ENV_INPUTS.filter((entry) => !read.has(entry.env))];
}

/** A user mistake becomes one line (file:line:col, problem, hint) without a stack trace. */
function asNxError(error: unknown, workspaceRoot: string): Error {
  if (!isUserError(error)) return error instanceof Error ? error : new Error(String(error));
  const plain = new Error(error.format(workspaceRoot));
  plain.stack = plain.message;
  return plain;
}
