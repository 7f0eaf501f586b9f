import { PositionedError } from './errors';
import { lex, type Token } from './lexer';
import { charConstantValue, numberValue, parseGoFloat, parseGoInt, unquote } from './literals';

/** Tokens as "type:value", without spaces and the final eof, for compact expectations. */
function tokens(source: string, left = '{{', right = '}}'): string[] {
  return lex(source, left, right)
    .filter((t: Token) => t.type !== 'space' && t.type !== 'eof')
    .map((t) => `${t.type}:${t.value}`);
}

function lexError(source: string): { pos: number; detail: string } {
  try {
    lex(source, '{{', '}}');
  } catch (error) {
    if (error instanceof PositionedError) return { pos: error.pos, detail: error.detail };
    throw error;
  }
  throw new Error(`expected ${source} to fail`);
}

describe('lex', () => {
  it('splits text and actions', () => {
    expect(tokens('a {{ .b }} c')).toEqual(['text:a ', 'leftDelim:{{', 'field:.b', 'rightDelim:}}', 'text: c']);
  });

  it('recognises every kind of word', () => {
    expect(tokens('{{ $x := .a.b | printf "%s" `raw` \'c\' 1.5 true nil . $ ( ) , = }}')).toEqual([
      'leftDelim:{{',
      'variable:$x',
      'declare::=',
      'field:.a',
      'field:.b',
      'pipe:|',
      'identifier:printf',
      'string:"%s"',
      'rawString:`raw`',
      "charConstant:'c'",
      'number:1.5',
      'bool:true',
      'nil:nil',
      'dot:.',
      'variable:$',
      'leftParen:(',
      'rightParen:)',
      'char:,',
      'assign:=',
      'rightDelim:}}',
    ]);
  });

  it('lexes keywords and chained fields after identifiers and variables', () => {
    expect(tokens('{{ if }}{{ else }}{{ end }}')).toEqual([
      'leftDelim:{{', 'keyword:if', 'rightDelim:}}', 'leftDelim:{{', 'keyword:else', 'rightDelim:}}', 'leftDelim:{{', 'keyword:end', 'rightDelim:}}',
    ]);
    expect(tokens('{{ atmos.Component $v.x }}')).toEqual([
      'leftDelim:{{', 'identifier:atmos', 'field:.Component', 'variable:$v', 'field:.x', 'rightDelim:}}',
    ]);
  });

  it('applies trim markers to the surrounding text', () => {
    expect(tokens('a \n {{- 1 -}} \n b')).toEqual(['text:a', 'leftDelim:{{', 'number:1', 'rightDelim:}}', 'text:b']);
    expect(tokens('a {{-1}} b')).toEqual(['text:a ', 'leftDelim:{{', 'number:-1', 'rightDelim:}}', 'text: b']);
  });

  it('drops comments, trimming around them when asked', () => {
    expect(tokens('a {{/* x */}} b')).toEqual(['text:a ', 'text: b']);
    expect(tokens('a {{- /* x */ -}} b')).toEqual(['text:a', 'text:b']);
  });

  it('works with other delimiters, including a trim marker', () => {
    expect(tokens('x [[- .a -]] y', '[[', ']]')).toEqual(['text:x', 'leftDelim:[[', 'field:.a', 'rightDelim:]]', 'text:y']);
    expect(tokens('{{ .a }}', '[[', ']]')).toEqual(['text:{{ .a }}']);
  });

  it('records positions', () => {
    const toks = lex('ab{{ .c }}', '{{', '}}');
    expect(toks.map((t) => t.pos)).toEqual([0, 2, 4, 5, 7, 8, 10]);
  });

  it.each([
    ['x {{ .a', 2, 'unclosed action'],
    ['{{ (.a }}', 7, 'unclosed left paren'],
    ['{{ .a) }}', 5, 'unexpected right paren'],
    ['{{ .a-b }}', 5, "bad character U+002D '-'"],
    ['{{ foo# }}', 6, "bad character U+0023 '#'"],
    ['{{ 3x }}', 3, 'bad number syntax: "3x"'],
    ['{{ "abc }}', 3, 'unterminated quoted string'],
    ['{{ "a\nb" }}', 3, 'unterminated quoted string'],
    ['{{ `abc }}', 3, 'unterminated raw quoted string'],
    ["{{ 'a }}", 3, 'unterminated character constant'],
    ['{{ $x : 1 }}', 6, 'expected :='],
    ['{{/* a', 0, 'unclosed comment'],
    ['{{/* a */ }}', 0, 'comment ends before closing delimiter'],
    ['{{ \u0001 }}', 3, 'unrecognized character in action: U+0001'],
  ])('%j fails', (source, pos, detail) => {
    expect(lexError(source)).toEqual({ pos, detail });
  });
});

describe('literals', () => {
  it.each([
    ['"plain"', 'plain'],
    ['"a\\tb\\nc\\\\d\\"e"', 'a\tb\nc\\d"e'],
    ['"\\a\\b\\f\\r\\v"', '\x07\b\f\r\v'],
    ['"\\x41\\101\\u00e9\\U0001F600"', 'AAé😀'],
    ['"\\xe2\\x82\\xac"', '€'],
    ['`raw \\n \r\nline`', 'raw \\n \nline'],
  ])('unquote %s', (literal, expected) => {
    expect(unquote(literal)).toBe(expected);
  });

  it.each([['"\\\'"'], ['"\\q"'], ['"\\x4"'], ['"\\400"'], ['"\\ud800"']])('rejects %s', (literal) => {
    expect(() => unquote(literal)).toThrow();
  });

  it('reads character constants', () => {
    expect(charConstantValue("'a'")).toBe(97);
    expect(charConstantValue("'\\''")).toBe(39);
    expect(charConstantValue("'é'")).toBe(233);
    expect(() => charConstantValue("'ab'")).toThrow('malformed character constant');
  });

  it.each([
    ['0', 0],
    ['42', 42],
    ['-42', -42],
    ['0x1f', 31],
    ['0X1F', 31],
    ['0o17', 15],
    ['017', 15],
    ['0b11', 3],
    ['1_000_000', 1000000],
    ['08', 8],
    ['1.5', 1.5],
    ['1.', 1],
    ['.25', 0.25],
    ['1e3', 1000],
    ['-2.5E-1', -0.25],
  ])('number %s', (text, value) => {
    expect(numberValue(text)).toBe(value);
  });

  it.each([['-'], ['0x'], ['1__0'], ['_1'], ['1i'], ['1e']])('rejects number %s', (text) => {
    expect(() => numberValue(text)).toThrow();
  });

  it('parses integers and floats the way strconv does', () => {
    expect(parseGoInt('0x10')).toBe(16);
    expect(parseGoInt('09')).toBeUndefined();
    expect(parseGoInt('1.5')).toBeUndefined();
    expect(parseGoFloat('1.5e2')).toBe(150);
    expect(parseGoFloat('-Inf')).toBe(-Infinity);
    expect(parseGoFloat('abc')).toBeUndefined();
  });
});
