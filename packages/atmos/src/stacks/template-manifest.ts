/**
 * Fast path for templated manifests (`.tmpl`, imports with `context`). Atmos renders the whole
 * file as text and parses the result, once per context; a catalog imported with 2,000
 * contexts is parsed 2,000 times. When every template action sits inside a scalar (no
 * `{{ if }}`/`{{ range }}`, no trim markers, nothing in comments), we parse the file once with
 * the actions replaced by placeholders and, per context, render only the scalars that hold
 * actions, typing a rendered plain scalar as YAML would.
 *
 * A rendered value that could change the YAML structure (a newline, `: `, a quote inside a
 * quoted scalar, ...) or any render error gives up: the caller then takes the exact path, so
 * results and error messages are always those of rendering the text.
 */
import { parseManifest, resolvePlain, TemplateScalar } from './parse';
import { AppendList, YamlFunction, hasOwn, isPlainMap, keepMetadata, setKey, type PlainMap } from './values';

const MARKER = 'ATMOSTPL';
const CONTROL_ACTION = /^\s*(if|else|end|range|with|define|template|block|break|continue)\b/;

export interface CompiledManifest {
  tree: PlainMap;
  /** The action text (with delimiters) of each placeholder. */
  actions: string[];
  /** The maps and lists of the tree with a placeholder somewhere below them; the rest is shared by every rendering. */
  templated: ReadonlySet<object>;
  /** Text with placeholders -> the template it stands for, filled in by the renderings. */
  templates: Map<string, string>;
}

/** Thrown inside rendering to take the exact path. */
class GiveUp extends Error {}

export function compileTemplateManifest(text: string, file: string, [left, right]: [string, string]): CompiledManifest | undefined {
  const actions: string[] = [];
  let source = '';
  let index = 0;
  for (;;) {
    const start = text.indexOf(left, index);
    if (start < 0) break;
    const end = text.indexOf(right, start + left.length);
    if (end < 0) return undefined;
    const inner = text.slice(start + left.length, end);
    if (inner.startsWith('-') || inner.endsWith('-') || inner.trimStart().startsWith('/*') || CONTROL_ACTION.test(inner) ||
      inner.includes(left) || inner.includes('\\') || inner.includes('\n')) {
      return undefined;
    }
    source += text.slice(index, start) + placeholder(actions.length);
    actions.push(text.slice(start, end + right.length));
    index = end + right.length;
  }
  if (actions.length === 0 || text.includes(MARKER)) return undefined;
  source += text.slice(index);
  let tree: PlainMap;
  try {
    tree = parseManifest(source, { file, templateMarker: MARKER });
  } catch {
    return undefined;
  }
  // An action in a comment is rendered (and can fail) on the exact path: require every one to be in the tree.
  const seen = new Set<number>();
  const templated = new Set<object>();
  collectPlaceholders(tree, seen, templated);
  return seen.size === actions.length ? { tree, actions, templated, templates: new Map() } : undefined;
}

/** The manifest for one context, or undefined to take the exact path. */
export function renderCompiledManifest(compiled: CompiledManifest, render: (template: string) => string): PlainMap | undefined {
  try {
    return new Renderer(compiled, render).value(compiled.tree) as PlainMap;
  } catch {
    return undefined;
  }
}

class Renderer {
  private readonly actions: string[];
  private readonly templated: ReadonlySet<object>;
  private readonly templates: Map<string, string>;

  constructor(
    compiled: CompiledManifest,
    private readonly render: (template: string) => string,
  ) {
    this.actions = compiled.actions;
    this.templated = compiled.templated;
    this.templates = compiled.templates;
  }

  value(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (value instanceof TemplateScalar) return this.scalar(value);
    if (value instanceof YamlFunction) {
      if (!value.args.includes(MARKER)) return value;
      const rendered = this.text(value.args);
      if (/[\n\r]/.test(rendered)) throw new GiveUp();
      return value.withArgs(rendered.trim());
    }
    if (!this.templated.has(value)) return value;
    if (value instanceof AppendList) {
      const items = this.list(value.items);
      return items === value.items ? value : new AppendList(items);
    }
    if (Array.isArray(value)) return this.list(value);
    if (isPlainMap(value)) return this.map(value);
    return value;
  }

  private list(items: readonly unknown[]): readonly unknown[] {
    let result: unknown[] | undefined;
    items.forEach((item, i) => {
      const next = this.value(item);
      if (next !== item) (result ??= items.slice())[i] = next;
    });
    if (!result) return items;
    keepMetadata(items, result);
    return result;
  }

  private map(map: PlainMap): PlainMap {
    const keys = Object.keys(map);
    let result: PlainMap | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const item = map[key];
      const renderedKey = key.includes(MARKER) ? this.plainText(this.text(key)) : key;
      const rendered = this.value(item);
      if (!result) {
        if (renderedKey === key && rendered === item) continue;
        result = {};
        for (let j = 0; j < i; j++) setKey(result, keys[j], map[keys[j]]);
      }
      // Two keys rendering to the same text is a duplicate-key error on the exact path.
      if (hasOwn(result, renderedKey)) throw new GiveUp();
      setKey(result, renderedKey, rendered);
    }
    if (!result) return map;
    keepMetadata(map, result);
    return result;
  }

  private scalar(scalar: TemplateScalar): unknown {
    const rendered = this.text(scalar.text);
    switch (scalar.style) {
      case 'PLAIN':
        return typedPlain(this.plainText(rendered));
      case 'QUOTE_DOUBLE':
        if (/["\\\n\r]/.test(rendered)) throw new GiveUp();
        return rendered;
      case 'QUOTE_SINGLE':
        if (/['\n\r]/.test(rendered)) throw new GiveUp();
        return rendered;
      default:
        if (/[\n\r]/.test(rendered.replace(/\n$/, ''))) throw new GiveUp();
        return rendered;
    }
  }

  /** The text with every placeholder replaced by its action, rendered. */
  private text(withPlaceholders: string): string {
    let template = this.templates.get(withPlaceholders);
    if (template === undefined) {
      template = withPlaceholders.replace(/ATMOSTPL(\d+)X/g, (_, i: string) => this.actions[Number(i)]);
      this.templates.set(withPlaceholders, template);
    }
    return this.render(template);
  }

  /** A rendered plain scalar is only the same scalar if it cannot change the YAML around it. */
  private plainText(rendered: string): string {
    if (rendered === '') return rendered;
    if (/[\n\r\t,[\]{}]|: |:$| #|^[-?:#&*!|>'"%@`\s]|\s$/.test(rendered)) throw new GiveUp();
    return rendered;
  }
}

/**
 * YAML's own typing of a rendered plain scalar (numbers, booleans, null), by js-yaml's resolvers,
 * as the exact path types it in place (a rendered `...` is text there, not an end of document).
 */
function typedPlain(text: string): unknown {
  return text === '' ? null : resolvePlain(text);
}

function placeholder(index: number): string {
  return `${MARKER}${index}X`;
}

/** Records the placeholder numbers in a value and the containers holding any; true if this value holds one. */
function collectPlaceholders(value: unknown, seen: Set<number>, templated: Set<object>): boolean {
  const scan = (text: string): boolean => {
    let found = false;
    for (const match of text.matchAll(/ATMOSTPL(\d+)X/g)) {
      seen.add(Number(match[1]));
      found = true;
    }
    return found;
  };
  let holds = false;
  if (value instanceof TemplateScalar) return scan(value.text);
  if (value instanceof YamlFunction) holds = scan(value.args);
  else if (value instanceof AppendList) holds = value.items.map((item) => collectPlaceholders(item, seen, templated)).some(Boolean);
  else if (Array.isArray(value)) holds = value.map((item) => collectPlaceholders(item, seen, templated)).some(Boolean);
  else if (isPlainMap(value)) {
    for (const [key, item] of Object.entries(value)) {
      const inKey = scan(key);
      const inItem = collectPlaceholders(item, seen, templated);
      holds = holds || inKey || inItem;
    }
  }
  if (holds && typeof value === 'object' && value !== null) templated.add(value);
  return holds;
}
