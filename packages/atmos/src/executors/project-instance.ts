/** Which instance an Nx project of the @org/atmos plugin stands for (no engine loaded: the CLI-spawning executors use it too). */
import type { ExecutorContext } from '@nx/devkit';

/** The instance an Atmos project stands for, as the plugin describes it. */
export interface ProjectInstance {
  component?: string;
  stack?: string;
  manifest?: string;
}

/**
 * The project's instance: component and stack from its tags (`component:<c>`, `stack:<s>`), the
 * manifest from `metadata.atmos.manifest`. The plugin keeps each project small (Nx pays for every
 * key of 10,000 projects, see nx/targets.ts), so it does not repeat the tags in the metadata;
 * a `metadata.atmos.component`/`stack` (an older plugin's cache, a hand-written project) wins.
 */
export function projectInstance(context: ExecutorContext): ProjectInstance {
  const project = context.projectName ? context.projectsConfigurations?.projects[context.projectName] : undefined;
  const atmos = (project?.metadata as { atmos?: ProjectInstance } | undefined)?.atmos;
  const tag = (prefix: string) => project?.tags?.find((t) => t.startsWith(prefix))?.slice(prefix.length);
  return { component: atmos?.component ?? tag('component:'), stack: atmos?.stack ?? tag('stack:'), manifest: atmos?.manifest };
}
