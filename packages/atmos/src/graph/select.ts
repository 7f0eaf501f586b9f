/**
 * Which instances a diagram shows: `--stack`, `--environment` and Nx-style project patterns
 * (`-p vpc-*`, `-p tag:stage:prod`, `-p '!tag:layer:monitoring'`), all of them at once.
 */
import picomatch from 'picomatch';
import { AtmosUserError } from '../errors/user-error';
import type { InstanceProject } from '../nx/graph-model';

export interface Selection {
  stack?: string;
  environment?: string;
  /** Comma-separated or repeated patterns, as `nx run-many -p` takes them. */
  projects?: string[];
}

export function tagValue(project: InstanceProject, name: string): string | undefined {
  const prefix = `${name}:`;
  return project.tags.find((tag) => tag.startsWith(prefix))?.slice(prefix.length);
}

export function selectProjects(projects: InstanceProject[], selection: Selection): InstanceProject[] {
  if (selection.stack !== undefined && !projects.some((p) => p.stack === selection.stack)) {
    const stacks = [...new Set(projects.map((p) => p.stack))].sort();
    throw new AtmosUserError('STACK_NOT_FOUND', `stack '${selection.stack}' does not exist`, undefined,
      `run \`atmos-nx list stacks\`; known stacks: ${stacks.slice(0, 20).join(', ')}${stacks.length > 20 ? ', ...' : ''}`);
  }
  if (selection.environment !== undefined && !projects.some((p) => tagValue(p, 'environment') === selection.environment)) {
    const environments = [...new Set(projects.map((p) => tagValue(p, 'environment')).filter((e): e is string => e !== undefined))].sort();
    throw new AtmosUserError('STACK_NOT_FOUND', `no instance has vars.environment '${selection.environment}'`, undefined,
      environments.length > 0 ? `known environments: ${environments.join(', ')}` : 'no instance sets vars.environment; select with --stack or -p instead');
  }
  const matchesPatterns = projectMatcher(selection.projects ?? []);
  const selected = projects.filter((p) =>
    (selection.stack === undefined || p.stack === selection.stack)
    && (selection.environment === undefined || tagValue(p, 'environment') === selection.environment)
    && matchesPatterns(p));
  if (selected.length === 0 && projects.length > 0) {
    const asked = [
      ...(selection.stack !== undefined ? [`--stack ${selection.stack}`] : []),
      ...(selection.environment !== undefined ? [`--environment ${selection.environment}`] : []),
      ...(selection.projects ?? []).map((p) => `-p ${p}`),
    ];
    throw new AtmosUserError('USAGE', `no instance matches ${asked.join(' ')}`, undefined,
      'patterns are project names or globs (vpc-*), tag:<glob> (tag:stage:prod, tag:layer:network), !<pattern> to exclude; see `npx nx show projects`');
  }
  return selected;
}

/**
 * Nx's rules for `-p`: a name or a glob over names, `tag:<glob>` over tags, `!` in front
 * excludes; with only exclusions, everything else is in.
 */
function projectMatcher(rawPatterns: string[]): (project: InstanceProject) => boolean {
  const patterns = rawPatterns.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  if (patterns.length === 0) return () => true;
  const compiled = patterns.map((pattern) => {
    const exclude = pattern.startsWith('!');
    const body = exclude ? pattern.slice(1) : pattern;
    const isTag = body.startsWith('tag:');
    const match = picomatch(isTag ? body.slice(4) : body, { dot: true });
    return { exclude, test: (p: InstanceProject) => (isTag ? p.tags.some((tag) => match(tag)) : match(p.name)) };
  });
  const includes = compiled.filter((c) => !c.exclude);
  const excludes = compiled.filter((c) => c.exclude);
  return (project) => (includes.length === 0 || includes.some((c) => c.test(project))) && !excludes.some((c) => c.test(project));
}
