import type { ActionNode, IfNode, RangeNode, TemplateCallNode } from './ast';
import { PositionedError } from './errors';
import { parse } from './parser';

function parseError(source: string): { pos: number; detail: string } {
  try {
    parse(source);
  } catch (error) {
    if (error instanceof PositionedError) return { pos: error.pos, detail: error.detail };
    throw error;
  }
  throw new Error(`expected ${source} to fail`);
}

describe('parse', () => {
  it('builds actions with pipelines of commands', () => {
    const tree = parse('x{{ .a.b | printf "%s" $ }}');
    expect(tree.root[0]).toEqual({ kind: 'text', pos: 0, text: 'x' });
    const action = tree.root[1] as ActionNode;
    expect(action.kind).toBe('action');
    expect(action.pipe.cmds).toHaveLength(2);
    expect(action.pipe.cmds[0]!.args[0]).toMatchObject({ kind: 'field', names: ['a', 'b'] });
    expect(action.pipe.cmds[1]!.args.map((a) => a.kind)).toEqual(['identifier', 'string', 'variable']);
  });

  it('turns fields after a term into a chain, and merges them into variables and fields', () => {
    const [action] = parse('{{ (atmos.Component "vpc" .stack).outputs.id $.x.y }}').root as [ActionNode];
    const [chain, variable] = action.pipe.cmds[0]!.args;
    expect(chain).toMatchObject({ kind: 'chain', names: ['outputs', 'id'], node: { kind: 'pipe' } });
    expect(variable).toMatchObject({ kind: 'variable', name: '$', names: ['x', 'y'] });
    const inner = (chain as { node: { cmds: { args: unknown[] }[] } }).node.cmds[0]!.args[0];
    expect(inner).toMatchObject({ kind: 'chain', node: { kind: 'identifier', name: 'atmos' }, names: ['Component'] });
  });

  it('records declarations and assignments', () => {
    const [decl, assign] = parse('{{ $x := 1 }}{{ $x = 2 }}').root as [ActionNode, ActionNode];
    expect(decl.pipe).toMatchObject({ decl: ['$x'], isAssign: false });
    expect(assign.pipe).toMatchObject({ decl: ['$x'], isAssign: true });
    const [range] = parse('{{ range $i, $v := .l }}{{ end }}').root as [RangeNode];
    expect(range.pipe.decl).toEqual(['$i', '$v']);
  });

  it('nests else-if chains as if-in-else', () => {
    const [node] = parse('{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}').root as [IfNode];
    expect(node.kind).toBe('if');
    expect(node.elseList).toHaveLength(1);
    const nested = node.elseList![0] as IfNode;
    expect(nested.kind).toBe('if');
    expect(nested.elseList).toEqual([{ kind: 'text', pos: expect.any(Number), text: 'C' }]);
  });

  it('accepts a trailing pipe, as Go does', () => {
    expect(() => parse('{{ .a | }}')).not.toThrow();
  });

  it('collects definitions and blocks', () => {
    const tree = parse('{{ define "a" }}A{{ end }}{{ block "b" . }}B{{ end }}');
    expect([...tree.defines.keys()]).toEqual(['a', 'b']);
    expect(tree.root).toEqual([expect.objectContaining({ kind: 'template', name: 'b' }) as TemplateCallNode]);
  });

  it('resolves builtin functions and records the others for the renderer to check', () => {
    const tree = parse('{{ upper (atmos.Component "x") | nope }}');
    expect(tree.externalFunctions.map((f) => f.name)).toEqual(['atmos', 'nope']);
    const [action] = tree.root as [ActionNode];
    expect(action.pipe.cmds[0]!.args[0]).toMatchObject({ kind: 'identifier', name: 'upper', builtin: expect.any(Function) });
  });

  it.each([
    ['{{ end }}', 0, 'unexpected {{end}}'],
    ['a{{ else }}', 1, 'unexpected {{else}}'],
    ['{{ if 1 }}', 0, 'unexpected EOF: {{if}} has no matching {{end}}'],
    ['{{ range .x }}{{ else }}', 0, 'unexpected EOF: {{range}} has no matching {{end}}'],
    ['{{ if 1 }}{{ else }}{{ else }}{{ end }}', 20, 'expected {{end}}; found {{else}}'],
    ['{{ define "x" }}', 0, 'unexpected EOF: {{define}} has no matching {{end}}'],
    ['{{ define "x" }}{{ else }}{{ end }}', 16, 'unexpected {{else}} in define'],
    ['{{ define x }}{{ end }}', 10, 'unexpected "x" in define clause'],
    ['{{ end 1 }}', 7, 'unexpected "1" in end'],
    ['{{ $y }}', 3, 'undefined variable "$y"'],
    ['{{ range .x }}{{ end }}{{ break }}', 23, '{{break}} outside {{range}}'],
    ['{{ range .x }}{{ break 1 }}{{ end }}', 23, 'unexpected "1" in {{break}}'],
    ['{{ 1 | "a" }}', 7, 'non executable command in pipeline stage 2'],
    ['{{ | .a }}', 3, 'unexpected "|" in command'],
    ['{{ }}', 3, 'missing value for command'],
    ['{{ true.x }}', 3, 'unexpected . after term "true"'],
    ['{{ ("a""b") }}', 7, 'unexpected "\\"b\\"" in operand'],
    ['{{ range $a, 1 }}{{ end }}', 13, 'range can only initialize variables'],
    ['{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}', 26, 'template: multiple definition of template "a"'],
    ['{{ 1i }}', 3, 'complex numbers are not supported: "1i"'],
    ['{{ "\\z" }}', 3, 'invalid string "\\z": unknown escape sequence \\z'],
  ])('%j fails', (source, pos, detail) => {
    expect(parseError(source)).toEqual({ pos, detail });
  });
});
