/**
 * `plan-summary --from-store`: when `nx affected -t plan` ran on several machines (CI matrix
 * jobs, Nx agents), each machine's summaries stayed on it; the store holds one per instance and
 * commit (`summary-<commit>.json`, addresses and actions only). This gathers those of one commit
 * (the checkout's by default) for the given instances, a few requests at a time.
 */
import type { AtmosConfig } from '../config/types';
import type { ComponentInstance } from '../stacks/types';
import { planfilesSettings } from './config';
import { InstanceKeys, openStore } from './store';
import type { PlanSummary } from './summary';
import { AtmosUserError } from '../errors/user-error';

const PARALLEL = 16;

export async function storedSummaries(config: AtmosConfig, instances: ComponentInstance[], commit: string, env: Record<string, string | undefined>): Promise<PlanSummary[]> {
  const settings = planfilesSettings(config);
  if (!settings) {
    throw new AtmosUserError('USAGE', '--from-store reads the plan summaries in the planfile store, and atmos.yaml configures none (components.terraform.planfiles)',
      config.configFile ? { file: config.configFile } : undefined, 'configure planfile storage, or run plan-summary without --from-store on the machine that planned');
  }
  const found: PlanSummary[] = [];
  for (let i = 0; i < instances.length; i += PARALLEL) {
    const batch = instances.slice(i, i + PARALLEL).map(async (instance) => {
      const bytes = await openStore(settings, instance, env).get(new InstanceKeys(settings, instance.stack, instance.component).summary(commit));
      if (!bytes) return undefined;
      try {
        const summary = JSON.parse(bytes.toString('utf8')) as PlanSummary;
        return summary.stack === instance.stack && summary.component === instance.component && Array.isArray(summary.resources) ? summary : undefined;
      } catch {
        return undefined;
      }
    });
    for (const summary of await Promise.all(batch)) if (summary) found.push(summary);
  }
  return found;
}
