/**
 * `atmos-nx describe graph`: the live dependency graph of the workspace's instances as Mermaid,
 * Markdown (a fenced Mermaid block), DOT or JSON, built from the Nx plugin's own graph model
 * (the same projects, names and edges `nx graph` shows) and marked with the latest drift/plan
 * results. `--output-dir` writes every format at once (`nx run atmos:graph`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { graphModel } from '../nx/plugin';
import type { AtmosPluginOptions } from '../nx/options';
import { renderDot } from './dot';
import { renderJson } from './json';
import { mermaidLimitProblem, renderMermaid } from './mermaid';
import { buildDiagram, GROUP_BY, type Diagram, type DiagramOptions, type GroupBy } from './model';
import { readLatestResults } from './results';
import { LAYERS } from './style';
import { writeAtomically } from './write-file';

export const GRAPH_FORMATS = ['mermaid', 'markdown', 'dot', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** What `--output-dir` writes, one file per format. */
export const GRAPH_FILES: Record<GraphFormat, string> = { mermaid: 'graph.mmd', markdown: 'graph.md', dot: 'graph.dot', json: 'graph.json' };

export interface GraphCommand {
  /** The folder the command runs in; the workspace is the folder of the atmos.yaml found from here upwards. */
  workspaceRoot: string;
  format: GraphFormat;
  options: DiagramOptions;
  /** Write every format into this folder (relative to the workspace root) instead of printing one. */
  outputDir?: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

export function renderDiagram(diagram: Diagram, format: GraphFormat): string {
  switch (format) {
    case 'mermaid':
      return renderMermaid(diagram);
    case 'markdown':
      return '```mermaid\n' + renderMermaid(diagram) + '```\n';
    case 'dot':
      return renderDot(diagram);
    case 'json':
      return renderJson(diagram);
  }
}

export function describeGraph(command: GraphCommand): void {
  const root = command.workspaceRoot;
  const model = graphModel(root, pluginOptions(root));
  const diagram = buildDiagram(model, { ...command.options, results: readLatestResults(root) });
  for (const { layer, project } of diagram.unknownLayers) {
    command.stderr(`warning: ${project.manifest}: settings.layer '${layer}' of ${project.component} in stack ${project.stack} is not one of ${LAYERS.join(', ')}; drawn without a layer colour\n`);
  }
  if (command.outputDir === undefined) {
    const text = renderDiagram(diagram, command.format);
    if (command.format === 'mermaid' || command.format === 'markdown') warnAboutMermaidLimits(renderMermaid(diagram), diagram, command);
    command.stdout(text);
    return;
  }
  const folder = resolve(root, command.outputDir);
  warnAboutMermaidLimits(renderMermaid(diagram), diagram, command);
  for (const format of GRAPH_FORMATS) {
    const file = join(folder, GRAPH_FILES[format]);
    try {
      writeAtomically(file, renderDiagram(diagram, format));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new AtmosUserError('USAGE', `cannot write ${relative(root, file) || file} (${code})`, undefined,
        '--output-dir must be a folder you can write (it is created if missing)');
    }
    command.stdout(`wrote ${relative(root, file) || file}\n`);
  }
}

function warnAboutMermaidLimits(text: string, diagram: Diagram, command: GraphCommand): void {
  const problem = mermaidLimitProblem(text, diagram);
  if (problem) command.stderr(`warning: ${problem}; narrow it with --stack, --environment or -p, or use --format dot\n`);
}

/** The plugin's options from nx.json, so project names match what `nx graph` shows. */
export function pluginOptions(root: string): AtmosPluginOptions | undefined {
  const file = join(root, 'nx.json');
  if (!existsSync(file)) return undefined;
  let nxJson: { plugins?: unknown[] };
  try {
    nxJson = JSON.parse(readFileSync(file, 'utf8')) as { plugins?: unknown[] };
  } catch (error) {
    throw new AtmosUserError('CONFIG_INVALID', `nx.json is not valid JSON (${(error as Error).message})`, { file }, 'fix nx.json; `npx nx show projects` reads the same file');
  }
  for (const entry of Array.isArray(nxJson.plugins) ? nxJson.plugins : []) {
    if (typeof entry === 'object' && entry !== null && (entry as { plugin?: unknown }).plugin === '@org/atmos') {
      return (entry as { options?: AtmosPluginOptions }).options;
    }
  }
  return undefined;
}

/** Parses `--group-by` and `--max-nodes` the CLI received as text. */
export function parseGraphFlags(flags: { format?: string; groupBy?: string; maxNodes?: string }): { format: GraphFormat; groupBy: GroupBy; maxNodes?: number } {
  const format = flags.format ?? 'mermaid';
  if (!(GRAPH_FORMATS as readonly string[]).includes(format)) throw usage(`--format must be ${GRAPH_FORMATS.join(', ')} for describe graph, not "${format}"`);
  const groupBy = flags.groupBy ?? 'stack';
  if (!(GROUP_BY as readonly string[]).includes(groupBy)) throw usage(`--group-by must be ${GROUP_BY.join(', ')}, not "${groupBy}"`);
  let maxNodes: number | undefined;
  if (flags.maxNodes !== undefined) {
    if (!/^[1-9][0-9]*$/.test(flags.maxNodes)) throw usage(`--max-nodes must be a positive whole number, not "${flags.maxNodes}"`);
    maxNodes = Number(flags.maxNodes);
  }
  return { format: format as GraphFormat, groupBy: groupBy as GroupBy, ...(maxNodes !== undefined ? { maxNodes } : {}) };
}

function usage(message: string): AtmosUserError {
  return new AtmosUserError('USAGE', message, undefined,
    'atmos-nx describe graph [--format mermaid|markdown|dot|json] [--stack S | --environment E | -p tag:stage:prod] [--group-by stack|account|environment] [--max-nodes N] [--output-dir DIR]');
}

