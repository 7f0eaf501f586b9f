/**
 * The one entry point the run phase uses to turn an instance's merged sections into plain
 * values (YAML functions and inline expressions evaluated). Until the functions layer is wired
 * in, a value that still needs evaluation is a clear error rather than a string passed to
 * terraform by mistake.
 */
import { AtmosUserError } from '../errors/user-error';
import type { ComponentInstance } from '../stacks/types';
import { YamlFunction, isPlainMap, type PlainMap } from '../stacks/values';

export interface RunValues {
  vars: PlainMap;
  env: Record<string, string>;
  /** Values that must never be printed (SecureStrings, sensitive outputs). */
  secrets: string[];
}

export interface RunValueContext {
  workspaceRoot: string;
  command: string;
  env: Record<string, string | undefined>;
}

export async function resolveRunValues(instance: ComponentInstance, _context: RunValueContext): Promise<RunValues> {
  assertPlain(instance.sections.vars, 'vars', instance);
  assertPlain(instance.sections.env, 'env', instance);
  return { vars: instance.sections.vars, env: stringEnv(instance.sections.env), secrets: [] };
}

function assertPlain(value: unknown, path: string, instance: ComponentInstance): void {
  if (value instanceof YamlFunction) {
    throw new AtmosUserError('FUNCTION_ERROR', `${path} uses ${value.tag}, which this version cannot evaluate yet`, value.location ?? { file: instance.manifestFile });
  }
  if (typeof value === 'string' && value.includes('${{') && !value.includes('$${{')) {
    throw new AtmosUserError('FUNCTION_ERROR', `${path} uses an inline expression, which this version cannot evaluate yet`, { file: instance.manifestFile });
  }
  if (Array.isArray(value)) value.forEach((item, i) => assertPlain(item, `${path}[${i}]`, instance));
  else if (isPlainMap(value)) for (const [key, item] of Object.entries(value)) assertPlain(item, `${path}.${key}`, instance);
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
