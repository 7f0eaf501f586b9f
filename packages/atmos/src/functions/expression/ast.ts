/** Syntax tree of one `${{ … }}` expression. `pos` is the node's offset in the expression source. */
export type PathSegment = string | number;

export type Node =
  | LiteralNode
  | ListNode
  | MapNode
  | RootNode
  | OutputNode
  | GetAttrNode
  | IndexNode
  | CallNode
  | NegateNode
  | EnvShorthandNode
  | SsmShorthandNode;

export interface LiteralNode {
  type: 'literal';
  value: string | number | boolean | null;
  pos: number;
}

export interface ListNode {
  type: 'list';
  items: Node[];
  pos: number;
}

export interface MapEntry {
  /** A bare identifier or quoted key is a string; `(expr)` is an expression. */
  key: string | Node;
  value: Node;
  pos: number;
}

export interface MapNode {
  type: 'map';
  entries: MapEntry[];
  pos: number;
}

/** `vars`, `settings` or `env` (the component instance's sections). */
export interface RootNode {
  type: 'root';
  name: 'vars' | 'settings' | 'env';
  pos: number;
}

/**
 * The outputs map of a component: `output.<component>` / `output["<component>"]` (same stack)
 * or `output("<component>", <stack>)`. `stack` is absent for the same stack.
 */
export interface OutputNode {
  type: 'output';
  component: string;
  stack?: Node;
  pos: number;
}

export interface GetAttrNode {
  type: 'getattr';
  object: Node;
  name: string;
  pos: number;
}

export interface IndexNode {
  type: 'index';
  object: Node;
  key: Node;
  pos: number;
}

export interface CallNode {
  type: 'call';
  name: string;
  args: Node[];
  /** `f(a, list...)`: the last argument's elements are passed as separate arguments. */
  expandLast: boolean;
  pos: number;
}

export interface NegateNode {
  type: 'negate';
  operand: Node;
  pos: number;
}

/** `env:NAME` — a process environment variable (the whole expression). */
export interface EnvShorthandNode {
  type: 'env_shorthand';
  name: string;
  pos: number;
}

/** `ssm:/path/to/parameter` — an SSM parameter (the whole expression). */
export interface SsmShorthandNode {
  type: 'ssm_shorthand';
  path: string;
  pos: number;
}
