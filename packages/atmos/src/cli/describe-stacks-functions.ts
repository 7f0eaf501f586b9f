/**
 * YAML functions in `atmos-nx describe stacks`. Atmos v1.226.1 evaluates them all there
 * (`--process-functions` defaults to true), reading every referenced component's state and every
 * store. Here that is opt-in: by default only the functions that read this machine are evaluated
 * (`!env`, `!template`, `!literal`, `!repo-root`, `!version`; `!include` is read with the
 * manifest), so describing a whole repository stays offline and fast; the others (`!terraform.state`,
 * `!terraform.output`, `!store`, `!exec`) and `${{ }}` expressions are shown as written.
 * `--process-functions=true` evaluates everything, as `describe component` does;
 * `--process-functions=false` nothing.
 */
import type { AtmosConfig } from '../config/types';
import type { EvaluatedSections } from '../functions/runtime/evaluate';
import type { ComponentInstance } from '../stacks/types';

export type DescribeFunctions = 'local' | 'all' | 'none';

export async function withFunctionsEvaluated(
  instances: ComponentInstance[],
  mode: DescribeFunctions,
  config: AtmosConfig,
  env: Record<string, string | undefined>,
  evaluateAll: (instance: ComponentInstance) => Promise<EvaluatedSections>,
): Promise<{ shown: ComponentInstance[]; secrets: Set<string> }> {
  const secrets = new Set<string>();
  if (mode === 'none') return { shown: instances, secrets };
  const { evaluateLocalFunctions } = await import('../functions/runtime/evaluate');
  const shown: ComponentInstance[] = [];
  for (const instance of instances) {
    if (mode === 'local') {
      const sections = evaluateLocalFunctions(instance, { config, env });
      shown.push(sectionsUnchanged(instance, sections) ? instance : { ...instance, sections: { ...instance.sections, ...sections } });
    } else {
      const { secrets: found, ...sections } = await evaluateAll(instance);
      for (const secret of found) secrets.add(secret);
      shown.push({ ...instance, sections: { ...instance.sections, ...sections } });
    }
  }
  return { shown, secrets };
}

/** Most instances hold no function: their sections come back as the same objects. */
function sectionsUnchanged(instance: ComponentInstance, sections: Pick<EvaluatedSections, 'vars' | 'settings' | 'env' | 'providers'>): boolean {
  const own = instance.sections;
  return sections.vars === own.vars && sections.settings === own.settings && sections.env === own.env && sections.providers === own.providers;
}
