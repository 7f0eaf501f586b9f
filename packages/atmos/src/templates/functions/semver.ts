/**
 * Sprig's semverCompare (Masterminds/semver v3 constraints), covering what stack manifests use:
 * `=`, `!=`, `>`, `>=`, `<`, `<=`, `~` / `~>`, `^`, wildcards (`1.2.x`, `*`, and missing parts
 * as in `>=1.2`), hyphen ranges (`1.2 - 1.4.5`), AND with commas or spaces, OR with `||`.
 * As in Masterminds, a pre-release version only satisfies constraints that mention a
 * pre-release themselves.
 */
import { fn, type TemplateFunction } from './signature';

interface Version {
  parts: [number, number, number];
  pre: string;
}

/** A constraint's version: parts may be missing or wildcards (undefined). */
interface Partial {
  parts: [number | undefined, number | undefined, number | undefined];
  pre: string;
}

const VERSION = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const PART = '[0-9]+|[xX*]';
const PARTIAL_SOURCE = `v?(?:${PART})(?:\\.(?:${PART}))?(?:\\.(?:${PART}))?(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?`;
const TERM = new RegExp(`(!=|>=|=>|<=|=<|~>|=|>|<|~|\\^)?\\s*(${PARTIAL_SOURCE})`, 'g');
const HYPHEN = new RegExp(`(${PARTIAL_SOURCE})\\s+-\\s+(${PARTIAL_SOURCE})`, 'g');

function parseVersion(text: string): Version {
  const m = VERSION.exec(text.trim());
  if (!m) throw new Error(`Invalid Semantic Version: ${text}`);
  return { parts: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] ?? '' };
}

function parsePartial(text: string): Partial {
  const [core = '', pre = ''] = text.replace(/^v/, '').replace(/\+.*$/, '').split(/-(.*)/s) as [string?, string?];
  const nums = core.split('.').map((p) => (/^[0-9]+$/.test(p) ? Number(p) : undefined));
  // After a wildcard, everything is a wildcard (1.x.3 means 1.x).
  const firstWild = nums.findIndex((n) => n === undefined);
  const parts = [0, 1, 2].map((i) => (firstWild >= 0 && i >= firstWild ? undefined : nums[i])) as Partial['parts'];
  return { parts, pre };
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const pn = /^[0-9]+$/.test(p);
    const qn = /^[0-9]+$/.test(q);
    if (pn && qn) return Number(p) - Number(q);
    if (pn) return -1;
    if (qn) return 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const d = (a.parts[i] as number) - (b.parts[i] as number);
    if (d !== 0) return d;
  }
  return comparePre(a.pre, b.pre);
}

const version = (major: number, minor: number, patch: number, pre = ''): Version => ({ parts: [major, minor, patch], pre });

/** The lowest version a partial version stands for (missing parts are 0). */
function lowest(c: Partial): Version {
  return version(c.parts[0] ?? 0, c.parts[1] ?? 0, c.parts[2] ?? 0, c.pre);
}

/** The first version above everything a wildcard partial version stands for. */
function aboveWildcard(c: Partial): Version | undefined {
  const [major, minor] = c.parts;
  if (major === undefined) return undefined;
  if (minor === undefined) return version(major + 1, 0, 0);
  return version(major, minor + 1, 0);
}

function caretUpper(c: Partial): Version | undefined {
  const [major, minor, patch] = c.parts;
  if (major === undefined) return undefined;
  if (major > 0) return version(major + 1, 0, 0);
  if (minor === undefined) return version(1, 0, 0);
  if (minor > 0) return version(0, minor + 1, 0);
  if (patch === undefined) return version(0, 1, 0);
  return version(0, 0, patch + 1);
}

function inRange(v: Version, low: Version, high: Version | undefined): boolean {
  return compare(v, low) >= 0 && (high === undefined || compare(v, high) < 0);
}

function satisfies(op: string, c: Partial, v: Version): boolean {
  const wildcard = c.parts.some((p) => p === undefined);
  if (op !== '!=' && v.pre !== '' && c.pre === '') return false;
  switch (op) {
    case '':
    case '=':
      return wildcard ? inRange(v, lowest(c), aboveWildcard(c)) : compare(v, lowest(c)) === 0;
    case '!=':
      return !satisfies('=', c, v);
    case '>': {
      if (!wildcard) return compare(v, lowest(c)) > 0;
      const above = aboveWildcard(c);
      return above !== undefined && compare(v, above) >= 0;
    }
    case '>=':
    case '=>':
      return compare(v, lowest(c)) >= 0;
    case '<':
      return compare(v, lowest(c)) < 0;
    case '<=':
    case '=<': {
      if (!wildcard) return compare(v, lowest(c)) <= 0;
      const above = aboveWildcard(c);
      return above === undefined || compare(v, above) < 0;
    }
    case '~':
    case '~>': {
      const [major, minor] = c.parts;
      if (major === undefined) return true;
      return inRange(v, lowest(c), minor === undefined ? version(major + 1, 0, 0) : version(major, minor + 1, 0));
    }
    case '^':
      return inRange(v, lowest(c), caretUpper(c));
  }
  return false;
}

/** Whether `versionText` satisfies `constraint`; throws for malformed input, as Sprig does. */
export function semverCompare(constraint: string, versionText: string): boolean {
  const v = parseVersion(versionText);
  return constraint.split('||').some((group) => {
    const expanded = group.replace(HYPHEN, '>=$1, <=$2');
    const terms = [...expanded.matchAll(TERM)];
    const leftover = expanded.replace(TERM, '').replace(/[\s,]/g, '');
    if (terms.length === 0 || leftover !== '') throw new Error(`improper constraint: ${constraint}`);
    return terms.every((t) => satisfies(t[1] ?? '', parsePartial(t[2] as string), v));
  });
}

export const SEMVER_FUNCTIONS: Record<string, TemplateFunction> = {
  semverCompare: fn(['string', 'string'], semverCompare),
};
