import { ExpressionError } from './errors';
import { tokenize } from './lexer';

const kinds = (source: string) => tokenize(source).map((t) => `${t.kind}:${t.value}`);

describe('tokenize', () => {
  it('reads identifiers with dashes, numbers, strings and punctuation', () => {
    expect(kinds('output.vpc-flow-logs.id')).toEqual(['ident:output', 'punct:.', 'ident:vpc-flow-logs', 'punct:.', 'ident:id', 'eof:']);
    expect(kinds('f(1, 2.5, 1e3, "x")')).toEqual([
      'ident:f', 'punct:(', 'number:1', 'punct:,', 'number:2.5', 'punct:,', 'number:1e3', 'punct:,', 'string:x', 'punct:)', 'eof:',
    ]);
    expect(kinds('{ a = [1], "b": -2 } ...')).toEqual([
      'punct:{', 'ident:a', 'punct:=', 'punct:[', 'number:1', 'punct:]', 'punct:,', 'string:b', 'punct::', 'punct:-', 'number:2', 'punct:}', 'punct:...', 'eof:',
    ]);
  });

  it('gives numbers their value and positions', () => {
    const [n] = tokenize('  1.5e2');
    expect(n).toMatchObject({ kind: 'number', number: 150, pos: 2, end: 7 });
  });

  it('reads only digits after a dot, so list.0.1 is two indexes', () => {
    expect(kinds('a.0.1')).toEqual(['ident:a', 'punct:.', 'number:0', 'punct:.', 'number:1', 'eof:']);
  });

  it('decodes string escapes', () => {
    expect(tokenize('"a\\"b\\\\c\\n\\t\\u00e9\\U0001F600/"')[0].value).toBe('a"b\\c\n\té😀/');
    expect(tokenize('"}} ${{ x }}"')[0].value).toBe('}} ${{ x }}');
  });

  it('rejects bad input with a position', () => {
    expect(() => tokenize('"abc')).toThrow('unterminated string');
    expect(() => tokenize('"\\q"')).toThrow('invalid escape "\\q"');
    expect(() => tokenize('"\\u12"')).toThrow('invalid escape');
    expect(() => tokenize('12abc')).toThrow('invalid number');
    let error: ExpressionError | undefined;
    try {
      tokenize("a + 'b'");
    } catch (e) {
      error = e as ExpressionError;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error?.message).toBe('unexpected character "+"');
    expect(error?.pos).toBe(2);
    expect(() => tokenize("'b'")).toThrow(expect.objectContaining({ hint: 'strings use double quotes: "text"' }));
  });
});
