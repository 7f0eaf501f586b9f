import { renderTemplate } from '../templates';
import { parseManifest } from './parse';
import { compileTemplateManifest, renderCompiledManifest } from './template-manifest';

const FILE = '/virtual/catalog/app.yaml.tmpl';
const DELIMITERS: [string, string] = ['{{', '}}'];

/** The manifest as the exact path gives it: the whole text rendered, then parsed. */
function exact(text: string, context: Record<string, unknown>) {
  return parseManifest(renderTemplate(text, context, { missingKey: 'error' }), { file: FILE });
}

function fast(text: string, context: Record<string, unknown>) {
  const compiled = compileTemplateManifest(text, FILE, DELIMITERS);
  if (!compiled) throw new Error('not compiled');
  return renderCompiledManifest(compiled, (template) => renderTemplate(template, context, { missingKey: 'error' }));
}

describe('templated manifests parsed once (fast path)', () => {
  const text = 'vars:\n  plain: {{ .v }}\n  quoted: "{{ .v }}"\n  "key-{{ .name }}": x\n  list: [{{ .v }}, b]\n';

  it.each(['90', '0', '-5', '007', '1e3', '0x1F', '1.5', '.5', 'true', 'False', 'null', '~', '123456789012345', '12345678901234567890', '-0', '+3', '...', '.inf', '<<', 'text'])(
    'types the rendered plain scalar %p as YAML does (or gives up for the exact path)', (v) => {
      expect(fast(text, { v, name: 'a' }) ?? exact(text, { v, name: 'a' })).toEqual(exact(text, { v, name: 'a' }));
    });

  it('renders ordinary values without giving up', () => {
    expect(fast(text, { v: '90', name: 'a' })).toEqual({ vars: { plain: 90, quoted: '90', 'key-a': 'x', list: [90, 'b'] } });
  });

  it('keeps the subtrees without templates shared', () => {
    const compiled = compileTemplateManifest('a: {{ .v }}\nshared: {x: [1, 2]}\n', FILE, DELIMITERS)!;
    const one = renderCompiledManifest(compiled, (t) => renderTemplate(t, { v: 1 }))!;
    const two = renderCompiledManifest(compiled, (t) => renderTemplate(t, { v: 2 }))!;
    expect([one.a, two.a]).toEqual([1, 2]);
    expect(one.shared).toBe(two.shared);
  });

  it('gives up (undefined) when a rendered key collides with another key, so the exact path reports it', () => {
    const compiled = compileTemplateManifest('"{{ .k }}": 1\nb: 2\n', FILE, DELIMITERS)!;
    expect(renderCompiledManifest(compiled, (t) => renderTemplate(t, { k: 'b' }))).toBeUndefined();
    expect(renderCompiledManifest(compiled, (t) => renderTemplate(t, { k: 'c' }))).toEqual({ c: 1, b: 2 });
  });

  it('gives up when a rendered plain scalar would change the YAML structure', () => {
    const compiled = compileTemplateManifest('a: {{ .v }}\n', FILE, DELIMITERS)!;
    expect(renderCompiledManifest(compiled, (t) => renderTemplate(t, { v: 'x: y' }))).toBeUndefined();
  });
});
