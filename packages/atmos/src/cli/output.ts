/** Printing describe results as YAML (Atmos's default, keys sorted like Go maps) or JSON. */
import { YamlFunction, isPlainMap } from '../stacks/values';
import { yamlLib } from '../yaml-lib';

export type OutputFormat = 'yaml' | 'json';

export function formatOutput(value: unknown, format: OutputFormat): string {
  const plain = toPlain(value);
  if (format === 'json') return JSON.stringify(plain, null, 2) + '\n';
  return yamlLib().stringify(plain, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}

/** Unevaluated YAML functions print as Atmos prints them: `!tag args`. */
export function toPlain(value: unknown): unknown {
  if (value instanceof YamlFunction) return value.toString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (isPlainMap(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = toPlain(item);
    return result;
  }
  return value;
}
