/**
 * An edge's reasons (`GraphEdge.reasons`, written where the dependency was found) -> the short
 * label drawn on the arrow: the output read (`vpc_id`), `depends_on`, the store key, ...
 * The full reasons stay in the JSON format.
 */
import { splitArgs } from '../functions/yaml-references';

/** More reasons than this on one arrow are counted, not listed: the picture stays readable. */
const MAX_LABELS = 3;

export function reasonLabel(via: string): string {
  // Both declared forms (legacy settings.depends_on, dependencies.components) say the same thing.
  if (/^settings\.depends_on\./.test(via) || /^dependencies\.components\[/.test(via)) return 'depends_on';
  if (via.startsWith('atmos.Component ')) return 'atmos.Component';
  const expression = /^\$\{\{ (.*) \}\}$/.exec(via);
  if (expression) return outputOfExpression(expression[1]);
  // `vars.vpc_id: !terraform.state vpc vpc_id`
  const yamlFunction = /^.*?: (!\S+)\s*(.*)$/.exec(via);
  if (yamlFunction) return outputOfFunction(yamlFunction[1], yamlFunction[2]) ?? via;
  return via;
}

/** Distinct labels in order of first appearance, at most MAX_LABELS then `+N more`. */
export function edgeLabel(reasons: readonly string[]): string {
  const labels = [...new Set(reasons.map(reasonLabel))];
  if (labels.length <= MAX_LABELS) return labels.join(', ');
  return `${labels.slice(0, MAX_LABELS).join(', ')} +${labels.length - MAX_LABELS} more`;
}

/** `output.vpc.vpc_id` -> `vpc_id`; `output("dns", "shared-use1").zone_id` -> `zone_id`; `output.vpc` -> `outputs`. */
function outputOfExpression(expression: string): string {
  const call = /^output\((?:"(?:[^"\\]|\\.)*"\s*,\s*)?"(?:[^"\\]|\\.)*"\)(.*)$/.exec(expression);
  const rest = call ? call[1] : (/^output(?:\.[A-Za-z_][\w-]*|\["(?:[^"\\]|\\.)*"\])(.*)$/.exec(expression)?.[1] ?? '');
  const path = rest.replace(/^\./, '');
  return path === '' ? 'outputs' : path;
}

/** The output (terraform.output/state) or key (store) a YAML function reads. */
function outputOfFunction(tag: string, args: string): string | undefined {
  if (tag === '!terraform.output' || tag === '!terraform.state') {
    const parts = splitArgs(args);
    const output = parts.length >= 3 ? parts.slice(2).join(' ') : parts[1];
    return output === undefined ? undefined : output.replace(/^\./, '') || 'outputs';
  }
  if (tag === '!store' || tag === '!store.get') {
    const parts = splitArgs(args.split('|')[0]);
    const key = parts[parts.length - 1];
    return key === undefined ? undefined : `store ${key}`;
  }
  return undefined;
}
