/**
 * Parser for the inside of `${{ … }}`:
 *
 *   expr     := '-' expr | postfix
 *   postfix  := primary ( '.' name | '.' digits | '[' expr ']' )*
 *   primary  := number | string | true | false | null
 *             | '[' (expr (',' expr)* ','?)? ']'
 *             | '{' (key ('=' | ':') expr ','?)* '}'        key := name | string | number | '(' expr ')'
 *             | name '(' (expr (',' expr)* ('...' | ',')?)? ')'
 *             | vars | settings | env | output | '(' expr ')'
 *
 * `output.<component>` / `output["<component>"]` / `output("<component>", <stack>)` is syntax:
 * the component must be written literally, so the dependency graph can be built without
 * evaluating anything. A whole expression `env:NAME` or `ssm:/path` is a shorthand that runs to
 * the closing `}}`. Function names and argument counts are checked while parsing.
 */
import type { Node } from './ast';
import { ExpressionError } from './errors';
import { checkCall } from './functions';
import { tokenize, type Token } from './lexer';

const ROOTS = new Set(['vars', 'settings', 'env']);

const FOREIGN_ROOTS: Record<string, string> = {
  var: 'stack values are read with vars.<name>',
  local: 'there are no locals here; use vars.<name> or settings.<name>',
  locals: 'there are no locals here; use vars.<name> or settings.<name>',
  module: 'read another component with output.<component>.<name>',
  data: 'read another component with output.<component>.<name>',
  outputs: 'component outputs are read with output.<component>.<name>',
  setting: 'settings are read with settings.<name>',
};

const SHORTHAND = /^\s*(env|ssm)\s*:/;

export function parseExpression(source: string): Node {
  const shorthand = SHORTHAND.exec(source);
  if (shorthand) return parseShorthand(source, shorthand[1] as 'env' | 'ssm', shorthand[0].length);
  if (source.trim() === '') throw new ExpressionError('empty expression', 0, 'write an expression between ${{ and }}, e.g. ${{ vars.name }}');
  return new Parser(tokenize(source)).parse();
}

/** True for a source that is an `env:` / `ssm:` shorthand (which runs to the closing `}}`). */
export function isShorthand(source: string): boolean {
  return SHORTHAND.test(source);
}

function parseShorthand(source: string, kind: 'env' | 'ssm', start: number): Node {
  const rest = source.slice(start).trim();
  const pos = source.length - source.trimStart().length;
  if (kind === 'env') {
    if (!/^\S+$/.test(rest)) {
      throw new ExpressionError(
        rest === '' ? 'env: needs a variable name' : `invalid environment variable name ${JSON.stringify(rest)}`,
        pos,
        'write ${{ env:NAME }}, or ${{ env("NAME", "default") }} for a default',
      );
    }
    return { type: 'env_shorthand', name: rest, pos };
  }
  if (!/^\S+$/.test(rest)) {
    throw new ExpressionError(
      rest === '' ? 'ssm: needs a parameter path' : `invalid SSM parameter path ${JSON.stringify(rest)}`,
      pos,
      'write ${{ ssm:/path/to/parameter }}',
    );
  }
  return { type: 'ssm_shorthand', path: rest, pos };
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of expression';
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'number':
      return `number ${token.value}`;
    case 'ident':
      return `"${token.value}"`;
    default:
      return `"${token.value}"`;
  }
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.expression();
    const next = this.peek();
    if (next.kind !== 'eof') {
      const hint =
        next.kind === 'punct' && next.value === '-'
          ? 'there is no arithmetic in expressions'
          : next.kind === 'ident' || next.kind === 'string' || next.kind === 'number'
            ? 'write one expression per ${{ }}; separate arguments and list items with commas'
            : undefined;
      throw new ExpressionError(`unexpected ${describe(next)} after the expression`, next.pos, hint);
    }
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private isPunct(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'punct' && token.value === value;
  }

  private expect(value: string, context: string): Token {
    const token = this.peek();
    if (token.kind !== 'punct' || token.value !== value) {
      throw new ExpressionError(`expected "${value}" ${context}, found ${describe(token)}`, token.pos);
    }
    return this.next();
  }

  private expression(): Node {
    if (this.isPunct('-')) {
      const minus = this.next();
      const operand = this.expression();
      if (operand.type === 'literal' && typeof operand.value === 'number') {
        return { type: 'literal', value: -operand.value, pos: minus.pos };
      }
      return { type: 'negate', operand, pos: minus.pos };
    }
    return this.postfix();
  }

  private postfix(): Node {
    let node = this.primary();
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        const name = this.peek();
        if (name.kind === 'ident') {
          this.next();
          node = { type: 'getattr', object: node, name: name.value, pos: name.pos };
        } else if (name.kind === 'number') {
          this.next();
          node = { type: 'index', object: node, key: { type: 'literal', value: name.number!, pos: name.pos }, pos: name.pos };
        } else {
          throw new ExpressionError(`expected a name after ".", found ${describe(name)}`, name.pos);
        }
      } else if (this.isPunct('[')) {
        const open = this.next();
        const key = this.expression();
        this.expect(']', 'to close the index');
        node = { type: 'index', object: node, key, pos: open.pos };
      } else {
        return node;
      }
    }
  }

  private primary(): Node {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { type: 'literal', value: token.number!, pos: token.pos };
      case 'string':
        return { type: 'literal', value: token.value, pos: token.pos };
      case 'ident':
        return this.identifier(token);
      case 'punct':
        if (token.value === '[') return this.list(token);
        if (token.value === '{') return this.map(token);
        if (token.value === '(') {
          const inner = this.expression();
          this.expect(')', 'to close the parenthesis');
          return inner;
        }
        break;
      case 'eof':
        throw new ExpressionError('unexpected end of expression', token.pos);
    }
    throw new ExpressionError(`expected an expression, found ${describe(token)}`, token.pos);
  }

  private identifier(token: Token): Node {
    const name = token.value;
    if (this.isPunct('(')) return this.call(token);
    switch (name) {
      case 'true':
        return { type: 'literal', value: true, pos: token.pos };
      case 'false':
        return { type: 'literal', value: false, pos: token.pos };
      case 'null':
        return { type: 'literal', value: null, pos: token.pos };
      case 'output':
        return this.outputReference(token);
    }
    if (ROOTS.has(name)) return { type: 'root', name: name as 'vars' | 'settings' | 'env', pos: token.pos };
    const hint = FOREIGN_ROOTS[name] ?? 'references start with vars., settings., env. or output.; functions are called as name(...)';
    throw new ExpressionError(`unknown name "${name}"`, token.pos, hint);
  }

  /** `output.<component>` or `output["<component>"]`, same stack. */
  private outputReference(token: Token): Node {
    const hint = 'write output.<component>.<name>, output["<component>"].<name> or output("<component>", "<stack>").<name>';
    if (this.isPunct('.')) {
      this.next();
      const component = this.next();
      if (component.kind !== 'ident') {
        throw new ExpressionError(`expected a component name after "output.", found ${describe(component)}`, component.pos, hint);
      }
      return { type: 'output', component: component.value, pos: token.pos };
    }
    if (this.isPunct('[')) {
      this.next();
      const component = this.next();
      if (component.kind !== 'string') {
        throw new ExpressionError('the component in output[...] must be a quoted string', component.pos, hint);
      }
      this.expect(']', 'to close output[...]');
      return { type: 'output', component: component.value, pos: token.pos };
    }
    throw new ExpressionError('"output" must name a component', token.pos, hint);
  }

  private call(nameToken: Token): Node {
    this.expect('(', 'after the function name');
    const args: Node[] = [];
    let expandLast = false;
    while (!this.isPunct(')')) {
      args.push(this.expression());
      if (this.isPunct('...')) {
        this.next();
        expandLast = true;
        if (!this.isPunct(')')) {
          throw new ExpressionError('"..." may only follow the last argument', this.peek().pos);
        }
        break;
      }
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      if (!this.isPunct(')')) {
        throw new ExpressionError(`expected "," or ")" in the arguments of ${nameToken.value}(...), found ${describe(this.peek())}`, this.peek().pos);
      }
    }
    this.next(); // ')'
    const name = nameToken.value;
    if (name === 'output') return this.outputCall(nameToken, args, expandLast);
    // With "...", the last argument's length is only known when evaluating.
    checkCall(name, expandLast ? args.length - 1 : args.length, nameToken.pos, expandLast);
    return { type: 'call', name, args, expandLast, pos: nameToken.pos };
  }

  /** `output("<component>")` or `output("<component>", <stack>)`. */
  private outputCall(nameToken: Token, args: Node[], expandLast: boolean): Node {
    const hint = 'write output("<component>", "<stack>").<name>; leave out the stack for the same stack';
    if (expandLast) throw new ExpressionError('output(...) does not take "..."', nameToken.pos, hint);
    if (args.length < 1 || args.length > 2) {
      throw new ExpressionError(`function "output" expects 1 or 2 arguments (component, [stack]), got ${args.length}`, nameToken.pos, hint);
    }
    const [component, stack] = args;
    if (component.type !== 'literal' || typeof component.value !== 'string') {
      throw new ExpressionError('the component in output(...) must be a quoted string', component.pos, hint);
    }
    if (component.value === '') throw new ExpressionError('the component in output(...) must not be empty', component.pos, hint);
    const node: Node = { type: 'output', component: component.value, pos: nameToken.pos };
    if (stack !== undefined && !(stack.type === 'literal' && stack.value === null)) node.stack = stack;
    return node;
  }

  private list(open: Token): Node {
    const items: Node[] = [];
    while (!this.isPunct(']')) {
      items.push(this.expression());
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      if (!this.isPunct(']')) {
        throw new ExpressionError(`expected "," or "]" in the list, found ${describe(this.peek())}`, this.peek().pos);
      }
    }
    this.next();
    return { type: 'list', items, pos: open.pos };
  }

  private map(open: Token): Node {
    const entries: { key: string | Node; value: Node; pos: number }[] = [];
    while (!this.isPunct('}')) {
      const keyToken = this.peek();
      let key: string | Node;
      if (keyToken.kind === 'ident' || keyToken.kind === 'string' || keyToken.kind === 'number') {
        this.next();
        key = keyToken.value;
      } else if (this.isPunct('(')) {
        this.next();
        key = this.expression();
        this.expect(')', 'to close the key expression');
      } else {
        throw new ExpressionError(`expected a map key, found ${describe(keyToken)}`, keyToken.pos);
      }
      if (!this.isPunct('=') && !this.isPunct(':')) {
        throw new ExpressionError(`expected "=" or ":" after the map key, found ${describe(this.peek())}`, this.peek().pos);
      }
      this.next();
      entries.push({ key, value: this.expression(), pos: keyToken.pos });
      if (this.isPunct(',')) this.next();
    }
    this.next();
    return { type: 'map', entries, pos: open.pos };
  }
}
