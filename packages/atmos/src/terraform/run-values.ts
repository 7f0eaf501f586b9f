/**
 * The one entry point the run phase uses to turn an instance's merged sections into plain
 * values: YAML functions and inline expressions evaluated (dependency outputs from state, SSM
 * parameters, environment), secrets collected for masking.
 */
import type { AtmosConfig } from '../config/types';
import { evaluateInstance } from '../functions/runtime/evaluate';
import { SsmParameters } from '../functions/runtime/ssm';
import type { ComponentInstance } from '../stacks/types';
import type { PlainMap } from '../stacks/values';
import { collectSecrets } from '../functions/runtime/outputs';
import { templateSecretsOf } from '../functions/runtime/component-template';
import { sensitiveVariables } from './sensitive-variables';
import { readState } from './state';

export interface RunValues {
  vars: PlainMap;
  env: Record<string, string>;
  /** Values that must never be printed (SecureStrings, sensitive outputs). */
  secrets: string[];
}

export interface RunValueContext {
  workspaceRoot: string;
  config: AtmosConfig;
  command: string;
  env: Record<string, string | undefined>;
  findInstance(component: string, stack: string): ComponentInstance | undefined;
  log(line: string): void;
}

export async function resolveRunValues(instance: ComponentInstance, context: RunValueContext): Promise<RunValues> {
  const ssm = new SsmParameters(context.env);
  try {
    const evaluated = await evaluateInstance(instance, {
      config: context.config,
      env: context.env,
      command: context.command,
      findInstance: context.findInstance,
      readState: (dependency) => readState(dependency, context.workspaceRoot, context.env),
      ssm,
      log: context.log,
    });
    // Sensitive outputs a template reached through atmos.Component are secrets too.
    const secrets = new Set([...evaluated.secrets, ...templateSecretsOf(instance)]);
    for (const name of sensitiveVariables(instance.componentPath)) collectSecrets(evaluated.vars[name], secrets);
    return { vars: evaluated.vars, env: stringEnv(evaluated.env), secrets: [...secrets] };
  } finally {
    ssm.destroy();
  }
}

/** The env section as process environment: null drops a variable, other values become strings. */
export function stringEnv(section: PlainMap): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(section)) {
    if (value === null || value === undefined) continue;
    env[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return env;
}
