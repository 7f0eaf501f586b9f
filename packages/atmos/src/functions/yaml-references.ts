/**
 * Static references from one instance to other component instances, found without evaluating
 * anything (no terraform, no network): YAML functions (`!terraform.output`, `!terraform.state`,
 * `!store`), inline `${{ output... }}` expressions, and `atmos.Component` calls recorded while
 * templates were rendered.
 */
import type { SourceLocation } from '../errors/user-error';
import { YamlFunction, isPlainMap } from '../stacks/values';

export interface ComponentReference {
  component: string;
  /** Undefined means the referencing instance's own stack. */
  stack?: string;
  /** Where it was written, for error messages: `vars.vpc_id` or the function text. */
  via: string;
  /** The file and line of a YAML function (often a catalog file the manifest imports). */
  location?: SourceLocation;
}

/** Splits function arguments like a shell: quotes group, backslashes escape inside double quotes. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}

/**
 * The first `count` arguments (shell-split) and the rest of the text exactly as written, so a
 * query keeps its quotes (`.tags["kubernetes.io/role"]`, `// "123"`). A rest wrapped whole in
 * one pair of quotes is unwrapped.
 */
export function leadingArgs(text: string, count: number): { args: string[]; rest: string } {
  const args: string[] = [];
  let i = 0;
  while (args.length < count) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    let j = i;
    let quote: string | undefined;
    while (j < text.length && (quote || !/\s/.test(text[j]))) {
      if (quote) {
        if (text[j] === quote) quote = undefined;
      } else if (text[j] === '"' || text[j] === "'") {
        quote = text[j];
      }
      j++;
    }
    args.push(...splitArgs(text.slice(i, j)));
    i = j;
  }
  let rest = text.slice(i).trim();
  // One quoted token (escapes and all) is unwrapped like a shell would.
  if ((rest.startsWith("'") || rest.startsWith('"')) && rest.endsWith(rest[0])) {
    const tokens = splitArgs(rest);
    if (tokens.length === 1) rest = tokens[0];
  }
  return { args, rest };
}

/**
 * `!terraform.output <component> [<stack>] <output>` and `!terraform.state` (same syntax);
 * `!store <store> [<stack>] <component> <key> [| default ...]`.
 */
export function yamlFunctionReference(fn: YamlFunction, via: string): ComponentReference | undefined {
  if (fn.tag === '!terraform.output' || fn.tag === '!terraform.state') {
    const args = splitArgs(fn.args);
    if (args.length === 2) return { component: args[0], via, location: fn.location };
    if (args.length >= 3) return { component: args[0], stack: args[1], via, location: fn.location };
    return undefined;
  }
  if (fn.tag === '!store') {
    const args = splitArgs(fn.args.split('|')[0]);
    if (args.length === 3) return { component: args[1], via, location: fn.location };
    if (args.length >= 4) return { component: args[2], stack: args[1], via, location: fn.location };
  }
  return undefined;
}

/** The YAML functions under one map or list, each with its path below it (`.a.b[0]`). */
export type FunctionsWithin = WeakMap<object, ReadonlyArray<[string, YamlFunction]>>;

/**
 * Walks a section and collects the references of its YAML functions. Instances of a stack share
 * most of their values (merged once, reused): give one `cache` to a walk over many instances and
 * a shared map or list is walked once (no path string is built for a value without functions).
 */
export function collectYamlFunctionReferences(value: unknown, path: string, into: ComponentReference[], cache: FunctionsWithin = new WeakMap()): void {
  if (value instanceof YamlFunction) {
    const reference = yamlFunctionReference(value, `${path}: ${value.toString()}`);
    if (reference) into.push(reference);
    return;
  }
  if (typeof value !== 'object' || value === null || !(Array.isArray(value) || isPlainMap(value))) return;
  for (const [suffix, fn] of functionsWithin(value, cache)) {
    // The section's own name starts the path: `vars.vpc_id`, or `vpc_id` with no name.
    const reference = yamlFunctionReference(fn, `${path === '' && suffix.startsWith('.') ? suffix.slice(1) : path + suffix}: ${fn.toString()}`);
    if (reference) into.push(reference);
  }
}

/** The YAML functions under a map or list with their paths below it, walked once per object for one `cache`. */
export function functionsWithin(value: object, cache: FunctionsWithin): ReadonlyArray<[string, YamlFunction]> {
  const cached = cache.get(value);
  if (cached) return cached;
  // Almost every map and list holds no function: they share one empty result, and a path string
  // is built only for what holds one. Plain loops: this walks every value of every instance.
  let found: Array<[string, YamlFunction]> | undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) found = withFunctionsOf(value[i], i, found, cache);
  } else {
    const map = value as Record<string, unknown>;
    for (const key of Object.keys(map)) found = withFunctionsOf(map[key], key, found, cache);
  }
  const result = found ?? NO_FUNCTIONS;
  cache.set(value, result);
  return result;
}

const NO_FUNCTIONS: ReadonlyArray<[string, YamlFunction]> = Object.freeze([]);

/** `found` with the functions of one entry (a list index or a map key) added under its path. */
function withFunctionsOf(item: unknown, at: string | number, found: Array<[string, YamlFunction]> | undefined, cache: FunctionsWithin): Array<[string, YamlFunction]> | undefined {
  if (typeof item !== 'object' || item === null) return found;
  const step = () => (typeof at === 'number' ? `[${at}]` : `.${at}`);
  if (item instanceof YamlFunction) {
    (found ??= []).push([step(), item]);
    return found;
  }
  if (!Array.isArray(item) && !isPlainMap(item)) return found;
  const inner = functionsWithin(item, cache);
  if (inner.length === 0) return found;
  const prefix = step();
  found ??= [];
  for (const [rest, fn] of inner) found.push([prefix + rest, fn]);
  return found;
}
