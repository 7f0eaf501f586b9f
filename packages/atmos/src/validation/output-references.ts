/**
 * The outputs an instance's vars read from other instances, found without evaluating anything:
 * `!terraform.state vpc vpc_id`, `!terraform.output vpc dev-use1 .private_subnet_ids[0]` and
 * `${{ output.vpc.vpc_id }}` / `${{ output("dns", "shared-use1").zone_id }}`. Each names the
 * var it sits in and, for YAML functions, the manifest position the parser recorded.
 */
import type { SourceLocation } from '../errors/user-error';
import { scanReferences } from '../functions';
import { parseOutputFunction } from '../functions/runtime/evaluate';
import type { ComponentInstance } from '../stacks/types';
import { YamlFunction, isPlainMap } from '../stacks/values';

export interface OutputReference {
  /** The top-level var the reference sits in. */
  variable: string;
  component: string;
  stack: string;
  /** The output's name; undefined when the query does not start with one (`.`, `[0]`). */
  output: string | undefined;
  /** How it was written, for messages. */
  written: string;
  location?: SourceLocation;
}

export function outputReferences(instance: ComponentInstance): OutputReference[] {
  const found: OutputReference[] = [];
  for (const [variable, value] of Object.entries(instance.sections.vars)) {
    walk(value, (leaf) => {
      if (leaf instanceof YamlFunction && (leaf.tag === '!terraform.state' || leaf.tag === '!terraform.output')) {
        const { component, stack, expression } = parseOutputFunction(leaf, instance.stack);
        found.push({ variable, component, stack, output: outputName(expression), written: leaf.toString(), location: leaf.location });
      }
    });
    for (const reference of scanReferences(value, { file: instance.manifestFile })) {
      if (reference.kind !== 'output' || reference.dynamic) continue;
      const [first] = reference.path;
      found.push({
        variable,
        component: reference.component,
        stack: reference.stack ?? instance.stack,
        output: typeof first === 'string' ? first : undefined,
        written: `\${{ output.${reference.component}${first === undefined ? '' : '.' + String(first)} }}`,
      });
    }
  }
  return found;
}

/** `vpc_id`, `.vpc_id`, `.private_subnet_ids[0]`, `.tags["Name"] // "x"` -> the output's name. */
function outputName(expression: string): string | undefined {
  const match = /^\.?([A-Za-z_][\w-]*)/.exec(expression.trim());
  return match ? match[1] : undefined;
}

function walk(value: unknown, visit: (leaf: unknown) => void): void {
  if (Array.isArray(value)) value.forEach((item) => walk(item, visit));
  else if (isPlainMap(value)) Object.values(value).forEach((item) => walk(item, visit));
  else visit(value);
}
