/**
 * YAML text -> stack values, keeping what the later phases need from the syntax tree:
 * source positions (for errors), Atmos YAML function tags (kept as `YamlFunction` markers) and
 * the merge tags `!append` / `!unset`. YAML 1.2 core schema as Go's yaml.v3 reads it (`yes` is
 * a string), anchors, aliases and `<<` merge keys, duplicate keys refused. Aliases are shared,
 * never copied, and a document whose aliases would expand beyond any real manifest's size (an
 * "alias bomb") is refused.
 *
 * Parsed with js-yaml, about ten times faster than a full syntax tree on stack manifests;
 * positions come from its node events.
 */
import * as jsyaml from 'js-yaml';
import { CORE_SCHEMA, Type, YAMLException, load, type LoadOptions } from 'js-yaml';
import { AtmosUserError, type SourceLocation } from '../errors/user-error';
import { MAX_NESTING, assertNesting, isStackOverflow, nestingError } from './depth';
import { NOT_BLOCK_YAML, parseBlockYaml, type BlockYamlHooks } from './block-yaml';
import { AppendList, UNSET, YamlFunction, hasMergeMarkers, isPlainMap, markHoldsMergeMarkers, setLocation, type PendingLocation, type PlainMap } from './values';

/** Nodes the aliases of one document may expand to; far beyond any real manifest. */
const MAX_ALIAS_EXPANSION = 100_000;

export interface ParseOptions {
  /** Absolute path, for error messages and function locations. */
  file: string;
  /**
   * Strings holding this marker become `TemplateScalar`s that remember their YAML style (used
   * to parse a templated manifest once and render only its templated scalars).
   */
  templateMarker?: string;
}

/** A scalar of a templated manifest that holds template actions, with its YAML style. */
export class TemplateScalar {
  constructor(
    readonly text: string,
    readonly style: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED',
  ) {}
}

/** Parses a manifest; the top level must be a map (an empty file is an empty map). */
export function parseManifest(text: string, options: ParseOptions): PlainMap {
  const value = parseYaml(text, options);
  if (value === null || value === undefined) return {};
  if (!isPlainMap(value)) {
    throw new AtmosUserError('INVALID_MANIFEST', 'a stack manifest must be a YAML map at the top level', { file: options.file, line: 1 },
      'start the file with keys such as `import:`, `vars:` or `components:`');
  }
  return value;
}

/** Local tags (`!env`, `!terraform.output`, ...) on scalars, lists and maps. */
const FUNCTION_TYPES = (['scalar', 'sequence', 'mapping'] as const).map((kind) => new Type('!', {
  kind,
  multi: true,
  construct: (data: unknown, tag?: string) => constructTagged(kind, data, tag ?? '!'),
}));

/** `<<` merge keys; js-yaml exports the type at run time but its typings do not declare it. */
const MERGE_TYPE = (jsyaml as unknown as { types: { merge: Type } }).types.merge;

const SCHEMA = CORE_SCHEMA.extend({ implicit: [MERGE_TYPE], explicit: FUNCTION_TYPES });

function constructTagged(kind: 'scalar' | 'sequence' | 'mapping', data: unknown, tag: string): unknown {
  if (tag === '!unset') return UNSET;
  if (tag === '!append') {
    if (kind !== 'sequence') throw new YAMLException('`!append` must tag a list, e.g. `tags: !append [b]`');
    return new AppendList(data as unknown[]);
  }
  if (kind === 'scalar') return new YamlFunction(tag, data === null || data === undefined ? '' : String(data).trim());
  return new YamlFunction(tag, JSON.stringify(data));
}

/**
 * js-yaml's resolvers for plain scalars (null, booleans, numbers, `<<`), in its order: the block
 * reader reads scalars exactly as js-yaml does. Internal to js-yaml; without it, js-yaml reads all.
 */
const IMPLICIT_TYPES = (SCHEMA as unknown as { compiledImplicit?: Type[] }).compiledImplicit;

/**
 * The first characters of YAML 1.2 core schema null (`~`, `null`), booleans (`true`, `False`),
 * numbers (`-1`, `0x1f`, `.5`, `.inf`) and the merge key `<<`: a plain scalar starting with any
 * other character is a string, and most are (names, paths, CIDRs), so the resolvers are skipped.
 */
const MAY_RESOLVE = new Uint8Array(128);
for (const c of '~nNtTfF0123456789+-.<') MAY_RESOLVE[c.charCodeAt(0)] = 1;

/** A plain scalar as js-yaml types it: null, a boolean, a number, or the text itself. */
export function resolvePlain(text: string): unknown {
  const first = text.charCodeAt(0);
  if (first >= 128 || MAY_RESOLVE[first] === 0) return text;
  for (const type of IMPLICIT_TYPES ?? []) if (type.resolve(text)) return type.construct(text);
  return text;
}

export function parseYaml(text: string, options: ParseOptions): unknown {
  return readYaml(text, options, true);
}

/** js-yaml alone: the reference the block reader is checked against (block-yaml.spec.ts). */
export function parseYamlWithJsYaml(text: string, options: ParseOptions): unknown {
  return readYaml(text, options, false);
}

/** Texts shorter than this cannot nest deep enough to overflow the call stack after parsing. */
const DEEP_TEXT = 16 * MAX_NESTING;

function readYaml(text: string, options: ParseOptions, blockFirst: boolean): unknown {
  let value: unknown;
  try {
    value = readYamlUnchecked(text, options, blockFirst);
  } catch (error) {
    if (isStackOverflow(error)) throw nestingError({ file: options.file });
    throw error;
  }
  // Only a large text can nest deep enough to overflow what follows (a level takes at least two
  // characters, and the recursive steps after parsing hold several thousand levels): most manifests skip the walk.
  if (text.length > DEEP_TEXT) assertNesting(value, { file: options.file });
  return value;
}

function readYamlUnchecked(text: string, options: ParseOptions, blockFirst: boolean): unknown {
  const positions = new PositionRecorder(text, options);
  // Manifests are nearly always plain block YAML, read several times faster by the block reader;
  // js-yaml reads the rest.
  const block = blockFirst && IMPLICIT_TYPES !== undefined;
  let value = block ? parseBlockYaml(text, positions.blockHooks) : NOT_BLOCK_YAML;
  if (value === NOT_BLOCK_YAML) {
    try {
      value = load(text, { filename: options.file, schema: SCHEMA, listener: positions.listener } as LoadOptions);
    } catch (error) {
      throw yamlError(error, options);
    }
  }
  if (value === undefined || value === null) return null;
  // The post pass has work only with merge tags, aliases or placeholders; most manifests have
  // none of them, and the pass walks every node twice.
  if (!options.templateMarker && !text.includes('*') && !text.includes('!append') && !text.includes('!unset')) return value;
  return new PostPass(options, positions.placeholderStyles).run(value);
}

/** js-yaml's node events (or the block reader) give each node's start; maps, lists and functions keep theirs. */
class PositionRecorder {
  private readonly starts: number[] = [];
  /** Offsets where lines start, found when a position is first made a line and column. */
  private lineStarts: number[] | undefined;
  readonly placeholderStyles = new Map<string, TemplateScalar['style']>();

  readonly blockHooks: BlockYamlHooks;

  constructor(
    private readonly text: string,
    private readonly options: ParseOptions,
  ) {
    this.blockHooks = {
      resolvePlain,
      tagged: (tag, data, offset) => {
        const result = constructTagged('scalar', data, tag);
        if (result instanceof YamlFunction) result.location ??= this.locationAt(offset);
        return result;
      },
      located: (node, offset) => setLocation(node, new RecordedPosition(this, offset)),
      // Only a templated manifest's placeholders need their style.
      string: options.templateMarker ? (value, style) => this.placeholderString(value, style) : undefined,
    };
  }

  private placeholderString(value: string, style: TemplateScalar['style']): void {
    if (this.options.templateMarker && value.includes(this.options.templateMarker)) this.placeholderStyles.set(value, style);
  }

  readonly listener = (event: 'open' | 'close', state: { position: number; result: unknown; kind: string | null }): void => {
    if (event === 'open') {
      this.starts.push(state.position);
      return;
    }
    const start = this.starts.pop() ?? 0;
    const result = state.result;
    if (typeof result === 'object' && result !== null) {
      if (result instanceof YamlFunction) result.location ??= this.locationAt(start);
      else if (!(result instanceof AppendList)) setLocation(result, new RecordedPosition(this, start));
    } else if (typeof result === 'string') {
      this.placeholderString(result, styleAt(this.text, start));
    }
  };

  locationAt(offset: number): SourceLocation {
    // Skip to the node itself (js-yaml reports the position before the whitespace, and for a
    // block value before the line break and any comment lines).
    for (;;) {
      while (offset < this.text.length && /\s/.test(this.text[offset])) offset++;
      if (this.text[offset] !== '#') break;
      while (offset < this.text.length && this.text[offset] !== '\n') offset++;
    }
    const lineStarts = (this.lineStarts ??= lineStartsOf(this.text));
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { file: this.options.file, line: low + 1, column: offset - lineStarts[low] + 1 };
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** A node's start offset, made a line and column only when an error message needs it. */
class RecordedPosition implements PendingLocation {
  constructor(
    private readonly recorder: PositionRecorder,
    private readonly offset: number,
  ) {}

  resolve(): SourceLocation {
    return this.recorder.locationAt(this.offset);
  }
}

function styleAt(text: string, offset: number): TemplateScalar['style'] {
  while (offset < text.length && /\s/.test(text[offset])) offset++;
  switch (text[offset]) {
    case '"':
      return 'QUOTE_DOUBLE';
    case "'":
      return 'QUOTE_SINGLE';
    case '|':
      return 'BLOCK_LITERAL';
    case '>':
      return 'BLOCK_FOLDED';
    default:
      return 'PLAIN';
  }
}

/**
 * One walk after parsing: flags containers holding merge markers, wraps templated strings,
 * and measures the document as aliases would expand it.
 */
class PostPass {
  private readonly sizes = new Map<object, number>();
  private readonly done = new Set<object>();

  constructor(
    private readonly options: ParseOptions,
    private readonly styles: Map<string, TemplateScalar['style']>,
  ) {}

  run(value: unknown): unknown {
    const result = this.visit(value);
    const expanded = this.expandedSize(result);
    if (expanded > MAX_ALIAS_EXPANSION && this.sizes.size * 10 < expanded) {
      throw new AtmosUserError('YAML_ALIAS_LIMIT', "the document's aliases expand to too many values", { file: this.options.file },
        'this looks like an alias bomb; inline the values or use imports instead of deeply nested aliases');
    }
    return result;
  }

  private visit(value: unknown): unknown {
    if (typeof value === 'string') {
      const style = this.options.templateMarker && value.includes(this.options.templateMarker) ? this.styles.get(value) ?? 'PLAIN' : undefined;
      return style ? new TemplateScalar(value, style) : value;
    }
    if (typeof value !== 'object' || value === null || this.done.has(value)) return value;
    this.done.add(value);
    if (value instanceof AppendList) {
      value.items.forEach((item, i) => ((value.items as unknown[])[i] = this.visit(item)));
      return value;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => (value[i] = this.visit(item)));
      if (value.some(hasMergeMarkers)) markHoldsMergeMarkers(value);
      return value;
    }
    if (isPlainMap(value)) {
      for (const key of Object.keys(value)) value[key] = this.visit(value[key]);
      if (Object.values(value).some(hasMergeMarkers)) markHoldsMergeMarkers(value);
    }
    return value;
  }

  /** Nodes with every alias expanded; memoised per shared object, so linear in the document. */
  private expandedSize(value: unknown): number {
    if (typeof value !== 'object' || value === null) return 1;
    const known = this.sizes.get(value);
    if (known !== undefined) return known;
    this.sizes.set(value, 1);
    const children = value instanceof AppendList ? value.items : Array.isArray(value) ? value : isPlainMap(value) ? Object.values(value) : [];
    let size = 1;
    for (const child of children) size += this.expandedSize(child);
    this.sizes.set(value, size);
    return size;
  }
}

function yamlError(error: unknown, options: ParseOptions): AtmosUserError {
  if (error instanceof AtmosUserError) return error;
  if (error instanceof YAMLException) {
    const mark = error.mark as { line?: number; column?: number } | undefined;
    return new AtmosUserError('YAML_SYNTAX', `invalid YAML: ${error.reason}`,
      { file: options.file, line: mark?.line !== undefined ? mark.line + 1 : undefined, column: mark?.column !== undefined ? mark.column + 1 : undefined },
      'fix the YAML syntax at that position');
  }
  throw error;
}
