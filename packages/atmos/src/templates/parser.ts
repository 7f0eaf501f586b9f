/**
 * Builds the parse tree from tokens, following Go's text/template grammar:
 *
 *   list     := (text | action)*
 *   action   := '{{' (control | pipeline) '}}'
 *   pipeline := [ '$x' (':=' | '=') | '$i, $v :=' ] command ('|' command)*
 *   command  := operand (space operand)*
 *   operand  := term ('.' field)*
 *   term     := literal | '.' | 'nil' | '$x' | '.field' | identifier | '(' pipeline ')'
 *
 * Like Go, the parser rejects uses of undeclared variables, `break`/`continue` outside
 * `range`, and literals in non-first pipeline stages. Unknown function names are recorded
 * rather than rejected, because user functions are only known at render time; the renderer
 * checks them before executing anything, so the error still comes before any output.
 */
import type {
  ArgNode,
  CommandNode,
  ExternalFunctionUse,
  ListNode,
  PipeNode,
  StatementNode,
  TemplateCallNode,
  Tree,
} from './ast';
import { PositionedError } from './errors';
import { BUILTIN_FUNCTIONS } from './functions';
import { lex, type Token } from './lexer';
import { charConstantValue, numberValue, unquote } from './literals';

/** `{{end}}` and `{{else}}` end a list; they are returned to the control that owns the list. */
interface ListEnd {
  kind: 'end' | 'else';
  pos: number;
}

const hasOwn = Object.prototype.hasOwnProperty;

export function parse(source: string, leftDelim = '{{', rightDelim = '}}'): Tree {
  return new Parser(source, lex(source, leftDelim, rightDelim)).parse();
}

class Parser {
  private i = 0;
  /** Variables in scope; `$` is always defined. */
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private readonly defines = new Map<string, ListNode>();
  private readonly externalFunctions: ExternalFunctionUse[] = [];

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Tree {
    const root: ListNode = [];
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const start = this.i;
        const delim = this.next();
        const keyword = this.nextNonSpace();
        if (keyword.type === 'keyword' && keyword.value === 'define') {
          this.parseDefinition(delim.pos);
          continue;
        }
        this.i = start;
      }
      const node = this.textOrAction();
      if (isListEnd(node)) throw this.error(node.pos, `unexpected {{${node.kind}}}`);
      root.push(node);
    }
    return { source: this.source, root, defines: this.defines, externalFunctions: this.externalFunctions };
  }

  // -------------------------------------------------------------------------------------
  // Token access

  /** Reading past the end keeps returning the final eof token. */
  private peek(): Token {
    return this.tokens[Math.min(this.i, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    this.i++;
    return token;
  }

  private backup(): void {
    this.i--;
  }

  private nextNonSpace(): Token {
    let token = this.next();
    while (token.type === 'space') token = this.next();
    return token;
  }

  private peekNonSpace(): Token {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  private error(pos: number, message: string): PositionedError {
    return new PositionedError(pos, message);
  }

  /** Go's wording: `unexpected "}}" in operand`, `unexpected <define> in command`, … */
  private unexpected(token: Token, context: string): PositionedError {
    let shown: string;
    if (token.type === 'eof') shown = 'EOF';
    else if (token.type === 'keyword') shown = `<${token.value}>`;
    else if (token.value.length > 10) shown = `${JSON.stringify(token.value.slice(0, 10))}...`;
    else shown = JSON.stringify(token.value);
    return this.error(token.pos, `unexpected ${shown} in ${context}`);
  }

  private expect(type: Token['type'], context: string): Token {
    const token = this.nextNonSpace();
    if (token.type !== type) throw this.unexpected(token, context);
    return token;
  }

  // -------------------------------------------------------------------------------------
  // Lists and statements

  /** Parses statements until {{end}} or {{else}}; `open` is the construct being closed. */
  private itemList(open: { pos: number; name: string }): [ListNode, ListEnd] {
    const list: ListNode = [];
    while (this.peekNonSpace().type !== 'eof') {
      const node = this.textOrAction();
      if (isListEnd(node)) return [list, node];
      list.push(node);
    }
    throw this.error(open.pos, `unexpected EOF: {{${open.name}}} has no matching {{end}}`);
  }

  private textOrAction(): StatementNode | ListEnd {
    const token = this.nextNonSpace();
    if (token.type === 'text') return { kind: 'text', pos: token.pos, text: token.value };
    if (token.type === 'leftDelim') return this.action(token.pos);
    throw this.unexpected(token, 'input');
  }

  private action(pos: number): StatementNode | ListEnd {
    const token = this.nextNonSpace();
    if (token.type === 'keyword') {
      switch (token.value) {
        case 'block':
          return this.blockControl(pos);
        case 'break':
        case 'continue':
          return this.loopControl(pos, token.value);
        case 'else':
          return this.elseControl(pos);
        case 'end':
          this.expect('rightDelim', 'end');
          return { kind: 'end', pos };
        case 'if':
        case 'range':
        case 'with':
          return this.control(pos, token.value);
        case 'template':
          return this.templateControl(pos);
      }
    }
    this.backup();
    // Variables declared here stay in scope until the enclosing {{end}}.
    return { kind: 'action', pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private loopControl(pos: number, kind: 'break' | 'continue'): StatementNode {
    const token = this.nextNonSpace();
    if (token.type !== 'rightDelim') throw this.unexpected(token, `{{${kind}}}`);
    if (this.rangeDepth === 0) throw this.error(pos, `{{${kind}}} outside {{range}}`);
    return { kind, pos };
  }

  private elseControl(pos: number): ListEnd {
    // "{{else if …" and "{{else with …" leave the keyword for the enclosing control to see.
    const peek = this.peekNonSpace();
    if (peek.type === 'keyword' && (peek.value === 'if' || peek.value === 'with')) return { kind: 'else', pos };
    this.expect('rightDelim', 'else');
    return { kind: 'else', pos };
  }

  /** if / range / with: pipeline, list, optional else list. */
  private control(pos: number, kind: 'if' | 'range' | 'with'): StatementNode {
    const varsBefore = this.vars.length;
    const pipe = this.pipeline(kind, 'rightDelim');
    if (kind === 'range') this.rangeDepth++;
    const [list, end] = this.itemList({ pos, name: kind });
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (end.kind === 'else') {
      const next = this.peek();
      if (kind !== 'range' && next.type === 'keyword' && next.value === kind) {
        // {{if a}}…{{else if b}}…{{end}} is {{if a}}…{{else}}{{if b}}…{{end}}{{end}}:
        // the nested control consumes the single {{end}}.
        this.next();
        elseList = [this.control(end.pos, kind)];
      } else {
        const [list2, end2] = this.itemList({ pos, name: kind });
        if (end2.kind !== 'end') throw this.error(end2.pos, `expected {{end}}; found {{${end2.kind}}}`);
        elseList = list2;
      }
    }
    this.vars.length = varsBefore;
    return { kind, pos, pipe, list, elseList };
  }

  private templateName(context: string): string {
    const token = this.nextNonSpace();
    if (token.type !== 'string' && token.type !== 'rawString') throw this.unexpected(token, context);
    return this.unquoteToken(token);
  }

  private templateControl(pos: number): TemplateCallNode {
    const context = 'template clause';
    const name = this.templateName(context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { kind: 'template', pos, name, pipe };
  }

  /** {{block "name" pipeline}} body {{end}} defines "name" and executes it in place. */
  private blockControl(pos: number): TemplateCallNode {
    const context = 'block clause';
    const name = this.templateName(context);
    const pipe = this.pipeline(context, 'rightDelim');
    this.addDefinition(pos, name, this.definitionBody(pos, 'block'));
    return { kind: 'template', pos, name, pipe };
  }

  private parseDefinition(pos: number): void {
    const context = 'define clause';
    const name = this.templateName(context);
    this.expect('rightDelim', context);
    this.addDefinition(pos, name, this.definitionBody(pos, 'define'));
  }

  /** A define/block body sees only `$` and cannot break out of an outer range. */
  private definitionBody(pos: number, name: string): ListNode {
    const [savedVars, savedDepth] = [this.vars, this.rangeDepth];
    this.vars = ['$'];
    this.rangeDepth = 0;
    const [list, end] = this.itemList({ pos, name });
    if (end.kind !== 'end') throw this.error(end.pos, `unexpected {{else}} in ${name}`);
    this.vars = savedVars;
    this.rangeDepth = savedDepth;
    return list;
  }

  private addDefinition(pos: number, name: string, list: ListNode): void {
    const existing = this.defines.get(name);
    // As in Go, an empty (whitespace-only) definition never replaces or conflicts.
    if (existing && !isEmptyList(existing)) {
      if (isEmptyList(list)) return;
      throw this.error(pos, `template: multiple definition of template "${name}"`);
    }
    this.defines.set(name, list);
  }

  // -------------------------------------------------------------------------------------
  // Pipelines and commands

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: first.pos, end: first.pos, decl: [], isAssign: false, cmds: [] };
    this.declarations(pipe, context);
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        pipe.end = token.pos;
        this.checkPipeline(pipe, context, token.pos);
        return pipe;
      }
      switch (token.type) {
        case 'bool':
        case 'charConstant':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          throw this.unexpected(token, context);
      }
    }
  }

  /** `$x :=`, `$x =` or (in range) `$i, $v :=` at the start of a pipeline. */
  private declarations(pipe: PipeNode, context: string): void {
    for (;;) {
      const start = this.i;
      const v = this.nextNonSpace();
      if (v.type !== 'variable') {
        this.i = start;
        return;
      }
      const next = this.nextNonSpace();
      if (next.type === 'declare' || next.type === 'assign') {
        pipe.isAssign = next.type === 'assign';
        if (pipe.isAssign && !this.vars.includes(v.value)) throw this.error(v.pos, `undefined variable "${v.value}"`);
        pipe.decl.push(v.value);
        this.vars.push(v.value);
        return;
      }
      if (next.type === 'char' && next.value === ',') {
        pipe.decl.push(v.value);
        this.vars.push(v.value);
        if (context === 'range' && pipe.decl.length < 2) {
          const after = this.peekNonSpace();
          if (after.type === 'variable') continue;
          throw this.error(after.pos, 'range can only initialize variables');
        }
        throw this.error(next.pos, `too many declarations in ${context}`);
      }
      // Not a declaration: "$x" is an operand.
      this.i = start;
      return;
    }
  }

  private checkPipeline(pipe: PipeNode, context: string, pos: number): void {
    if (pipe.cmds.length === 0) throw this.error(pos, `missing value for ${context}`);
    pipe.cmds.forEach((cmd, i) => {
      const kind = cmd.args[0]?.kind;
      if (i > 0 && (kind === 'bool' || kind === 'dot' || kind === 'nil' || kind === 'number' || kind === 'string')) {
        // With A|B|C, pipeline stage 2 is B.
        throw this.error(cmd.pos, `non executable command in pipeline stage ${i + 1}`);
      }
    });
  }

  private command(): CommandNode {
    const start = this.peekNonSpace();
    const cmd: CommandNode = { pos: start.pos, end: start.pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) {
        cmd.args.push(operand);
        cmd.end = operand.end;
      }
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') this.backup();
      else if (token.type !== 'pipe') throw this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) throw this.error(start.pos, 'empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (!node || this.peek().type !== 'field') return node;
    const names: string[] = [];
    let end = node.end;
    while (this.peek().type === 'field') {
      const field = this.next();
      names.push(field.value.slice(1));
      end = field.pos + field.value.length;
    }
    switch (node.kind) {
      case 'field':
      case 'variable':
        return { ...node, names: [...node.names, ...names], end };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        throw this.error(node.pos, `unexpected . after term ${JSON.stringify(this.source.slice(node.pos, node.end))}`);
      default:
        return { kind: 'chain', pos: node.pos, end, node, names };
    }
  }

  private term(): ArgNode | undefined {
    const token = this.nextNonSpace();
    const pos = token.pos;
    const end = pos + token.value.length;
    switch (token.type) {
      case 'identifier': {
        const builtin = hasOwn.call(BUILTIN_FUNCTIONS, token.value) ? BUILTIN_FUNCTIONS[token.value] : undefined;
        if (!builtin) this.externalFunctions.push({ name: token.value, pos });
        return { kind: 'identifier', pos, end, name: token.value, builtin };
      }
      case 'dot':
        return { kind: 'dot', pos, end };
      case 'nil':
        return { kind: 'nil', pos, end };
      case 'variable':
        if (!this.vars.includes(token.value)) throw this.error(pos, `undefined variable "${token.value}"`);
        return { kind: 'variable', pos, end, name: token.value, names: [] };
      case 'field':
        return { kind: 'field', pos, end, names: [token.value.slice(1)] };
      case 'bool':
        return { kind: 'bool', pos, end, value: token.value === 'true' };
      case 'number':
      case 'charConstant':
        try {
          const value = token.type === 'number' ? numberValue(token.value) : charConstantValue(token.value);
          return { kind: 'number', pos, end, value };
        } catch (error) {
          throw this.error(pos, (error as Error).message);
        }
      case 'leftParen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rightParen');
        return { ...pipe, pos, end: pipe.end + 1 };
      }
      case 'string':
      case 'rawString':
        return { kind: 'string', pos, end, value: this.unquoteToken(token) };
    }
    this.backup();
    return undefined;
  }

  private unquoteToken(token: Token): string {
    try {
      return unquote(token.value);
    } catch (error) {
      throw this.error(token.pos, `invalid string ${token.value}: ${(error as Error).message}`);
    }
  }
}

function isListEnd(node: StatementNode | ListEnd): node is ListEnd {
  return node.kind === 'end' || node.kind === 'else';
}

function isEmptyList(list: ListNode): boolean {
  return list.every((n) => n.kind === 'text' && n.text.trim() === '');
}
