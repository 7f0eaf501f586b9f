/**
 * The look of a diagram, taken from the seed diagrams: one colour per layer ("Infrastructure
 * Dependency Graph") and one per account ("Multi-Environment Architecture"), plus the marks a
 * drift or plan result puts on an instance. Mermaid and DOT both read from here, so the two
 * pictures never disagree.
 */
import type { InstanceStatus } from './results';

/** The values `settings.layer` may take, in the seed's order (bottom of the stack first). */
export const LAYERS = ['backend', 'network', 'security', 'database', 'compute', 'application', 'monitoring'] as const;
export type Layer = (typeof LAYERS)[number];

export interface LayerStyle {
  /** The seed's Mermaid class name. */
  className: string;
  fill: string;
}

export const LAYER_STYLES: Record<Layer, LayerStyle> = {
  backend: { className: 'requiredLayer', fill: '#f9d' },
  network: { className: 'networkLayer', fill: '#bbf' },
  security: { className: 'securityLayer', fill: '#fbb' },
  database: { className: 'databaseLayer', fill: '#bfb' },
  compute: { className: 'computeLayer', fill: '#fbf' },
  application: { className: 'appLayer', fill: '#fdb' },
  monitoring: { className: 'monitoringLayer', fill: '#bff' },
};

/** Instances without a (known) layer: grey, so a missing `settings.layer` shows. */
export const NEUTRAL_STYLE: LayerStyle = { className: 'neutralLayer', fill: '#eee' };

/** Every node is drawn with the seed's stroke. */
export const NODE_STROKE = { stroke: '#333', width: 1 };

/** Background of a subgraph, by account (`vars.stage`), as in the seed's multi-environment view. */
export const ACCOUNT_FILLS: Record<string, string> = {
  dev: '#baf',
  staging: '#fba',
  prod: '#fdc',
  shared: '#dfd',
};

export interface StatusStyle {
  className: string;
  /** Shown under the component name, so the mark does not rely on colour alone. */
  text: string;
  stroke: string;
  width: number;
  dashed: boolean;
}

export const STATUS_STYLES: Record<InstanceStatus, StatusStyle> = {
  'in-sync': { className: 'inSync', text: 'in sync', stroke: '#2b8a3e', width: 3, dashed: false },
  drifted: { className: 'drifted', text: 'drifted', stroke: '#e8590c', width: 3, dashed: true },
  changed: { className: 'changed', text: 'changes pending', stroke: '#1971c2', width: 3, dashed: false },
  error: { className: 'failed', text: 'error', stroke: '#c92a2a', width: 4, dashed: false },
};

/** Instances outside the selection that a selected one depends on or feeds: dashed, for context. */
export const CONTEXT_STYLE = { className: 'outsideSelection', dash: '5 5' };

export function layerStyle(layer: Layer | undefined): LayerStyle {
  return layer ? LAYER_STYLES[layer] : NEUTRAL_STYLE;
}

export function isLayer(value: string): value is Layer {
  return (LAYERS as readonly string[]).includes(value);
}

/**
 * A group's background: its account colour mixed with white (a quarter of the colour), so the
 * layer colours of the instances inside stay readable; the border carries the full colour.
 */
export function groupFill(colour: string): string {
  const hex = longHex(colour).slice(1);
  const channels = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return '#' + channels.map((c) => Math.round(255 - (255 - c) * 0.25).toString(16).padStart(2, '0')).join('');
}

/** `#f9d` -> `#ff99dd`: Graphviz does not read the three-digit form. */
export function longHex(colour: string): string {
  return /^#[0-9a-f]{3}$/i.test(colour) ? '#' + [...colour.slice(1)].map((c) => c + c).join('') : colour;
}
