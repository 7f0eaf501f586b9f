import { renderTemplate, type RenderOptions } from './index';

const render = (source: string, data: unknown = {}, options?: RenderOptions): string => renderTemplate(source, data, options);

/** The TemplateError message (or fails the test if rendering succeeds). */
function errorOf(source: string, data: unknown = {}, options?: RenderOptions): string {
  try {
    render(source, data, options);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(source)} to fail`);
}

describe('text, actions and trimming', () => {
  it.each([
    ['plain text', 'hello world', 'hello world'],
    ['dot', '{{ . }}', 'x'],
    ['adjacent actions', '{{ "a" }}{{ "b" }}', 'ab'],
    ['left and right trim', 'a  {{- "b" -}}  c', 'abc'],
    ['trim eats newlines and tabs', 'x\n\t  {{- "y" }}\n', 'xy\n'],
    ['right trim only', '{{ "a" -}}\n   b', 'ab'],
    ['minus without space is a number', '{{-3}}', '-3'],
    ['trim with negative number', '{{- -3 -}}', '-3'],
    ['newlines inside an action', '{{\n  "a"\n}}', 'a'],
    ['comment', 'a{{/* note */}}b', 'ab'],
    ['trimmed comment', 'a  {{- /* note */ -}}  b', 'ab'],
    ['multi-line comment', 'a{{/*\n line 1\n line 2\n*/}}b', 'ab'],
    ['literal braces via raw string', '{{ `{{ .x }}` }}', '{{ .x }}'],
  ])('%s', (_name, source, expected) => {
    expect(render(source, 'x')).toBe(expected);
  });

  it('honours custom delimiters and leaves the default ones alone', () => {
    expect(render('[[ .a ]] {{ .a }}', { a: 1 }, { delimiters: ['[[', ']]'] })).toBe('1 {{ .a }}');
    expect(render('<%- .a -%>', { a: 1 }, { delimiters: ['<%', '%>'] })).toBe('1');
    expect(render('x <%- .a %>', { a: 1 }, { delimiters: ['<%', '%>'] })).toBe('x1');
  });
});

describe('literals', () => {
  it.each([
    ['{{ "a\\tb\\u00e9\\x41" }}', 'a\tbéA'],
    ['{{ "\\xc3\\xa9" }}', 'é'],
    ['{{ `raw\\n` }}', 'raw\\n'],
    ["{{ 'a' }}", '97'],
    ["{{ '\\n' }}", '10'],
    ['{{ 42 }}', '42'],
    ['{{ -5 }}', '-5'],
    ['{{ +5 }}', '5'],
    ['{{ 0x1F }}', '31'],
    ['{{ 0o17 }}', '15'],
    ['{{ 0755 }}', '493'],
    ['{{ 0b101 }}', '5'],
    ['{{ 1_000 }}', '1000'],
    ['{{ 1.5 }}', '1.5'],
    ['{{ .5 }}', '0.5'],
    ['{{ 1e3 }}', '1000'],
    ['{{ 2.5e-5 }}', '2.5e-05'],
    ['{{ true }} {{ false }}', 'true false'],
  ])('%s', (source, expected) => {
    expect(render(source)).toBe(expected);
  });
});

describe('fields', () => {
  const data = {
    vars: { stage: 'dev', region: 'us-east-2', nested: { deep: { value: 7 } }, list: [1, 2, 3] },
    m: new Map<string, unknown>([['k', 'v']]),
    obj: { greet: (name: unknown) => `hi ${String(name)}`, pair: (a: unknown, b: unknown) => `${String(a)}+${String(b)}` },
  };

  it('walks chains of map keys', () => {
    expect(render('{{ .vars.stage }}-{{ .vars.region }}', data)).toBe('dev-us-east-2');
    expect(render('{{ .vars.nested.deep.value }}', data)).toBe('7');
    expect(render('{{ $.vars.stage }}', data)).toBe('dev');
  });

  it('reads JS Maps like Go maps', () => {
    expect(render('{{ .m.k }}', data)).toBe('v');
  });

  it('applies fields to variables and to parenthesised pipelines', () => {
    expect(render('{{ $v := .vars }}{{ $v.nested.deep.value }}', data)).toBe('7');
    expect(render('{{ (dict "a" (dict "b" 1)).a.b }}', data)).toBe('1');
  });

  it('calls function-valued fields as methods, passing arguments and the piped value last', () => {
    expect(render('{{ .obj.greet "bob" }}', data)).toBe('hi bob');
    expect(render('{{ "bob" | .obj.greet }}', data)).toBe('hi bob');
    expect(render('{{ "b" | .obj.pair "a" }}', data)).toBe('a+b');
  });

  it('supports the atmos.Component pattern: a function result with a method, then fields', () => {
    const calls: unknown[][] = [];
    const atmos = () => ({
      Component: (component: unknown, stack: unknown) => {
        calls.push([component, stack]);
        return { outputs: { vpc_id: `vpc-${String(stack)}` } };
      },
    });
    const out = render('{{ (atmos.Component "vpc" .stack).outputs.vpc_id }}', { stack: 'plat-ue2-dev' }, { functions: { atmos } });
    expect(out).toBe('vpc-plat-ue2-dev');
    expect(calls).toEqual([['vpc', 'plat-ue2-dev']]);
  });

  it('treats class instances as structs: properties are fields, methods are called', () => {
    class Box {
      size = 3;
      double(): number {
        return this.size * 2;
      }
      times(n: number): number {
        return this.size * n;
      }
    }
    expect(render('{{ .b.size }} {{ .b.double }} {{ .b.times 5 }}', { b: new Box() })).toBe('3 6 15');
    expect(errorOf('{{ .b.missing }}', { b: new Box() })).toContain("can't evaluate field missing in type Box");
    expect(errorOf('{{ .b.toString }}', { b: new Box() })).toContain("can't evaluate field toString");
  });

  it('never exposes Object.prototype members as map keys', () => {
    expect(errorOf('{{ .vars.toString }}', data)).toContain('map has no entry for key "toString"');
    expect(render('{{ .vars.constructor }}', data, { missingKey: 'default' })).toBe('<no value>');
  });

  it('rejects fields on non-maps and arguments to plain fields', () => {
    expect(errorOf('{{ .vars.stage.x }}', data)).toContain("can't evaluate field x in type string");
    expect(errorOf('{{ .vars.list.x }}', data)).toContain("can't evaluate field x in type []interface {}");
    expect(errorOf('{{ .vars.stage 1 }}', data)).toContain('stage is not a method but has arguments');
  });
});

describe('missing keys and nil', () => {
  const data = { vars: { stage: 'dev', empty: null } };

  it("fails on a missing key by default ('error'), naming the key", () => {
    expect(errorOf('{{ .vars.missing }}', data)).toContain('map has no entry for key "missing"');
    expect(errorOf('{{ .nope.deeper }}', data)).toContain('map has no entry for key "nope"');
  });

  it("prints <no value> with 'default', also through missing intermediate keys", () => {
    expect(render('{{ .vars.missing }}', data, { missingKey: 'default' })).toBe('<no value>');
    expect(render('{{ .a.b.c }}', data, { missingKey: 'default' })).toBe('<no value>');
  });

  it("prints nothing with 'zero'", () => {
    expect(render('[{{ .vars.missing }}]', data, { missingKey: 'zero' })).toBe('[]');
    expect(render('[{{ .a.b }}]', data, { missingKey: 'zero' })).toBe('[]');
    expect(render('[{{ .vars.empty }}]', data, { missingKey: 'zero' })).toBe('[]');
  });

  it("with 'error', a field through a missing value names the key ('nil data')", () => {
    expect(errorOf('{{ $x := .vars }}{{ (index $x "missing").deeper }}', data)).toContain('nil data; no entry for key "deeper"');
  });

  it('prints an explicit null as <no value> even with missingkey=error', () => {
    expect(render('{{ .vars.empty }}', data)).toBe('<no value>');
  });

  it('fails to walk a field through an explicit null, as Go does for a nil interface', () => {
    expect(errorOf('{{ .vars.empty.x }}', data, { missingKey: 'default' })).toContain('nil pointer evaluating interface {}.x');
  });

  it('treats missing values as false and lets default/index handle them', () => {
    expect(render('{{ if .vars.missing }}y{{ else }}n{{ end }}', data, { missingKey: 'default' })).toBe('n');
    expect(render('{{ default "x" .vars.missing }}', data, { missingKey: 'default' })).toBe('x');
    expect(render('{{ index .vars "missing" }}', data)).toBe('<no value>');
    expect(render('{{ hasKey .vars "missing" }}', data)).toBe('false');
  });

  it('runs with nil data', () => {
    expect(render('a{{ . }}', null)).toBe('a<no value>');
    expect(render('{{ .x }}', undefined, { missingKey: 'default' })).toBe('<no value>');
    expect(errorOf('{{ .x }}', null)).toContain('nil data; no entry for key "x"');
  });
});

describe('variables', () => {
  it('declares without printing, then reads', () => {
    expect(render('{{ $x := 1 }}[{{ $x }}]')).toBe('[1]');
  });

  it('assigns to an outer variable from inside a control structure', () => {
    expect(render('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}')).toBe('2');
  });

  it('scopes declarations to the enclosing control structure', () => {
    expect(render('{{ $x := "outer" }}{{ if true }}{{ $x := "inner" }}{{ $x }}{{ end }} {{ $x }}')).toBe('inner outer');
    expect(errorOf('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}')).toContain('undefined variable "$y"');
  });

  it('binds $ to the root data everywhere', () => {
    expect(render('{{ range .list }}{{ $.name }}{{ . }}{{ end }}', { name: 'n', list: [1, 2] })).toBe('n1n2');
    expect(render('{{ with .a }}{{ $.b }}{{ end }}', { a: 1, b: 2 })).toBe('2');
  });

  it('declares in if/with headers', () => {
    expect(render('{{ with $x := .a }}{{ $x }}{{ . }}{{ end }}', { a: 'v' })).toBe('vv');
    expect(render('{{ if $x := .a }}{{ $x }}{{ end }}', { a: 'v' })).toBe('v');
  });

  it('rejects undefined variables and assignments to them at parse time', () => {
    expect(errorOf('{{ $nope }}')).toContain('undefined variable "$nope"');
    expect(errorOf('{{ $nope = 1 }}')).toContain('undefined variable "$nope"');
  });
});

describe('pipelines', () => {
  it('passes the piped value as the last argument', () => {
    expect(render('{{ "x" | printf "%s-%s" "a" }}')).toBe('a-x');
    expect(render('{{ .a | len | printf "%03d" }}', { a: [1, 2] })).toBe('002');
  });

  it('evaluates parenthesised sub-pipelines', () => {
    expect(render('{{ printf "%d-%s" (len .a) (.b | upper) }}', { a: [1], b: 'x' })).toBe('1-X');
  });

  it('pipes into a declaration', () => {
    expect(render('{{ $u := "a" | upper }}{{ $u }}')).toBe('A');
  });

  it('rejects literals after the first stage and arguments to non-functions', () => {
    expect(errorOf('{{ 1 | 2 }}')).toContain('non executable command in pipeline stage 2');
    expect(errorOf('{{ 1 2 }}')).toContain("can't give argument to non-function 1");
    expect(errorOf('{{ "x" | . }}')).toContain('non executable command in pipeline stage 2');
    expect(errorOf('{{ nil }}')).toContain('nil is not a command');
  });
});

describe('if / else if / else', () => {
  const source = '{{ if eq .n 1 }}one{{ else if eq .n 2 }}two{{ else }}many{{ end }}';
  it.each([
    [1, 'one'],
    [2, 'two'],
    [3, 'many'],
  ])('n=%s', (n, expected) => {
    expect(render(source, { n })).toBe(expected);
  });

  it.each([
    ['false', false],
    ['0', 0],
    ['0.0', 0.0],
    ['empty string', ''],
    ['empty list', []],
    ['empty map', {}],
    ['empty Map', new Map()],
    ['nil', null],
  ])('%s is false', (_name, value) => {
    expect(render('{{ if .v }}T{{ else }}F{{ end }}', { v: value })).toBe('F');
  });

  it.each([
    ['true', true],
    ['1', 1],
    ['negative', -1],
    ['string', 'a'],
    ['string "false"', 'false'],
    ['list', [0]],
    ['map', { a: null }],
    ['class instance', new (class {})()],
  ])('%s is true', (_name, value) => {
    expect(render('{{ if .v }}T{{ else }}F{{ end }}', { v: value })).toBe('T');
  });

  it('tests the result of a function-valued field, which is called', () => {
    expect(render('{{ if .v }}T{{ else }}F{{ end }}', { v: () => 0 })).toBe('F');
    expect(render('{{ if .v }}T{{ else }}F{{ end }}', { v: () => 'x' })).toBe('T');
  });
});

describe('with', () => {
  it('sets dot when truthy and falls through else with / else', () => {
    const source = '{{ with .a }}A{{ . }}{{ else with .b }}B{{ . }}{{ else }}C{{ end }}';
    expect(render(source, { a: 1, b: 2 })).toBe('A1');
    expect(render(source, { a: 0, b: 2 })).toBe('B2');
    expect(render(source, { a: 0, b: '' })).toBe('C');
  });

  it('keeps the outer dot in the else branch', () => {
    expect(render('{{ with .a }}x{{ else }}{{ .b }}{{ end }}', { a: '', b: 'outer' })).toBe('outer');
  });
});

describe('range', () => {
  it('iterates arrays, setting dot, index and element', () => {
    expect(render('{{ range .l }}[{{ . }}]{{ end }}', { l: ['a', 'b'] })).toBe('[a][b]');
    expect(render('{{ range $i, $v := .l }}{{ $i }}={{ $v }} {{ end }}', { l: ['a', 'b'] })).toBe('0=a 1=b ');
    expect(render('{{ range $v := .l }}{{ $v }}{{ end }}', { l: ['a', 'b'] })).toBe('ab');
  });

  it('iterates maps in sorted key order', () => {
    const m = { b: 2, a: 1, c: 3, '10': 'x', '9': 'y' };
    expect(render('{{ range $k, $v := .m }}{{ $k }}={{ $v }},{{ end }}', { m })).toBe('10=x,9=y,a=1,b=2,c=3,');
    expect(render('{{ range .m }}{{ . }}{{ end }}', { m: { b: 2, a: 1 } })).toBe('12');
    expect(render('{{ range $k, $v := .m }}{{ $k }}{{ $v }}{{ end }}', { m: new Map([['z', 1], ['y', 2]]) })).toBe('y2z1');
  });

  it('iterates integers (Go 1.22)', () => {
    expect(render('{{ range 3 }}{{ . }}{{ end }}')).toBe('012');
    expect(render('{{ range $i := 3 }}{{ $i }}{{ end }}')).toBe('012');
    expect(render('{{ range 0 }}x{{ else }}none{{ end }}')).toBe('none');
    expect(errorOf('{{ range $i, $v := 3 }}{{ end }}')).toContain("can't use 3 to iterate over more than one variable");
  });

  it('runs else for empty or nil collections', () => {
    expect(render('{{ range .l }}x{{ else }}none{{ end }}', { l: [] })).toBe('none');
    expect(render('{{ range .m }}x{{ else }}none{{ end }}', { m: {} })).toBe('none');
    expect(render('{{ range .l }}x{{ else }}none{{ end }}', {}, { missingKey: 'default' })).toBe('none');
  });

  it('supports break and continue, affecting only the innermost range', () => {
    const l = [1, 2, 3, 4];
    expect(render('{{ range .l }}{{ if eq . 3 }}{{ break }}{{ end }}{{ . }}{{ end }}', { l })).toBe('12');
    expect(render('{{ range .l }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ . }}{{ end }}', { l })).toBe('134');
    expect(render('{{ range .l }}{{ range $.l }}{{ if gt . 1 }}{{ break }}{{ end }}{{ . }}{{ end }};{{ end }}', { l: [1, 2] })).toBe('1;1;');
  });

  it('restores variables between iterations', () => {
    expect(render('{{ range .l }}{{ $x := . }}{{ $x }}{{ end }}', { l: [1, 2] })).toBe('12');
  });

  it('rejects things it cannot iterate, and break outside range', () => {
    expect(errorOf('{{ range .s }}{{ end }}', { s: 'abc' })).toContain("range can't iterate over abc");
    expect(errorOf('{{ range 1.5 }}{{ end }}')).toContain("range can't iterate over 1.5");
    expect(errorOf('{{ break }}')).toContain('{{break}} outside {{range}}');
    expect(errorOf('{{ if true }}{{ continue }}{{ end }}')).toContain('{{continue}} outside {{range}}');
  });
});

describe('define, template and block', () => {
  it('defines and invokes templates with a new dot', () => {
    expect(render('{{ define "t" }}<{{ . }}>{{ end }}{{ template "t" .x }}{{ template "t" "y" }}', { x: 1 })).toBe('<1><y>');
  });

  it('passes nil when no pipeline is given', () => {
    expect(render('{{ define "t" }}{{ . }}{{ end }}{{ template "t" }}')).toBe('<no value>');
  });

  it('keeps the text around a definition', () => {
    expect(render('a\n{{ define "t" }}T{{ end }}\nb')).toBe('a\n\nb');
  });

  it('gives the called template its own variables, with $ as its dot', () => {
    expect(render('{{ define "t" }}{{ $.v }}{{ end }}{{ template "t" .inner }}', { inner: { v: 'in' }, v: 'out' })).toBe('in');
    expect(errorOf('{{ $x := 1 }}{{ define "t" }}{{ $x }}{{ end }}')).toContain('undefined variable "$x"');
  });

  it('recurses', () => {
    const source = '{{ define "down" }}{{ if gt . 0 }}{{ . }}{{ template "down" (sub . 1) }}{{ end }}{{ end }}{{ template "down" 3 }}';
    expect(render(source)).toBe('321');
  });

  it('stops runaway recursion', () => {
    expect(errorOf('{{ define "loop" }}{{ template "loop" }}{{ end }}{{ template "loop" }}')).toContain('exceeded maximum template depth');
  });

  it('block defines and executes in place', () => {
    expect(render('[{{ block "b" .x }}B{{ . }}{{ end }}]', { x: 1 })).toBe('[B1]');
  });

  it('reports unknown and duplicate templates', () => {
    expect(errorOf('{{ template "nope" }}')).toContain('no such template "nope"');
    expect(errorOf('{{ define "a" }}1{{ end }}{{ define "a" }}2{{ end }}')).toContain('multiple definition of template "a"');
    expect(render('{{ define "a" }}1{{ end }}{{ define "a" }} {{ end }}{{ template "a" }}')).toBe('1');
  });
});

describe('printing values', () => {
  it.each([
    ['string', 'abc', 'abc'],
    ['int', 42, '42'],
    ['negative int', -7, '-7'],
    ['float', 1.25, '1.25'],
    ['small float', 0.00001, '1e-05'],
    ['large float', 1234567.5, '1.2345675e+06'],
    ['float sum', 0.1 + 0.2, '0.30000000000000004'],
    ['bool', false, 'false'],
    ['list', ['a', 1, true, null], '[a 1 true <nil>]'],
    ['nested list', [[1, 2], []], '[[1 2] []]'],
    ['map with sorted keys', { b: 1, a: { d: [1], c: 'x' } }, 'map[a:map[c:x d:[1]] b:1]'],
    ['empty map', {}, 'map[]'],
    ['Map', new Map([['k', 'v']]), 'map[k:v]'],
  ])('%s', (_name, value, expected) => {
    expect(render('{{ .v }}', { v: value })).toBe(expected);
  });

  it('refuses to print a function', () => {
    expect(errorOf('{{ $f := .m }}{{ $f.fn }}', { m: { fn: () => () => 1 } })).toContain("can't print value of type func");
  });
});

describe('errors', () => {
  it('reports file, line (offset by startLine) and column of the failing node', () => {
    let caught: unknown;
    try {
      render('a\n  {{ .x.y }}', {}, { fileName: '/repo/stacks/dev.yaml', startLine: 10 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      name: 'TemplateError',
      file: '/repo/stacks/dev.yaml',
      line: 11,
      column: 6,
    });
    expect((caught as Error).message).toBe('/repo/stacks/dev.yaml:11:6: at <.x.y>: map has no entry for key "x"');
  });

  it.each([
    ['unclosed action', 'ab {{ .x', 'template:1:4: unclosed action'],
    ['unclosed paren', '{{ (len .x }}', 'unclosed left paren'],
    ['unexpected right paren', '{{ len .x) }}', 'unexpected right paren'],
    ['unexpected end', 'x {{ end }}', 'template:1:3: unexpected {{end}}'],
    ['unexpected else', '{{ else }}', 'unexpected {{else}}'],
    ['missing end', '{{ if .a }}x', 'template:1:1: unexpected EOF: {{if}} has no matching {{end}}'],
    ['bad character after field', '{{ .vars.my-key }}', "bad character U+002D '-'"],
    ['bad number', '{{ 12ab }}', 'bad number syntax: "12a"'],
    ['unterminated string', '{{ "abc }}', 'unterminated quoted string'],
    ['unterminated raw string', '{{ `abc }}', 'unterminated raw quoted string'],
    ['unterminated char', "{{ 'a }}", 'unterminated character constant'],
    ['bad escape', '{{ "\\q" }}', 'unknown escape sequence \\q'],
    ['unclosed comment', '{{/* x }}', 'unclosed comment'],
    ['comment not at the delimiter', '{{/* x */ .a }}', 'comment ends before closing delimiter'],
    ['unrecognized character', '{{ .a \u00a7 }}', 'unrecognized character in action: U+00A7'],
    ['empty action', '{{ }}', 'missing value for command'],
    ['empty if', '{{ if }}{{ end }}', 'missing value for if'],
    ['dot after literal', '{{ "a".b }}', 'unexpected . after term "\\"a\\""'],
    ['too many range variables', '{{ range $a, $b, $c := .x }}{{ end }}', 'too many declarations in range'],
    ['two variables in if', '{{ if $a, $b := .x }}{{ end }}', 'too many declarations in if'],
    ['define inside an action', '{{ if true }}{{ define "x" }}{{ end }}{{ end }}', 'unexpected <define> in command'],
    ['colon without equals', '{{ $x : 1 }}', 'expected :='],
    ['template without name', '{{ template .x }}', 'unexpected ".x" in template clause'],
  ])('%s', (_name, source, expected) => {
    expect(errorOf(source, { a: 1, x: 1 })).toContain(expected);
  });

  it('names unknown functions as unsupported, with their position', () => {
    const message = errorOf('ok\n{{ .a | camelcase }}', { a: 'x' }, { fileName: '/f.yaml', startLine: 3 });
    expect(message).toBe('/f.yaml:4:9: function "camelcase" not defined (not a supported template function)');
  });

  it('checks functions before executing, even in branches that do not run', () => {
    expect(errorOf('{{ if false }}{{ nope }}{{ end }}')).toContain('function "nope" not defined');
  });

  it('wraps function failures with the function name', () => {
    expect(errorOf('{{ index .l 5 }}', { l: [1] })).toBe('template:1:4: at <index .l 5>: error calling index: index out of range: 5');
    expect(errorOf('{{ required "vpc_id is required" .vpc }}', {}, { missingKey: 'default' })).toContain(
      'error calling required: vpc_id is required',
    );
    expect(errorOf('{{ fail "boom" }}')).toContain('error calling fail: boom');
    expect(errorOf('{{ call .f }}', { f: 1 })).toContain('error calling call: non-function of type int');
  });

  it('reports wrong argument counts and types', () => {
    expect(errorOf('{{ upper "a" "b" }}')).toContain('wrong number of args for upper: want 1 got 2');
    expect(errorOf('{{ upper 5 }}')).toContain('wrong type for argument 1 of upper: expected string, got int');
    expect(errorOf('{{ .x | upper }}', {}, { missingKey: 'default' })).toContain('expected string, got nil');
  });

  it('keeps the cause of errors thrown by user functions', () => {
    const boom = new Error('backend unreachable');
    let caught: unknown;
    try {
      render('{{ lookup "x" }}', {}, { functions: { lookup: () => { throw boom; } } });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toContain('error calling lookup: backend unreachable');
    expect((caught as Error).cause).toBe(boom);
  });

  it('rejects asynchronous functions', () => {
    expect(errorOf('{{ later }}', {}, { functions: { later: async () => 1 } })).toContain('returned a Promise');
  });
});
