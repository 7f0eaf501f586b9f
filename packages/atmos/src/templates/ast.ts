/**
 * The parse tree of a Go text/template. Every node records `pos`, the offset in the source
 * where it starts, so that errors can be reported as line:column long after parsing (parse
 * results are cached and shared between files, so positions stay source-relative).
 * Argument nodes also record `end`, so an execution error can quote the text that failed.
 */
import type { TemplateFunction } from './functions/signature';

// ---------------------------------------------------------------------------------------
// Arguments: the things a command is made of.

/** `.` */
export interface DotNode {
  kind: 'dot';
  pos: number;
  end: number;
}

/** `nil` */
export interface NilNode {
  kind: 'nil';
  pos: number;
  end: number;
}

/** `true` / `false` */
export interface BoolNode {
  kind: 'bool';
  pos: number;
  end: number;
  value: boolean;
}

/** Integer, float or character constant; all become JS numbers. */
export interface NumberNode {
  kind: 'number';
  pos: number;
  end: number;
  value: number;
}

/** Interpreted ("...") or raw (`...`) string, already unquoted. */
export interface StringNode {
  kind: 'string';
  pos: number;
  end: number;
  value: string;
}

/** `.a.b.c` — a field chain starting at dot. */
export interface FieldNode {
  kind: 'field';
  pos: number;
  end: number;
  names: string[];
}

/** `$x` or `$x.a.b` — a variable, optionally followed by fields. */
export interface VariableNode {
  kind: 'variable';
  pos: number;
  end: number;
  name: string;
  names: string[];
}

/** A function name. `builtin` is resolved at parse time so execution skips a lookup. */
export interface IdentifierNode {
  kind: 'identifier';
  pos: number;
  end: number;
  name: string;
  builtin: TemplateFunction | undefined;
}

/** `(pipeline).a.b` or `ident.a.b` — fields applied to the result of another term. */
export interface ChainNode {
  kind: 'chain';
  pos: number;
  end: number;
  node: ArgNode;
  names: string[];
}

/** A pipeline: optional variable declarations, then commands separated by `|`. */
export interface PipeNode {
  kind: 'pipe';
  pos: number;
  end: number;
  /** Variables declared (`:=`) or assigned (`=`) by this pipeline. */
  decl: string[];
  isAssign: boolean;
  cmds: CommandNode[];
}

export type ArgNode =
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | FieldNode
  | VariableNode
  | IdentifierNode
  | ChainNode
  | PipeNode;

/** One stage of a pipeline: a function/field/value followed by its arguments. */
export interface CommandNode {
  pos: number;
  end: number;
  args: ArgNode[];
}

// ---------------------------------------------------------------------------------------
// Statements: what a template body (a list) is made of.

export interface TextNode {
  kind: 'text';
  pos: number;
  text: string;
}

/** `{{ pipeline }}`: prints the value unless the pipeline declares variables. */
export interface ActionNode {
  kind: 'action';
  pos: number;
  pipe: PipeNode;
}

export interface IfNode {
  kind: 'if';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | undefined;
}

export interface WithNode {
  kind: 'with';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | undefined;
}

export interface RangeNode {
  kind: 'range';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | undefined;
}

export interface BreakNode {
  kind: 'break';
  pos: number;
}

export interface ContinueNode {
  kind: 'continue';
  pos: number;
}

/** `{{template "name" pipeline}}` (and the call half of `{{block}}`). */
export interface TemplateCallNode {
  kind: 'template';
  pos: number;
  name: string;
  pipe: PipeNode | undefined;
}

export type StatementNode =
  | TextNode
  | ActionNode
  | IfNode
  | WithNode
  | RangeNode
  | BreakNode
  | ContinueNode
  | TemplateCallNode;

export type ListNode = StatementNode[];

/** A use of a function the builtins do not provide; checked against user functions at render. */
export interface ExternalFunctionUse {
  name: string;
  pos: number;
}

/** The result of parsing one source string. */
export interface Tree {
  source: string;
  root: ListNode;
  /** Templates declared with `{{define}}` or `{{block}}`. */
  defines: Map<string, ListNode>;
  /** Identifiers that are not builtins, in source order (usually empty). */
  externalFunctions: ExternalFunctionUse[];
}
