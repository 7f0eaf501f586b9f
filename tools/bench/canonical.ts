/**
 * Canonical output of a resolved workspace, to compare two runs or two engine versions: the
 * `describe component` JSON of every instance, keys sorted recursively, instances sorted by stack
 * then component (code-unit order, independent of locale), written as one JSON array.
 */
import { createHash } from 'node:crypto';

/** What the figures need from an engine instance (structural, so any engine version fits). */
export interface InstanceLike {
  stack: string;
  component: string;
  abstract: boolean;
  inheritance: string[];
}

/** JSON with object keys sorted at every level; `undefined` members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    parts.push(JSON.stringify(key) + ':' + canonicalJson(item));
  }
  return '{' + parts.join(',') + '}';
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareInstances(a: InstanceLike, b: InstanceLike): number {
  return byCodeUnits(a.stack, b.stack) || byCodeUnits(a.component, b.component);
}

export interface CanonicalDigest {
  sha256: string;
  /** Length of the canonical JSON in bytes. */
  bytes: number;
}

/**
 * sha256 of `[describe(i1),describe(i2),...]` in canonical form, hashed instance by instance so the
 * whole document never has to exist in memory; `sink` receives the same text (e.g. to dump it).
 */
export function canonicalDigest<T extends InstanceLike>(instances: readonly T[], describe: (instance: T) => unknown, sink?: (chunk: string) => void): CanonicalDigest {
  const hash = createHash('sha256');
  let bytes = 0;
  const write = (chunk: string) => {
    hash.update(chunk);
    bytes += Buffer.byteLength(chunk);
    sink?.(chunk);
  };
  const sorted = [...instances].sort(compareInstances);
  write('[');
  sorted.forEach((instance, index) => write((index === 0 ? '' : ',') + canonicalJson(describe(instance))));
  write(']');
  return { sha256: hash.digest('hex'), bytes };
}

export interface InstanceFigures {
  instances: number;
  stacks: number;
  abstract: number;
  /** Instances whose inheritance chain names an abstract component of the same stack. */
  inheritingFromAbstract: number;
  inheritingPercent: number;
}

export function instanceFigures(instances: readonly InstanceLike[]): InstanceFigures {
  const abstract = new Set<string>();
  const stacks = new Set<string>();
  for (const instance of instances) {
    stacks.add(instance.stack);
    if (instance.abstract) abstract.add(`${instance.stack}\0${instance.component}`);
  }
  const inheriting = instances.filter((instance) => instance.inheritance.some((base) => abstract.has(`${instance.stack}\0${base}`))).length;
  return {
    instances: instances.length,
    stacks: stacks.size,
    abstract: abstract.size,
    inheritingFromAbstract: inheriting,
    inheritingPercent: instances.length === 0 ? 0 : (100 * inheriting) / instances.length,
  };
}

/** Template manifests among the manifests the engine read. */
export function templateManifestFigures(manifestsRead: readonly string[]): { manifests: number; tmpl: number; tmplPercent: number } {
  const tmpl = manifestsRead.filter((file) => file.endsWith('.tmpl')).length;
  return { manifests: manifestsRead.length, tmpl, tmplPercent: manifestsRead.length === 0 ? 0 : (100 * tmpl) / manifestsRead.length };
}
