/**
 * Run-time evaluation of an instance's sections: YAML functions (`!env`, `!exec`, `!template`,
 * `!literal`, `!repo-root`, `!terraform.output`, `!terraform.state`, `!store`, `!store.get`)
 * and inline `${{ ... }}` expressions. Everything remote (dependency state, SSM parameters) is
 * found by a static scan first and fetched once, batched; evaluation itself is synchronous.
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { inlineSsmTarget, storeTarget } from '../../aws/store-target';
import { chainKey, type AwsTarget } from '../../aws/target';
import { findRepoRoot } from '../../config/repo-root';
import type { AtmosConfig } from '../../config/types';
import { AtmosUserError, type SourceLocation } from '../../errors/user-error';
import { parseYaml } from '../../stacks/parse';
import type { ComponentInstance } from '../../stacks/types';
import { locateText, locateValue } from '../../stacks/value-source';
import { YamlFunction, isPlainMap, mapLeaves, type PlainMap } from '../../stacks/values';
import type { TerraformState } from '../../terraform/state';
import { evaluateValue, scanReferences, type ExpressionContext } from '../index';
import { leadingArgs, splitArgs } from '../yaml-references';
import { DependencyOutputs, collectSecrets, outputValue, type DependencyRequest } from './outputs';
import { QueryError, applyQuery } from './query';
import { SsmParameters, type ParameterRequest } from './ssm';
import { decodeStoreValue, parseStoreFunction, type StoreRead } from './stores';

/** Functions Atmos has that we deliberately do not evaluate: a clear error instead of a wrong value. */
const UNSUPPORTED = /^!(aws\.|git\.|random|secret|cel|starlark|labels|tags|version|emulator|cwd)/;

export interface RuntimeServices {
  config: AtmosConfig;
  env: Record<string, string | undefined>;
  /** The command being run: mocks are allowed for `plan` and `describe`, never for `apply`. */
  command: string;
  findInstance(component: string, stack: string): ComponentInstance | undefined;
  readState(instance: ComponentInstance): Promise<TerraformState | undefined>;
  ssm: SsmParameters;
  log(line: string): void;
}

export interface EvaluatedSections {
  vars: PlainMap;
  settings: PlainMap;
  env: PlainMap;
  providers: PlainMap;
  /** Values that must be masked wherever they are printed. */
  secrets: Set<string>;
}

type Sections = Pick<EvaluatedSections, 'vars' | 'settings' | 'env' | 'providers'>;

export async function evaluateInstance(instance: ComponentInstance, services: RuntimeServices): Promise<EvaluatedSections> {
  const secrets = new Set<string>();
  const sections: Sections = {
    vars: instance.sections.vars,
    settings: instance.sections.settings,
    env: instance.sections.env,
    providers: instance.sections.providers,
  };
  const region = defaultRegion(instance, services.env);
  const outputs = new DependencyOutputs(services, instance, services.command === 'plan' || services.command === 'describe', secrets, services.log);

  // 1. Static scan: what must be fetched.
  const dependencies: DependencyRequest[] = [];
  const targets = new SsmTargets(instance, services, region);
  // One batch per region, endpoint and identity: a store without a role and `${{ ssm: }}` share one.
  const ssmWanted = new Map<string, { target: AwsTarget; names: Map<string, ParameterRequest> }>();
  const wantSsm = (target: AwsTarget, name: string, request: ParameterRequest) => {
    const batch = `${target.region}\0${target.endpoints.ssm ?? ''}\0${chainKey(target)}`;
    const wanted = ssmWanted.get(batch) ?? { target, names: new Map<string, ParameterRequest>() };
    if (!wanted.names.has(name)) wanted.names.set(name, request);
    ssmWanted.set(batch, wanted);
  };
  const asked = (what: string) => `${what} in '${instance.component}' (stack '${instance.stack}')`;
  const where: SourceLocation = { file: instance.manifestFile };
  forEachLeaf(sections, (value) => {
    if (value instanceof YamlFunction) {
      const location = value.location ?? where;
      if (value.tag === '!terraform.output' || value.tag === '!terraform.state') {
        const call = parseOutputFunction(value, instance.stack);
        dependencies.push({ component: call.component, stack: call.stack, location, reference: `${value.tag} ${value.args}` });
      } else if (value.tag === '!store' || value.tag === '!store.get') {
        const read = parseStoreFunction(value, instance.stack, services.config.stores, region);
        wantSsm(targets.store(read), read.parameter, { location, reference: asked(`${value.tag} ${value.args}`) });
      }
    } else if (typeof value === 'string' && value.includes('${{')) {
      for (const reference of scanReferences(value)) {
        // Where the expression is written (often a catalog file the manifest imports), for errors about it.
        if (reference.kind === 'output') {
          dependencies.push({ component: reference.component, stack: reference.stack ?? instance.stack, location: locateText(instance, value), reference: `the output reference \${{ output.${reference.component} }}` });
        }
        if (reference.kind === 'ssm') wantSsm(targets.inline(), reference.path, { location: locateText(instance, value), reference: asked(`\${{ ssm:${reference.path} }}`) });
      }
    }
  });

  // 2. Fetch, once each, batched.
  await outputs.prefetch(dependencies);
  for (const { target, names } of ssmWanted.values()) await services.ssm.prefetch(target, names);

  // 3. Evaluate: YAML functions first (as Atmos does after templates), then inline expressions.
  // A function's result is data, never an expression: escape `${{` in it so the expression pass
  // renders it back verbatim (an SSM value or state output must not expand `${{ env:... }}`).
  const evaluateFunction = (fn: YamlFunction): unknown => escapeExpressions(evaluateYamlFunction(fn, { instance, services, outputs, region, secrets, targets }));
  const withFunctions = mapSections(sections, (value) => (value instanceof YamlFunction ? evaluateFunction(value) : value));
  const context: ExpressionContext = {
    vars: withFunctions.vars,
    settings: withFunctions.settings,
    env: withFunctions.env,
    output: (component, stack) => outputs.get(component, stack ?? instance.stack),
    processEnv: (name) => services.env[name],
    ssm: (path) => {
      const parameter = services.ssm.get(targets.inline(), path);
      if (parameter.secure) secrets.add(parameter.value);
      return parameter.value;
    },
  };
  // An error names the file and line that hold the expression, looked up only when one is thrown.
  const source = (path: Array<string | number>) => locateValue(instance, path);
  const evaluated = {
    vars: evaluateValue(withFunctions.vars, context, source, ['vars']) as PlainMap,
    settings: evaluateValue(withFunctions.settings, context, source, ['settings']) as PlainMap,
    env: evaluateValue(withFunctions.env, context, source, ['env']) as PlainMap,
    providers: evaluateValue(withFunctions.providers, context, source, ['providers']) as PlainMap,
  };
  return { ...evaluated, secrets };
}

interface FunctionContext {
  instance: ComponentInstance;
  services: RuntimeServices;
  outputs: DependencyOutputs;
  region: string;
  secrets: Set<string>;
  targets: SsmTargets;
}

/**
 * The YAML functions that read only this machine (the environment, the repository, the version
 * lock): what `describe stacks` evaluates by default. `!include` is read with the manifest.
 */
export const LOCAL_FUNCTIONS: ReadonlySet<string> = new Set(['!env', '!template', '!literal', '!repo-root', '!version']);

/** An instance's sections with its local YAML functions evaluated and every other value as written. */
export function evaluateLocalFunctions(instance: ComponentInstance, services: Pick<RuntimeServices, 'config' | 'env'>): Sections {
  const sections: Sections = { vars: instance.sections.vars, settings: instance.sections.settings, env: instance.sections.env, providers: instance.sections.providers };
  return mapSections(sections, (value) => (value instanceof YamlFunction && LOCAL_FUNCTIONS.has(value.tag) ? evaluateLocalFunction(value, instance, services) : value));
}

function evaluateLocalFunction(fn: YamlFunction, instance: ComponentInstance, services: Pick<RuntimeServices, 'config' | 'env'>): unknown {
  const location = fn.location ?? { file: instance.manifestFile };
  switch (fn.tag) {
    case '!env': {
      const [name, ...fallback] = splitArgs(fn.args);
      if (!name) throw new AtmosUserError('FUNCTION_ERROR', '!env needs a variable name', location, 'write `!env NAME` or `!env NAME default`');
      // The component's env section first, then the process environment, then the default.
      const fromSection = instance.sections.env[name];
      if (fromSection !== undefined && fromSection !== null && !(fromSection instanceof YamlFunction)) return String(fromSection);
      return services.env[name] ?? (fallback.length > 0 ? fallback.join(' ') : null);
    }
    case '!template': {
      try {
        return JSON.parse(fn.args);
      } catch {
        return fn.args;
      }
    }
    case '!literal':
      return fn.args;
    case '!version':
      return lockedVersion(fn.args.trim(), instance.versionTrack ?? services.config.version.track, services.config.version.lockFile, location);
    case '!repo-root':
      return findRepoRoot(services.config.basePath) ?? (fn.args || services.config.basePath);
    default:
      throw new Error(`${fn.tag} is not a local function`);
  }
}

function evaluateYamlFunction(fn: YamlFunction, context: FunctionContext): unknown {
  const { instance, services } = context;
  if (LOCAL_FUNCTIONS.has(fn.tag)) return evaluateLocalFunction(fn, instance, services);
  const location = fn.location ?? { file: instance.manifestFile };
  switch (fn.tag) {
    case '!exec': {
      if (!services.config.functions.execEnabled) {
        throw new AtmosUserError('FUNCTION_ERROR', `!exec is disabled: ${fn.args}`, location,
          'running commands from stack manifests is off by default; set `settings: {functions: {exec: true}}` in atmos.yaml to allow it');
      }
      const output = execSync(fn.args, { encoding: 'utf8', env: services.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'inherit'] }).trim();
      return decodeStoreValue(output);
    }
    case '!terraform.output':
    case '!terraform.state': {
      const call = parseOutputFunction(fn, instance.stack);
      const outputs = context.outputs.get(call.component, call.stack);
      if (!call.expression.startsWith('.')) return outputValue(outputs, call.expression, call.component, call.stack, location);
      try {
        const name = /^\.([A-Za-z_][\w-]*)/.exec(call.expression)?.[1];
        if (name && !call.expression.includes('//')) outputValue(outputs, name, call.component, call.stack, location);
        return applyQuery(outputs, call.expression);
      } catch (error) {
        if (error instanceof QueryError) throw new AtmosUserError('FUNCTION_ERROR', `${fn.tag} ${fn.args}: ${error.message}`, location);
        throw error;
      }
    }
    case '!store':
    case '!store.get': {
      const read: StoreRead = parseStoreFunction(fn, instance.stack, services.config.stores, context.region);
      const target = context.targets.store(read);
      if (services.ssm.isMissing(target, read.parameter)) {
        if (read.defaultValue !== undefined) return decodeStoreValue(read.defaultValue);
        throw services.ssm.missingError(target, read.parameter,
          { location, reference: `${fn.tag} ${fn.args} in '${instance.component}' (stack '${instance.stack}')` },
          'write the value to the store first (atmos terraform ... hooks or aws ssm put-parameter), or add `| default <value>`');
      }
      const parameter = services.ssm.get(target, read.parameter);
      const value = decodeStoreValue(parameter.value);
      if (parameter.secure) {
        collectSecrets(parameter.value, context.secrets);
        collectSecrets(value, context.secrets);
      }
      return read.query ? applyQuery(value, read.query) : value;
    }
    default:
      if (UNSUPPORTED.test(fn.tag)) {
        throw new AtmosUserError('FUNCTION_ERROR', `the YAML function ${fn.tag} is not supported by @org/atmos`, location,
          'replace it with a plain value, !env, !store or an inline ${{ }} expression');
      }
      throw new AtmosUserError('FUNCTION_ERROR', `unknown YAML function ${fn.tag}`, location,
        'supported: !env, !exec, !include, !include.raw, !template, !literal, !repo-root, !version, !terraform.output, !terraform.state, !store, !store.get, !append, !unset');
  }
}

/** `<component> [<stack>] <output or .query>`: a second argument starting with "." is the query (kept as written). */
export function parseOutputFunction(fn: YamlFunction, currentStack: string): { component: string; stack: string; expression: string } {
  const args = splitArgs(fn.args);
  if (args.length < 2) {
    throw new AtmosUserError('FUNCTION_ERROR', `${fn.tag} ${fn.args}: expected <component> [<stack>] <output>`, fn.location,
      `e.g. \`${fn.tag} vpc vpc_id\` or \`${fn.tag} vpc dev-use1 .private_subnet_ids[0]\``);
  }
  if (args.length === 2 || args[1].startsWith('.')) return { component: args[0], stack: currentStack, expression: leadingArgs(fn.args, 1).rest };
  return { component: args[0], stack: args[1], expression: leadingArgs(fn.args, 2).rest };
}

/** `${{` -> `$${{` in every string, which the expression pass renders back as `${{`. */
function escapeExpressions(value: unknown): unknown {
  return mapLeaves(value, (leaf) => (typeof leaf === 'string' && leaf.includes('${{') ? leaf.split('${{').join('$${{') : leaf));
}

/** The AWS target of each store (its region, endpoint and read role) and of `${{ ssm: }}`, made once per instance. */
class SsmTargets {
  private readonly stores = new Map<string, AwsTarget>();
  private inlineTarget: AwsTarget | undefined;

  constructor(private readonly instance: ComponentInstance, private readonly services: RuntimeServices, private readonly region: string) {}

  store(read: StoreRead): AwsTarget {
    let target = this.stores.get(read.store);
    if (!target) {
      const { config, env } = this.services;
      target = storeTarget(read.store, config.stores[read.store], 'read', this.region, env, config.configFile);
      this.stores.set(read.store, target);
    }
    return target;
  }

  inline(): AwsTarget {
    this.inlineTarget ??= inlineSsmTarget(this.region, `the \${{ ssm: }} expressions of '${this.instance.component}' in stack '${this.instance.stack}'`,
      this.services.env, this.instance.manifestFile);
    return this.inlineTarget;
  }
}

function defaultRegion(instance: ComponentInstance, env: Record<string, string | undefined>): string {
  const region = instance.sections.vars.region;
  return typeof region === 'string' && region !== '' ? region : env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/**
 * `!version <name>`: the version locked for the name in the track (Atmos v1.226.1
 * pkg/version/manager ResolveLocked; website/docs/functions/yaml/version.mdx). A missing lock
 * file is an empty lock, so the name is "not locked".
 */
function lockedVersion(name: string, track: string, lockFile: string, location: SourceLocation): string {
  if (name === '') throw new AtmosUserError('FUNCTION_ERROR', '!version needs a name', location, 'write `!version <name>` (a name in versions.lock.yaml)');
  const text = existsSync(lockFile) ? readFileSync(lockFile, 'utf8') : '';
  const lock = text === '' ? undefined : parseYaml(text, { file: lockFile });
  const tracks = isPlainMap(lock) ? lock.tracks : undefined;
  const entries = isPlainMap(tracks) ? tracks[track] : undefined;
  if (!isPlainMap(entries)) {
    throw new AtmosUserError('FUNCTION_ERROR', `!version ${name}: track ${track} is not locked in ${lockFile}`, location, 'lock the track (atmos version track), or set version.track');
  }
  const entry = entries[name];
  const version = isPlainMap(entry) ? entry.version : undefined;
  if (version === undefined || version === null || version === '' || isPlainMap(version) || Array.isArray(version)) {
    throw new AtmosUserError('FUNCTION_ERROR', `!version ${name}: ${name} is not locked in track ${track} (${lockFile})`, location, `add tracks.${track}.${name}.version to the lock file`);
  }
  return String(version);
}

function forEachLeaf(value: unknown, visit: (leaf: unknown) => void): void {
  if (Array.isArray(value)) value.forEach((item) => forEachLeaf(item, visit));
  else if (isPlainMap(value)) Object.values(value).forEach((item) => forEachLeaf(item, visit));
  else visit(value);
}

function mapSections(sections: Sections, fn: (leaf: unknown) => unknown): Sections {
  return {
    vars: mapLeaves(sections.vars, fn) as PlainMap,
    settings: mapLeaves(sections.settings, fn) as PlainMap,
    env: mapLeaves(sections.env, fn) as PlainMap,
    providers: mapLeaves(sections.providers, fn) as PlainMap,
  };
}

