/** hcl2json's JSON form of an HCL body, read as plain values. No parser here: cheap to import. */

/** hcl2json's JSON form of an HCL body: blocks become maps of lists, attributes become values. */
export type HclBody = Record<string, unknown>;

/**
 * hcl2json writes expressions as `${...}` strings (`type = number` becomes `"${number}"`).
 * Returns the expression text, or undefined for a literal value.
 */
export function expressionText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{([\s\S]*)\}$/.exec(value);
  return match ? match[1] : undefined;
}

/**
 * An HCL body as plain values, the way Atmos reads an HCL file (`!include x.tfvars`): attributes
 * become keys; a block becomes a map under its type and labels (`resource "a" "b" {}` gives
 * `{resource: {a: {b: {...}}}}`), repeated unlabelled blocks merge. hcl2json writes each block
 * as a list of bodies, so a list of maps is read as blocks — in `.tfvars` there are no blocks
 * and values are kept exactly.
 */
export function hclValues(body: HclBody, attributesOnly: boolean): Record<string, unknown> {
  if (attributesOnly) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) out[key] = blockValue(value);
  return out;
}

function blockValue(value: unknown): unknown {
  if (Array.isArray(value) && value.length > 0 && value.every(isBody)) {
    return Object.assign({}, ...value.map((body) => hclValues(body, false)));
  }
  if (isBody(value)) {
    const out: Record<string, unknown> = {};
    for (const [label, child] of Object.entries(value)) out[label] = blockValue(child);
    return out;
  }
  return value;
}

function isBody(value: unknown): value is HclBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
