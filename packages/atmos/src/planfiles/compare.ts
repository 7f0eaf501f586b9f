/**
 * Plan verification: the stored (reviewed) plan and a fresh plan of the same instance compared
 * by what they do — resource addresses and their actions from `terraform show -json` — never by
 * bytes: two plans of the same change differ in timestamps, computed values and ordering.
 */
import { actionWord, type PlannedResource } from './summary';

export interface PlanDifference {
  address: string;
  /** `replace`, `create`, ... or `nothing` when the plan leaves the resource alone. */
  reviewed: string;
  fresh: string;
}

export function comparePlans(reviewed: PlannedResource[], fresh: PlannedResource[]): PlanDifference[] {
  const index = (resources: PlannedResource[]) => new Map(resources.map((r) => [r.address, actionWord(r.actions)]));
  const before = index(reviewed);
  const after = index(fresh);
  const differences: PlanDifference[] = [];
  for (const address of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const a = before.get(address) ?? 'nothing';
    const b = after.get(address) ?? 'nothing';
    if (a !== b) differences.push({ address, reviewed: a, fresh: b });
  }
  return differences;
}

export function describeDifferences(differences: PlanDifference[]): string {
  return differences.map((d) => `${d.address}: reviewed ${d.reviewed}, now ${d.fresh}`).join('; ');
}
