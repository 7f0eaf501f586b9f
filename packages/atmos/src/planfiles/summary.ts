/**
 * What a plan does, for a reviewer: from `terraform show -json <planfile>`, the resource
 * addresses and their actions (create, update, delete, replace, read is left out), counted as
 * terraform counts them (a replace is one add and one destroy). No attribute value is kept: a
 * plan's values may be secret. The Markdown is one short section per instance, which
 * `nx run atmos:plan-summary` gathers into one document.
 */
export interface PlannedResource {
  address: string;
  /** terraform's actions: ["create"], ["update"], ["delete"], ["delete","create"] (replace), ... */
  actions: string[];
}

export interface PlanSummary {
  component: string;
  stack: string;
  /** The Nx project, when known. */
  project?: string;
  add: number;
  change: number;
  destroy: number;
  resources: PlannedResource[];
  /** Outputs whose value changes (names only). */
  outputs: string[];
  plannedAt: string;
}

interface ShownPlan {
  resource_changes?: Array<{ address?: string; mode?: string; change?: { actions?: string[] } }>;
  output_changes?: Record<string, { actions?: string[] }>;
}

const NOTHING = new Set(['no-op', 'read']);

export function summarisePlan(planJson: string, instance: { component: string; stack: string; project?: string }, now = new Date()): PlanSummary {
  const plan = JSON.parse(planJson) as ShownPlan;
  const resources = (plan.resource_changes ?? [])
    .filter((c) => c.mode !== 'data')
    .map((c) => ({ address: c.address ?? '?', actions: c.change?.actions ?? [] }))
    .filter((r) => r.actions.some((a) => !NOTHING.has(a)));
  let add = 0;
  let change = 0;
  let destroy = 0;
  for (const { actions } of resources) {
    if (actions.includes('create')) add++;
    if (actions.includes('delete')) destroy++;
    if (actions.includes('update')) change++;
  }
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, c]) => (c.actions ?? []).some((a) => !NOTHING.has(a)))
    .map(([name]) => name)
    .sort();
  return { component: instance.component, stack: instance.stack, ...(instance.project ? { project: instance.project } : {}), add, change, destroy, resources, outputs, plannedAt: now.toISOString() };
}

/** `create`, `update`, `delete`, `replace` (delete+create either way), `read`. */
export function actionWord(actions: string[]): string {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  return actions.filter((a) => a !== 'no-op').join('+') || 'no-op';
}

export function countsLine(summary: Pick<PlanSummary, 'add' | 'change' | 'destroy'>): string {
  return `${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy`;
}

/** One instance's section: heading, counts, a table of addresses and actions. */
export function renderInstanceMarkdown(summary: PlanSummary, heading = '###'): string {
  const name = summary.project ?? `${summary.component} (${summary.stack})`;
  const lines = [`${heading} ${cell(name)}`, '', `Component \`${cell(summary.component)}\` in stack \`${cell(summary.stack)}\`: **${countsLine(summary)}**.`, ''];
  if (summary.resources.length === 0) {
    lines.push('No changes.', '');
  } else {
    lines.push('| resource | action |', '| --- | --- |');
    for (const r of summary.resources) lines.push(`| \`${cell(r.address)}\` | ${actionWord(r.actions)} |`);
    lines.push('');
  }
  if (summary.outputs.length > 0) lines.push(`Outputs changing: ${summary.outputs.map((o) => `\`${cell(o)}\``).join(', ')}.`, '');
  return lines.join('\n');
}

/** A table cell: no line breaks, no pipes that would end the cell. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/`/g, "'");
}
