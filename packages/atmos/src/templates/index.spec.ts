import { BUILTIN_FUNCTIONS, clearTemplateCache, hasTemplate, parseTemplate, renderTemplate, Template, TemplateError } from './index';

function caught(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('hasTemplate', () => {
  it('looks for the opening delimiter only', () => {
    expect(hasTemplate('plain')).toBe(false);
    expect(hasTemplate('a {{ .b }}')).toBe(true);
    expect(hasTemplate('a {{')).toBe(true);
    expect(hasTemplate('a {{ .b }}', ['[[', ']]'])).toBe(false);
    expect(hasTemplate('a [[ .b ]]', ['[[', ']]'])).toBe(true);
  });
});

describe('renderTemplate', () => {
  it('returns strings without delimiters untouched', () => {
    expect(renderTemplate('no templates here } }', {})).toBe('no templates here } }');
  });

  it('renders the common name pattern', () => {
    expect(renderTemplate('{{ .vars.stage }}-{{ .vars.region }}', { vars: { stage: 'prod', region: 'eu-west-1' } })).toBe('prod-eu-west-1');
  });

  it('lets user functions override builtins and add new ones', () => {
    const functions = { upper: (s: unknown) => `U(${String(s)})`, greet: (n: unknown) => `hello ${String(n)}` };
    expect(renderTemplate('{{ upper "a" }} {{ "x" | greet }}', {}, { functions })).toBe('U(a) hello x');
    // Without the option, the builtin is back (the parse cache is shared).
    expect(renderTemplate('{{ upper "a" }} {{ lower "B" }}', {})).toBe('A b');
  });

  it('passes user functions their arguments untouched (no type checks)', () => {
    const seen: unknown[] = [];
    const functions = { spy: (...args: unknown[]) => seen.push(...args) };
    renderTemplate('{{ spy 1 "a" nil .m }}', { m: { k: 1 } }, { functions });
    expect(seen).toEqual([1, 'a', null, { k: 1 }]);
  });

  it('treats empty delimiters as the defaults, like Go', () => {
    expect(renderTemplate('{{ 1 }}', {}, { delimiters: ['', ''] })).toBe('1');
  });
});

describe('TemplateError', () => {
  it('carries file, absolute line, column, and the bare problem', () => {
    const error = caught(() =>
      renderTemplate('line one\nline two {{ .vars.missing }}', { vars: {} }, { fileName: '/repo/stacks/catalog/vpc.yaml', startLine: 20 }),
    );
    expect(error.file).toBe('/repo/stacks/catalog/vpc.yaml');
    expect(error.line).toBe(21);
    expect(error.column).toBe(13);
    expect(error.detail).toBe('at <.vars.missing>: map has no entry for key "missing"');
    expect(error.message).toBe('/repo/stacks/catalog/vpc.yaml:21:13: at <.vars.missing>: map has no entry for key "missing"');
    expect(error.name).toBe('TemplateError');
    expect(error).toBeInstanceOf(Error);
  });

  it('uses "template" when no file is given', () => {
    expect(caught(() => renderTemplate('{{ end }}', {})).message).toBe('template:1:1: unexpected {{end}}');
  });

  it('reports a cached parse error with each caller’s file and line', () => {
    const source = 'x: {{ if .a }}';
    const first = caught(() => renderTemplate(source, {}, { fileName: '/a.yaml', startLine: 3 }));
    const second = caught(() => renderTemplate(source, {}, { fileName: '/b.yaml', startLine: 7 }));
    expect([first.file, first.line, first.column]).toEqual(['/a.yaml', 3, 4]);
    expect([second.file, second.line, second.column]).toEqual(['/b.yaml', 7, 4]);
  });
});

describe('parseTemplate', () => {
  beforeEach(() => clearTemplateCache());

  it('parses once and returns the cached template', () => {
    const a = parseTemplate('{{ .x }}');
    expect(parseTemplate('{{ .x }}')).toBe(a);
    expect(parseTemplate('{{ .x }}', ['{{', '}}'])).toBe(a);
    expect(parseTemplate('{{ .x }}', ['[[', ']]'])).not.toBe(a);
    expect(a).toBeInstanceOf(Template);
  });

  it('renders the same parsed template many times with different data and options', () => {
    const t = parseTemplate('{{ .name }}{{ define "inner" }}{{ end }}');
    expect(t.render({ name: 'a' })).toBe('a');
    expect(t.render({ name: 'b' })).toBe('b');
    expect(t.render({}, { missingKey: 'zero' })).toBe('');
    expect(t.definedTemplates).toEqual(['inner']);
  });

  it('throws TemplateErrors for bad syntax, and for unknown functions only when rendering', () => {
    expect(caught(() => parseTemplate('{{ .x ')).message).toBe('template:1:1: unclosed action');
    const t = parseTemplate('{{ custom 1 }}');
    expect(caught(() => t.render({}, { fileName: '/f.yaml' })).message).toBe(
      '/f.yaml:1:4: function "custom" not defined (not a supported template function)',
    );
    expect(t.render({}, { functions: { custom: (n: unknown) => `c${String(n)}` } })).toBe('c1');
  });

  it('renders with data shared between renders without mutating it', () => {
    const data = { vars: { list: [3, 1, 2], m: { b: 1, a: 2 } } };
    const snapshot = JSON.stringify(data);
    parseTemplate('{{ sortAlpha .vars.list }}{{ keys .vars.m }}{{ append .vars.list 4 }}').render(data);
    expect(JSON.stringify(data)).toBe(snapshot);
  });
});

describe('BUILTIN_FUNCTIONS', () => {
  it('includes Go builtins and the Sprig subset, and is frozen', () => {
    for (const name of ['and', 'printf', 'index', 'default', 'toJson', 'toYaml', 'regexMatch', 'semverCompare', 'getenv']) {
      expect(typeof BUILTIN_FUNCTIONS[name]).toBe('function');
    }
    expect(Object.isFrozen(BUILTIN_FUNCTIONS)).toBe(true);
  });
});

describe('unexpected failures', () => {
  it('still surface as TemplateErrors, keeping the cause', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const error = caught(() => renderTemplate('{{ . }}', cyclic, { fileName: '/f.yaml' }));
    expect(error.message).toMatch(/^\/f\.yaml: internal error: /);
    expect(error.cause).toBeInstanceOf(RangeError);
  });
});
