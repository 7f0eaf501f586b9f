/**
 * Sprig's regex functions. Patterns are Go RE2 syntax; they are translated to JS RegExp (with
 * the `u` flag, so `.` matches a whole character as in Go):
 * - leading flag groups `(?i)`, `(?s)`, `(?m)` become RegExp flags,
 * - `(?P<name>…)` becomes `(?<name>…)`, `\z` / `\A` become `$` / `^`,
 * - `[[:alpha:]]`-style classes are expanded, `\pL` becomes `\p{L}`,
 * - escapes Go allows but unicode-mode JS rejects (`\-`, `\#`, a lone `{`) become literals.
 * Replacement strings use Go's `$1` / `${name}` expansion, where `$1x` names group "1x".
 */
import { fn, type TemplateFunction } from './signature';

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Characters that may be escaped in a unicode-mode JS pattern. */
const JS_SYNTAX = '^$\\.*+?()[]{}|/';

function translate(pattern: string): { source: string; flags: string } {
  let flags = 'u';
  let i = 0;
  // Leading (?flags) groups.
  for (let m = /^\(\?([imsU]+)\)/.exec(pattern); m; m = /^\(\?([imsU]+)\)/.exec(pattern.slice(i))) {
    for (const f of m[1] as string) {
      if (f === 'U') throw new Error('the (?U) flag is not supported');
      if (!flags.includes(f)) flags += f;
    }
    i += m[0].length;
  }
  let out = '';
  let inClass = false;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new Error('trailing backslash at end of expression');
      if (next === 'z') out += '$';
      else if (next === 'A') out += '^';
      else if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? pattern.length : end);
        out += literal.replace(/[\^$\\.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? pattern.length : end + 2;
        continue;
      } else if ((next === 'p' || next === 'P') && pattern[i + 2] !== '{') {
        out += `\\${next}{${pattern[i + 2] ?? ''}}`;
        i += 3;
        continue;
      } else if (next === 'x' && pattern[i + 2] === '{') {
        const end = pattern.indexOf('}', i);
        out += `\\u{${pattern.slice(i + 3, end)}}`;
        i = end + 1;
        continue;
      } else if (/[A-Za-z0-9]/.test(next) || JS_SYNTAX.includes(next) || (inClass && next === '-')) {
        out += ch + next;
      } else {
        // Go lets any punctuation be escaped; unicode-mode JS only syntax characters, and the
        // others are literals anyway.
        out += next;
      }
      i += 2;
      continue;
    }
    if (inClass) {
      if (ch === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        const name = end < 0 ? '' : pattern.slice(i + 2, end);
        const negated = name.startsWith('^');
        const cls = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (cls === undefined) throw new Error(`invalid character class range: ${pattern.slice(i, end + 2)}`);
        if (negated) throw new Error('negated POSIX classes are not supported');
        out += cls;
        i = end + 2;
        continue;
      }
      if (ch === ']') inClass = false;
      out += ch === '[' ? '\\[' : ch;
      i++;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      i++;
      if (pattern[i] === '^') {
        out += '^';
        i++;
      }
      // A ']' right after '[' or '[^' is a literal in Go.
      if (pattern[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (ch === '(' && pattern.startsWith('(?P<', i)) {
      out += '(?<';
      i += 4;
      continue;
    }
    if (ch === '(' && pattern[i + 1] === '?' && !/^\(\?(:|<|=|!)/.test(pattern.slice(i))) {
      throw new Error(`unsupported flag group in ${pattern}`);
    }
    if (ch === '{') {
      const quantifier = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
      if (quantifier) {
        out += quantifier[0];
        i += quantifier[0].length;
        continue;
      }
      out += '\\{';
      i++;
      continue;
    }
    out += ch === '}' || ch === ']' ? '\\' + ch : ch;
    i++;
  }
  return { source: out, flags };
}

const cache = new Map<string, RegExp>();

/** A global RegExp for a Go pattern; compiled once per pattern. */
export function compileGoRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const { source, flags } = translate(pattern);
    try {
      re = new RegExp(source, flags + 'g');
    } catch (error) {
      throw new Error(`error parsing regexp ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  re.lastIndex = 0;
  return re;
}

/**
 * Go's FindAll: successive non-overlapping matches, skipping an empty match that directly
 * follows the previous match. At most n matches (n < 0: all).
 */
function findAll(re: RegExp, s: string, n = -1): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let prevEnd = -1;
  for (const m of s.matchAll(re)) {
    if (n >= 0 && out.length >= n) break;
    if (m[0] === '' && m.index === prevEnd) continue;
    out.push(m);
    prevEnd = m.index + m[0].length;
  }
  return out;
}

/** Go's Regexp.Expand: $1, ${1}, $name, ${name}; $$ is a dollar; a malformed $ stays literal. */
function expand(template: string, m: RegExpExecArray): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    i = dollar;
    if (template[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    const ref = /^\$(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(template.slice(i));
    if (!ref) {
      out += '$';
      i++;
      continue;
    }
    const name = (ref[1] ?? ref[2]) as string;
    i += ref[0].length;
    if (/^[0-9]+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
  }
  return out;
}

function replaceAll(pattern: string, s: string, replacement: (m: RegExpExecArray) => string): string {
  let out = '';
  let last = 0;
  for (const m of findAll(compileGoRegex(pattern), s)) {
    out += s.slice(last, m.index) + replacement(m);
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
}

/** Go's Regexp.Split(s, n). */
function split(pattern: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (pattern.length > 0 && s.length === 0) return [''];
  const matches = findAll(compileGoRegex(pattern), s, n);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

export const REGEX_FUNCTIONS: Record<string, TemplateFunction> = {
  regexMatch: fn(['string', 'string'], (pattern, s) => {
    const re = compileGoRegex(pattern);
    return re.test(s);
  }),
  regexFind: fn(['string', 'string'], (pattern, s) => findAll(compileGoRegex(pattern), s, 1)[0]?.[0] ?? ''),
  regexFindAll: fn(['string', 'string', 'int'], (pattern, s, n) => findAll(compileGoRegex(pattern), s, n).map((m) => m[0])),
  regexReplaceAll: fn(['string', 'string', 'string'], (pattern, s, repl) => replaceAll(pattern, s, (m) => expand(repl, m))),
  regexReplaceAllLiteral: fn(['string', 'string', 'string'], (pattern, s, repl) => replaceAll(pattern, s, () => repl)),
  regexSplit: fn(['string', 'string', 'int'], split),
  regexQuoteMeta: fn(['string'], (s) => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')),
};
