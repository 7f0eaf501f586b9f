/**
 * `atmos-nx drift-report` (`nx run atmos:drift-report`): every instance's latest drift result
 * (written by the `drift` target under .atmos/results/drift/) as a Markdown report — a table per
 * environment (stack): component, status, resources and actions, when checked, how old — and as
 * JSON in the results format (src/graph/results.ts). Exits 1 when anything is in a failing
 * status (default: drifted or error; `--fail-on=drifted,changed,error` or `none`).
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { globFiles } from '../glob-files';
import { AtmosUserError } from '../errors/user-error';
import { writeAtomically } from '../graph/write-file';
import { instanceKey, readResultsFile, RESULTS_FOLDER, RESULTS_VERSION, STATUSES, type InstanceResult, type InstanceStatus } from '../graph/results';
import type { DriftResource } from '../terraform/drift';

export interface DriftEntry extends InstanceResult {
  resources?: DriftResource[];
}

export interface DriftReportOptions {
  workspaceRoot: string;
  /** The instances that exist (component, stack); results of others are ignored. */
  instances: Array<{ component: string; stack: string }>;
  outputDir?: string;
  failOn?: string;
  now?: Date;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const DEFAULT_REPORT_DIR = '.atmos/drift';

export function parseFailOn(value: string | undefined): Set<InstanceStatus> {
  if (value === undefined) return new Set(['drifted', 'error']);
  if (value === 'none') return new Set();
  const statuses = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of statuses) {
    if (!(STATUSES as readonly string[]).includes(s) || s === 'in-sync') {
      throw new AtmosUserError('USAGE', `--fail-on: "${s}" is not a status`, undefined, 'use a comma-separated list of drifted, changed, error, or none');
    }
  }
  return new Set(statuses as InstanceStatus[]);
}

/** The latest drift result of each existing instance, with the resources its file lists. */
export function latestDriftResults(workspaceRoot: string, instances: DriftReportOptions['instances']): DriftEntry[] {
  const folder = join(workspaceRoot, RESULTS_FOLDER, 'drift');
  const exists = new Set(instances.map((i) => instanceKey(i.component, i.stack)));
  const latest = new Map<string, DriftEntry>();
  for (const file of globFiles('**/*.json', { cwd: folder, onlyFiles: true }).sort()) {
    const checked = readResultsFile(file);
    const raw = (JSON.parse(readFileSync(file, 'utf8')) as { results: Array<{ resources?: unknown }> }).results;
    checked.forEach((result, i) => {
      if (result.kind !== 'drift') return;
      const key = instanceKey(result.component, result.stack);
      if (!exists.has(key)) return;
      const known = latest.get(key);
      if (known && Date.parse(known.finishedAt) >= Date.parse(result.finishedAt)) return;
      const resources = Array.isArray(raw[i]?.resources) ? (raw[i].resources as DriftResource[]).filter((r) => typeof r?.address === 'string' && Array.isArray(r.actions)) : undefined;
      latest.set(key, { ...result, ...(resources ? { resources } : {}) });
    });
  }
  return [...latest.values()].sort((a, b) => a.stack.localeCompare(b.stack) || a.component.localeCompare(b.component));
}

export function renderDriftMarkdown(entries: DriftEntry[], unchecked: number, now: Date): string {
  const lines = ['# Drift report', '', `Generated ${now.toISOString()}. ${summaryLine(entries)}${unchecked ? `; ${unchecked} instance${unchecked === 1 ? '' : 's'} never checked` : ''}.`, ''];
  const stacks = [...new Set(entries.map((e) => e.stack))];
  for (const stack of stacks) {
    lines.push(`## ${stack}`, '', '| component | status | resources and actions | checked | age |', '| --- | --- | --- | --- | --- |');
    for (const e of entries.filter((x) => x.stack === stack)) {
      const resources = e.resources?.length
        ? e.resources.map((r) => `\`${r.address}\` ${r.actions.join('+')}${r.drift ? ' (drift)' : ''}`).join('<br>')
        : e.status === 'error' ? cell(e.summary ?? '') : '—';
      lines.push(`| ${cell(e.component)} | ${e.status} | ${resources} | ${e.finishedAt} | ${age(now.getTime() - Date.parse(e.finishedAt))} |`);
    }
    lines.push('');
  }
  if (stacks.length === 0) lines.push('No drift results yet: run `nx run-many -t drift` first.', '');
  return lines.join('\n');
}

function summaryLine(entries: DriftEntry[]): string {
  const counts = STATUSES.map((s) => [s, entries.filter((e) => e.status === s).length] as const).filter(([, n]) => n > 0);
  return `${entries.length} instance${entries.length === 1 ? '' : 's'} checked${counts.length ? ': ' + counts.map(([s, n]) => `${n} ${s}`).join(', ') : ''}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function age(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

/** Writes report.md and report.json; the exit status (1 when something is in a failing status). */
export function driftReport(options: DriftReportOptions): number {
  const failOn = parseFailOn(options.failOn);
  const now = options.now ?? new Date();
  const entries = latestDriftResults(options.workspaceRoot, options.instances);
  const unchecked = options.instances.length - entries.length;
  const dir = join(options.workspaceRoot, options.outputDir ?? DEFAULT_REPORT_DIR);
  const markdown = join(dir, 'report.md');
  writeAtomically(join(dir, 'report.json'), JSON.stringify({ version: RESULTS_VERSION, generatedAt: now.toISOString(), results: entries }, null, 2) + '\n');
  writeAtomically(markdown, renderDriftMarkdown(entries, unchecked, now));
  const failing = entries.filter((e) => failOn.has(e.status));
  for (const e of failing) options.stderr(`${e.status}: ${e.component} in ${e.stack}${e.summary ? ` — ${e.summary}` : ''}\n`);
  options.stdout(`${summaryLine(entries)}\n${relative(options.workspaceRoot, markdown) || markdown}\n`);
  return failing.length > 0 ? 1 : 0;
}
