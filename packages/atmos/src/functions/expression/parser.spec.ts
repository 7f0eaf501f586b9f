import type { Node } from './ast';
import { ExpressionError } from './errors';
import { parseExpression } from './parser';

/** The tree without positions, for readable expectations. */
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (k !== 'pos') out[k] = strip(v);
    return out;
  }
  return node;
}

const parse = (source: string) => strip(parseExpression(source));

function errorOf(source: string): ExpressionError {
  try {
    parseExpression(source);
  } catch (error) {
    return error as ExpressionError;
  }
  throw new Error(`expected ${source} to fail`);
}

describe('parseExpression', () => {
  it('parses literals', () => {
    expect(parse('"x"')).toEqual({ type: 'literal', value: 'x' });
    expect(parse(' 42 ')).toEqual({ type: 'literal', value: 42 });
    expect(parse('-1.5')).toEqual({ type: 'literal', value: -1.5 });
    expect(parse('true')).toEqual({ type: 'literal', value: true });
    expect(parse('false')).toEqual({ type: 'literal', value: false });
    expect(parse('null')).toEqual({ type: 'literal', value: null });
  });

  it('parses lists and maps in both styles', () => {
    expect(parse('[1, "a", [],]')).toEqual({
      type: 'list',
      items: [{ type: 'literal', value: 1 }, { type: 'literal', value: 'a' }, { type: 'list', items: [] }],
    });
    expect(parse('{ a = 1, "b": 2 c = 3 }')).toEqual({
      type: 'map',
      entries: [
        { key: 'a', value: { type: 'literal', value: 1 } },
        { key: 'b', value: { type: 'literal', value: 2 } },
        { key: 'c', value: { type: 'literal', value: 3 } },
      ],
    });
    expect(parse('{ (vars.k) = 1 }')).toEqual({
      type: 'map',
      entries: [{ key: { type: 'getattr', object: { type: 'root', name: 'vars' }, name: 'k' }, value: { type: 'literal', value: 1 } }],
    });
  });

  it('parses references with attributes and indexes', () => {
    expect(parse('vars.x.y')).toEqual({
      type: 'getattr',
      object: { type: 'getattr', object: { type: 'root', name: 'vars' }, name: 'x' },
      name: 'y',
    });
    expect(parse('settings.list[0]["key"]')).toEqual({
      type: 'index',
      object: { type: 'index', object: { type: 'getattr', object: { type: 'root', name: 'settings' }, name: 'list' }, key: { type: 'literal', value: 0 } },
      key: { type: 'literal', value: 'key' },
    });
    expect(parse('env.X')).toEqual({ type: 'getattr', object: { type: 'root', name: 'env' }, name: 'X' });
    expect(parse('vars.subnets.1')).toEqual({
      type: 'index',
      object: { type: 'getattr', object: { type: 'root', name: 'vars' }, name: 'subnets' },
      key: { type: 'literal', value: 1 },
    });
  });

  it('parses output references in all forms', () => {
    expect(parse('output.vpc.vpc_id')).toEqual({ type: 'getattr', object: { type: 'output', component: 'vpc' }, name: 'vpc_id' });
    expect(parse('output["vpc/flow-logs"].id')).toEqual({ type: 'getattr', object: { type: 'output', component: 'vpc/flow-logs' }, name: 'id' });
    expect(parse('output("dns", "shared-use1").zone_id')).toEqual({
      type: 'getattr',
      object: { type: 'output', component: 'dns', stack: { type: 'literal', value: 'shared-use1' } },
      name: 'zone_id',
    });
    expect(parse('output("dns").zone_id')).toEqual({ type: 'getattr', object: { type: 'output', component: 'dns' }, name: 'zone_id' });
    expect(parse('output("dns", null)')).toEqual({ type: 'output', component: 'dns' });
    expect(parse('output("dns", vars.stack)')).toEqual({
      type: 'output',
      component: 'dns',
      stack: { type: 'getattr', object: { type: 'root', name: 'vars' }, name: 'stack' },
    });
    expect(parse('output.vpc')).toEqual({ type: 'output', component: 'vpc' });
  });

  it('parses function calls, expansion and negation', () => {
    expect(parse('cidrsubnet(vars.cidr, 4, 2)')).toEqual({
      type: 'call',
      name: 'cidrsubnet',
      args: [{ type: 'getattr', object: { type: 'root', name: 'vars' }, name: 'cidr' }, { type: 'literal', value: 4 }, { type: 'literal', value: 2 }],
      expandLast: false,
    });
    expect(parse('max(vars.sizes...)')).toMatchObject({ type: 'call', name: 'max', expandLast: true });
    expect(parse('-vars.n')).toEqual({ type: 'negate', operand: { type: 'getattr', object: { type: 'root', name: 'vars' }, name: 'n' } });
    expect(parse('(1)')).toEqual({ type: 'literal', value: 1 });
    expect(parse('merge({}, {\n  a = 1\n})')).toMatchObject({ type: 'call', name: 'merge' });
  });

  it('parses the env: and ssm: shorthands to the end', () => {
    expect(parse(' env:TEAM ')).toEqual({ type: 'env_shorthand', name: 'TEAM' });
    expect(parse('ssm:/platform/dev/rds/password')).toEqual({ type: 'ssm_shorthand', path: '/platform/dev/rds/password' });
    expect(parse('ssm : /a/b-c.d_e')).toEqual({ type: 'ssm_shorthand', path: '/a/b-c.d_e' });
  });

  it.each([
    ['', 'empty expression'],
    ['   ', 'empty expression'],
    ['env:', 'env: needs a variable name'],
    ['env:A B', 'invalid environment variable name "A B"'],
    ['ssm:', 'ssm: needs a parameter path'],
    ['foo.bar', 'unknown name "foo"'],
    ['var.x', 'unknown name "var"'],
    ['output', '"output" must name a component'],
    ['output.', 'expected a component name after "output."'],
    ['output[vars.c].x', 'the component in output[...] must be a quoted string'],
    ['output(vars.c)', 'the component in output(...) must be a quoted string'],
    ['output()', 'function "output" expects 1 or 2 arguments (component, [stack]), got 0'],
    ['output("a", "b", "c")', 'function "output" expects 1 or 2 arguments (component, [stack]), got 3'],
    ['nope(1)', 'unknown function "nope"'],
    ['cidrsubnet("10.0.0.0/8", 4)', 'function "cidrsubnet" expects 3 arguments (prefix, newbits, netnum), got 2'],
    ['lookup({})', 'function "lookup" expects 2 or 3 arguments (map, key, [default]), got 1'],
    ['cidrsubnets()', 'function "cidrsubnets" expects at least 1 argument (prefix, newbits...), got 0'],
    ['upper("a", "b", ["c"]...)', 'function "upper" expects 1 argument (string), got at least 2'],
    ['vars.a vars.b', 'unexpected "vars" after the expression'],
    ['vars.a - 1', 'unexpected "-" after the expression'],
    ['[1, 2', 'expected "," or "]" in the list, found end of expression'],
    ['{ a 1 }', 'expected "=" or ":" after the map key'],
    ['{ [1] = 2 }', 'expected a map key'],
    ['f(1 2)', 'expected "," or ")" in the arguments of f(...)'],
    ['max([1]..., 2)', '"..." may only follow the last argument'],
    ['vars.', 'expected a name after "."'],
    ['vars[1', 'expected "]" to close the index'],
    ['(1', 'expected ")" to close the parenthesis'],
    [')', 'expected an expression, found ")"'],
    ['vars.a(', 'unexpected "(" after the expression'],
  ])('rejects %j', (source, message) => {
    const error = errorOf(source);
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.message).toContain(message);
  });

  it('points at the problem and gives hints', () => {
    expect(errorOf('vars.a vars.b').pos).toBe(7);
    expect(errorOf('var.x').hint).toContain('vars.<name>');
    expect(errorOf('cidrsubnt(1, 2, 3)').hint).toContain('did you mean cidrsubnet(...)?');
  });

  it('returns nodes with positions', () => {
    const node = parseExpression('  vars.x') as Extract<Node, { type: 'getattr' }>;
    expect(node.object.pos).toBe(2);
    expect(node.pos).toBe(7);
  });
});
