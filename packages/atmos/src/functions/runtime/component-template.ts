/**
 * `atmos.Component "<component>" "<stack>"` in Go templates at run time, as Atmos v1.226.1's
 * template function (internal/exec/template_funcs_component.go componentFunc): the other
 * instance's component section as `describe component` shows it, with `outputs` for a terraform
 * component — its outputs read from its real state (the same reads as `!terraform.state`, mocks
 * for plans included), or the `remote_state_backend` values when remote_state_backend_type is
 * `static` (GetComponentRemoteStateBackendStaticType). A consumer with metadata.enabled: false
 * gets an empty section with empty outputs and reads no state (enclosingComponentDisabled). One
 * answer per component and stack per run (componentFuncSyncMap).
 *
 * Templates render synchronously and state is read asynchronously, so resolveAnswering resolves,
 * records the calls that had no answer yet, loads them, and resolves again until every call has
 * its answer (a call whose arguments come from another call's answer needs one more round).
 */
import { AtmosUserError } from '../../errors/user-error';
import { componentPlaceholder, type TemplateConsumer } from '../../stacks/component-function';
import { componentSection, type DescribeContext } from '../../stacks/describe';
import type { ComponentInstance } from '../../stacks/types';
import { asMap, type PlainMap } from '../../stacks/values';
import type { TemplateFunction } from '../../templates';
import type { TerraformState } from '../../terraform/state';
import { DependencyOutputs } from './outputs';

export interface ComponentTemplateSource {
  /**
   * The one instance whose calls are answered (the one being run or described): the others of
   * its manifest keep the placeholder, so running vpc never reads the state of what app's
   * templates ask for. Default: every consumer.
   */
  consumer?: { component: string; stack: string };
  findInstance(component: string, stack: string): ComponentInstance | undefined;
  readState(instance: ComponentInstance): Promise<TerraformState | undefined>;
  describeContext: DescribeContext;
  /** Plans and describe may use settings.mock_outputs for a never-applied instance; apply never. */
  allowMocks: boolean;
  log(line: string): void;
  /**
   * The other instance's YAML functions and expressions evaluated (Atmos describes it with
   * ProcessYamlFunctions: true); without it its sections are given as merged.
   */
  evaluate?(instance: ComponentInstance): Promise<{ vars: PlainMap; settings: PlainMap; env: PlainMap; providers: PlainMap; secrets: Set<string> }>;
}

type TemplateFunctions = (consumer: TemplateConsumer) => Record<string, TemplateFunction>;

/** Rounds before giving up: each round answers the calls the previous answers made possible. */
const MAX_ROUNDS = 5;

export class ComponentTemplateAnswers {
  private readonly answers = new Map<string, PlainMap>();
  private readonly missing = new Map<string, { consumer: TemplateConsumer; component: string; stack: string }>();
  /** Sensitive outputs an answer carried: masked wherever the run prints. */
  readonly secrets = new Set<string>();

  constructor(private readonly source: ComponentTemplateSource) {}

  /** The template functions for resolveStacks. */
  readonly functions: TemplateFunctions = (consumer) => ({
    atmos: () => ({ Component: (component: unknown, stack: unknown) => this.answer(consumer, String(component), String(stack)) }),
  });

  get hasMissing(): boolean {
    return this.missing.size > 0;
  }

  private answer(consumer: TemplateConsumer, component: string, stack: string): PlainMap {
    const only = this.source.consumer;
    if (only && (only.component !== consumer.component || only.stack !== consumer.stack)) return componentPlaceholder();
    if (!consumer.enabled) return { outputs: {} };
    const key = `${component}\0${stack}`;
    const known = this.answers.get(key);
    if (known) return known;
    if (!this.missing.has(key)) this.missing.set(key, { consumer, component, stack });
    return componentPlaceholder();
  }

  /** Loads the answers of the calls made since the last load, concurrently. */
  async loadMissing(): Promise<void> {
    const pending = [...this.missing.entries()];
    this.missing.clear();
    const loaded = await Promise.all(pending.map(([, call]) => this.load(call.consumer, call.component, call.stack)));
    pending.forEach(([key], i) => this.answers.set(key, loaded[i]));
  }

  private async load(consumer: TemplateConsumer, component: string, stack: string): Promise<PlainMap> {
    const reference = `atmos.Component "${component}" "${stack}"`;
    const target = this.source.findInstance(component, stack);
    if (!target) {
      throw new AtmosUserError('COMPONENT_NOT_FOUND', `${reference} in '${consumer.component}' (stack '${consumer.stack}'): component '${component}' does not exist in stack '${stack}'`,
        undefined, 'fix the component or stack name given to atmos.Component (`atmos-nx list components -s <stack>` lists them)');
    }
    let sections = target.sections;
    if (this.source.evaluate) {
      const { secrets, ...evaluated } = await this.source.evaluate(target);
      for (const secret of secrets) this.secrets.add(secret);
      sections = { ...sections, ...evaluated };
    }
    const section: PlainMap = { ...componentSection(target, sections, this.source.describeContext) };
    if (target.componentType !== 'terraform') return section;
    if (target.sections.remoteStateBackendType === 'static') {
      section.outputs = asMap(target.sections.remoteStateBackend);
      return section;
    }
    const outputs = new DependencyOutputs(this.source, { component: consumer.component, stack: consumer.stack, sections: { settings: consumer.settings } },
      this.source.allowMocks, this.secrets, this.source.log);
    await outputs.prefetch([{ component, stack, reference }]);
    section.outputs = outputs.get(component, stack);
    return section;
  }
}

/**
 * Runs `resolve` with the answers' template functions until no call is left unanswered. A
 * resolution that failed while calls were unanswered (a template indexing the placeholder) is
 * retried with the answers; one that fails with every call answered is the user's error.
 */
export async function resolveAnswering<T>(resolve: (functions: TemplateFunctions) => T, answers: ComponentTemplateAnswers): Promise<T> {
  for (let round = 1; ; round++) {
    let result: T | undefined;
    let failure: unknown;
    try {
      result = resolve(answers.functions);
    } catch (error) {
      failure = error;
    }
    if (!answers.hasMissing) {
      if (failure !== undefined) throw failure;
      return result as T;
    }
    if (round === MAX_ROUNDS) {
      throw new AtmosUserError('TEMPLATE_ERROR', `atmos.Component calls still had no answer after ${MAX_ROUNDS} rounds (each answer leading to another call)`, undefined,
        'call atmos.Component with component and stack names that do not depend on other atmos.Component results');
    }
    await answers.loadMissing();
  }
}

/** Secrets that reached an instance's sections through atmos.Component, for the run's masking. */
const templateSecrets = new WeakMap<ComponentInstance, readonly string[]>();

export function recordTemplateSecrets(instance: ComponentInstance, secrets: Iterable<string>): void {
  const list = [...secrets];
  if (list.length > 0) templateSecrets.set(instance, list);
}

export function templateSecretsOf(instance: ComponentInstance): readonly string[] {
  return templateSecrets.get(instance) ?? [];
}
