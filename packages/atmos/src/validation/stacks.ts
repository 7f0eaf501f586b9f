/**
 * The checks of the one validation pass that look at resolved instances (the engine checks what
 * it reads: names, section types, imports, templates; the graph model checks references and
 * cycles). `validate stacks`, `describe` and graph construction all run them, through
 * buildGraphModel, and report every problem with its file and position.
 *
 * Each check is a function over the resolved stacks returning problems per instance, so another
 * check plugs in by joining INSTANCE_CHECKS (the component contract of ./contract.ts is async and
 * runs after, in `validate stacks`).
 */
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { RepositoryFiles, isInside } from '../stacks/confine';
import type { ResolvedStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import { isLocalSource } from '../stacks/source';
import { functionsWithin, type FunctionsWithin } from '../functions/yaml-references';
import type { YamlFunction } from '../stacks/values';
import { workFolderName } from '../terraform/workdir';

export type InstanceCheck = (instance: ComponentInstance, context: CheckContext) => AtmosUserError[];

export interface CheckContext {
  resolved: ResolvedStacks;
  repository: RepositoryFiles;
  /** Per-check memory for the run (component folders are shared by many instances). */
  memo: Map<string, AtmosUserError[]>;
  /**
   * The YAML functions under each map and list walked so far (merged sections share them between
   * instances); the graph's reference pass walks the same sections with it afterwards.
   */
  functions: FunctionsWithin;
  /** Functions already checked: one mistake shared by many instances is reported once. */
  checkedFunctions: WeakSet<YamlFunction>;
}

/** YAML functions the run phase evaluates (functions/runtime/evaluate.ts); `!include` is resolved when a manifest is read. */
const KNOWN_FUNCTIONS = new Set(['!env', '!exec', '!include', '!include.raw', '!template', '!literal', '!repo-root', '!version', '!terraform.output', '!terraform.state', '!store', '!store.get']);

/** Atmos functions we do not implement (named so in the message, as the run phase does). */
const UNSUPPORTED = /^!(aws\.|git\.|random|secret|cel|starlark|labels|tags|version|emulator|cwd)/;

/** A deployable instance's component folder exists and really lies inside the repository. */
const componentFolder: InstanceCheck = (instance, context) => {
  const path = instance.componentPath;
  let found = context.memo.get(path);
  if (!found) {
    found = [];
    const where = { file: instance.manifestFile };
    const shown = relative(context.resolved.config.basePath, path);
    const sourceUri = typeof instance.sections.source.uri === 'string' ? instance.sections.source.uri : undefined;
    if ((!existsSync(path) || !statSync(path).isDirectory()) && sourceUri !== undefined && !isLocalSource(sourceUri)) {
      // Atmos would download the `source:` here (just-in-time vendoring); that needs the network.
      found.push(new AtmosUserError('COMPONENT_NOT_FOUND', `the Terraform component folder ${shown} of '${instance.component}' (stack '${instance.stack}') does not exist, and its source ${sourceUri} is remote`, where,
        `vendoring from git, OCI, S3 or HTTP needs the network, which @org/atmos never reaches while reading stacks: pull it into ${shown} first (e.g. \`atmos terraform source pull ${instance.component} -s ${instance.stack}\` or \`atmos vendor pull\`) and commit it, or point source.uri at a local folder`));
    } else if (!existsSync(path) || !statSync(path).isDirectory()) {
      found.push(new AtmosUserError('COMPONENT_NOT_FOUND', `the Terraform component folder ${shown} of '${instance.component}' (stack '${instance.stack}') does not exist`, where,
        `create it, or fix metadata.component of '${instance.component}' (folders are relative to components.terraform.base_path)`));
    } else {
      const outside = context.repository.outside(path);
      if (outside !== undefined) {
        found.push(new AtmosUserError('PATH_OUTSIDE_ROOT', `the Terraform component folder ${shown} of '${instance.component}' ${outside === path ? 'is' : `is a link to ${outside},`} outside the repository`, where,
          'keep component folders inside the repository; vendor an outside module into it instead of linking it'));
      }
    }
    context.memo.set(path, found);
  }
  return found;
};

/** Every YAML function in the instance's values is one the run phase knows, and `!exec` only when atmos.yaml allows it. */
const yamlFunctions: InstanceCheck = (instance, context) => {
  const found: AtmosUserError[] = [];
  const execEnabled = context.resolved.config.functions.execEnabled;
  const { vars, settings, env, providers, backend, remoteStateBackend } = instance.sections;
  for (const section of [vars, settings, env, providers, backend, remoteStateBackend]) {
    for (const [, fn] of functionsWithin(section, context.functions)) {
      if (context.checkedFunctions.has(fn)) continue;
      context.checkedFunctions.add(fn);
      const where = fn.location ?? { file: instance.manifestFile };
      if (!KNOWN_FUNCTIONS.has(fn.tag)) {
        found.push(UNSUPPORTED.test(fn.tag)
          ? new AtmosUserError('FUNCTION_ERROR', `the YAML function ${fn.tag} is not supported by @org/atmos`, where, 'replace it with a plain value, !env, !store or an inline ${{ }} expression')
          : new AtmosUserError('FUNCTION_ERROR', `unknown YAML function ${fn.tag}`, where, 'supported: ' + [...KNOWN_FUNCTIONS].join(', ') + ', !append, !unset'));
      } else if (fn.tag === '!exec' && !execEnabled) {
        found.push(new AtmosUserError('FUNCTION_ERROR', `!exec is disabled: ${fn.args}`, where,
          'running commands from stack manifests is off by default; set `settings: {functions: {exec: true}}` in atmos.yaml to allow it'));
      }
    }
  }
  return found;
};

/**
 * A local backend's `path` and `workspace_dir` (relative to the component folder, as in Atmos)
 * stay inside the repository: terraform writes the state there, and state holds every secret.
 */
const localStatePath: InstanceCheck = (instance, context) => {
  if (instance.sections.backendType !== 'local') return [];
  const found: AtmosUserError[] = [];
  for (const key of ['path', 'workspace_dir']) {
    const value = instance.sections.backend[key];
    if (typeof value !== 'string' || value === '') continue;
    const target = resolve(instance.componentPath, value);
    if (value.includes('\0') || !isInside(context.resolved.config.basePath, target) || context.repository.outside(target) !== undefined && existsSync(target)) {
      found.push(new AtmosUserError('PATH_OUTSIDE_ROOT', `backend.local.${key} '${value}' of '${instance.component}' (stack '${instance.stack}') leads outside the repository (${target})`,
        { file: instance.manifestFile }, 'keep local state inside the repository (leave the path out: state then goes to .atmos/state/<component>/), or use a remote backend'));
    }
  }
  return found;
};

export const INSTANCE_CHECKS: InstanceCheck[] = [componentFolder, yamlFunctions, localStatePath];

/**
 * Two instances whose names map to the same work folder (`a/b` and `a__b`: `/` becomes `__`)
 * would share plan files and state folders, and one's `clean` would delete the other's work.
 */
function workFolderClashes(resolved: ResolvedStacks, problems: AtmosUserError[], failing: Set<ComponentInstance>): void {
  const owners = new Map<string, ComponentInstance>();
  for (const instance of resolved.instances) {
    if (instance.abstract || !instance.enabled) continue;
    const folder = workFolderName(instance.stack, instance.component);
    const owner = owners.get(folder);
    if (!owner) {
      owners.set(folder, instance);
      continue;
    }
    failing.add(instance);
    problems.push(new AtmosUserError('CONFLICTING_COMPONENT',
      `'${owner.component}' in stack '${owner.stack}' and '${instance.component}' in stack '${instance.stack}' would share the work folder .atmos/work/${folder}`,
      { file: instance.manifestFile }, "rename one: '/' in a name becomes '__' in its work folder"));
  }
}

/** Runs the checks over every deployable instance; returns the instances that failed one (their problems go to `problems`). */
export function instanceProblems(resolved: ResolvedStacks, problems: AtmosUserError[], checks: InstanceCheck[] = INSTANCE_CHECKS, functions: FunctionsWithin = new WeakMap()): Set<ComponentInstance> {
  const context: CheckContext = { resolved, repository: new RepositoryFiles(resolved.config.basePath), memo: new Map(), functions, checkedFunctions: new WeakSet() };
  const failing = new Set<ComponentInstance>();
  const reported = new Set<AtmosUserError>();
  for (const instance of resolved.instances) {
    if (instance.abstract || !instance.enabled) continue;
    for (const check of checks) {
      const found = check(instance, context);
      if (found.length === 0) continue;
      failing.add(instance);
      // A shared folder's problem is reported once, not once per instance.
      for (const problem of found) if (!reported.has(problem)) (reported.add(problem), problems.push(problem));
    }
  }
  workFolderClashes(resolved, problems, failing);
  return failing;
}
