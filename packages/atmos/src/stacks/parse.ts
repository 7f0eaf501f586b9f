/**
 * YAML text -> stack values, keeping what the later phases need from the syntax tree:
 * source positions (for errors), Atmos YAML function tags (kept as `YamlFunction` markers) and
 * the merge tags `!append` / `!unset`. Anchors, aliases and `<<` merge keys work as in Go's
 * yaml.v3; an alias explosion ("billion laughs") is stopped with a clear error.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { AtmosUserError, type SourceLocation } from '../errors/user-error';
import { AppendList, UNSET, YamlFunction, hasMergeMarkers, isPlainMap, markHoldsMergeMarkers, setKey, setLocation, type PlainMap } from './values';

/**
 * Aliases are converted once and shared, so parsing never explodes; but every later walk
 * (merging, templates, JSON output) would see the expanded tree. Like yaml.v3, we refuse a
 * document whose aliases expand to far more nodes than any real manifest has.
 */
const MAX_ALIAS_COUNT = 1000;
const MAX_ALIAS_EXPANSION = 100_000;

const MERGE_TAGS = new Set(['!append', '!unset']);

export interface ParseOptions {
  /** Absolute path, for error messages and function locations. */
  file: string;
  /**
   * Strings holding this marker become `TemplateScalar`s that remember their YAML style (used
   * to parse a templated manifest once and render only its templated scalars).
   */
  templateMarker?: string;
  /** Line offset when the text is a part of a bigger file (rendered templates keep their own lines). */
  lineOffset?: number;
}

/** Parses a manifest; the top level must be a map (an empty file is an empty map). */
export function parseManifest(text: string, options: ParseOptions): PlainMap {
  const value = parseYaml(text, options);
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof YamlFunction) {
    throw new AtmosUserError('INVALID_MANIFEST', 'a stack manifest must be a YAML map at the top level', { file: options.file, line: 1 },
      'start the file with keys such as `import:`, `vars:` or `components:`');
  }
  return value as PlainMap;
}

export function parseYaml(text: string, options: ParseOptions): unknown {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false, strict: false });
  } catch (error) {
    throw yamlError(error, options);
  }
  const firstError = doc.errors[0];
  if (firstError) throw yamlError(firstError, options, lineCounter);
  const converter = new Converter(doc, lineCounter, options);
  try {
    return converter.convert(doc.contents);
  } catch (error) {
    throw yamlError(error, options, lineCounter);
  }
}

class Converter {
  private readonly aliasCache = new Map<YamlNode, unknown>();
  private readonly nodeSizes = new WeakMap<object, number>();
  private aliasesSeen = 0;
  private aliasExpansion = 0;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
    private readonly options: ParseOptions,
  ) {}

  convert(node: unknown): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.convertAlias(node as YamlNode & { resolve(doc: Document): YamlNode | undefined });
    const tag = (node as { tag?: string }).tag;
    if (isScalar(node)) {
      const marker = this.options.templateMarker;
      if (marker && tag === undefined && typeof node.value === 'string' && node.value.includes(marker)) {
        return new TemplateScalar(node.value, (node.type ?? 'PLAIN') as TemplateScalar['style']);
      }
      return this.convertScalar(node.value, tag, node.type === 'PLAIN' ? node.source : undefined, node.range?.[0]);
    }
    if (isMap(node)) return this.convertMap(node, tag);
    if (isSeq(node)) return this.convertSeq(node, tag);
    return null;
  }

  private convertAlias(node: YamlNode & { resolve(doc: Document): YamlNode | undefined }): unknown {
    if (++this.aliasesSeen > MAX_ALIAS_COUNT) throw aliasLimitError(this.options);
    const target = node.resolve(this.doc);
    if (!target) return null;
    if (!this.aliasCache.has(target)) this.aliasCache.set(target, this.convert(target));
    const value = this.aliasCache.get(target);
    this.aliasExpansion += this.sizeOf(value);
    if (this.aliasExpansion > MAX_ALIAS_EXPANSION) throw aliasLimitError(this.options);
    return value;
  }

  /** Nodes in a converted value with aliases expanded (memoised: shared subtrees are counted once each time they are referenced). */
  private sizeOf(value: unknown): number {
    if (typeof value !== 'object' || value === null) return 1;
    const known = this.nodeSizes.get(value);
    if (known !== undefined) return known;
    const children = Array.isArray(value) ? value : Object.values(value);
    const size = children.reduce((sum: number, child) => sum + this.sizeOf(child), 1);
    this.nodeSizes.set(value, size);
    return size;
  }

  private convertScalar(value: unknown, tag: string | undefined, source: string | undefined, offset: number | undefined): unknown {
    if (tag === undefined || tag.startsWith('tag:yaml.org,2002:')) return value ?? null;
    if (tag === '!unset') return UNSET;
    if (tag === '!append') throw new Error('`!append` must tag a list, e.g. `tags: !append [b]`');
    // Plain scalars keep their text as written (`!env PORT 010`); quoted ones their decoded value.
    const args = value === null || value === undefined ? '' : String(source ?? value).trim();
    return new YamlFunction(tag, args, this.location(offset));
  }

  private convertMap(node: { items: unknown[]; range?: [number, number, number] | null }, tag: string | undefined): unknown {
    if (tag === '!unset') return UNSET;
    const result: PlainMap = {};
    let holdsMarkers = false;
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if (isMergeKey(pair.key)) {
        this.applyMergeKey(result, pair.value);
        continue;
      }
      const key = this.keyOf(pair.key);
      const value = this.convert(pair.value);
      holdsMarkers ||= hasMergeMarkers(value);
      setKey(result, key, value);
    }
    this.remember(result, node.range?.[0], holdsMarkers);
    if (tag && !tag.startsWith('tag:yaml.org,2002:') && !MERGE_TAGS.has(tag)) return new YamlFunction(tag, JSON.stringify(result), this.location(node.range?.[0]));
    return result;
  }

  private convertSeq(node: { items: unknown[]; range?: [number, number, number] | null }, tag: string | undefined): unknown {
    if (tag === '!unset') return UNSET;
    const items = node.items.map((item) => this.convert(item));
    const holdsMarkers = items.some(hasMergeMarkers);
    this.remember(items, node.range?.[0], holdsMarkers);
    if (tag === '!append') return new AppendList(items);
    if (tag && !tag.startsWith('tag:yaml.org,2002:')) return new YamlFunction(tag, JSON.stringify(items), this.location(node.range?.[0]));
    return items;
  }

  /** `<<: *base` / `<<: [*a, *b]`: copy keys the map does not set itself; earlier sources win. */
  private applyMergeKey(target: PlainMap, sourceNode: unknown): void {
    const source = this.convert(sourceNode);
    const sources = Array.isArray(source) ? source : [source];
    for (const item of sources) {
      if (!isPlainMap(item)) throw new Error('the merge key `<<` needs a map or a list of maps');
      for (const [key, value] of Object.entries(item)) {
        if (!Object.prototype.hasOwnProperty.call(target, key)) setKey(target, key, value);
      }
    }
  }

  private keyOf(key: unknown): string {
    if (isScalar(key)) return key.value === null || key.value === undefined ? '' : String(key.value);
    if (isAlias(key)) return String(this.convert(key));
    throw new Error('map keys must be plain scalars');
  }

  private remember(value: object, offset: number | undefined, holdsMarkers: boolean): void {
    const location = this.location(offset);
    if (location) setLocation(value, location);
    if (holdsMarkers) markHoldsMergeMarkers(value);
  }

  private location(offset: number | undefined): SourceLocation | undefined {
    if (offset === undefined) return undefined;
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.options.file, line: line + (this.options.lineOffset ?? 0), column: col };
  }
}

/** A scalar of a templated manifest that holds template actions, with its YAML style. */
export class TemplateScalar {
  constructor(
    readonly text: string,
    readonly style: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED',
  ) {}
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

function aliasLimitError(options: ParseOptions): AtmosUserError {
  return new AtmosUserError('YAML_ALIAS_LIMIT', 'the document\'s aliases expand to too many values', { file: options.file },
    'this looks like an alias bomb; inline the values or use imports instead of deeply nested aliases');
}

function yamlError(error: unknown, options: ParseOptions, lineCounter?: LineCounter): AtmosUserError {
  if (error instanceof AtmosUserError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/alias/i.test(message) && /excessive|resource exhaustion/i.test(message)) return aliasLimitError(options);
  const yamlPos = (error as { linePos?: Array<{ line: number; col: number }>; pos?: [number, number] });
  let line: number | undefined;
  let column: number | undefined;
  if (yamlPos.linePos?.[0]) {
    line = yamlPos.linePos[0].line;
    column = yamlPos.linePos[0].col;
  } else if (yamlPos.pos && lineCounter) {
    const p = lineCounter.linePos(yamlPos.pos[0]);
    line = p.line;
    column = p.col;
  }
  if (line !== undefined) line += options.lineOffset ?? 0;
  const firstLine = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return new AtmosUserError('YAML_SYNTAX', `invalid YAML: ${firstLine}`, { file: options.file, line, column }, 'fix the YAML syntax at that position');
}
