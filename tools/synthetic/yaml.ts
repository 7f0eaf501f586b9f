/**
 * A tiny deterministic YAML writer for generated manifests. Output is stable byte for byte
 * (keys in insertion order, two-space indentation), and `raw()` values are written unquoted so
 * `.yaml.tmpl` files can hold `{{ .retention }}` where a number will be after rendering.
 */

/** Text written as is (no quoting), e.g. a Go template that renders to a number. */
export class Raw {
  constructor(readonly text: string) {}
}

export const raw = (text: string): Raw => new Raw(text);

export type YamlValue = string | number | boolean | null | Raw | YamlValue[] | { [key: string]: YamlValue };

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

function scalar(value: string | number | boolean | null | Raw): string {
  if (value instanceof Raw) return value.text;
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (PLAIN.test(value) && !RESERVED.test(value)) return value;
  return JSON.stringify(value);
}

function key(name: string): string {
  return /^[0-9]+$/.test(name) ? name : scalar(name);
}

function isMap(value: YamlValue): value is { [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Raw);
}

function isBlock(value: YamlValue): boolean {
  return (Array.isArray(value) && value.length > 0) || (isMap(value) && Object.keys(value).length > 0);
}

function inline(value: YamlValue): string {
  if (Array.isArray(value)) return '[]';
  if (isMap(value)) return '{}';
  return scalar(value);
}

function block(value: YamlValue, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isMap(item) && Object.keys(item).length > 0) {
        // `- first: x` then the other keys aligned under `first`.
        const lines: string[] = [];
        block(item, indent + 2, lines);
        lines[0] = pad + '- ' + lines[0].slice(indent + 2);
        out.push(...lines);
      } else if (isBlock(item)) {
        out.push(pad + '-');
        block(item, indent + 2, out);
      } else {
        out.push(pad + '- ' + inline(item));
      }
    }
    return;
  }
  if (isMap(value)) {
    for (const [name, item] of Object.entries(value)) {
      if (isBlock(item)) {
        out.push(pad + key(name) + ':');
        block(item, indent + 2, out);
      } else {
        out.push(pad + key(name) + ': ' + inline(item));
      }
    }
    return;
  }
  out.push(pad + inline(value));
}

/** A YAML document for a top-level map, with optional leading `#` comment lines. */
export function toYaml(value: { [key: string]: YamlValue }, comment?: string[]): string {
  const out: string[] = (comment ?? []).map((line) => (line === '' ? '#' : `# ${line}`));
  block(value, 0, out);
  return out.join('\n') + '\n';
}
