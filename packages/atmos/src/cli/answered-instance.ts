/**
 * `describe component` as Atmos prints it: the instance's templates with their atmos.Component
 * calls answered from the other instances' real state (functions/runtime/component-template.ts).
 * The CLI's first resolve renders them empty (the static phase reads no state); the instance's
 * own manifest is resolved again, answering.
 */
import { ComponentTemplateAnswers, recordTemplateSecrets, resolveAnswering } from '../functions/runtime/component-template';
import { evaluateInstance } from '../functions/runtime/evaluate';
import { SsmParameters } from '../functions/runtime/ssm';
import { resolveStacks, type ResolvedStacks } from '../stacks/engine';
import type { ComponentInstance } from '../stacks/types';
import type { TerraformState } from '../terraform/state';

export async function answeredInstance(instance: ComponentInstance, resolved: ResolvedStacks, env: Record<string, string | undefined>,
  readState: (instance: ComponentInstance) => Promise<TerraformState | undefined>, log: (line: string) => void): Promise<ComponentInstance> {
  const findInstance = (component: string, stack: string) => resolved.instances.find((i) => i.component === component && i.stack === stack)
    ?? resolved.describedOnly.find((i) => i.component === component && i.stack === stack);
  // Created only when a template calls atmos.Component (the other instance's !store and ${{ ssm: }} need it).
  let ssm: SsmParameters | undefined;
  const answers = new ComponentTemplateAnswers({
    consumer: instance, findInstance, readState, describeContext: resolved.describeContext, allowMocks: true, log,
    evaluate: (target) => evaluateInstance(target, { config: resolved.config, env, command: 'describe', findInstance, readState, ssm: (ssm ??= new SsmParameters(env)), log }),
  });
  let again: ResolvedStacks;
  try {
    again = await resolveAnswering((templateFunctions) => resolveStacks(resolved.config, { env, stackFiles: [instance.manifestFile], templateFunctions }), answers);
  } finally {
    ssm?.destroy();
  }
  const answered = [...again.instances, ...again.describedOnly].find((i) => i.component === instance.component && i.stack === instance.stack && i.componentType === instance.componentType) ?? instance;
  recordTemplateSecrets(answered, answers.secrets);
  return answered;
}
