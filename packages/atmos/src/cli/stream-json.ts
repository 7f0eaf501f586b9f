/**
 * `JSON.stringify(value, null, 2) + '\n'`, written in pieces as it is made instead of as one
 * string: `describe stacks --format json` at 10,000 instances is ~90 MB of text, which as one
 * string cost a copy of the whole tree (toPlain), a 90 MB allocation, and its conversion to
 * bytes in one go. The output is byte for byte what JSON.stringify prints: the top `depth` levels
 * of plain objects are written here (keys in JSON.stringify's order, Object.keys), everything
 * below is JSON.stringify'd per value (YamlFunction prints through its toJSON) and re-indented.
 *
 * A value that is the same object as the one printed last under the same key at the same level
 * is printed from that text: the instances of one stack share their `imports` list (a quarter of
 * describe stacks' output): printing it once per stack instead of once per instance saves about a
 * tenth of the writer's time. Only plain objects and lists are reused (nothing in the tree
 * changes while it is written; a toJSON could answer differently each time).
 */

/** Pieces are handed to `write` in chunks of about this many characters. */
const CHUNK = 1 << 20;

export function writeJson(value: unknown, write: (chunk: string) => void, depth: number): void {
  const out = new ChunkWriter(write);
  emit(value, '', depth, out, new LastPrinted());
  out.push('\n');
  out.flush();
}

function emit(value: unknown, indent: string, depth: number, out: ChunkWriter, last: LastPrinted): void {
  if (!splittable(value, depth)) {
    const text = stringifyAt(value, indent.length / 2);
    // Top level only (a nested undefined is skipped by the caller): JSON.stringify(undefined) is undefined.
    out.push(text ?? 'undefined');
    return;
  }
  const inner = indent + '  ';
  let first = true;
  for (const key of Object.keys(value)) {
    const child = value[key];
    let text: string | undefined;
    if (!splittable(child, depth - 1)) {
      text = last.textOf(key, child, inner.length / 2);
      if (text === undefined) continue; // undefined, a function or a symbol: JSON.stringify leaves the key out
    }
    out.push(`${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `);
    first = false;
    if (text !== undefined) out.push(text);
    else emit(child, inner, depth - 1, out, last);
  }
  out.push(first ? '{}' : `\n${indent}}`);
}

/** The text last printed per key and level, reused when the same list or map comes again. */
class LastPrinted {
  private readonly byLevel: Array<Map<string, { value: object; text: string | undefined }>> = [];

  textOf(key: string, value: unknown, level: number): string | undefined {
    if (!reusable(value)) return stringifyAt(value, level);
    const printed = (this.byLevel[level] ??= new Map());
    const previous = printed.get(key);
    if (previous?.value === value) return previous.text;
    const text = stringifyAt(value, level);
    printed.set(key, { value, text });
    return text;
  }
}

function reusable(value: unknown): value is object {
  return Array.isArray(value) || plainObject(value);
}

/** A plain object this writer lays out itself (anything else goes to JSON.stringify whole). */
function splittable(value: unknown, depth: number): value is Record<string, unknown> {
  return depth > 0 && plainObject(value);
}

/** An object (not a list) with Object's prototype or none, and no toJSON of its own to ask. */
function plainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * JSON.stringify(value, null, 2) as printed `level` levels deep. JSON.stringify indents the value
 * itself when it sits inside `level` one-element lists, whose own lines are then cut off again:
 * cheaper than re-indenting every line of the text.
 */
function stringifyAt(value: unknown, level: number): string | undefined {
  // What JSON.stringify leaves out of an object becomes `null` in a list; a toJSON may return such a value.
  if (level === 0 || typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const text = JSON.stringify(value, null, 2);
    return text === undefined ? undefined : reindent(text, ' '.repeat(level * 2));
  }
  let wrapped: unknown = value;
  for (let i = 0; i < level; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Before the value: `[\n` and the next level's indent, per level; after it: `\n`, the indent and `]`.
  const head = 2 * level + level * (level + 1);
  const tail = 2 * level + level * (level - 1);
  return text.slice(head, text.length - tail);
}

/** JSON text printed at depth 0, moved to `indent` (raw newlines only separate lines: strings escape theirs). */
function reindent(text: string, indent: string): string {
  return indent === '' || !text.includes('\n') ? text : text.replace(/\n/g, '\n' + indent);
}

class ChunkWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly write: (chunk: string) => void) {}

  push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
