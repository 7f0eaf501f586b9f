/**
 * Drift and plan results: what the last `drift` or `plan` of an instance found, kept under the
 * work folder so `describe graph` (and the drift report / plan summary) can mark the picture.
 *
 * The format (version 1). Any number of JSON files under `.atmos/results/` (any depth), each
 *
 *     { "version": 1,
 *       "results": [
 *         { "component": "vpc", "stack": "dev-use1", "kind": "drift", "status": "drifted",
 *           "finishedAt": "2026-12-01T22:00:00.000Z", "summary": "1 to change" } ] }
 *
 * - `kind`: `drift` or `plan`; `status`: `in-sync` (nothing to do), `drifted` (real
 *   infrastructure differs from the state/configuration), `changed` (a plan has changes to
 *   apply) or `error` (the run failed); `finishedAt`: ISO 8601; `summary`: optional, one line.
 * - A task writes its own file (`writeInstanceResult`: `.atmos/results/<kind>/<stack>.<component>.json`,
 *   atomically), so parallel Nx tasks never write the same file; a report may write one file
 *   holding many results.
 * - Per instance the result with the latest `finishedAt` counts, whichever kind it is.
 *   Results of instances that no longer exist are ignored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globFiles } from '../glob-files';
import { AtmosUserError } from '../errors/user-error';
import { writeAtomically } from './write-file';

export const RESULTS_FOLDER = '.atmos/results';
export const RESULTS_VERSION = 1;

export const STATUSES = ['in-sync', 'drifted', 'changed', 'error'] as const;
export type InstanceStatus = (typeof STATUSES)[number];
export const RESULT_KINDS = ['drift', 'plan'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

export interface InstanceResult {
  component: string;
  stack: string;
  kind: ResultKind;
  status: InstanceStatus;
  finishedAt: string;
  summary?: string;
}

export interface ResultsFile {
  version: number;
  results: InstanceResult[];
}

/** Key of an instance in the map `readLatestResults` returns. */
export function instanceKey(component: string, stack: string): string {
  return `${component}\0${stack}`;
}

/** The latest result of each instance found under `<workspaceRoot>/.atmos/results/`. */
export function readLatestResults(workspaceRoot: string): Map<string, InstanceResult> {
  const folder = join(workspaceRoot, RESULTS_FOLDER);
  const files = globFiles('**/*.json', { cwd: folder, onlyFiles: true }).sort();
  const latest = new Map<string, { result: InstanceResult; time: number }>();
  for (const file of files) {
    for (const result of readResultsFile(file)) {
      const key = instanceKey(result.component, result.stack);
      const time = Date.parse(result.finishedAt);
      const known = latest.get(key);
      // Files are read in sorted order and a tie keeps the first: the same files give the same picture.
      if (!known || time > known.time) latest.set(key, { result, time });
    }
  }
  return new Map([...latest].map(([key, { result }]) => [key, result]));
}

export function readResultsFile(file: string): InstanceResult[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw invalid(file, `is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(parsed) || typeof parsed.version !== 'number' || !Array.isArray(parsed.results)) {
    throw invalid(file, 'is not a results file: expected {"version": 1, "results": [...]}');
  }
  if (parsed.version !== RESULTS_VERSION) {
    throw invalid(file, `has results format version ${parsed.version}; this @org/atmos reads version ${RESULTS_VERSION}`);
  }
  return parsed.results.map((entry, i) => checkResult(entry, `results[${i}]`, file));
}

function checkResult(entry: unknown, where: string, file: string): InstanceResult {
  if (!isObject(entry)) throw invalid(file, `${where} must be an object`);
  for (const field of ['component', 'stack', 'finishedAt'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') throw invalid(file, `${where}.${field} must be a non-empty string`);
  }
  if (!(RESULT_KINDS as readonly unknown[]).includes(entry.kind)) throw invalid(file, `${where}.kind must be one of ${RESULT_KINDS.join(', ')}, not ${JSON.stringify(entry.kind)}`);
  if (!(STATUSES as readonly unknown[]).includes(entry.status)) throw invalid(file, `${where}.status must be one of ${STATUSES.join(', ')}, not ${JSON.stringify(entry.status)}`);
  if (Number.isNaN(Date.parse(entry.finishedAt as string))) throw invalid(file, `${where}.finishedAt must be an ISO 8601 time, not ${JSON.stringify(entry.finishedAt)}`);
  if (entry.summary !== undefined && typeof entry.summary !== 'string') throw invalid(file, `${where}.summary must be a string`);
  const result: InstanceResult = {
    component: entry.component as string,
    stack: entry.stack as string,
    kind: entry.kind as ResultKind,
    status: entry.status as InstanceStatus,
    finishedAt: entry.finishedAt as string,
  };
  if (typeof entry.summary === 'string') result.summary = entry.summary;
  return result;
}

/**
 * Records one instance's result in its own file, written atomically (a reader sees the old
 * file or the new one). Names are encoded, so a component `vpc/flow-logs` or a stack `..`
 * stays one file inside the results folder.
 */
export function writeInstanceResult(workspaceRoot: string, result: InstanceResult, mode?: number): string {
  checkResult(result, 'result', '(writeInstanceResult)');
  const file = join(workspaceRoot, RESULTS_FOLDER, result.kind, `${encodeName(result.stack)}.${encodeName(result.component)}.json`);
  const content: ResultsFile = { version: RESULTS_VERSION, results: [result] };
  writeAtomically(file, JSON.stringify(content, null, 2) + '\n', mode);
  return file;
}

function encodeName(name: string): string {
  return encodeURIComponent(name).replace(/\./g, '%2E');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(file: string, problem: string): AtmosUserError {
  return new AtmosUserError('CONFIG_INVALID', `results file ${problem}`, { file },
    `the format is in the README ("Pictures of the graph", drift and plan results); fix or delete this file (or all of ${RESULTS_FOLDER}/) and run the drift or plan targets again`);
}
