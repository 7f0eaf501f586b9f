/**
 * Sprig's string functions. Argument order follows Sprig, where the string being worked on
 * comes last so it can be piped: `{{ .name | trimPrefix "x-" | upper }}`.
 */
import { formatValue, quote } from '../format';
import { byteLength, byteSlice, isNil } from '../values';
import { strslice, strval } from './conversion';
import { fn, variadic, type TemplateFunction } from './signature';

/** strings.Split: an empty separator splits into characters. */
export function goSplit(s: string, sep: string): string[] {
  return sep === '' ? Array.from(s) : s.split(sep);
}

/** strings.SplitN: at most n parts, the last one holding the rest; n < 0 means all. */
function goSplitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  const all = goSplit(s, sep);
  if (n < 0 || all.length <= n) return all;
  return [...all.slice(0, n - 1), all.slice(n - 1).join(sep)];
}

/** Sprig's split/splitn return a dict keyed _0, _1, … */
function indexedDict(parts: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  parts.forEach((p, i) => (out[`_${i}`] = p));
  return out;
}

/** strings.Replace(s, old, new, -1): an empty `old` inserts `new` around every character. */
function replaceAll(s: string, from: string, to: string): string {
  if (from !== '') return s.split(from).join(to);
  return to + Array.from(s).join(to) + (s === '' ? '' : to);
}

/** strings.Trim: drop leading and trailing characters that appear in the cutset. */
function trimCutset(s: string, cutset: string): string {
  const set = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let start = 0;
  let end = chars.length;
  while (start < end && set.has(chars[start] as string)) start++;
  while (end > start && set.has(chars[end - 1] as string)) end--;
  return chars.slice(start, end).join('');
}

/** strings.Title: upper-case the first letter of every word; the rest is left alone. */
function title(s: string): string {
  let out = '';
  let prevIsSeparator = true;
  for (const ch of s) {
    out += prevIsSeparator ? ch.toUpperCase() : ch;
    prevIsSeparator = !/^[\p{L}\p{Nd}_]$/u.test(ch) && (/^[\x00-\x7f]$/.test(ch) || /^\s$/u.test(ch));
  }
  return out;
}

/** Sprig's substr: byte offsets; a negative start means 0, an end past the string means its end. */
function substr(start: number, end: number, s: string): string {
  if (start < 0) return byteSlice(s, 0, end);
  if (end < 0 || end > byteLength(s)) return byteSlice(s, start);
  if (start > end) throw new Error(`slice bounds out of range [${start}:${end}]`);
  return byteSlice(s, start, end);
}

/** Sprig's trunc: keep the first c bytes, or with a negative c the last -c bytes. */
function trunc(c: number, s: string): string {
  const len = byteLength(s);
  if (c < 0 && len + c > 0) return byteSlice(s, len + c);
  if (c >= 0 && len > c) return byteSlice(s, 0, c);
  return s;
}

function indent(spaces: number, s: string): string {
  const pad = ' '.repeat(Math.max(spaces, 0));
  return pad + s.split('\n').join('\n' + pad);
}

export const STRING_FUNCTIONS: Record<string, TemplateFunction> = {
  quote: variadic([], 'any', (...args) =>
    args
      .filter((a) => !isNil(a))
      .map((a) => quote(strval(a)))
      .join(' '),
  ),
  squote: variadic([], 'any', (...args) =>
    args
      .filter((a) => !isNil(a))
      .map((a) => `'${formatValue(a)}'`)
      .join(' '),
  ),
  cat: variadic([], 'any', (...args) =>
    args
      .filter((a) => !isNil(a))
      .map(formatValue)
      .join(' '),
  ),
  upper: fn(['string'], (s) => s.toUpperCase()),
  lower: fn(['string'], (s) => s.toLowerCase()),
  title: fn(['string'], title),
  trim: fn(['string'], (s) => s.trim()),
  trimAll: fn(['string', 'string'], (cutset, s) => trimCutset(s, cutset)),
  trimall: fn(['string', 'string'], (cutset, s) => trimCutset(s, cutset)),
  trimPrefix: fn(['string', 'string'], (prefix, s) => (s.startsWith(prefix) ? s.slice(prefix.length) : s)),
  trimSuffix: fn(['string', 'string'], (suffix, s) =>
    suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s,
  ),
  replace: fn(['string', 'string', 'string'], (from, to, s) => replaceAll(s, from, to)),
  contains: fn(['string', 'string'], (substr, s) => s.includes(substr)),
  hasPrefix: fn(['string', 'string'], (prefix, s) => s.startsWith(prefix)),
  hasSuffix: fn(['string', 'string'], (suffix, s) => s.endsWith(suffix)),
  split: fn(['string', 'string'], (sep, s) => indexedDict(goSplit(s, sep))),
  splitn: fn(['string', 'int', 'string'], (sep, n, s) => indexedDict(goSplitN(s, sep, n))),
  splitList: fn(['string', 'string'], (sep, s) => goSplit(s, sep)),
  join: fn(['string', 'any'], (sep, list) => strslice(list).join(sep)),
  nospace: fn(['string'], (s) => s.replace(/[\s\u0085]/gu, '')),
  repeat: fn(['int', 'string'], (count, s) => {
    if (count < 0) throw new Error('strings: negative Repeat count');
    return s.repeat(count);
  }),
  substr: fn(['int', 'int', 'string'], substr),
  trunc: fn(['int', 'string'], trunc),
  indent: fn(['int', 'string'], indent),
  nindent: fn(['int', 'string'], (spaces, s) => '\n' + indent(spaces, s)),
};
