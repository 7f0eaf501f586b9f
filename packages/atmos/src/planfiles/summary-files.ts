/**
 * Each plan's summary on disk: `.atmos/plans/summaries/<stack>.<component>.md` for a human and
 * `.json` beside it for `nx run atmos:plan-summary`, both 0600 (addresses only, no values, but the
 * folder also holds downloaded plans' records). `.atmos/` is git-ignored and no target lists it as
 * an output, so nothing here enters the Nx cache.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownedAreas } from '../terraform/owned-paths';
import { writeAtomically } from '../terraform/files';
import { renderInstanceMarkdown, type PlanSummary } from './summary';

export function summariesFolder(workspaceRoot: string): string {
  return join(ownedAreas(workspaceRoot).plans, 'summaries');
}

export function writeSummary(workspaceRoot: string, summary: PlanSummary): string {
  const folder = summariesFolder(workspaceRoot);
  const base = join(folder, `${encodeName(summary.stack)}.${encodeName(summary.component)}`);
  writeAtomically(`${base}.json`, JSON.stringify(summary, null, 2) + '\n', ownedAreas(workspaceRoot).plans);
  writeAtomically(`${base}.md`, renderInstanceMarkdown(summary), ownedAreas(workspaceRoot).plans);
  return `${base}.md`;
}

/** Every summary written in this workspace (unreadable files are skipped: they are ours, and a report must not die on one). */
export function readSummaries(workspaceRoot: string): PlanSummary[] {
  const folder = summariesFolder(workspaceRoot);
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const summaries: PlanSummary[] = [];
  for (const name of names) {
    try {
      const parsed = JSON.parse(readFileSync(join(folder, name), 'utf8')) as PlanSummary;
      if (typeof parsed.component === 'string' && typeof parsed.stack === 'string' && Array.isArray(parsed.resources)) summaries.push(parsed);
    } catch {
      /* a half-written or foreign file */
    }
  }
  return summaries;
}

function encodeName(name: string): string {
  return encodeURIComponent(name).replace(/\./g, '%2E');
}
