/** An instance named on the command line (component and stack), or an error listing what exists. */
import { AtmosUserError } from '../errors/user-error';
import type { ResolvedStacks } from '../stacks/engine';

export function findInstance(resolved: ResolvedStacks, component: string, stack: string) {
  const instance = resolved.instances.find((i) => i.component === component && i.stack === stack);
  if (instance) return instance;
  if (!resolved.instances.some((i) => i.stack === stack)) throw stackNotFound(stack, resolved);
  const known = resolved.instances.filter((i) => i.stack === stack).map((i) => i.component).sort();
  throw new AtmosUserError('COMPONENT_NOT_FOUND', `component '${component}' is not defined in stack '${stack}'`, undefined,
    `components in '${stack}': ${known.join(', ')}`);
}

export function stackNotFound(stack: string, resolved: ResolvedStacks): AtmosUserError {
  const stacks = [...new Set(resolved.instances.map((i) => i.stack))].sort();
  return new AtmosUserError('STACK_NOT_FOUND', `stack '${stack}' does not exist`, undefined,
    `run \`atmos-nx list stacks\`; known stacks: ${stacks.slice(0, 20).join(', ')}${stacks.length > 20 ? ', ...' : ''}`);
}
