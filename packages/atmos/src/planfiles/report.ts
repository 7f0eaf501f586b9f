/**
 * `atmos-nx plan-summary` (`nx run atmos:plan-summary`): the summaries every plan wrote
 * (.atmos/plans/summaries/) gathered into one Markdown document for a pull-request comment or a
 * CI job summary: a table of every planned instance with its counts, then each instance's
 * resources and actions. Written to .atmos/plans/summary.md, printed, and appended to
 * $GITHUB_STEP_SUMMARY when that is set (GitHub Actions). Only instances that still exist count;
 * `--projects a,b` narrows it to the given projects; `--from-store` reads the summaries the plans of
 * one commit stored (stored-summaries.ts) instead of this machine's.
 */
import { appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { instanceKey } from '../graph/results';
import { writeAtomically } from '../terraform/files';
import { ownedAreas } from '../terraform/owned-paths';
import { countsLine, renderInstanceMarkdown, type PlanSummary } from './summary';
import { readSummaries } from './summary-files';

export interface PlanSummaryOptions {
  workspaceRoot: string;
  /** The instances that exist, with their project names. */
  instances: Array<{ component: string; stack: string; project: string }>;
  /** Only these projects (absent: every instance with a summary). */
  projects?: string[];
  env: Record<string, string | undefined>;
  /** Summaries gathered elsewhere (the store); absent: those this machine's plans wrote. */
  summaries?: PlanSummary[];
  /** Where they came from, for the document ("the store, commit abc123"). */
  source?: string;
  now?: Date;
  stdout(text: string): void;
}

export function renderPlanSummary(summaries: PlanSummary[], now: Date, source?: string): string {
  const totals = summaries.reduce((t, s) => ({ add: t.add + s.add, change: t.change + s.change, destroy: t.destroy + s.destroy }), { add: 0, change: 0, destroy: 0 });
  const withChanges = summaries.filter((s) => s.resources.length > 0);
  const lines = ['## Terraform plans', '',
    `${summaries.length} instance${summaries.length === 1 ? '' : 's'} planned, ${withChanges.length} with changes: **${countsLine(totals)}**. Generated ${now.toISOString()}${source ? ` from ${source}` : ''}.`, ''];
  if (summaries.length === 0) {
    lines.push('No plan summaries: run `nx affected -t plan` first.', '');
    return lines.join('\n');
  }
  lines.push('| instance | stack | add | change | destroy | planned |', '| --- | --- | --- | --- | --- | --- |');
  for (const s of summaries) lines.push(`| ${cell(s.project ?? s.component)} | ${cell(s.stack)} | ${s.add} | ${s.change} | ${s.destroy} | ${s.plannedAt} |`);
  lines.push('');
  for (const s of withChanges) lines.push(renderInstanceMarkdown(s, '###'));
  const unchanged = summaries.filter((s) => s.resources.length === 0);
  if (unchanged.length > 0) lines.push(`No changes: ${unchanged.map((s) => `\`${cell(s.project ?? s.component)}\``).join(', ')}.`, '');
  return lines.join('\n');
}

export function planSummary(options: PlanSummaryOptions): number {
  const now = options.now ?? new Date();
  const byKey = new Map(options.instances.map((i) => [instanceKey(i.component, i.stack), i]));
  const wanted = options.projects ? new Set(options.projects) : undefined;
  const summaries = (options.summaries ?? readSummaries(options.workspaceRoot))
    .filter((s) => {
      const instance = byKey.get(instanceKey(s.component, s.stack));
      return instance !== undefined && (!wanted || wanted.has(instance.project));
    })
    .map((s) => ({ ...s, project: byKey.get(instanceKey(s.component, s.stack))!.project }))
    .sort((a, b) => a.stack.localeCompare(b.stack) || a.component.localeCompare(b.component));
  const markdown = renderPlanSummary(summaries, now, options.source);
  const area = ownedAreas(options.workspaceRoot).plans;
  const file = join(area, 'summary.md');
  writeAtomically(file, markdown, area, 0o644);
  const step = options.env.GITHUB_STEP_SUMMARY;
  if (step) appendFileSync(step, markdown + '\n');
  options.stdout(`${markdown}\n(${relative(options.workspaceRoot, file)}${step ? `, appended to $GITHUB_STEP_SUMMARY` : ''})\n`);
  return 0;
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}
