/**
 * Terraform type constraints (`list(string)`, `map(object({ name = string, port = optional(number, 80) }))`)
 * parsed from a variable's `type` expression, and a check of a stack value against one with
 * Terraform's own conversion rules: a number or bool is a fine string, "5" a fine number, "true"
 * a fine bool; an object may carry extra attributes (Terraform drops them) but not miss a
 * required one. Anything the parser does not understand checks as `any`, so the contract check
 * never reports a mismatch it cannot prove.
 */

export type TerraformType =
  | { kind: 'string' | 'number' | 'bool' | 'any' }
  | { kind: 'list' | 'set' | 'map'; element: TerraformType }
  | { kind: 'tuple'; elements: TerraformType[] }
  | { kind: 'object'; attributes: Map<string, { type: TerraformType; optional: boolean }> };

const ANY: TerraformType = { kind: 'any' };

/** Parses a type expression as written in variables.tf; unknown syntax gives `any`. */
export function parseTerraformType(expression: string | undefined): TerraformType {
  if (expression === undefined) return ANY;
  try {
    const parser = new TypeParser(expression);
    const type = parser.type();
    return parser.atEnd() ? type : ANY;
  } catch {
    return ANY;
  }
}

/** Describes a type the way Terraform prints it, for error messages. */
export function formatTerraformType(type: TerraformType): string {
  switch (type.kind) {
    case 'list':
    case 'set':
    case 'map':
      return `${type.kind}(${formatTerraformType(type.element)})`;
    case 'tuple':
      return `tuple([${type.elements.map(formatTerraformType).join(', ')}])`;
    case 'object':
      return 'object({...})';
    default:
      return type.kind;
  }
}

/**
 * Where a value does not fit the type: one message per mismatch, naming the path inside the
 * value (`.routes["GET /"].authorized`). `isOpaque` says which values are only known later
 * (YAML functions, `${{ }}` expressions, unrendered templates); they fit any type.
 */
export function typeMismatches(type: TerraformType, value: unknown, isOpaque: (value: unknown) => boolean, path = ''): string[] {
  if (value === null || value === undefined || isOpaque(value)) return [];
  const here = path === '' ? 'the value' : path;
  const fail = (expected: string) => [`${here} is ${describeValue(value)}, expected ${expected}`];
  switch (type.kind) {
    case 'any':
      return [];
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? [] : fail('a string');
    case 'number':
      if (typeof value === 'number') return [];
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? [] : fail('a number');
    case 'bool':
      return typeof value === 'boolean' || value === 'true' || value === 'false' ? [] : fail('a bool');
    case 'list':
    case 'set':
      if (!Array.isArray(value)) return fail(`a ${formatTerraformType(type)}`);
      return value.flatMap((item, i) => typeMismatches(type.element, item, isOpaque, `${path}[${i}]`));
    case 'tuple':
      if (!Array.isArray(value)) return fail(`a ${formatTerraformType(type)}`);
      if (value.length !== type.elements.length) return fail(`a tuple of ${type.elements.length} elements`);
      return value.flatMap((item, i) => typeMismatches(type.elements[i], item, isOpaque, `${path}[${i}]`));
    case 'map':
      if (!isObject(value)) return fail(`a ${formatTerraformType(type)}`);
      return Object.entries(value).flatMap(([key, item]) => typeMismatches(type.element, item, isOpaque, `${path}[${JSON.stringify(key)}]`));
    case 'object': {
      if (!isObject(value)) return fail('an object');
      const problems: string[] = [];
      for (const [name, attribute] of type.attributes) {
        if (!Object.prototype.hasOwnProperty.call(value, name)) {
          if (!attribute.optional) problems.push(`${here} lacks the required attribute "${name}"`);
          continue;
        }
        problems.push(...typeMismatches(attribute.type, value[name], isOpaque, `${path}.${name}`));
      }
      return problems;
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'a map';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value)}`;
  return `${typeof value === 'number' ? 'the number' : 'the bool'} ${String(value)}`;
}

/** A small recursive-descent parser over the type grammar (whitespace and commas are separators). */
class TypeParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  type(): TerraformType {
    const name = this.identifier();
    switch (name) {
      case 'string':
      case 'number':
      case 'bool':
      case 'any':
        return { kind: name };
      case 'list':
      case 'set':
      case 'map': {
        this.expect('(');
        const element = this.type();
        this.expect(')');
        return { kind: name, element };
      }
      case 'tuple': {
        this.expect('(');
        this.expect('[');
        const elements: TerraformType[] = [];
        while (!this.peek(']')) {
          elements.push(this.type());
          this.optional(',');
        }
        this.expect(']');
        this.expect(')');
        return { kind: 'tuple', elements };
      }
      case 'object': {
        this.expect('(');
        this.expect('{');
        const attributes = new Map<string, { type: TerraformType; optional: boolean }>();
        while (!this.peek('}')) {
          const attribute = this.attributeName();
          this.expect('=');
          attributes.set(attribute, this.attributeType());
          this.optional(',');
        }
        this.expect('}');
        this.expect(')');
        return { kind: 'object', attributes };
      }
      default:
        throw new Error(`unknown type ${name}`);
    }
  }

  /** `string` or `optional(string)` or `optional(string, "default")` (the default is skipped). */
  private attributeType(): { type: TerraformType; optional: boolean } {
    const start = this.pos;
    if (this.identifier() !== 'optional') {
      this.pos = start;
      return { type: this.type(), optional: false };
    }
    this.expect('(');
    const type = this.type();
    if (this.optional(',')) this.skipExpression();
    this.expect(')');
    return { type, optional: true };
  }

  /** Skips a default value up to the `)` that closes `optional(`, minding brackets and strings. */
  private skipExpression(): void {
    let depth = 0;
    while (this.pos < this.text.length) {
      const char = this.text[this.pos];
      if (char === '"') {
        this.pos++;
        while (this.pos < this.text.length && this.text[this.pos] !== '"') this.pos += this.text[this.pos] === '\\' ? 2 : 1;
      } else if ('([{'.includes(char)) {
        depth++;
      } else if (')]}'.includes(char)) {
        if (depth === 0) return;
        depth--;
      }
      this.pos++;
    }
  }

  private attributeName(): string {
    this.skipSpace();
    if (this.text[this.pos] === '"') {
      const end = this.text.indexOf('"', this.pos + 1);
      if (end < 0) throw new Error('unterminated attribute name');
      const name = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return name;
    }
    return this.identifier();
  }

  private identifier(): string {
    this.skipSpace();
    const match = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.pos));
    if (!match) throw new Error(`expected a name at ${this.pos}`);
    this.pos += match[0].length;
    return match[0];
  }

  private peek(char: string): boolean {
    this.skipSpace();
    return this.text[this.pos] === char;
  }

  private optional(char: string): boolean {
    if (!this.peek(char)) return false;
    this.pos++;
    return true;
  }

  private expect(char: string): void {
    if (!this.optional(char)) throw new Error(`expected ${char} at ${this.pos}`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
}
