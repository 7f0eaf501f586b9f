/**
 * Address blocks of environments: which values in a manifest are an environment's own CIDR
 * block, and the next free block of the same size when a new environment copies one.
 */
import { GeneratorError } from './options';

export interface Block {
  start: number;
  size: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The private ranges (RFC 1918) a VPC block is drawn from; allow-lists of public blocks are not an environment's own. */
const PRIVATE_RANGES: Block[] = [parseBlock('10.0.0.0/8')!, parseBlock('172.16.0.0/12')!, parseBlock('192.168.0.0/16')!];

export function parseBlock(text: string): Block | undefined {
  const match = CIDR.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((octet) => octet > 255) || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  return { start: address - (address % size), size };
}

export function formatBlock(block: Block): string {
  const address = [24, 16, 8, 0].map((shift) => Math.floor(block.start / 2 ** shift) % 256).join('.');
  return `${address}/${32 - Math.log2(block.size)}`;
}

/** A value the environment generator treats as the environment's address block: a private IPv4 CIDR under a key naming a cidr. */
export function isEnvironmentBlock(key: string, value: unknown): value is string {
  if (typeof value !== 'string' || !/cidr/i.test(key)) return false;
  const block = parseBlock(value);
  return block !== undefined && PRIVATE_RANGES.some((range) => contains(range, block));
}

/** Every private block (any key, lists too) found in a value: what the new block must not overlap. */
export function collectBlocks(value: unknown, into: Block[]): Block[] {
  if (typeof value === 'string') {
    const block = parseBlock(value);
    if (block && PRIVATE_RANGES.some((range) => contains(range, block))) into.push(block);
  } else if (Array.isArray(value)) {
    for (const item of value) collectBlocks(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) collectBlocks(item, into);
  }
  return into;
}

/** The first block of the same size after `from` (wrapping within its private range) that overlaps none of `used`. */
export function nextFreeBlock(from: Block, used: Block[]): Block {
  const range = PRIVATE_RANGES.find((candidate) => contains(candidate, from));
  if (!range) throw new GeneratorError(`${formatBlock(from)} is not in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16): pass --cidr`);
  const count = range.size / from.size;
  const offset = (from.start - range.start) / from.size;
  for (let step = 1; step < count; step++) {
    const candidate = { start: range.start + ((offset + step) % count) * from.size, size: from.size };
    if (!used.some((block) => overlaps(block, candidate))) return candidate;
  }
  throw new GeneratorError(`no free /${32 - Math.log2(from.size)} block left in ${formatBlock(range)}: pass --cidr with the block the new environment should use`);
}

export function overlaps(a: Block, b: Block): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

function contains(outer: Block, inner: Block): boolean {
  return inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;
}
