/**
 * Outputs of other instances, read straight from their state (no terraform run), once per
 * dependency per run. A dependency that was never applied may be replaced by the consumer's
 * `settings.mock_outputs.<component>` when planning (and the log says so); `apply` never uses
 * mocks. Sensitive outputs are recorded as secrets so they are masked wherever they are printed.
 */
import { AwsCallError } from '../../aws/errors';
import { AtmosUserError, type SourceLocation } from '../../errors/user-error';
import type { ComponentInstance } from '../../stacks/types';
import { asMap } from '../../stacks/values';
import type { TerraformState } from '../../terraform/state';

export interface OutputSource {
  findInstance(component: string, stack: string): ComponentInstance | undefined;
  readState(instance: ComponentInstance): Promise<TerraformState | undefined>;
}

export interface DependencyRequest {
  component: string;
  stack: string;
  location?: SourceLocation;
  /** The function or expression as written (`!terraform.state vpc vpc_id`), for errors. */
  reference?: string;
}

/** Who reads the outputs: its names for messages, its settings for mock_outputs. */
export type OutputConsumer = Pick<ComponentInstance, 'component' | 'stack'> & { sections: { settings: Record<string, unknown> } };

export class DependencyOutputs {
  private readonly outputs = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly source: OutputSource,
    private readonly consumer: OutputConsumer,
    /** Mocks are allowed for plans (and describe), never for apply. */
    private readonly allowMocks: boolean,
    private readonly secrets: Set<string>,
    private readonly log: (line: string) => void,
  ) {}

  /** Loads every dependency once, concurrently. */
  async prefetch(requests: DependencyRequest[]): Promise<void> {
    const pending = new Map<string, DependencyRequest>();
    for (const request of requests) {
      const key = `${request.component}\0${request.stack}`;
      if (!this.outputs.has(key) && !pending.has(key)) pending.set(key, request);
    }
    const loaded = await Promise.allSettled([...pending.values()].map((request) => this.load(request)));
    // Report the first failure in the order the references were written, not the order they finished.
    const failed = loaded.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    [...pending.keys()].forEach((key, i) => this.outputs.set(key, (loaded[i] as PromiseFulfilledResult<Record<string, unknown>>).value));
  }

  get(component: string, stack: string): Record<string, unknown> {
    const outputs = this.outputs.get(`${component}\0${stack}`);
    if (!outputs) throw new Error(`outputs of ${component} in ${stack} were not prefetched`);
    return outputs;
  }

  /** An AWS failure is said by the reference that needed the state, at the place it is written. */
  private async readState(dependency: ComponentInstance, request: DependencyRequest): Promise<TerraformState | undefined> {
    try {
      return await this.source.readState(dependency);
    } catch (error) {
      if (!(error instanceof AwsCallError)) throw error;
      throw error.within(`${request.reference ?? `the outputs of '${request.component}'`} in '${this.consumer.component}' (stack '${this.consumer.stack}')`, request.location);
    }
  }

  private async load(request: DependencyRequest): Promise<Record<string, unknown>> {
    const dependency = this.source.findInstance(request.component, request.stack);
    if (!dependency) {
      throw new AtmosUserError('COMPONENT_NOT_FOUND', `component '${request.component}' does not exist in stack '${request.stack}'`, request.location,
        'fix the component or stack name of this output reference');
    }
    // Reading its own state is a cycle (Atmos: "circular dependency detected"), not missing state.
    if (dependency === this.consumer || (dependency.component === this.consumer.component && dependency.stack === this.consumer.stack)) {
      const node = `${dependency.component} (stack ${dependency.stack})`;
      throw new AtmosUserError('FUNCTION_ERROR', `circular dependency detected: ${node} -> ${node} (${request.reference ?? 'an output reference'}): component '${dependency.component}' in stack '${dependency.stack}' reads its own outputs`,
        request.location, 'an instance cannot read its own outputs: use a local value, a variable, or another component\'s output');
    }
    const state = await this.readState(dependency, request);
    if (state?.outputs && (Object.keys(state.outputs).length > 0 || (state.resources ?? []).length > 0)) {
      const values: Record<string, unknown> = {};
      for (const [name, output] of Object.entries(state.outputs)) {
        values[name] = output.value;
        if (output.sensitive) collectSecrets(output.value, this.secrets);
      }
      return values;
    }
    const mocks = asMap(asMap(this.consumer.sections.settings.mock_outputs)[request.component]);
    if (this.allowMocks && Object.keys(mocks).length > 0) {
      this.log(`note: ${request.component} in ${request.stack} has never been applied; using settings.mock_outputs.${request.component} of ${this.consumer.component} for this plan`);
      return mocks;
    }
    throw new AtmosUserError('FUNCTION_ERROR', `component '${request.component}' in stack '${request.stack}' has never been applied, so its outputs do not exist yet`,
      request.location, this.allowMocks
        ? `apply it first, or declare settings.mock_outputs.${request.component} on '${this.consumer.component}' to plan with placeholder values`
        : 'apply it first (apply never uses mock outputs)');
  }
}

/** Every string leaf of a secret value, so it can be masked wherever it is printed. */
export function collectSecrets(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (value !== '') into.add(value);
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    into.add(String(value));
  } else if (Array.isArray(value)) {
    value.forEach((item) => collectSecrets(item, into));
  } else if (value !== null && typeof value === 'object') {
    Object.values(value).forEach((item) => collectSecrets(item, into));
    into.add(JSON.stringify(value));
  }
}

/** A named output of a dependency, with a clear error when it does not exist. */
export function outputValue(outputs: Record<string, unknown>, name: string, component: string, stack: string, location?: SourceLocation): unknown {
  if (!Object.hasOwn(outputs, name)) {
    throw new AtmosUserError('FUNCTION_ERROR', `component '${component}' in stack '${stack}' has no output '${name}'`, location,
      `its outputs are: ${Object.keys(outputs).sort().join(', ') || '(none)'}`);
  }
  return outputs[name];
}
