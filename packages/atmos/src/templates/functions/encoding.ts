/**
 * Sprig's encoders and decoders: JSON and YAML in and out, base64, hashes.
 *
 * JSON and YAML output must match what Atmos writes, because rendered values are compared,
 * hashed and written to backends. Go's encoding/json sorts map keys, escapes <, > and & in
 * toJson, and formats numbers like JS does; JS objects cannot hold integer-like keys in
 * insertion order, so objects are serialized here rather than by JSON.stringify.
 * toYaml goes through sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) in Sprig, which orders keys
 * "naturally" (digit runs compare as numbers: a2 < a10) and does not indent list items.
 */
import { createHash } from 'node:crypto';
import type { Pair } from 'yaml';
import { yamlLib } from '../../yaml-lib';
import { formatNumber } from '../format';
import { compareStrings, goTypeName, isGoMap, isNil, mapEntries } from '../values';
import { fn, type TemplateFunction } from './signature';

// ---------------------------------------------------------------------------------------
// JSON

interface JsonStyle {
  indent: string;
  escapeHtml: boolean;
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

function jsonString(s: string, style: JsonStyle): string {
  const json = JSON.stringify(s);
  const unsafe = style.escapeHtml ? HTML_UNSAFE : LINE_SEPARATORS;
  return json.replace(unsafe, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function encodeJson(v: unknown, style: JsonStyle, depth: number): string {
  if (isNil(v)) return 'null';
  switch (typeof v) {
    case 'string':
      return jsonString(v, style);
    case 'boolean':
      return String(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${formatNumber(v)}`);
      return String(v);
    case 'bigint':
      return v.toString();
    case 'function':
    case 'symbol':
      throw new Error(`json: unsupported type: ${goTypeName(v)}`);
  }
  const inner = style.indent ? '\n' + style.indent.repeat(depth + 1) : '';
  const outer = style.indent ? '\n' + style.indent.repeat(depth) : '';
  const colon = style.indent ? ': ' : ':';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[' + v.map((x) => inner + encodeJson(x, style, depth + 1)).join(',') + outer + ']';
  }
  // encoding/json sorts map keys as strings.
  const entries = (isGoMap(v) ? mapEntries(v).map(([k, x]) => [String(k), x] as const) : Object.entries(v as object)).sort(
    ([a], [b]) => compareStrings(a, b),
  );
  if (entries.length === 0) return '{}';
  const members = entries.map(([k, x]) => inner + jsonString(k, style) + colon + encodeJson(x, style, depth + 1));
  return '{' + members.join(',') + outer + '}';
}

export function toJson(v: unknown, indent = '', escapeHtml = true): string {
  return encodeJson(v, { indent, escapeHtml }, 0);
}

/** Sprig's to*Json swallow encoding errors and return "". */
function lenient(encode: () => string): string {
  try {
    return encode();
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------
// YAML

const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';
const isLetter = (ch: string): boolean => /^\p{L}$/u.test(ch);

/**
 * go-yaml's key order: at the first differing character, two letters compare as characters,
 * a non-letter sorts before a letter, and digit runs compare by numeric value.
 */
export function naturalCompare(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < x.length && i < y.length; i++) {
    const cx = x[i] as string;
    const cy = y[i] as string;
    if (cx === cy) continue;
    const lx = isLetter(cx);
    const ly = isLetter(cy);
    if (lx && ly) return cx < cy ? -1 : 1;
    if (lx || ly) return lx ? 1 : -1;
    // Both non-letters: compare the digit runs starting here (including the digits before i).
    let start = i;
    while (start > 0 && isDigit(x[start - 1] as string)) start--;
    const run = (chars: string[]): { value: bigint; end: number } => {
      let end = start;
      while (end < chars.length && isDigit(chars[end] as string)) end++;
      return { value: end > start ? BigInt(chars.slice(start, end).join('')) : 0n, end };
    };
    const rx = run(x);
    const ry = run(y);
    if (rx.value !== ry.value) return rx.value < ry.value ? -1 : 1;
    if (rx.end !== ry.end) return rx.end < ry.end ? -1 : 1;
    return cx < cy ? -1 : 1;
  }
  return x.length - y.length;
}

/** Converts Maps to plain objects (key order does not matter: the emitter sorts). */
function yamlData(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(yamlData);
  if (isGoMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of mapEntries(v)) out[String(k)] = yamlData(x);
    return out;
  }
  if (typeof v === 'function') throw new Error(`yaml: unsupported type: ${goTypeName(v)}`);
  return v === undefined ? null : v;
}

export function toYaml(v: unknown): string {
  const doc = new (yamlLib().Document)(yamlData(v), {
    version: '1.1',
    sortMapEntries: (a: Pair, b: Pair) => naturalCompare(String(a.key), String(b.key)),
  });
  return doc.toString({ indentSeq: false, lineWidth: 0 }).replace(/\n$/, '');
}

// ---------------------------------------------------------------------------------------
// base64 and hashes

const BASE64 = /^[A-Za-z0-9+/]*$/;

/** Go's StdEncoding.DecodeString; Sprig returns the error text instead of failing. */
function b64dec(s: string): string {
  const clean = s.replace(/[\r\n]/g, '');
  const body = clean.replace(/={1,2}$/, '');
  const bad = [...body].findIndex((c) => !BASE64.test(c));
  if (bad >= 0) return `illegal base64 data at input byte ${bad}`;
  if (clean.length % 4 !== 0 || body.length % 4 === 1) {
    return `illegal base64 data at input byte ${Math.floor(clean.length / 4) * 4}`;
  }
  return Buffer.from(body, 'base64').toString('utf8');
}

const hash = (algorithm: string) => fn(['string'], (s) => createHash(algorithm).update(s, 'utf8').digest('hex'));

export const ENCODING_FUNCTIONS: Record<string, TemplateFunction> = {
  toJson: fn(['any'], (v) => lenient(() => toJson(v))),
  toPrettyJson: fn(['any'], (v) => lenient(() => toJson(v, '  '))),
  toRawJson: fn(['any'], (v) => lenient(() => toJson(v, '', false))),
  mustToJson: fn(['any'], (v) => toJson(v)),
  mustToPrettyJson: fn(['any'], (v) => toJson(v, '  ')),
  mustToRawJson: fn(['any'], (v) => toJson(v, '', false)),
  // Sprig's fromJson yields nil for invalid input; mustFromJson fails instead.
  fromJson: fn(['string'], (s) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return null;
    }
  }),
  mustFromJson: fn(['string'], (s) => JSON.parse(s) as unknown),
  toYaml: fn(['any'], (v) => toYaml(v)),
  fromYaml: fn(['string'], (s) => (yamlLib().parse(s) as unknown) ?? null),
  b64enc: fn(['string'], (s) => Buffer.from(s, 'utf8').toString('base64')),
  b64dec: fn(['string'], b64dec),
  sha1sum: hash('sha1'),
  sha256sum: hash('sha256'),
  sha512sum: hash('sha512'),
};
