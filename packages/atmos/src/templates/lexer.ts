/**
 * Splits a template into tokens: text between actions, and the words of each action.
 *
 * Follows the lexical rules of Go's text/template so that a template accepted here is accepted
 * by Atmos too (and the other way round): trim markers are `{{- ` and ` -}}` (the space is
 * required, so `{{-3}}` is the number -3), comments must hug the delimiters (`{{/* x *\/}}`),
 * and a field or identifier must be followed by a space, `.`, `,`, `|`, `:`, `(`, `)` or the
 * closing delimiter — which is why `.vars.my-key` is an error and needs `index .vars "my-key"`.
 * Comments are dropped here; the parser never sees them.
 */
import { PositionedError } from './errors';

export type TokenType =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'leftParen'
  | 'rightParen'
  | 'pipe'
  | 'declare'
  | 'assign'
  /** Any other printable ASCII punctuation, e.g. the `,` between range variables. */
  | 'char'
  | 'dot'
  | 'field'
  | 'variable'
  | 'identifier'
  | 'keyword'
  | 'bool'
  | 'nil'
  | 'number'
  | 'charConstant'
  | 'string'
  | 'rawString'
  | 'eof';

export interface Token {
  type: TokenType;
  /** Source text of the token; for `text`, the text after trimming. */
  value: string;
  pos: number;
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);

export function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/** Go's isAlphaNumeric: underscore, Unicode letter or Unicode decimal digit. */
export function isAlphaNumeric(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  if (c < 0x80) {
    return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
  }
  return /^[\p{L}\p{Nd}]$/u.test(ch);
}

/** `U+002D '-'`, the way Go's %#U describes a character. */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch) ? `U+${hex} '${ch}'` : `U+${hex}`;
}

export function lex(source: string, leftDelim: string, rightDelim: string): Token[] {
  return new Lexer(source, leftDelim, rightDelim).run();
}

class Lexer {
  private readonly tokens: Token[] = [];
  private pos = 0;
  private parenDepth = 0;

  constructor(
    private readonly src: string,
    private readonly left: string,
    private readonly right: string,
  ) {}

  run(): Token[] {
    for (let next = this.lexText(); next !== 'eof'; next = this.lexText()) {
      if (next === 'action') this.lexAction();
    }
    this.tokens.push({ type: 'eof', value: '', pos: this.src.length });
    return this.tokens;
  }

  private emit(type: TokenType, start: number, end: number): void {
    this.tokens.push({ type, value: this.src.slice(start, end), pos: start });
  }

  /** Emits the text up to the next action or comment and says which one follows. */
  private lexText(): 'eof' | 'action' | 'comment' {
    const { src } = this;
    const start = this.pos;
    const delim = src.indexOf(this.left, start);
    if (delim < 0) {
      if (start < src.length) this.emit('text', start, src.length);
      this.pos = src.length;
      return 'eof';
    }
    let textEnd = delim;
    let afterDelim = delim + this.left.length;
    if (src[afterDelim] === '-' && isSpace(src[afterDelim + 1])) {
      // Left trim marker: drop the whitespace that ends the preceding text.
      while (textEnd > start && isSpace(src[textEnd - 1])) textEnd--;
      afterDelim += 2;
    }
    if (textEnd > start) this.emit('text', start, textEnd);
    if (src.startsWith('/*', afterDelim)) {
      this.skipComment(delim, afterDelim);
      return 'comment';
    }
    this.tokens.push({ type: 'leftDelim', value: this.left, pos: delim });
    this.pos = afterDelim;
    return 'action';
  }

  private skipComment(delimPos: number, commentStart: number): void {
    const { src } = this;
    const close = src.indexOf('*/', commentStart + 2);
    if (close < 0) throw new PositionedError(delimPos, 'unclosed comment');
    let p = close + 2;
    const trim = this.atRightTrimMarker(p);
    if (trim) p += 2;
    else if (!src.startsWith(this.right, p)) {
      throw new PositionedError(delimPos, 'comment ends before closing delimiter');
    }
    p += this.right.length;
    if (trim) p = this.skipSpace(p);
    // Comments produce nothing; the next lexText continues from here.
    this.pos = p;
  }

  /** A right trim marker is one whitespace character, `-`, then the right delimiter. */
  private atRightTrimMarker(p: number): boolean {
    return isSpace(this.src[p]) && this.src[p + 1] === '-' && this.src.startsWith(this.right, p + 2);
  }

  private skipSpace(p: number): number {
    while (isSpace(this.src[p])) p++;
    return p;
  }

  /** Emits the tokens of one action, up to and including its right delimiter. */
  private lexAction(): void {
    const { src } = this;
    const actionStart = this.tokens[this.tokens.length - 1]?.pos ?? this.pos;
    this.parenDepth = 0;
    for (;;) {
      const p = this.pos;
      if (src.startsWith(this.right, p)) {
        this.closeAction(p, p + this.right.length, false);
        return;
      }
      const ch = src[p];
      if (ch === undefined) throw new PositionedError(actionStart, 'unclosed action');
      if (isSpace(ch)) {
        const end = this.skipSpace(p);
        if (src[end] === '-' && src.startsWith(this.right, end + 1)) {
          this.emit('space', p, end);
          this.closeAction(end - 1, end + 1 + this.right.length, true);
          return;
        }
        this.emit('space', p, end);
        this.pos = end;
        continue;
      }
      this.lexInsideAction(ch, p);
    }
  }

  private closeAction(pos: number, after: number, trim: boolean): void {
    if (this.parenDepth > 0) throw new PositionedError(pos, 'unclosed left paren');
    this.tokens.push({ type: 'rightDelim', value: this.right, pos });
    this.pos = trim ? this.skipSpace(after) : after;
  }

  private lexInsideAction(ch: string, p: number): void {
    const { src } = this;
    switch (ch) {
      case '=':
        this.emit('assign', p, p + 1);
        this.pos = p + 1;
        return;
      case ':':
        if (src[p + 1] !== '=') throw new PositionedError(p, 'expected :=');
        this.emit('declare', p, p + 2);
        this.pos = p + 2;
        return;
      case '|':
        this.emit('pipe', p, p + 1);
        this.pos = p + 1;
        return;
      case '"':
        this.pos = this.scanQuoted(p, '"', 'unterminated quoted string');
        this.emit('string', p, this.pos);
        return;
      case "'":
        this.pos = this.scanQuoted(p, "'", 'unterminated character constant');
        this.emit('charConstant', p, this.pos);
        return;
      case '`': {
        const close = src.indexOf('`', p + 1);
        if (close < 0) throw new PositionedError(p, 'unterminated raw quoted string');
        this.pos = close + 1;
        this.emit('rawString', p, this.pos);
        return;
      }
      case '$':
        this.lexFieldOrVariable(p, 'variable');
        return;
      case '.': {
        const next = src[p + 1];
        if (next === undefined || next < '0' || next > '9') {
          this.lexFieldOrVariable(p, 'field');
          return;
        }
        this.lexNumber(p); // `.5`
        return;
      }
      case '(':
        this.parenDepth++;
        this.emit('leftParen', p, p + 1);
        this.pos = p + 1;
        return;
      case ')':
        this.parenDepth--;
        if (this.parenDepth < 0) throw new PositionedError(p, 'unexpected right paren');
        this.emit('rightParen', p, p + 1);
        this.pos = p + 1;
        return;
    }
    if (ch === '+' || ch === '-' || (ch >= '0' && ch <= '9')) {
      this.lexNumber(p);
      return;
    }
    const full = String.fromCodePoint(src.codePointAt(p) ?? 0);
    if (isAlphaNumeric(full)) {
      this.lexIdentifier(p);
      return;
    }
    const code = ch.charCodeAt(0);
    if (code > 0x20 && code < 0x7f) {
      this.emit('char', p, p + 1);
      this.pos = p + 1;
      return;
    }
    throw new PositionedError(p, `unrecognized character in action: ${describeChar(full)}`);
  }

  /** Returns the offset after the closing quote; backslash escapes one character. */
  private scanQuoted(start: number, quote: string, unterminated: string): number {
    const { src } = this;
    for (let p = start + 1; ; p++) {
      const ch = src[p];
      if (ch === '\\') {
        const escaped = src[p + 1];
        if (escaped === undefined || escaped === '\n') throw new PositionedError(start, unterminated);
        p++;
        continue;
      }
      if (ch === undefined || ch === '\n') throw new PositionedError(start, unterminated);
      if (ch === quote) return p + 1;
    }
  }

  /** Scans an alphanumeric run starting at `p`, returning its end. */
  private scanWord(p: number): number {
    const { src } = this;
    while (p < src.length) {
      const c = src.charCodeAt(p);
      if (c < 0x80) {
        if (!isAlphaNumeric(src[p])) break;
        p++;
        continue;
      }
      const full = String.fromCodePoint(src.codePointAt(p) ?? 0);
      if (!isAlphaNumeric(full)) break;
      p += full.length;
    }
    return p;
  }

  /** Whether the character at `p` may follow a word: space, punctuation or the right delimiter. */
  private atTerminator(p: number): boolean {
    const ch = this.src[p];
    if (ch === undefined || isSpace(ch)) return true;
    switch (ch) {
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
    }
    return this.src.startsWith(this.right, p);
  }

  private badCharacter(p: number): never {
    const full = String.fromCodePoint(this.src.codePointAt(p) ?? 0);
    throw new PositionedError(p, `bad character ${describeChar(full)}`);
  }

  private lexFieldOrVariable(p: number, type: 'field' | 'variable'): void {
    if (this.atTerminator(p + 1)) {
      // A lone `.` is dot; a lone `$` is the root variable.
      this.emit(type === 'field' ? 'dot' : 'variable', p, p + 1);
      this.pos = p + 1;
      return;
    }
    const end = this.scanWord(p + 1);
    if (!this.atTerminator(end)) this.badCharacter(end);
    this.emit(type, p, end);
    this.pos = end;
  }

  private lexIdentifier(p: number): void {
    const end = this.scanWord(p);
    if (!this.atTerminator(end)) this.badCharacter(end);
    const word = this.src.slice(p, end);
    let type: TokenType = 'identifier';
    if (KEYWORDS.has(word)) type = 'keyword';
    else if (word === 'true' || word === 'false') type = 'bool';
    else if (word === 'nil') type = 'nil';
    this.emit(type, p, end);
    this.pos = end;
  }

  /** Go's number syntax: sign, 0x/0o/0b prefixes, underscores, fraction, exponent. */
  private lexNumber(start: number): void {
    const { src } = this;
    let p = start;
    const accept = (chars: string): boolean => {
      if (p < src.length && chars.includes(src[p] as string)) {
        p++;
        return true;
      }
      return false;
    };
    const acceptRun = (chars: string): void => {
      while (p < src.length && chars.includes(src[p] as string)) p++;
    };
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(src[p])) {
      throw new PositionedError(start, `bad number syntax: ${JSON.stringify(src.slice(start, p + 1))}`);
    }
    this.emit('number', start, p);
    this.pos = p;
  }
}
