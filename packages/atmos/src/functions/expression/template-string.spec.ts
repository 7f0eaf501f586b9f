import { ExpressionError } from './errors';
import { isWholeExpression, parseTemplate, templateKind } from './template-string';

describe('parseTemplate', () => {
  it('returns plain text unchanged', () => {
    expect(parseTemplate('plain ${var.x} %{ if } {{ .x }}')).toEqual([{ kind: 'text', text: 'plain ${var.x} %{ if } {{ .x }}' }]);
    expect(parseTemplate('')).toEqual([]);
  });

  it('splits text and expressions', () => {
    expect(parseTemplate('eks-${{ vars.stage }}-${{ env:TEAM }}')).toEqual([
      { kind: 'text', text: 'eks-' },
      { kind: 'expression', source: ' vars.stage ', start: 4, end: 21 },
      { kind: 'text', text: '-' },
      { kind: 'expression', source: ' env:TEAM ', start: 22, end: 37 },
    ]);
  });

  it('recognizes a whole expression', () => {
    expect(isWholeExpression(parseTemplate('${{ output.vpc.id }}'))).toBe(true);
    expect(isWholeExpression(parseTemplate(' ${{ output.vpc.id }}'))).toBe(false);
    expect(isWholeExpression(parseTemplate('${{ a }}${{ b }}'))).toBe(false);
  });

  it('handles the $${{ escape', () => {
    expect(parseTemplate('$${{ not evaluated }}')).toEqual([{ kind: 'text', text: '${{ not evaluated }}' }]);
    expect(parseTemplate('a $${{ x }} ${{ y }}')).toEqual([
      { kind: 'text', text: 'a ${{ x }} ' },
      { kind: 'expression', source: ' y ', start: 12, end: 20 },
    ]);
    expect(parseTemplate('$${{')).toEqual([{ kind: 'text', text: '${{' }]);
  });

  it('skips }} inside quoted strings and map braces', () => {
    expect(parseTemplate('${{ format("}}%s", "\\"}}") }}!')[0]).toEqual({
      kind: 'expression',
      source: ' format("}}%s", "\\"}}") ',
      start: 0,
      end: 29,
    });
    expect(parseTemplate('${{ {a = {b = 1}} }}')[0]).toMatchObject({ source: ' {a = {b = 1}} ' });
    expect(parseTemplate('${{{a=1}}}')[0]).toMatchObject({ source: '{a=1}' });
  });

  it('ends a shorthand at the first }}', () => {
    expect(parseTemplate('${{ ssm:/a/"b }}"')).toEqual([
      { kind: 'expression', source: ' ssm:/a/"b ', start: 0, end: 16 },
      { kind: 'text', text: '"' },
    ]);
  });

  it('reports an unterminated expression', () => {
    expect(() => parseTemplate('a ${{ vars.x ')).toThrow(ExpressionError);
    expect(() => parseTemplate('a ${{ vars.x ')).toThrow('unterminated expression: "${{" at offset 2 has no closing "}}"');
    expect(() => parseTemplate('${{ "}} ')).toThrow('unterminated');
  });
});

describe('templateKind', () => {
  it.each([
    ['plain', 'none'],
    ['${var.x}', 'none'],
    ['{{ x }}', 'none'],
    ['$${{ x }}', 'escape'],
    ['${{ x }}', 'expression'],
    ['$${{ x }} ${{ y }}', 'expression'],
    ['${{ unterminated', 'expression'],
  ])('%j is %s', (text, kind) => {
    expect(templateKind(text)).toBe(kind);
  });
});
