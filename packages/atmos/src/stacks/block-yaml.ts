/**
 * A fast reader for the plain block-style YAML that stack manifests are written in: nested maps
 * and lists by indentation, one-line scalars (plain, single- or double-quoted without escapes),
 * comments, `[]` / `{}`, and local tags on scalars (`!env FOO`). It gives the same values, key
 * order and node positions as js-yaml, but runs several times faster on a cold process, where a
 * workspace's hundreds of manifests are read once each.
 *
 * A leading `---` line is allowed. Anything outside that subset (anchors and aliases, block
 * scalars, multi-line scalars, flow collections with content, escapes, explicit keys, directives,
 * more documents, tabs, duplicate keys, tags on collections, or any syntax error) makes it give up
 * with NOT_BLOCK_YAML, and the caller parses
 * the text with js-yaml, which also reports the errors. It never accepts a text js-yaml would
 * refuse or read differently: block-yaml.spec.ts checks it against js-yaml on every manifest of
 * the repository and on generated and mutated documents.
 */

import { hasOwn } from './values';

export const NOT_BLOCK_YAML: unique symbol = Symbol('not block yaml');

export interface BlockYamlHooks {
  /** A plain scalar as the schema's implicit types read it (null, booleans, numbers, else the string). */
  resolvePlain(text: string): unknown;
  /** A scalar with a local tag (`!env FOO`; null data for a tag alone); `offset` is the tag's. */
  tagged(tag: string, data: string | null, offset: number): unknown;
  /** A map or list read, with the offset where its content starts (js-yaml's node position, made exact). */
  located(node: object, offset: number): void;
  /** Every string scalar read (keys too, not a tag's data), in document order, with its style. */
  string?(value: string, style: ScalarStyle): void;
}

export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

/** Thrown inside the reader to give up; never escapes (a plain object: no stack trace to capture). */
const GIVE_UP = { giveUp: true };

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BANG = 0x21;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const BACKSLASH = 0x5c;

/** Characters that never start a plain scalar or a plain key: indicators, anchors, aliases, tags, quotes, reserved. */
const INDICATORS = new Set([...',[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));
/** `-`, `?` and `:` start a plain scalar only when a non-space follows (`-1`, `-lock-timeout=5m`). */
const INDICATORS_BEFORE_SPACE = new Set([...'-?:'].map((c) => c.charCodeAt(0)));

/** Reads `text`, or gives NOT_BLOCK_YAML when it is not block YAML of the subset; null for a document without content. */
export function parseBlockYaml(text: string, hooks: BlockYamlHooks): unknown {
  // Whole-text refusals: tabs (YAML forbids them in indentation; simpler to leave them all to
  // js-yaml), carriage returns, a byte-order mark, directives, and document markers other than
  // one `---` on the first line (a common way to start a manifest).
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return NOT_BLOCK_YAML;
  const start = documentStart(text);
  if (start < 0 || text.includes('\n---', start - 1) || text.includes('\n...') || text.startsWith('...') || text.startsWith('%') || text.includes('\n%')) {
    return NOT_BLOCK_YAML;
  }
  try {
    return new BlockReader(text, hooks, start).document();
  } catch (error) {
    // A RangeError is a nesting too deep for the call stack: js-yaml reports its own depth limit.
    if (error === GIVE_UP || error instanceof RangeError) return NOT_BLOCK_YAML;
    throw error;
  }
}

/** Where the document's content may start: after a leading `---` line (-1: that line holds more than a comment). */
function documentStart(text: string): number {
  if (!text.startsWith('---')) return 0;
  let end = text.indexOf('\n');
  if (end < 0) end = text.length;
  const rest = text.slice(3, end).trim();
  return rest === '' || (rest.startsWith('#') && text.charCodeAt(3) === SPACE) ? Math.min(end + 1, text.length) : -1;
}

class BlockReader {
  /** Start of the current content line (-1 at the end of the text). */
  private lineStart = 0;
  /** Column of the current position: a line's indentation, or where an entry after `- ` starts. */
  private indent = 0;
  /** Offset of the current content. */
  private at = 0;
  /** End of the current line (its newline, or the end of the text). */
  private lineEnd = 0;
  /** Where the value of the key just read starts. */
  private valueAt = 0;

  constructor(
    private readonly text: string,
    private readonly hooks: BlockYamlHooks,
    start: number,
  ) {
    this.seekContent(start);
  }

  document(): unknown {
    if (this.lineStart < 0) return null;
    // A top-level list or scalar, or an indented document: js-yaml's business.
    if (this.indent !== 0 || this.isListItem()) throw GIVE_UP;
    const map = this.mapping(0);
    if (this.lineStart >= 0) throw GIVE_UP;
    return map;
  }

  /** Moves to the first line at or after `from` with content (skipping blank and comment-only lines). */
  private seekContent(from: number): void {
    const text = this.text;
    let start = from;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      let i = start;
      while (i < end && text.charCodeAt(i) === SPACE) i++;
      if (i < end && text.charCodeAt(i) !== HASH) {
        this.lineStart = start;
        this.indent = i - start;
        this.at = i;
        this.lineEnd = end;
        return;
      }
      start = end + 1;
    }
    this.lineStart = -1;
    this.indent = -1;
  }

  private nextLine(): void {
    this.seekContent(this.lineEnd + 1);
  }

  /** `- ` or a lone `-` at the current position. */
  private isListItem(): boolean {
    if (this.text.charCodeAt(this.at) !== DASH) return false;
    const next = this.at + 1;
    return next === this.lineEnd || this.text.charCodeAt(next) === SPACE;
  }

  /** A map or a list whose entries start at the current position and column. */
  private block(): unknown {
    return this.isListItem() ? this.list(this.indent) : this.mapping(this.indent);
  }

  private mapping(column: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    const start = this.at;
    for (;;) {
      const key = this.key();
      if (key === '__proto__' || hasOwn(map, key)) throw GIVE_UP;
      map[key] = this.value(this.valueAt, column, true);
      if (this.lineStart < 0 || this.indent < column) break;
      if (this.indent > column || this.isListItem()) throw GIVE_UP;
    }
    this.hooks.located(map, start);
    return map;
  }

  private list(column: number): unknown[] {
    const list: unknown[] = [];
    const start = this.at;
    for (;;) {
      let itemAt = this.at + 1;
      while (itemAt < this.lineEnd && this.text.charCodeAt(itemAt) === SPACE) itemAt++;
      list.push(this.item(itemAt, column));
      if (this.lineStart < 0 || this.indent < column) break;
      if (this.indent > column) throw GIVE_UP;
      // Back at the list's column: another item, or (for a list that is a map's value at the
      // map's own column) the map's next key, which the map reads.
      if (!this.isListItem()) break;
    }
    this.hooks.located(list, start);
    return list;
  }

  /** One list item, its content starting at `itemAt` on the current line. */
  private item(itemAt: number, column: number): unknown {
    if (itemAt === this.lineEnd || this.text.charCodeAt(itemAt) === HASH) return this.value(itemAt, column, false);
    this.at = itemAt;
    if (this.isListItem()) throw GIVE_UP; // `- - x`
    if (this.keyColon(itemAt) < 0) return this.value(itemAt, column, false);
    // `- key: value`: a map whose column is where its first key starts.
    this.indent = itemAt - this.lineStart;
    return this.mapping(this.indent);
  }

  /**
   * The value after a key (`inMap`) or a list's `-`, at `valueAt` on the current line; leaves the
   * reader on the next content line. Nothing after the key means a nested block on the lines
   * below (more indented, or a list at the map's own column) or null.
   */
  private value(valueAt: number, column: number, inMap: boolean): unknown {
    if (valueAt < this.lineEnd && this.text.charCodeAt(valueAt) !== HASH) {
      const value = this.scalar(valueAt);
      this.nextLine();
      // A more indented line after a scalar would continue it (a multi-line scalar) or be an error.
      if (this.lineStart >= 0 && this.indent > column) throw GIVE_UP;
      return value;
    }
    this.nextLine();
    if (this.lineStart < 0) return null;
    // After a bare `-`, js-yaml takes a `-` on a less indented line for another item of this list.
    if (this.indent < column) {
      if (!inMap) throw GIVE_UP;
      return null;
    }
    if (this.indent > column) return this.block();
    return inMap && this.isListItem() ? this.list(column) : null;
  }

  /** The key at the current position; its value starts at `valueAt`. */
  private key(): string {
    const text = this.text;
    const start = this.at;
    const colon = this.keyColon(start);
    if (colon < 0) throw GIVE_UP;
    let key: string;
    const first = text.charCodeAt(start);
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
      key = this.quotedString(start, colon - 1);
    } else {
      if (!this.startsPlain(start) || text.charCodeAt(colon - 1) === SPACE) throw GIVE_UP;
      const written = text.slice(start, colon);
      if (written === '<<') throw GIVE_UP; // a merge key
      // js-yaml resolves a plain key like any scalar and keeps its string form (`1.0:` is "1").
      key = String(this.plainValue(written));
    }
    let valueAt = colon + 1;
    while (valueAt < this.lineEnd && text.charCodeAt(valueAt) === SPACE) valueAt++;
    this.valueAt = valueAt;
    return key;
  }

  /**
   * The colon ending a key that starts at `start` on the current line (followed by a space or
   * the line's end), or -1 when the line holds no key there.
   */
  private keyColon(start: number): number {
    const text = this.text;
    const end = this.lineEnd;
    const first = text.charCodeAt(start);
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
      const close = this.closingQuote(start);
      const colon = close + 1;
      if (close < 0 || text.charCodeAt(colon) !== COLON) return -1;
      return colon + 1 === end || text.charCodeAt(colon + 1) === SPACE ? colon : -1;
    }
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return i;
      if (c === HASH && text.charCodeAt(i - 1) === SPACE) return -1;
    }
    return -1;
  }

  /** Where the quoted scalar starting at `start` closes on this line (-1: it does not, or holds an escape). */
  private closingQuote(start: number): number {
    const text = this.text;
    const quote = text.charCodeAt(start);
    for (let i = start + 1; i < this.lineEnd; i++) {
      const c = text.charCodeAt(i);
      if (quote === DOUBLE_QUOTE && c === BACKSLASH) return -1;
      if (c !== quote) continue;
      if (quote === SINGLE_QUOTE && text.charCodeAt(i + 1) === SINGLE_QUOTE) {
        i++; // '' is an escaped quote
        continue;
      }
      return i;
    }
    return -1;
  }

  /** The content of the quoted scalar from `start` to its closing quote at `close`. */
  private quoted(start: number, close: number): string {
    const inner = this.text.slice(start + 1, close);
    return this.text.charCodeAt(start) === SINGLE_QUOTE && inner.includes("''") ? inner.replaceAll("''", "'") : inner;
  }

  /** A quoted scalar that is a node of its own (a key or a value, not a tag's data). */
  private quotedString(start: number, close: number): string {
    const value = this.quoted(start, close);
    this.hooks.string?.(value, this.text.charCodeAt(start) === SINGLE_QUOTE ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE');
    return value;
  }

  /** A plain scalar that is a node of its own, resolved. */
  private plainValue(written: string): unknown {
    const value = this.hooks.resolvePlain(written);
    if (typeof value === 'string') this.hooks.string?.(value, 'PLAIN');
    return value;
  }

  /** A one-line scalar value at `at`, up to the end of the line or a comment. */
  private scalar(at: number): unknown {
    const text = this.text;
    const first = text.charCodeAt(at);
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
      const close = this.closingQuote(at);
      if (close < 0) throw GIVE_UP;
      this.expectLineEnd(close + 1);
      return this.quotedString(at, close);
    }
    if (first === BANG) return this.taggedScalar(at);
    if ((first === OPEN_BRACKET || first === OPEN_BRACE) && text.charCodeAt(at + 1) === (first === OPEN_BRACKET ? CLOSE_BRACKET : CLOSE_BRACE)) {
      this.expectLineEnd(at + 2);
      const empty = first === OPEN_BRACKET ? [] : {};
      this.hooks.located(empty, at);
      return empty;
    }
    return this.plainValue(this.plain(at));
  }

  /** `!tag` then nothing, a plain or a quoted scalar. */
  private taggedScalar(at: number): unknown {
    const text = this.text;
    let end = at + 1;
    while (end < this.lineEnd && isTagChar(text.charCodeAt(end))) end++;
    if (end === at + 1 || (end < this.lineEnd && text.charCodeAt(end) !== SPACE)) throw GIVE_UP;
    const tag = text.slice(at, end);
    // `!append` tags a list, on the lines below: js-yaml's business.
    if (tag === '!append') throw GIVE_UP;
    let dataAt = end;
    while (dataAt < this.lineEnd && text.charCodeAt(dataAt) === SPACE) dataAt++;
    let data: string | null = null;
    if (dataAt < this.lineEnd && text.charCodeAt(dataAt) !== HASH) {
      const first = text.charCodeAt(dataAt);
      if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
        const close = this.closingQuote(dataAt);
        if (close < 0) throw GIVE_UP;
        this.expectLineEnd(close + 1);
        data = this.quoted(dataAt, close);
      } else {
        data = this.plain(dataAt);
      }
    }
    return this.hooks.tagged(tag, data, at);
  }

  /** A plain scalar's text from `at` (not a key: no `: ` inside, no `:` at its end), comment and trailing spaces off. */
  private plain(at: number): string {
    const text = this.text;
    if (!this.startsPlain(at)) throw GIVE_UP;
    let end = this.lineEnd;
    for (let i = at; i < this.lineEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === HASH && text.charCodeAt(i - 1) === SPACE) {
        end = i;
        break;
      }
      if (c === COLON && (i + 1 === this.lineEnd || text.charCodeAt(i + 1) === SPACE)) throw GIVE_UP;
    }
    while (end > at && text.charCodeAt(end - 1) === SPACE) end--;
    return text.slice(at, end);
  }

  /** Whether a plain scalar (or key) can start at `at`, as js-yaml decides it in block context. */
  private startsPlain(at: number): boolean {
    const c = this.text.charCodeAt(at);
    if (INDICATORS.has(c)) return false;
    if (!INDICATORS_BEFORE_SPACE.has(c)) return true;
    return at + 1 < this.lineEnd && this.text.charCodeAt(at + 1) !== SPACE;
  }

  /** After a quoted scalar or `[]`: only spaces, then the line's end or a comment. */
  private expectLineEnd(from: number): void {
    let i = from;
    while (i < this.lineEnd && this.text.charCodeAt(i) === SPACE) i++;
    if (i === this.lineEnd) return;
    if (this.text.charCodeAt(i) !== HASH || i === from) throw GIVE_UP;
  }
}

/** Characters of a local tag name as manifests write them (`!terraform.output`, `!store.get`, `!repo-root`). */
function isTagChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x5f || c === DASH;
}
