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
    for (const [key, value] of Object.entries(current)) {
      if (DERIVED_KEYS.has(key)) continue;
      const next = renderValue(value, section, options);
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
    // `!literal` exists to keep its text away from template rendering.
    if (value.tag === '!literal' || !hasTemplate(value.args, options.delimiters)) return value;
    return value.withArgs(renderOne(value.args, context, options));
  }
  if (Array.isArray(value)) {
    let result: unknown[] | undefined;
    value.forEach((item, i) => {
      const rendered = renderValue(item, context, options);
      if (rendered !== item) (result ??= value.slice())[i] = rendered;
    });
    return result ?? value;
  }
  if (isPlainMap(value)) {
    let result: PlainMap | undefined;
    const keys = Object.keys(value);
    for (const key of keys) {
      const item = value[key];
      const renderedKey = hasTemplate(key, options.delimiters) ? renderOne(key, context, options) : key;
      const rendered = renderValue(item, context, options);
      if (rendered !== item || renderedKey !== key) {
        if (!result) {
          result = {};
          for (const k of keys) setKey(result, k, value[k]);
        }
        if (renderedKey !== key) delete result[key];
        setKey(result, renderedKey, rendered);
      }
    }
    return result ?? value;
  }
  return value;
}

function renderOne(template: string, context: PlainMap, options: SectionTemplateOptions): string {
  try {
    return renderAroundExpressions(template, (text) =>
      renderTemplate(text, context, { missingKey: 'default', delimiters: options.delimiters, env: options.env, functions: options.functions }));
  } catch (error) {
    if (error instanceof TemplateError) throw new SectionTemplateError(template, error);
    throw error;
  }
}
