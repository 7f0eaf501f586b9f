/**
 * A diagram as JSON, for scripts and for the drift report / plan summary: the nodes with their
 * group, layer, level and status, the edges (dependency -> dependent) with their full reasons,
 * and the layer styles.
 */
import type { Diagram } from './model';
import { LAYERS, LAYER_STYLES, NEUTRAL_STYLE } from './style';

export function renderJson(diagram: Diagram): string {
  const document = {
    groupBy: diagram.groupBy,
    layers: [
      ...LAYERS.map((layer) => ({ layer, class: LAYER_STYLES[layer].className, fill: LAYER_STYLES[layer].fill })),
      { layer: null, class: NEUTRAL_STYLE.className, fill: NEUTRAL_STYLE.fill },
    ],
    groups: diagram.groups.map((g) => ({ name: g.name, ...(g.account !== undefined ? { account: g.account } : {}), instances: g.nodes.map((n) => n.project) })),
    nodes: diagram.groups.flatMap((g) => g.nodes),
    edges: diagram.edges,
  };
  return JSON.stringify(document, null, 2) + '\n';
}
