import { renderTemplate, type RenderOptions } from '../index';
import { naturalCompare } from './encoding';
import { semverCompare } from './semver';

const render = (source: string, data: unknown = {}, options?: RenderOptions): string => renderTemplate(source, data, options);
const errorOf = (source: string, data: unknown = {}): string => {
  try {
    render(source, data);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${source} to fail`);
};

/** Table helper: each row renders `source` against `data` and expects `expected`. */
function table(rows: [string, string][], data: unknown = {}, options?: RenderOptions): void {
  it.each(rows)('%s', (source, expected) => {
    expect(render(source, data, options)).toBe(expected);
  });
}

describe('defaults and flow', () => {
  table(
    [
      ['{{ default "x" "" }}', 'x'],
      ['{{ "" | default "x" }}', 'x'],
      ['{{ "y" | default "x" }}', 'y'],
      ['{{ default 5 0 }}', '5'],
      ['{{ default "d" false }}', 'd'],
      ['{{ list | default "empty" }}', 'empty'],
      ['{{ dict | default "empty" }}', 'empty'],
      ['{{ default "x" .missing }}', 'x'],
      ['{{ default "x" }}', 'x'],
      ['{{ empty "" }} {{ empty 0 }} {{ empty (dict) }} {{ empty "a" }} {{ empty .missing }}', 'true true true false true'],
      ['{{ coalesce "" 0 "x" "y" }}', 'x'],
      ['{{ coalesce "" .missing }}', '<no value>'],
      ['{{ ternary "a" "b" true }}', 'a'],
      ['{{ false | ternary "a" "b" }}', 'b'],
      ['{{ required "need it" "v" }}', 'v'],
      ['{{ required "need it" 0 }}', '0'],
      ['{{ all 1 "a" (list 1) }} {{ all 1 "" }}', 'true false'],
      ['{{ any 0 "" "x" }} {{ any 0 "" }}', 'true false'],
    ],
    {},
    { missingKey: 'default' },
  );

  it('required fails for nil and empty strings with the given message', () => {
    expect(errorOf('{{ required "vpc_id is required" "" }}')).toContain('error calling required: vpc_id is required');
    expect(errorOf('{{ required "x missing" .x }}', { x: null })).toContain('x missing');
  });

  it('fail fails with its message', () => {
    expect(errorOf('{{ if true }}{{ fail "stage must be set" }}{{ end }}')).toContain('error calling fail: stage must be set');
  });

  it('ternary wants a bool', () => {
    expect(errorOf('{{ ternary "a" "b" 1 }}')).toContain('wrong type for argument 3 of ternary: expected bool, got int');
  });
});

describe('strings', () => {
  table([
    ['{{ quote "a" 1 nil }}', '"a" "1"'],
    ['{{ quote "say \\"hi\\"" }}', '"say \\"hi\\""'],
    ['{{ squote "a" 1 }}', "'a' '1'"],
    ['{{ cat "a" 1 nil "b" }}', 'a 1 b'],
    ['{{ upper "abc" }} {{ lower "ABC" }}', 'ABC abc'],
    ['{{ title "hello world-foo_bar" }}', 'Hello World-Foo_bar'],
    ['{{ trim "  a b \\n" }}', 'a b'],
    ['{{ trimAll "$" "$$5.00$" }}', '5.00'],
    ['{{ trimPrefix "-" "--hello" }}', '-hello'],
    ['{{ trimSuffix ".yaml" "stack.yaml" }}', 'stack'],
    ['{{ "I Am Henry" | replace " " "-" }}', 'I-Am-Henry'],
    ['{{ replace "" "-" "ab" }}', '-a-b-'],
    ['{{ contains "cat" "catch" }} {{ contains "dog" "catch" }}', 'true false'],
    ['{{ hasPrefix "cat" "catch" }} {{ hasSuffix "ch" "catch" }}', 'true true'],
    ['{{ $a := split "$" "foo$bar$baz" }}{{ $a._0 }} {{ $a._2 }}', 'foo baz'],
    ['{{ split "," "a,b" }}', 'map[_0:a _1:b]'],
    ['{{ splitn "$" 2 "foo$bar$baz" }}', 'map[_0:foo _1:bar$baz]'],
    ['{{ splitList "," "a,b,c" }}', '[a b c]'],
    ['{{ splitList "" "abc" }}', '[a b c]'],
    ['{{ join "-" (list "a" 1 nil "b") }}', 'a-1-b'],
    ['{{ list "x" "y" | join "," }}', 'x,y'],
    ['{{ join "," "solo" }}', 'solo'],
    ['{{ nospace " a b\\tc\\n" }}', 'abc'],
    ['{{ repeat 3 "ab" }}', 'ababab'],
    ['{{ substr 0 5 "hello world" }}', 'hello'],
    ['{{ substr 6 -1 "hello world" }}', 'world'],
    ['{{ substr -1 2 "hello" }}', 'he'],
    ['{{ trunc 5 "hello world" }}', 'hello'],
    ['{{ trunc -5 "hello world" }}', 'world'],
    ['{{ trunc 50 "short" }}', 'short'],
    ['{{ indent 2 "a\\nb" }}', '  a\n  b'],
    ['{{ "a\\nb" | nindent 4 }}', '\n    a\n    b'],
  ]);

  it('refuses non-strings where Sprig takes a string', () => {
    expect(errorOf('{{ upper 1 }}')).toContain('expected string, got int');
    expect(errorOf('{{ repeat "3" "a" }}')).toContain('wrong type for argument 1 of repeat: expected int, got string');
  });
});

describe('lists', () => {
  table([
    ['{{ list 1 "a" true }}', '[1 a true]'],
    ['{{ list }}', '[]'],
    ['{{ first (list 1 2 3) }} {{ last (list 1 2 3) }}', '1 3'],
    ['{{ rest (list 1 2 3) }} {{ initial (list 1 2 3) }}', '[2 3] [1 2]'],
    ['{{ first (list) }}', '<no value>'],
    ['{{ append (list 1 2) 3 }}', '[1 2 3]'],
    ['{{ prepend (list 1 2) 0 }}', '[0 1 2]'],
    ['{{ concat (list 1 2) (list 3) (list) }}', '[1 2 3]'],
    ['{{ uniq (list 1 2 1 "a" "a" (list 1) (list 1)) }}', '[1 2 a [1]]'],
    ['{{ has 2 (list 1 2) }} {{ has "2" (list 1 2) }} {{ has 1 nil }}', 'true false false'],
    ['{{ without (list 1 2 3 2) 2 }}', '[1 3]'],
    ['{{ compact (list 1 "" nil 0 "a") }}', '[1 a]'],
    ['{{ reverse (list 1 2 3) }}', '[3 2 1]'],
    ['{{ sortAlpha (list "b" "a" 10 9) }}', '[10 9 a b]'],
    ['{{ until 5 }}', '[0 1 2 3 4]'],
    ['{{ until -2 }}', '[0 -1]'],
    ['{{ untilStep 0 10 3 }}', '[0 3 6 9]'],
    ['{{ seq 5 }}', '1 2 3 4 5'],
    ['{{ seq -3 }}', '1 0 -1 -2 -3'],
    ['{{ seq 2 5 }}', '2 3 4 5'],
    ['{{ seq 3 1 }}', '3 2 1'],
    ['{{ seq 0 2 10 }}', '0 2 4 6 8 10'],
    ['{{ seq 10 -2 0 }}', '10 8 6 4 2 0'],
    ['{{ seq 0 -2 -5 }}', '0 -2 -4'],
    ['{{ seq 0 2 -5 }}', ''],
    ['{{ seq 0 2 }}', '0 1 2'],
    ['{{ range $i := until 3 }}{{ $i }}{{ end }}', '012'],
  ]);

  it('does not modify the list it appends to', () => {
    expect(render('{{ $l := list 1 }}{{ $m := append $l 2 }}{{ $l }} {{ $m }}')).toBe('[1] [1 2]');
  });

  it('fails on non-lists', () => {
    expect(errorOf('{{ first "abc" }}')).toContain('Cannot find first on type string');
    expect(errorOf('{{ append 1 2 }}')).toContain('Cannot push on type int');
  });
});

describe('dicts', () => {
  table([
    ['{{ dict "b" 2 "a" 1 }}', 'map[a:1 b:2]'],
    ['{{ dict "odd" }}', 'map[odd:]'],
    ['{{ dict 1 "x" }}', 'map[1:x]'],
    ['{{ $d := dict "a" 1 }}{{ get $d "a" }}|{{ get $d "x" }}|', '1||'],
    ['{{ $d := dict "a" 1 "b" 2 }}{{ $_ := set $d "c" 3 }}{{ $d }}', 'map[a:1 b:2 c:3]'],
    ['{{ $d := dict "a" 1 "b" 2 }}{{ $_ := unset $d "a" }}{{ $d }}', 'map[b:2]'],
    ['{{ set (dict) "k" "v" }}', 'map[k:v]'],
    ['{{ hasKey (dict "a" 1) "a" }} {{ hasKey (dict "a" 1) "b" }}', 'true false'],
    ['{{ keys (dict "b" 1 "a" 2) (dict "c" 3) }}', '[a b c]'],
    ['{{ values (dict "b" 1 "a" 2) }}', '[2 1]'],
    ['{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}', '[1 3]'],
    [
      '{{ merge (dict "a" 1 "e" "" "n" (dict "x" 1)) (dict "a" 2 "b" 3 "e" "filled" "n" (dict "x" 2 "y" 3)) }}',
      'map[a:1 b:3 e:filled n:map[x:1 y:3]]',
    ],
    ['{{ mergeOverwrite (dict "a" 1 "l" (list 1) "n" (dict "x" 1)) (dict "a" 2 "l" (list 2) "n" (dict "y" 3)) }}', 'map[a:2 l:[2] n:map[x:1 y:3]]'],
    ['{{ merge (dict "l" (list 1)) (dict "l" (list 2 3)) }}', 'map[l:[1]]'],
    ['{{ $d := dict "a" 1 }}{{ $_ := merge $d (dict "b" 2) }}{{ $d }}', 'map[a:1 b:2]'],
    ['{{ dig "a" "b" "none" (dict "a" (dict "b" "found")) }}', 'found'],
    ['{{ dig "a" "x" "none" (dict "a" (dict "b" "found")) }}', 'none'],
    ['{{ pick (dict "a" 1 "b" 2 "c" 3) "a" "c" }}', 'map[a:1 c:3]'],
    ['{{ omit (dict "a" 1 "b" 2 "c" 3) "a" }}', 'map[b:2 c:3]'],
    ['{{ $d := dict "n" (dict "x" 1) }}{{ $c := deepCopy $d }}{{ $_ := set $c.n "x" 2 }}{{ $d.n.x }}{{ $c.n.x }}', '12'],
  ]);

  it('works on data from YAML (plain objects) and JS Maps', () => {
    const data = { vars: { region: 'us-east-2' }, m: new Map([['k', 1]]) };
    expect(render('{{ hasKey .vars "region" }} {{ get .m "k" }} {{ keys .m }}', data)).toBe('true 1 [k]');
  });
});

describe('encoding', () => {
  table([
    ['{{ toJson (dict "b" 1 "a" (list "x" "<y>" nil true 1.5)) }}', '{"a":["x","\\u003cy\\u003e",null,true,1.5],"b":1}'],
    ['{{ toRawJson (dict "a" "<&>") }}', '{"a":"<&>"}'],
    ['{{ toPrettyJson (dict "b" 1 "a" (list "x")) }}', '{\n  "a": [\n    "x"\n  ],\n  "b": 1\n}'],
    ['{{ toPrettyJson (dict) }} {{ toPrettyJson (list) }}', '{} []'],
    ['{{ toJson "a\\"b" }}', '"a\\"b"'],
    ['{{ toJson .missing }}', 'null'],
    ['{{ (fromJson "{\\"a\\":{\\"b\\":2}}").a.b }}', '2'],
    ['{{ fromJson "not json" }}', '<no value>'],
    ['{{ toYaml (dict "b" (list 1 2) "a" "x") }}', 'a: x\nb:\n- 1\n- 2'],
    ['{{ toYaml (dict "k" (dict "t" "yes" "v" "1.0" "e" (dict) "s" "multi\\nline")) }}', 'k:\n  e: {}\n  s: |-\n    multi\n    line\n  t: "yes"\n  v: "1.0"'],
    ['{{ toYaml (dict "a10" 1 "a9" 2 "b" 3 "_x" 4) }}', '_x: 4\na9: 2\na10: 1\nb: 3'],
    ['{{ toYaml "text" }}', 'text'],
    ['{{ (fromYaml "a:\\n  b: 3").a.b }}', '3'],
    ['{{ b64enc "hello" }} {{ b64dec "aGVsbG8=" }}', 'aGVsbG8= hello'],
    ['{{ sha256sum "hello" }}', '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
    ['{{ sha1sum "hello" }}', 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'],
  ], { keys: ['10', '9', 'b'] }, { missingKey: 'default' });

  it('sorts JSON keys as Go does, even integer-like keys JS objects would reorder', () => {
    expect(render('{{ toJson . }}', { b: 1, '10': 2, '9': 3 })).toBe('{"10":2,"9":3,"b":1}');
  });

  it('returns the decode error text for bad base64, as Sprig does', () => {
    expect(render('{{ b64dec "!!!!" }}')).toBe('illegal base64 data at input byte 0');
  });

  it('orders YAML keys naturally, as go-yaml does', () => {
    const keys = ['b', 'a10', 'a9', 'A', '_z', 'a', 'x1y', 'x01y'];
    expect([...keys].sort(naturalCompare)).toEqual(['_z', 'A', 'a', 'a9', 'a10', 'b', 'x1y', 'x01y']);
  });
});

describe('conversions', () => {
  table([
    ['{{ toString 1.5 | printf "%q" }}', '"1.5"'],
    ['{{ toString nil }}', '<nil>'],
    ['{{ toString (list 1 "a") }}', '[1 a]'],
    ['{{ toStrings (list 1 "a" nil) }}', '[1 a]'],
    ['{{ atoi "42" }} {{ atoi "-7" }} {{ atoi "x" }} {{ atoi "1.5" }}', '42 -7 0 0'],
    ['{{ int "12" }} {{ int 3.9 }} {{ int "5.0" }} {{ int "0x10" }} {{ int true }} {{ int "abc" }}', '12 3 5 16 1 0'],
    ['{{ int64 "9" }}', '9'],
    ['{{ float64 "1.5" }} {{ float64 2 }} {{ float64 "x" }}', '1.5 2 0'],
    ['{{ printf "%T" (int "3") }}', 'int'],
  ]);
});

describe('environment', () => {
  const env = { HOME: '/home/me', EMPTY: '' };
  table(
    [
      ['{{ env "HOME" }}', '/home/me'],
      ['[{{ env "NOPE" }}]', '[]'],
      ['{{ getenv "HOME" }}', '/home/me'],
      ['{{ getenv "NOPE" "fallback" }}', 'fallback'],
      ['{{ getenv "EMPTY" "fallback" }}', 'fallback'],
    ],
    {},
    { env },
  );

  it('defaults to process.env', () => {
    process.env.ATMOS_TEMPLATE_SPEC_VAR = 'from-process';
    try {
      expect(render('{{ env "ATMOS_TEMPLATE_SPEC_VAR" }}')).toBe('from-process');
    } finally {
      delete process.env.ATMOS_TEMPLATE_SPEC_VAR;
    }
  });
});

describe('math', () => {
  table([
    ['{{ add 1 2 3 }}', '6'],
    ['{{ add }}', '0'],
    ['{{ add1 5 }}', '6'],
    ['{{ sub 5 7 }}', '-2'],
    ['{{ mul 2 3 4 }}', '24'],
    ['{{ div 7 2 }} {{ div -7 2 }}', '3 -3'],
    ['{{ mod 7 3 }} {{ mod -7 3 }}', '1 -1'],
    ['{{ max 1 5 3 }} {{ min 4 2 6 }}', '5 2'],
    ['{{ add 1.5 1 }}', '2'],
    ['{{ add "2" 1 }}', '3'],
    ['{{ addf 1.1 2.2 }}', '3.3'],
    ['{{ subf 1.5 0.25 }}', '1.25'],
    ['{{ mulf 1.1 3 }}', '3.3'],
    ['{{ divf 1 3 }}', '0.3333333333333333'],
    ['{{ divf 10 4 }}', '2.5'],
    ['{{ floor 1.7 }} {{ ceil 1.2 }}', '1 2'],
    ['{{ round 3.14159 2 }} {{ round 2.5 0 }}', '3.14 3'],
    ['{{ len (list 1 2) | add 1 | mul 10 }}', '30'],
  ]);

  it('fails to divide by zero', () => {
    expect(errorOf('{{ div 1 0 }}')).toContain('integer divide by zero');
    expect(errorOf('{{ mod 1 0 }}')).toContain('integer divide by zero');
  });
});

describe('regular expressions', () => {
  table([
    ['{{ regexMatch "^[a-z]+[0-9]*$" "abc123" }}', 'true'],
    ['{{ regexMatch "^[a-z]+$" "abc123" }}', 'false'],
    ['{{ regexMatch "(?i)^ABC$" "abc" }}', 'true'],
    ['{{ regexMatch "^[[:alpha:]]+\\\\-[[:digit:]]+$" "abc-12" }}', 'true'],
    ['{{ regexMatch "^a{2}$" "aa" }} {{ regexMatch "^{x}$" "{x}" }}', 'true true'],
    ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', '-W-xxW-'],
    ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}', '---'],
    ['{{ regexReplaceAll "(?P<word>[a-z]+)" "ab 12" "<$word>" }}', '<ab> 12'],
    ['{{ regexReplaceAll "b*" "abc" "-" }}', '-a-c-'],
    ['{{ regexReplaceAll "x" "a.x" "$$" }}', 'a.$'],
    ['{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', '-${1}-${1}-'],
    ['{{ regexFind "[a-zA-Z][1-9]" "abcd1234" }}', 'd1'],
    ['{{ regexFind "z" "abc" }}', ''],
    ['{{ regexFindAll "[2,4,6,8]" "123456789" -1 }}', '[2 4 6 8]'],
    ['{{ regexFindAll "[2,4,6,8]" "123456789" 2 }}', '[2 4]'],
    ['{{ regexSplit "z+" "pizza" -1 }}', '[pi a]'],
    ['{{ regexSplit "z+" "pizza" 1 }}', '[pizza]'],
    ['{{ regexQuoteMeta "1.2" }}', '1\\.2'],
    ['{{ regexReplaceAll "^([a-z]+)([0-9])$" "ue2" "${1}-${2}" }}', 'ue-2'],
    ['{{ "x" | regexReplaceAll "a" "aaa" }}', 'xxx'],
  ]);

  it('reports invalid patterns', () => {
    expect(errorOf('{{ regexMatch "(" "x" }}')).toContain('error calling regexMatch: error parsing regexp "("');
  });
});

describe('semverCompare', () => {
  it.each([
    ['>=1.2.3', '1.3.0', true],
    ['>=1.2.3', '1.2.2', false],
    ['1.2.3', '1.2.3', true],
    ['=1.2.3', 'v1.2.3', true],
    ['!=1.2.3', '1.2.4', true],
    ['^1.2.0', '1.9.9', true],
    ['^1.2.0', '2.0.0', false],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['~1.2.3', '1.2.9', true],
    ['~1.2.3', '1.3.0', false],
    ['~1', '1.9.0', true],
    ['1.2.x', '1.2.5', true],
    ['1.2.x', '1.3.0', false],
    ['*', '4.5.6', true],
    ['<1.2', '1.1.9', true],
    ['<1.2', '1.2.0', false],
    ['>1.2', '1.2.5', false],
    ['>1.2', '1.3.0', true],
    ['<=1.2', '1.2.9', true],
    ['>= 1.2, < 2.0', '1.5.0', true],
    ['>=1.2 <2.0', '2.0.0', false],
    ['1.0 - 2.0', '1.5.3', true],
    ['1.0 - 2.0', '2.0.1', true],
    ['1.0 - 2.0', '2.1.0', false],
    ['<2.0 || >=3.0', '2.5.0', false],
    ['<2.0 || >=3.0', '3.1.0', true],
    ['>=1.2.3', '1.3.0-beta', false],
    ['>=1.2.3-0', '1.3.0-beta', true],
    ['>=1.0.0-alpha.2', '1.0.0-alpha.10', true],
  ])('%s against %s', (constraint, version, expected) => {
    expect(semverCompare(constraint, version)).toBe(expected);
  });

  it('is available in templates and fails on bad input', () => {
    expect(render('{{ semverCompare "^1.0.0" "1.4.2" }}')).toBe('true');
    expect(errorOf('{{ semverCompare "^1.0.0" "not-a-version" }}')).toContain('Invalid Semantic Version');
    expect(errorOf('{{ semverCompare "%%" "1.0.0" }}')).toContain('improper constraint');
  });
});

describe('types', () => {
  table([
    ['{{ kindOf "a" }} {{ kindOf 1 }} {{ kindOf 1.5 }} {{ kindOf true }}', 'string int float64 bool'],
    ['{{ kindOf (list) }} {{ kindOf (dict) }} {{ kindOf nil }}', 'slice map invalid'],
    ['{{ kindIs "map" (dict) }} {{ kindIs "slice" "x" }}', 'true false'],
    ['{{ typeOf (list) }} | {{ typeOf (dict) }} | {{ typeOf "s" }}', '[]interface {} | map[string]interface {} | string'],
    ['{{ typeIs "int" 3 }}', 'true'],
    ['{{ deepEqual (list 1 (dict "a" 2)) (list 1 (dict "a" 2)) }}', 'true'],
  ]);

  it('uuidv4 makes version-4 UUIDs', () => {
    expect(render('{{ uuidv4 }}')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
