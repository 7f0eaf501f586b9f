/** An instance named on the command line (component and stack), or an error listing what exists. */
import { AtmosUserError } from '../errors/user-error';
import type { ResolvedStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';

/**
 * `among`: the instances to search (default: the runnable terraform ones); the describing
 * commands pass describedInstances() so components of other types are found too.
 */
export function findInstance(resolved: ResolvedStacks, component: string, stack: string, among: readonly ComponentInstance[] = resolved.instances) {
  const instance = among.find((i) => i.component === component && i.stack === stack);
  if (instance) return instance;
  if (!among.some((i) => i.stack === stack)) throw stackNotFound(stack, resolved, among);
  const known = [...new Set(among.filter((i) => i.stack === stack).map((i) => i.component))].sort();
  throw new AtmosUserError('COMPONENT_NOT_FOUND', `component '${component}' is not defined in stack '${stack}'`, undefined,
    `components in '${stack}': ${known.join(', ')}`);
}

export function stackNotFound(stack: string, resolved: ResolvedStacks, among: readonly ComponentInstance[] = resolved.instances): AtmosUserError {
  const stacks = [...new Set(among.map((i) => i.stack))].sort();
  return new AtmosUserError('STACK_NOT_FOUND', `stack '${stack}' does not exist`, undefined,
    `run \`atmos-nx list stacks\`; known stacks: ${stacks.slice(0, 20).join(', ')}${stacks.length > 20 ? ', ...' : ''}`);
}

/**
 * The instances `describe component` can name: every described one except those whose stack is
 * named after its manifest because stacks.name_pattern failed for them. Atmos v1.226.1 skips such
 * a stack when it looks a component up (internal/exec/utils.go findComponentInStacks: a
 * processStackContextPrefix error is `continue`), though describe stacks shows it.
 */
export function componentLookupInstances(resolved: ResolvedStacks): ComponentInstance[] {
  const described = describedInstances(resolved);
  return described.some((i) => i.namedAfterFile) ? described.filter((i) => !i.namedAfterFile) : described;
}

/** Every instance `describe` and `list` show: the terraform ones, then those that are described only. */
export function describedInstances(resolved: ResolvedStacks): ComponentInstance[] {
  return resolved.describedOnly.length === 0 ? resolved.instances : [...resolved.instances, ...resolved.describedOnly];
}
