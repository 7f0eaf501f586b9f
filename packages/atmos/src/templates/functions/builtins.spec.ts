import { renderTemplate, type RenderOptions } from '../index';

const render = (source: string, data: unknown = {}, options?: RenderOptions): string => renderTemplate(source, data, options);
const errorOf = (source: string, data: unknown = {}): string => {
  try {
    render(source, data);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${source} to fail`);
};

describe('and / or / not', () => {
  it.each([
    ['{{ and 1 0 2 }}', '0'],
    ['{{ and 1 2 }}', '2'],
    ['{{ and "a" "" }}', ''],
    ['{{ or 0 "" "x" }}', 'x'],
    ['{{ or 0 "" }}', ''],
    ['{{ or 0 (list) (dict "a" 1) }}', 'map[a:1]'],
    ['{{ 0 | or 1 }}', '1'],
    ['{{ 5 | and 1 }}', '5'],
    ['{{ not 0 }} {{ not "a" }} {{ not (list) }}', 'true false true'],
  ])('%s', (source, expected) => {
    expect(render(source)).toBe(expected);
  });

  it('short-circuits: later arguments are not evaluated', () => {
    expect(render('{{ or 1 (fail "boom") }}')).toBe('1');
    expect(render('{{ and 0 (fail "boom") }}')).toBe('0');
    expect(render('{{ or .a .missing.deep }}', { a: 'x' })).toBe('x');
    expect(errorOf('{{ or 0 (fail "boom") }}')).toContain('boom');
  });

  it('needs an argument', () => {
    expect(errorOf('{{ and }}')).toContain('wrong number of args for and: want at least 1 got 0');
  });
});

describe('len / index / slice', () => {
  const data = { list: [10, 20, 30], m: { k: 'v', n: { x: [1, { y: 'deep' }] } }, s: 'héllo' };

  it.each([
    ['{{ len .list }}', '3'],
    ['{{ len .m }}', '2'],
    ['{{ len "abc" }}', '3'],
    ['{{ len .s }}', '6'],
    ['{{ index .list 1 }}', '20'],
    ['{{ index .m "k" }}', 'v'],
    ['{{ index .m "n" "x" 1 "y" }}', 'deep'],
    ['{{ index .m "missing" }}', '<no value>'],
    ['{{ index .list }}', '[10 20 30]'],
    ['{{ index "abc" 0 }}', '97'],
    ['{{ slice .list 1 }}', '[20 30]'],
    ['{{ slice .list 1 2 }}', '[20]'],
    ['{{ slice .list 0 3 }}', '[10 20 30]'],
    ['{{ slice "abcdef" 1 3 }}', 'bc'],
    ['{{ slice "abc" }}', 'abc'],
  ])('%s', (source, expected) => {
    expect(render(source, data)).toBe(expected);
  });

  it.each([
    ['{{ len 3 }}', 'len of type int'],
    ['{{ index .list 3 }}', 'index out of range: 3'],
    ['{{ index .list -1 }}', 'index out of range: -1'],
    ['{{ index .list "a" }}', 'cannot index slice/array with type string'],
    ['{{ index .m 1 }}', 'value has type int; should be string'],
    ['{{ index 5 1 }}', "can't index item of type int"],
    ['{{ slice .list 2 1 }}', 'invalid slice index: 2 > 1'],
    ['{{ slice .list 0 4 }}', 'index out of range: 4'],
    ['{{ slice "abc" 0 1 2 }}', 'cannot 3-index slice a string'],
  ])('%s fails', (source, expected) => {
    expect(errorOf(source, data)).toContain(expected);
  });
});

describe('comparisons', () => {
  it.each([
    ['{{ eq 1 1 }}', 'true'],
    ['{{ eq 1 2 }}', 'false'],
    ['{{ eq "a" "b" "c" "a" }}', 'true'],
    ['{{ eq .s "x" }}', 'true'],
    ['{{ eq true true }}', 'true'],
    ['{{ eq .missing nil }}', 'true'],
    ['{{ eq "a" nil }}', 'false'],
    ['{{ ne 1 2 }}', 'true'],
    ['{{ ne "a" "a" }}', 'false'],
    ['{{ lt 1 2 }} {{ lt 2 1 }} {{ lt 1.5 2 }}', 'true false true'],
    ['{{ lt "a" "b" }}', 'true'],
    ['{{ le 2 2 }} {{ le 3 2 }}', 'true false'],
    ['{{ gt 3 2 }} {{ gt 2 2 }}', 'true false'],
    ['{{ ge 2 2 }} {{ ge 1 2 }}', 'true false'],
  ])('%s', (source, expected) => {
    expect(render(source, { s: 'x' }, { missingKey: 'default' })).toBe(expected);
  });

  it.each([
    ['{{ eq 1 "1" }}', 'incompatible types for comparison'],
    ['{{ eq (list) (list) }}', 'non-comparable type []interface {}'],
    ['{{ lt true false }}', 'invalid type for comparison'],
    ['{{ lt 1 "a" }}', 'incompatible types for comparison'],
    ['{{ eq 1 }}', 'missing argument for comparison'],
  ])('%s fails', (source, expected) => {
    expect(errorOf(source)).toContain(expected);
  });
});

describe('print, printf, println', () => {
  it.each([
    ['{{ print 1 2 "a" 3 }}', '1 2a3'],
    ['{{ print nil }}', '<nil>'],
    ['{{ println "a" 1 }}', 'a 1\n'],
    ['{{ printf "%s-%d-%v" "a" 1 (list 1 2) }}', 'a-1-[1 2]'],
    ['{{ printf "%.2f" 3.14159 }}', '3.14'],
    ['{{ printf "%q" "x" }}', '"x"'],
    ['{{ printf "%5s|%-5s|" "ab" "ab" }}', '   ab|ab   |'],
    ['{{ printf "%t" true }}', 'true'],
    ['{{ printf "%x" 255 }}', 'ff'],
    ['{{ printf "%05d" 42 }}', '00042'],
    ['{{ printf "100%%" }}', '100%'],
  ])('%s', (source, expected) => {
    expect(render(source)).toBe(expected);
  });
});

describe('html / js / urlquery', () => {
  it.each([
    ['{{ html "<a href=\\"x\\">&\'" }}', '&lt;a href=&#34;x&#34;&gt;&amp;&#39;'],
    ['{{ html 1 "<" }}', '1&lt;'],
    ['{{ .missing | html }}', '&lt;no value&gt;'],
    ['{{ js "a\'b\\"c<d>=&\\\\" }}', "a\\'b\\\"c\\u003Cd\\u003E\\u003D\\u0026\\\\"],
    ['{{ js "tab\\there" }}', 'tab\\u0009here'],
    ['{{ urlquery "a b&c=d/é" }}', 'a+b%26c%3Dd%2F%C3%A9'],
    ['{{ urlquery "safe-_.~" }}', 'safe-_.~'],
  ])('%s', (source, expected) => {
    expect(render(source, {}, { missingKey: 'default' })).toBe(expected);
  });
});

describe('call', () => {
  it('calls a function value with arguments', () => {
    const functions = { adder: () => (a: number, b: number) => a + b };
    expect(render('{{ call (adder) 1 2 }}', {}, { functions })).toBe('3');
    expect(render('{{ $f := adder }}{{ call $f 1 2 }}', {}, { functions })).toBe('3');
  });

  it('cannot reach function-valued fields, which are called as methods when evaluated', () => {
    expect(errorOf('{{ call .f 1 2 }}', { f: () => 'result' })).toContain('non-function of type string');
  });

  it('fails for nil and non-functions', () => {
    expect(errorOf('{{ call nil }}')).toContain('call of nil');
    expect(errorOf('{{ call "x" }}')).toContain('non-function of type string');
  });
});
