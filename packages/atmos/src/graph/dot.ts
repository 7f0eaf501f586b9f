/**
 * A diagram as Graphviz DOT (`atmos-nx describe graph --format dot | dot -Tsvg > graph.svg`):
 * the same groups (clusters), colours and marks as the Mermaid picture. Nodes also carry
 * `class` attributes (the Mermaid class names), so an SVG can be restyled with CSS.
 */
import type { Diagram, DiagramNode } from './model';
import { statusText } from './mermaid';
import { ACCOUNT_FILLS, CONTEXT_STYLE, groupFill, NODE_STROKE, STATUS_STYLES, layerStyle, longHex } from './style';

const INDENT = '  ';

export function renderDot(diagram: Diagram): string {
  const lines = [
    'digraph atmos {',
    // Room between ranks and grey arrows keep the reason labels apart from the arrows they cross.
    `${INDENT}graph [rankdir=TB, fontname="Helvetica", newrank=true, ranksep=0.9, nodesep=0.4];`,
    `${INDENT}node [shape=box, style="rounded,filled", fontname="Helvetica", color="${longHex(NODE_STROKE.stroke)}", penwidth=${NODE_STROKE.width}];`,
    `${INDENT}edge [fontname="Helvetica", fontsize=9, color="#555555", fontcolor="#555555"];`,
  ];
  const outside = new Set<string>();
  for (const group of diagram.groups) {
    lines.push('', `${INDENT}subgraph ${quote(`cluster_${group.name}`)} {`, `${INDENT}${INDENT}label=${quote(group.name)};`);
    const fill = group.account !== undefined ? ACCOUNT_FILLS[group.account] : undefined;
    if (fill) lines.push(`${INDENT}${INDENT}style=filled;`, `${INDENT}${INDENT}fillcolor="${groupFill(fill)}";`, `${INDENT}${INDENT}color="${longHex(fill)}";`, `${INDENT}${INDENT}penwidth=3;`);
    for (const node of group.nodes) {
      if (node.outside) outside.add(node.project);
      lines.push(`${INDENT}${INDENT}${quote(node.project)} [${nodeAttributes(node, diagram)}];`);
    }
    lines.push(`${INDENT}}`);
  }
  if (diagram.edges.length > 0) lines.push('');
  for (const edge of diagram.edges) {
    const dashed = outside.has(edge.from) || outside.has(edge.to) ? ', style=dashed' : '';
    lines.push(`${INDENT}${quote(edge.from)} -> ${quote(edge.to)} [label=${quote(edge.label)}${dashed}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function nodeAttributes(node: DiagramNode, diagram: Diagram): string {
  const labelLines = [node.component];
  if (diagram.groupBy !== 'stack') labelLines.push(node.stack);
  if (node.status) labelLines.push(statusText(node));
  const layer = layerStyle(node.layer);
  const classes = [layer.className];
  const attributes = [`label=${quote(labelLines.join('\n'))}`, `fillcolor="${longHex(layer.fill)}"`];
  const style = ['rounded', 'filled'];
  if (node.status) {
    const status = STATUS_STYLES[node.status];
    classes.push(status.className);
    attributes.push(`color="${longHex(status.stroke)}"`, `penwidth=${status.width}`);
    if (status.dashed) style.push('dashed');
  }
  if (node.outside) {
    classes.push(CONTEXT_STYLE.className);
    if (!style.includes('dashed')) style.push('dashed');
  }
  if (style.length > 2) attributes.push(`style="${style.join(',')}"`);
  attributes.push(`class=${quote(classes.join(' '))}`);
  return attributes.join(', ');
}

/** A DOT double-quoted string: backslash and quote escaped, a line break as `\n` (centred). */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n|\r/g, '\\n')}"`;
}
