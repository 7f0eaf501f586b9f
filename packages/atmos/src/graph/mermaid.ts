/**
 * A diagram as Mermaid flowchart text, in the seed's style (`graph TD`, one `classDef` per
 * layer in the seed's colours, `class` lines at the end), ready to paste into a README or a
 * pull request, where GitHub renders it.
 */
import type { Diagram, DiagramNode } from './model';
import { idAllocator } from './ids';
import { ACCOUNT_FILLS, CONTEXT_STYLE, groupFill, LAYERS, LAYER_STYLES, NEUTRAL_STYLE, NODE_STROKE, STATUS_STYLES } from './style';
import { STATUSES } from './results';

/** Mermaid's default limits: past them it draws an error instead of the diagram (GitHub too). */
export const MERMAID_MAX_TEXT = 50_000;
export const MERMAID_MAX_EDGES = 500;

const INDENT = '    ';

export function renderMermaid(diagram: Diagram): string {
  const ids = mermaidIds(diagram);
  const allNodes = diagram.groups.flatMap((g) => g.nodes);
  const lines: string[] = ['graph TD'];

  const stroke = `stroke:${NODE_STROKE.stroke},stroke-width:${NODE_STROKE.width}px`;
  const usedLayers = new Set(allNodes.map((n) => n.layer));
  for (const layer of LAYERS) {
    if (usedLayers.has(layer)) lines.push(`${INDENT}classDef ${LAYER_STYLES[layer].className} fill:${LAYER_STYLES[layer].fill},${stroke}`);
  }
  if (usedLayers.has(undefined)) lines.push(`${INDENT}classDef ${NEUTRAL_STYLE.className} fill:${NEUTRAL_STYLE.fill},${stroke}`);
  const usedStatuses = new Set(allNodes.map((n) => n.status));
  for (const status of STATUSES) {
    if (!usedStatuses.has(status)) continue;
    const style = STATUS_STYLES[status];
    lines.push(`${INDENT}classDef ${style.className} stroke:${style.stroke},stroke-width:${style.width}px${style.dashed ? ',stroke-dasharray:6 3' : ''}`);
  }
  if (allNodes.some((n) => n.outside)) lines.push(`${INDENT}classDef ${CONTEXT_STYLE.className} stroke-dasharray:${CONTEXT_STYLE.dash}`);

  for (const group of diagram.groups) {
    lines.push('', `${INDENT}subgraph ${ids.group(group.name)}["${escapeText(group.name)}"]`);
    for (const node of group.nodes) lines.push(`${INDENT}${INDENT}${ids.node(node.project)}["${nodeLabel(node, diagram)}"]`);
    lines.push(`${INDENT}end`);
  }

  if (diagram.edges.length > 0) lines.push('');
  const outside = new Set(allNodes.filter((n) => n.outside).map((n) => n.project));
  for (const edge of diagram.edges) {
    // An arrow to or from an instance outside the selection is dotted, like the instance.
    const arrow = outside.has(edge.from) || outside.has(edge.to) ? '-.->' : '-->';
    lines.push(`${INDENT}${ids.node(edge.from)} ${arrow}|"${escapeText(edge.label)}"| ${ids.node(edge.to)}`);
  }

  const classes: Array<[string, DiagramNode[]]> = [
    ...LAYERS.map((layer) => [LAYER_STYLES[layer].className, allNodes.filter((n) => n.layer === layer)] as [string, DiagramNode[]]),
    [NEUTRAL_STYLE.className, allNodes.filter((n) => n.layer === undefined)],
    // Status and context classes come after the layer: their stroke wins, the layer's fill stays.
    ...STATUSES.map((status) => [STATUS_STYLES[status].className, allNodes.filter((n) => n.status === status)] as [string, DiagramNode[]]),
    [CONTEXT_STYLE.className, allNodes.filter((n) => n.outside)],
  ];
  const classLines = classes.filter(([, nodes]) => nodes.length > 0).map(([name, nodes]) => `${INDENT}class ${nodes.map((n) => ids.node(n.project)).join(',')} ${name}`);
  const styleLines = diagram.groups
    .filter((g) => g.account !== undefined && ACCOUNT_FILLS[g.account] !== undefined)
    .map((g) => `${INDENT}style ${ids.group(g.name)} fill:${groupFill(ACCOUNT_FILLS[g.account!])},stroke:${ACCOUNT_FILLS[g.account!]},stroke-width:3px`);
  if (classLines.length + styleLines.length > 0) lines.push('', ...classLines, ...styleLines);
  return lines.join('\n') + '\n';
}

/** What keeps GitHub (Mermaid's defaults) from drawing this text, if anything. */
export function mermaidLimitProblem(text: string, diagram: Diagram): string | undefined {
  if (text.length > MERMAID_MAX_TEXT) return `the Mermaid text is ${text.length} characters, more than the ${MERMAID_MAX_TEXT} Mermaid draws by default (GitHub shows an error instead)`;
  if (diagram.edges.length > MERMAID_MAX_EDGES) return `the diagram has ${diagram.edges.length} edges, more than the ${MERMAID_MAX_EDGES} Mermaid draws by default (GitHub shows an error instead)`;
  return undefined;
}

function nodeLabel(node: DiagramNode, diagram: Diagram): string {
  const lines = [node.component];
  // Grouped by account or environment, one group holds several stacks: say which.
  if (diagram.groupBy !== 'stack') lines.push(node.stack);
  if (node.status) lines.push(statusText(node));
  return lines.map(escapeText).join('<br/>');
}

export function statusText(node: DiagramNode): string {
  const text = STATUS_STYLES[node.status!].text;
  return node.statusSummary ? `${text}: ${node.statusSummary}` : text;
}

/**
 * Text inside `"..."`: Mermaid reads `#code;` entities, so the characters that would end the
 * string, start HTML or a markdown string are written as entities (`#` itself first).
 */
export function escapeText(text: string): string {
  return text.replace(/[#"&<>|`\\\n\r]/g, (c) => (c === '\n' || c === '\r' ? ' ' : `#${c.charCodeAt(0)};`));
}

function mermaidIds(diagram: Diagram) {
  const allocate = idAllocator((wanted) => {
    const id = wanted.replace(/[^A-Za-z0-9_]/g, '_');
    // Mermaid's keywords (`end`, `graph`, `class`, ...) are not node names: prefix them.
    return /^(end|graph|flowchart|subgraph|style|class|classdef|click|linkstyle|call|href|default|direction|interpolate|acctitle|accdescr)$/i.test(id) || id === '' ? `n_${id}` : id;
  });
  const groups = new Map<string, string>();
  const nodes = new Map<string, string>();
  for (const group of diagram.groups) groups.set(group.name, allocate(`${diagram.groupBy}_${group.name}`));
  for (const group of diagram.groups) for (const node of group.nodes) nodes.set(node.project, allocate(node.project));
  return { group: (name: string) => groups.get(name)!, node: (project: string) => nodes.get(project)! };
}
