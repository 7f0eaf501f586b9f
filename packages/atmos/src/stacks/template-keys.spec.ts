import { parseManifest } from './parse';
import { TemplateKeyIndex } from './template-keys';

const parse = (text: string) => parseManifest(text, { file: '/virtual.yaml' });

describe('TemplateKeyIndex', () => {
  const index = new TemplateKeyIndex(['{{', '}}']);

  it('lists the top-level keys whose key or value holds a template, however deep', () => {
    const layer = parse([
      'plain: text',
      'templated: "{{ .vars.x }}"',
      'deep: {a: [1, {b: "x {{ .y }}"}]}',
      '"key-{{ .k }}": 1',
      'fn: !terraform.output vpc {{ .atmos_stack }} id',
      'literal: !literal "{{ not rendered }}"',
      'appended: !append ["{{ .z }}"]',
      'number: 3',
    ].join('\n'));
    expect([...index.keysOf([layer])].sort()).toEqual(['appended', 'deep', 'fn', 'key-{{ .k }}', 'templated']);
  });

  it('unites the layers, after the keys already known, and skips layers that are not maps', () => {
    const a = parse('x: "{{ .a }}"\ny: 1');
    const b = parse('y: "{{ .b }}"');
    expect([...index.keysOf([undefined, a, 'scalar', b], ['known'])]).toEqual(['known', 'x', 'y']);
    expect(index.keysOf([parse('none: 1'), undefined])).toHaveLength(0);
  });

  it('honours custom delimiters', () => {
    const custom = new TemplateKeyIndex(['[[', ']]']);
    expect([...custom.keysOf([parse('a: "{{ .not }}"\nb: "[[ .yes ]]"')])]).toEqual(['b']);
  });
});
