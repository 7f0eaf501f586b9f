/**
 * What a drift check found, from `terraform show -json` of the check's OWN plan file (never the
 * reviewed plan `apply` uses): *drifted* when the refresh found the real infrastructure differs
 * from the state (`resource_drift`), *changed* when the configuration has changes not yet applied
 * (`resource_changes`), *in-sync* otherwise. Only addresses and actions are kept: a plan's values
 * may be secret.
 */
import type { InstanceStatus } from '../graph/results';

export interface DriftResource {
  address: string;
  actions: string[];
  /** Found by the refresh (real infrastructure differs from the state), not by the configuration. */
  drift: boolean;
}

export interface DriftFinding {
  status: Exclude<InstanceStatus, 'error'>;
  resources: DriftResource[];
  summary: string;
}

interface ShownChange {
  address?: string;
  change?: { actions?: string[] };
}

const NOTHING = new Set(['no-op', 'read']);

export function classifyDrift(planJson: string): DriftFinding {
  const plan = JSON.parse(planJson) as { resource_drift?: ShownChange[]; resource_changes?: ShownChange[] };
  const pick = (changes: ShownChange[] | undefined, drift: boolean): DriftResource[] =>
    (changes ?? [])
      .map((c) => ({ address: c.address ?? '?', actions: c.change?.actions ?? [], drift }))
      .filter((r) => r.actions.some((a) => !NOTHING.has(a)));
  const drifted = pick(plan.resource_drift, true);
  const changed = pick(plan.resource_changes, false);
  const resources = [...drifted, ...changed];
  const list = (rs: DriftResource[]) => rs.map((r) => `${r.address} (${r.actions.join('+')})`).join(', ');
  if (drifted.length > 0) return { status: 'drifted', resources, summary: `drifted: ${list(drifted)}${changed.length ? `; plan: ${list(changed)}` : ''}` };
  if (changed.length > 0) return { status: 'changed', resources, summary: `not applied: ${list(changed)}` };
  return { status: 'in-sync', resources, summary: 'in sync' };
}
