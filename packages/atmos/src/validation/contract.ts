/**
 * The contract between stack manifests and Terraform components, checked statically (no
 * terraform, no provider, no network) with the real HCL parser:
 *
 * - every var a stack sets is a variable the component declares,
 * - every required variable (no default) is set wherever the component is deployed, and a
 *   `nullable = false` variable is not set to null,
 * - literal values fit the variable's type constraint (Terraform's conversion rules),
 * - every output reference (`!terraform.state`, `!terraform.output`, `${{ output... }}`) names
 *   an output the referenced component declares,
 * - the instance passes its `settings.validation` JSON Schemas (ajv; OPA is out of scope).
 *
 * `validateContracts` is the one entry point: the CLI (`atmos-nx validate stacks`,
 * `atmos-nx validate component`), the `validate-config` target and the stacks validation pass
 * call it. Each problem names the manifest file and line to edit and what to do.
 */
import { relative } from 'node:path';
import { AtmosUserError, formatLocation, isUserError, type SourceLocation } from '../errors/user-error';
import { readTerraformComponent, requiredVariables, type TerraformComponent } from '../hcl';
import type { ResolvedStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import { YamlFunction, hasOwn } from '../stacks/values';
import { JsonSchemaValidator } from './json-schema';
import { outputReferences, type OutputReference } from './output-references';
import { formatTerraformType, parseTerraformType, typeMismatches } from './terraform-types';
import { ManifestPositions, locateComponent, locateVar } from './var-locations';

export type ContractProblemKind = 'component' | 'undeclared-var' | 'required-var' | 'type' | 'output' | 'schema';

export interface ContractProblem {
  kind: ContractProblemKind;
  /** `vpc` in `dev-use1`. */
  component: string;
  stack: string;
  location: SourceLocation;
  message: string;
  hint: string;
}

export interface ContractOptions {
  env?: Record<string, string | undefined>;
  /** Only these instances (default: every deployable instance). */
  instances?: ComponentInstance[];
  /** One JSON Schema instead of each instance's settings.validation (`--schema-path`). */
  schemaPath?: string;
}

/** Checks the instances and returns every problem, sorted by file and line. */
export async function validateContracts(resolved: ResolvedStacks, options: ContractOptions = {}): Promise<ContractProblem[]> {
  const instances = options.instances ?? resolved.instances.filter(isDeployed);
  const positions = new ManifestPositions();
  const components = new ComponentReader();
  const schemas = new JsonSchemaValidator(resolved.config, options.env ?? process.env);
  const display = (file: string) => relative(resolved.config.basePath, file);
  const problems: ContractProblem[] = [];

  for (const instance of instances) {
    const add = (kind: ContractProblemKind, location: SourceLocation, message: string, hint: string) =>
      problems.push({ kind, component: instance.component, stack: instance.stack, location, message, hint });
    const subject = `component ${instance.component} in stack ${instance.stack}`;
    const component = await components.read(instance.componentPath);
    if (component instanceof AtmosUserError) {
      add('component', component.location ?? locateComponent(instance, positions), `${subject}: ${component.message}`, component.hint ?? 'fix the Terraform files of the component');
      continue;
    }
    const folder = display(instance.componentPath);
    if (component.files.length === 0) {
      add('component', locateComponent(instance, positions), `${subject}: ${folder} has no .tf or .tf.json files`, 'add the Terraform files, or point metadata.component at the right folder');
      continue;
    }
    const { vars } = instance.sections;

    for (const [name, value] of Object.entries(vars)) {
      const variable = component.variables.get(name);
      if (!variable) {
        const suggestion = closest(name, [...component.variables.keys()]);
        add('undeclared-var', locateVar(instance, name, positions), `var "${name}" of ${subject} is not a variable of ${folder}`,
          (suggestion ? `did you mean "${suggestion}"? ` : '') + `declare variable "${name}" in ${folder}/variables.tf, or remove it from the manifest`);
        continue;
      }
      if (value === null && !variable.nullable) {
        add('type', locateVar(instance, name, positions), `var "${name}" of ${subject} is null, but ${display(variable.file)} declares it nullable = false`, 'set a value, or remove the key to use the default');
        continue;
      }
      const type = parseTerraformType(variable.type);
      for (const mismatch of typeMismatches(type, value, isRuntimeValue)) {
        add('type', locateVar(instance, name, positions), `var "${name}" of ${subject}: ${mismatch} (variable "${name}" is ${variable.type ?? formatTerraformType(type)})`,
          `change the value in the manifest, or the type in ${display(variable.file)}`);
      }
    }

    for (const variable of requiredVariables(component)) {
      if (hasOwn(vars, variable.name)) continue;
      add('required-var', locateComponent(instance, positions), `${subject} does not set the required variable "${variable.name}" (${display(variable.file)} gives it no default)`,
        `set vars.${variable.name} for ${instance.component} in ${display(instance.manifestFile)} or a catalog file it imports${variable.description ? ` (${variable.description})` : ''}`);
    }

    let references: OutputReference[] = [];
    try {
      references = outputReferences(instance);
    } catch (error) {
      // A malformed `!terraform.state` or `${{ }}` is a user error with its own position.
      if (!isUserError(error)) throw error;
      add('output', error.location ?? locateComponent(instance, positions), `${subject}: ${error.message}`, error.hint ?? 'fix the reference');
    }
    for (const reference of references) {
      if (reference.output === undefined) continue;
      const target = resolved.instances.find((i) => i.component === reference.component && i.stack === reference.stack);
      if (!target) continue; // the dependency graph reports references to missing instances
      const referenced = await components.read(target.componentPath);
      if (referenced instanceof AtmosUserError || referenced.outputs.has(reference.output)) continue;
      const suggestion = closest(reference.output, [...referenced.outputs.keys()]);
      add('output', reference.location ?? locateVar(instance, reference.variable, positions),
        `var "${reference.variable}" of ${subject} reads output "${reference.output}" of ${reference.component} (stack ${reference.stack}), which ${display(target.componentPath)} does not declare`,
        suggestion ? `did you mean "${suggestion}"?` : `declared outputs: ${[...referenced.outputs.keys()].sort().join(', ') || 'none'}`);
    }

    for (const problem of schemas.validate(instance, resolved.describeContext, positions, options.schemaPath)) add('schema', problem.location, problem.message, problem.hint);
  }
  return problems.sort(byLocation);
}

/**
 * `error: file:line:col: message` plus a hint line, paths relative to the workspace. A catalog
 * line imported by many stacks is one mistake: the problems it causes in each stack are printed
 * once, naming the stacks (`in stacks dev-use1, dev-usw2 and 3 more`).
 */
export function formatContractProblems(problems: ContractProblem[], basePath: string): string {
  const groups = new Map<string, ContractProblem[]>();
  for (const problem of problems) {
    const where = formatLocation(problem.location, basePath);
    const key = [problem.kind, where, problem.message.split(`in stack ${problem.stack}`).join('\0'), problem.hint].join('\n');
    const group = groups.get(key);
    if (group) group.push(problem);
    else groups.set(key, [problem]);
  }
  return [...groups.values()].map((group) => {
    const [first] = group;
    const stacks = group.map((p) => p.stack);
    const named = stacks.length === 1 ? `in stack ${stacks[0]}` : `in stacks ${stacks.slice(0, 3).join(', ')}${stacks.length > 3 ? ` and ${stacks.length - 3} more` : ''}`;
    const message = first.message.split(`in stack ${first.stack}`).join(named);
    return `error: ${formatLocation(first.location, basePath)}: ${message}\n  hint: ${first.hint}\n`;
  }).join('');
}

export function isDeployed(instance: ComponentInstance): boolean {
  return !instance.abstract && instance.enabled;
}

/** Values known only at run time fit any type: YAML functions, `${{ }}` expressions, unrendered templates. */
function isRuntimeValue(value: unknown): boolean {
  return value instanceof YamlFunction || (typeof value === 'string' && (value.includes('${{') || value.includes('{{')));
}

/** Reads each component folder once; a parse error is kept as the user error it is. */
class ComponentReader {
  private readonly cache = new Map<string, Promise<TerraformComponent | AtmosUserError>>();

  read(folder: string): Promise<TerraformComponent | AtmosUserError> {
    let component = this.cache.get(folder);
    if (!component) {
      component = readTerraformComponent(folder).catch((error: unknown) => {
        if (isUserError(error)) return error;
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return new AtmosUserError('COMPONENT_NOT_FOUND', `the component folder ${folder} does not exist`, undefined,
            'create the Terraform component there, or point metadata.component at an existing folder');
        }
        throw error;
      });
      this.cache.set(folder, component);
    }
    return component;
  }
}

/**
 * The candidate within edit distance 2 (or a third of the name), else the one candidate the name
 * is a prefix of or that is a prefix of it (`cidr` -> `cidr_block`), for "did you mean".
 */
function closest(name: string, candidates: string[]): string | undefined {
  const near = nearest(name, candidates);
  if (near !== undefined || name.length < 3) return near;
  const prefixed = candidates.filter((c) => c.length >= 3 && (c.startsWith(name) || name.startsWith(c)));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

function nearest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function byLocation(a: ContractProblem, b: ContractProblem): number {
  return a.location.file.localeCompare(b.location.file) || (a.location.line ?? 0) - (b.location.line ?? 0) || a.message.localeCompare(b.message);
}
