/**
 * Go templates over a merged component section, as Atmos renders them after merging: every
 * string (and YAML function argument, and map key) that holds a template is rendered with the
 * component section itself as context (`.vars`, `.settings`, `.atmos_component`, `.workspace`,
 * ...), `evaluations` times so a template may produce another template. A missing key renders
 * as `<no value>`, as in Atmos.
 *
 * Atmos renders the section serialised as YAML; we render value by value, which gives the same
 * strings without re-parsing YAML (and cannot break YAML syntax with a rendered quote).
 */
import { TemplateError, hasTemplate, renderTemplate, type TemplateFunction } from '../templates';
import { YamlFunction, isPlainMap, setKey, type PlainMap } from './values';

export interface SectionTemplateOptions {
  delimiters: [string, string];
  evaluations: number;
  env?: Record<string, string | undefined>;
  functions?: Record<string, TemplateFunction>;
  /** The repository root gomplate's `file.*` functions may read inside. */
  repoRoot?: string;
  /** Told of each file a template function read (it becomes an input of the instance). */
  onRead?: (file: string) => void;
  /** Told when a template function returned a value that changes on every run. */
  onVolatile?: (namespace: string) => void;
  /**
   * Per top-level key of the section (`vars`, `settings`, ...), the keys of its map that may
   * hold a template (see template-keys.ts); the others are known to hold none and are skipped.
   */
  templateKeys?: Readonly<Record<string, readonly string[]>>;
}

/** Thrown with the template text so the caller can find which manifest wrote it. */
export class SectionTemplateError extends Error {
  constructor(
    readonly template: string,
    readonly templateError: TemplateError,
  ) {
    super(templateError.message);
  }
}

/**
 * Keys whose values the engine derives from file and component names, never from manifest
 * values: nothing to render there (the import list alone is dozens of strings per instance).
 */
const DERIVED_KEYS = new Set(['imports', 'deps', 'deps_all', 'inheritance', 'component_info', 'atmos_stack_file', 'atmos_manifest']);

/** Each pass renders the previous pass's output with the original section as data, as Atmos does. */
export function renderSectionTemplates(section: PlainMap, options: SectionTemplateOptions): PlainMap {
  let current = section;
  for (let pass = 0; pass < Math.max(1, options.evaluations); pass++) {
    let rendered: PlainMap | undefined;
    for (const key of Object.keys(current)) {
      if (DERIVED_KEYS.has(key)) continue;
      const value = current[key];
      // Later passes render what the first produced, which the key lists know nothing of.
      const templateKeys = pass === 0 ? options.templateKeys?.[key] : undefined;
      const next = templateKeys && isPlainMap(value) ? renderMap(value, section, options, templateKeys) : renderValue(value, section, options);
      if (next !== value) setKey((rendered ??= { ...current }), key, next);
    }
    if (!rendered) break;
    current = rendered;
  }
  return current;
}

/**
 * Go templates and our inline `${{ ... }}` expressions share `{{`: the `${{ ... }}` spans are
 * set aside while the template renders (they are evaluated at run time) and put back after.
 */
export function renderAroundExpressions(text: string, render: (text: string) => string): string {
  if (!text.includes('${{')) return render(text);
  const spans: string[] = [];
  const protectedText = text.replace(/\$?\$\{\{[\s\S]*?\}\}/g, (span) => `\u0000${spans.push(span) - 1}\u0000`);
  if (!protectedText.includes('{{')) return text;
  return render(protectedText).replace(/\u0000(\d+)\u0000/g, (_, i: string) => spans[Number(i)]);
}

function renderValue(value: unknown, context: PlainMap, options: SectionTemplateOptions): unknown {
  if (typeof value === 'string') return hasTemplate(value, options.delimiters) ? renderOne(value, context, options) : value;
  if (value instanceof YamlFunction) {
    return rendersArgs(value, options.delimiters) ? value.withArgs(renderOne(value.args, context, options)) : value;
  }
  if (Array.isArray(value)) {
    let result: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const rendered = renderValue(value[i], context, options);
      if (rendered !== value[i]) (result ??= value.slice())[i] = rendered;
    }
    return result ?? value;
  }
  if (isPlainMap(value)) return renderMap(value, context, options);
  return value;
}

/** Whether the template pass renders a function's arguments: `!literal` exists to keep its text away from it. */
export function rendersArgs(fn: YamlFunction, delimiters: [string, string]): boolean {
  return fn.tag !== '!literal' && hasTemplate(fn.args, delimiters);
}

/**
 * Renders a map's keys and values copy-on-write; with `onlyKeys`, visits just those keys (in the
 * map's order, as a full visit would), the others being known to hold no template.
 */
function renderMap(map: PlainMap, context: PlainMap, options: SectionTemplateOptions, onlyKeys?: readonly string[]): PlainMap {
  if (onlyKeys?.length === 0) return map;
  let result: PlainMap | undefined;
  const keys = Object.keys(map);
  for (const key of keys) {
    if (onlyKeys && !onlyKeys.includes(key)) continue;
    const item = map[key];
    const renderedKey = hasTemplate(key, options.delimiters) ? renderOne(key, context, options) : key;
    const rendered = renderValue(item, context, options);
    if (rendered === item && renderedKey === key) continue;
    if (!result) {
      result = {};
      for (const k of keys) setKey(result, k, map[k]);
    }
    if (renderedKey !== key) delete result[key];
    setKey(result, renderedKey, rendered);
  }
  return result ?? map;
}

function renderOne(template: string, context: PlainMap, options: SectionTemplateOptions): string {
  try {
    return renderAroundExpressions(template, (text) =>
      renderTemplate(text, context, {
        missingKey: 'default',
        delimiters: options.delimiters,
        env: options.env,
        functions: options.functions,
        repoRoot: options.repoRoot,
        onRead: options.onRead,
        onVolatile: options.onVolatile,
      }));
  } catch (error) {
    if (error instanceof TemplateError) throw new SectionTemplateError(template, error);
    throw error;
  }
}
