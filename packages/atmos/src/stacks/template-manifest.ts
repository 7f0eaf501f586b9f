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
import { parseManifest, parseYaml, TemplateScalar } from './parse';
import { AppendList, YamlFunction, hasMergeMarkers, isPlainMap, locationOf, markHoldsMergeMarkers, setKey, setLocation, type PlainMap } from './values';

const MARKER = 'ATMOSTPL';
const CONTROL_ACTION = /^\s*(if|else|end|range|with|define|template|block|break|continue)\b/;

export interface CompiledManifest {
  tree: PlainMap;
  /** The action text (with delimiters) of each placeholder. */
  actions: string[];
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
  collectPlaceholders(tree, seen);
  return seen.size === actions.length ? { tree, actions } : undefined;
}

/** The manifest for one context, or undefined to take the exact path. */
export function renderCompiledManifest(compiled: CompiledManifest, render: (template: string) => string, file: string): PlainMap | undefined {
  try {
    return new Renderer(compiled.actions, render, file).value(compiled.tree) as PlainMap;
  } catch {
    return undefined;
  }
}

class Renderer {
  constructor(
    private readonly actions: string[],
    private readonly render: (template: string) => string,
    private readonly file: string,
  ) {}

  value(value: unknown): unknown {
    if (value instanceof TemplateScalar) return this.scalar(value);
    if (value instanceof YamlFunction) {
      if (!value.args.includes(MARKER)) return value;
      const rendered = this.text(value.args);
      if (/[\n\r]/.test(rendered)) throw new GiveUp();
      return value.withArgs(rendered.trim());
    }
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
    this.keepMetadata(items, result);
    return result;
  }

  private map(map: PlainMap): PlainMap {
    const entries = Object.entries(map).map(([key, item]) => [key.includes(MARKER) ? this.plainText(this.text(key)) : key, this.value(item)] as const);
    const keys = Object.keys(map);
    if (entries.every(([key, item], i) => key === keys[i] && item === map[keys[i]])) return map;
    const result: PlainMap = {};
    for (const [key, item] of entries) {
      // Two keys rendering to the same text is a duplicate-key error on the exact path.
      if (Object.prototype.hasOwnProperty.call(result, key)) throw new GiveUp();
      setKey(result, key, item);
    }
    this.keepMetadata(map, result);
    return result;
  }

  private scalar(scalar: TemplateScalar): unknown {
    const rendered = this.text(scalar.text);
    switch (scalar.style) {
      case 'PLAIN':
        return typedPlain(this.plainText(rendered), this.file);
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
    const template = withPlaceholders.replace(/ATMOSTPL(\d+)X/g, (_, i: string) => this.actions[Number(i)]);
    return this.render(template);
  }

  /** A rendered plain scalar is only the same scalar if it cannot change the YAML around it. */
  private plainText(rendered: string): string {
    if (rendered === '') return rendered;
    if (/[\n\r\t,[\]{}]|: |:$| #|^[-?:#&*!|>'"%@`\s]|\s$/.test(rendered)) throw new GiveUp();
    return rendered;
  }

  private keepMetadata(from: object, to: object): void {
    const location = locationOf(from);
    if (location) setLocation(to, location);
    if (hasMergeMarkers(from)) markHoldsMergeMarkers(to);
  }
}

/** YAML's own typing of a plain scalar (numbers, booleans, null), by the same parser as the exact path. */
function typedPlain(text: string, file: string): unknown {
  if (text === '') return null;
  if (!/^[-+.0-9~nNtTfF]/.test(text)) return text;
  return parseYaml(text, { file });
}

function placeholder(index: number): string {
  return `${MARKER}${index}X`;
}

function collectPlaceholders(value: unknown, seen: Set<number>): void {
  const scan = (text: string) => {
    for (const match of text.matchAll(/ATMOSTPL(\d+)X/g)) seen.add(Number(match[1]));
  };
  if (value instanceof TemplateScalar) scan(value.text);
  else if (value instanceof YamlFunction) scan(value.args);
  else if (value instanceof AppendList) value.items.forEach((item) => collectPlaceholders(item, seen));
  else if (Array.isArray(value)) value.forEach((item) => collectPlaceholders(item, seen));
  else if (isPlainMap(value)) {
    for (const [key, item] of Object.entries(value)) {
      scan(key);
      collectPlaceholders(item, seen);
    }
  }
}
