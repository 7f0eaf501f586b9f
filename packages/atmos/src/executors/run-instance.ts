/**
 * The shared adapter behind every instance executor: read the options Nx passes, load the one
 * stack manifest the instance comes from, and hand over to src/terraform. User mistakes print
 * one clear message; the exit status is terraform's.
 */
import type { ExecutorContext } from '@nx/devkit';
import { appendFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { AtmosUserError, isUserError } from '../errors/user-error';
import type { AtmosPluginOptions } from '../nx/options';
import { graphModel } from '../nx/plugin';
import { resolveStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import { nxCommandLine, runInstanceCommand, type CommandLine, type InstanceCommand } from '../terraform/run';
import { closeStateClients, readState } from '../terraform/state';
import { ComponentTemplateAnswers, recordTemplateSecrets, resolveAnswering } from '../functions/runtime/component-template';
import { evaluateInstance } from '../functions/runtime/evaluate';
import { SsmParameters } from '../functions/runtime/ssm';
import { projectInstance } from './project-instance';
import { terraformArguments } from './terraform-args';

export interface InstanceExecutorOptions {
  component: string;
  stack: string;
  /** The stack manifest, relative to the workspace root (set by the plugin). */
  manifest: string;
  autoApprove?: boolean;
  migrateState?: boolean;
  lockTimeout?: string;
  /** drift: exit non-zero when not in sync. */
  failOnDrift?: boolean;
  /** import: the resource address and the provider's ID of the existing object. */
  address?: string;
  id?: string;
  /** deploy/apply: verify against the stored plan (true), or do not (false); see src/planfiles. */
  verifyPlan?: boolean;
  /** Extra terraform arguments (`--args`, or the target's configuration). */
  args?: string[] | string;
  /** The words after the target as typed (Nx fills it: `$default.$source: unparsed`). */
  __unparsed__?: string[];
  _?: string[];
}

/**
 * The instance a target runs: its own options if it names one, else the project's (the plugin
 * keeps the options of its 10,000 targets empty: Nx pays for every byte of every project).
 */
export function withInstance(options: Partial<InstanceExecutorOptions>, context: ExecutorContext): InstanceExecutorOptions | undefined {
  const own = projectInstance(context);
  const component = options.component ?? own.component;
  const stack = options.stack ?? own.stack;
  const manifest = options.manifest ?? own.manifest;
  return component && stack && manifest ? { ...options, component, stack, manifest } : undefined;
}

export function instanceExecutor(command: InstanceCommand) {
  return async function executor(rawOptions: Partial<InstanceExecutorOptions>, context: ExecutorContext): Promise<{ success: boolean }> {
    const options = withInstance(rawOptions, context);
    if (!options) {
      process.stderr.write(`error: project '${context.projectName ?? '?'}' is not an Atmos instance: its target needs the options component, stack and manifest (the @org/atmos plugin sets them in its tags and metadata.atmos)\n`);
      return { success: false };
    }
    const success = await runInstance(command, options, {
      workspaceRoot: context.root,
      projectName: context.projectName,
      pluginOptions: pluginOptions(context),
      // Targets may carry the plugin's targetPrefix (`tf-plan`): hints name the targets as they are.
      commandLine: nxCommandLine(context.projectName ?? '<project>', context.targetName?.endsWith(command) ? context.targetName.slice(0, -command.length) : ''),
      asDependency: isDependencyTask(context),
    });
    return { success };
  };
}

/** Where a run comes from: the Nx executor, or `atmos-nx terraform` (same code, same rules, same output). */
export interface InstanceRunContext {
  workspaceRoot: string;
  /** The Nx project of the instance (hints and the dependents of a destroy). */
  projectName?: string;
  pluginOptions?: AtmosPluginOptions;
  /** Spells another command of this instance the way this user runs commands (for hints). */
  commandLine: CommandLine;
  /** Nx runs this task because another task of the run depends on it (`^apply`). */
  asDependency?: boolean;
}

/** Whether another task of this Nx run depends on this one (it was scheduled through `^apply`, or also as such). */
export function isDependencyTask(context: ExecutorContext): boolean {
  const graph = context.taskGraph;
  if (!graph || !context.projectName || !context.targetName) return false;
  const own = new Set(Object.entries(graph.tasks).filter(([, task]) => task.target.project === context.projectName && task.target.target === context.targetName).map(([id]) => id));
  return Object.entries(graph.dependencies).some(([id, deps]) => !own.has(id) && deps.some((dep) => own.has(typeof dep === 'string' ? dep : dep.id)));
}

export async function runInstance(command: InstanceCommand, options: InstanceExecutorOptions, run: InstanceRunContext): Promise<boolean> {
  const started = Date.now();
  const { workspaceRoot, projectName } = run;
  try {
    const config = loadAtmosConfig({ cwd: workspaceRoot });
    const manifests: ManifestCache = new Map();
    const findInstance = instanceFinder(workspaceRoot, config, run.pluginOptions, manifests);
    const instance = await loadAnsweredInstance(workspaceRoot, config, options, manifests, findInstance, command);
    const result = await runInstanceCommand({
      workspaceRoot,
      config,
      instance,
      command,
      args: terraformArguments(options),
      autoApprove: options.autoApprove === true,
      migrateState: options.migrateState === true,
      lockTimeout: options.lockTimeout,
      failOnDrift: options.failOnDrift === true,
      import: command === 'import' ? { address: options.address, id: options.id === undefined ? undefined : String(options.id) } : undefined,
      verifyPlan: typeof options.verifyPlan === 'boolean' ? options.verifyPlan : undefined,
      asDependency: run.asDependency,
      projectName,
      commandLine: run.commandLine,
      findInstance,
      dependents: () => dependentsOf(workspaceRoot, config, projectName ?? '', run.pluginOptions, manifests),
    });
    if (result.stdout) process.stdout.write(result.stdout);
    logTiming({ project: projectName, command, ownMs: Date.now() - started - result.terraformMs, terraformMs: result.terraformMs });
    return result.success;
  } catch (error) {
    if (!isUserError(error)) throw error;
    process.stderr.write(`error: ${error.format(workspaceRoot)}\n`);
    return false;
  } finally {
    closeStateClients();
  }
}

/** Instances resolved per stack manifest during one executor run (a dependency in the same stack needs no second resolve). */
export type ManifestCache = Map<string, ComponentInstance[]>;

export function loadInstance(workspaceRoot: string, config: ReturnType<typeof loadAtmosConfig>, options: InstanceExecutorOptions, resolvedManifests: ManifestCache): ComponentInstance {
  const manifest = isAbsolute(options.manifest) ? options.manifest : join(workspaceRoot, options.manifest);
  let instances = resolvedManifests.get(manifest);
  if (!instances) resolvedManifests.set(manifest, (instances = resolveStacks(config, { stackFiles: [manifest] }).instances));
  const instance = instances.find((i) => i.component === options.component && i.stack === options.stack);
  if (!instance) {
    throw new AtmosUserError('COMPONENT_NOT_FOUND', `component '${options.component}' is no longer defined in stack '${options.stack}'`, { file: manifest },
      'the project graph is out of date: run the command again');
  }
  return instance;
}

/**
 * The instance to run, with the atmos.Component calls of its stack's templates answered from the
 * other instances' real state (functions/runtime/component-template.ts); the answered instances
 * of its manifest then serve the same-stack lookups. Plans may use mock_outputs, as for the
 * other output references.
 */
async function loadAnsweredInstance(workspaceRoot: string, config: ReturnType<typeof loadAtmosConfig>, options: InstanceExecutorOptions, resolvedManifests: ManifestCache,
  findInstance: (component: string, stack: string) => ComponentInstance | undefined, command: InstanceCommand): Promise<ComponentInstance> {
  const manifest = isAbsolute(options.manifest) ? options.manifest : join(workspaceRoot, options.manifest);
  const log = (line: string) => process.stderr.write(line + '\n');
  const state = (dependency: ComponentInstance) => readState(dependency, workspaceRoot, process.env);
  // Created only when a template calls atmos.Component (the other instance's !store and ${{ ssm: }} need it).
  let ssm: SsmParameters | undefined;
  const answers = new ComponentTemplateAnswers({
    consumer: { component: options.component, stack: options.stack },
    findInstance,
    readState: state,
    describeContext: { basePath: config.basePath, stacksBasePath: config.stacks.basePath },
    allowMocks: command === 'plan',
    log,
    evaluate: (target) => evaluateInstance(target, { config, env: process.env, command, findInstance, readState: state, ssm: (ssm ??= new SsmParameters(process.env)), log }),
  });
  let resolved: ReturnType<typeof resolveStacks>;
  try {
    resolved = await resolveAnswering((templateFunctions) => resolveStacks(config, { stackFiles: [manifest], templateFunctions }), answers);
  } finally {
    ssm?.destroy();
  }
  resolvedManifests.set(manifest, resolved.instances);
  const instance = loadInstance(workspaceRoot, config, options, resolvedManifests);
  recordTemplateSecrets(instance, answers.secrets);
  return instance;
}

/** Other instances (dependencies of output references), loaded from their own manifest, once. */
function instanceFinder(workspaceRoot: string, config: ReturnType<typeof loadAtmosConfig>, options: AtmosPluginOptions | undefined, resolvedManifests: ManifestCache) {
  const loaded = new Map<string, ComponentInstance | undefined>();
  return (component: string, stack: string): ComponentInstance | undefined => {
    const key = `${component}\0${stack}`;
    // Same-stack references (the common case) are found without reading the project graph.
    const sameManifest = [...resolvedManifests.values()].flat().find((i) => i.component === component && i.stack === stack);
    if (sameManifest && !sameManifest.abstract && sameManifest.enabled) return sameManifest;
    if (!loaded.has(key)) {
      const project = graphModel(workspaceRoot, options).projects.find((p) => p.component === component && p.stack === stack);
      loaded.set(key, project ? loadInstance(workspaceRoot, config, { component, stack, manifest: project.manifest }, resolvedManifests) : undefined);
    }
    return loaded.get(key);
  };
}

/** Our plugin's options from nx.json, so project names match the graph. */
export function pluginOptions(context: Pick<ExecutorContext, 'nxJsonConfiguration'>): AtmosPluginOptions | undefined {
  for (const plugin of context.nxJsonConfiguration?.plugins ?? []) {
    if (typeof plugin === 'object' && plugin.plugin === '@org/atmos') return plugin.options as AtmosPluginOptions;
  }
  return undefined;
}

async function dependentsOf(
  workspaceRoot: string,
  config: ReturnType<typeof loadAtmosConfig>,
  projectName: string,
  options: AtmosPluginOptions | undefined,
  manifests: ManifestCache,
): Promise<Array<{ name: string; instance: ComponentInstance }>> {
  const model = graphModel(workspaceRoot, options);
  const names = new Set(model.edges.filter((edge) => edge.target === projectName).map((edge) => edge.source));
  const projects = model.projects.filter((project) => names.has(project.name));
  return projects.map((project) => ({
    name: project.name,
    instance: loadInstance(workspaceRoot, config, { component: project.component, stack: project.stack, manifest: project.manifest }, manifests),
  }));
}

/** `npm run bench -- run` reads the executor's own time from this log. */
function logTiming(entry: Record<string, unknown>): void {
  const file = process.env.ATMOS_NX_TIMING_LOG;
  if (file) appendFileSync(file, JSON.stringify({ ...entry, at: new Date().toISOString() }) + '\n');
}
