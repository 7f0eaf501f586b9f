/** Which tasks Nx runs only because another task of the run needs them (stored plans treat an already-applied one as a no-op there). */
import type { ExecutorContext } from '@nx/devkit';
import { isDependencyTask } from './run-instance';

function context(projectName: string, dependencies: Record<string, Array<{ id: string }>>): ExecutorContext {
  const tasks = Object.fromEntries(Object.keys(dependencies).map((id) => {
    const [project, target] = id.split(':');
    return [id, { id, target: { project, target }, overrides: {}, outputs: [], parallelism: true }];
  }));
  return { root: '/ws', cwd: '/ws', isVerbose: false, projectName, targetName: 'apply', taskGraph: { roots: [], tasks, dependencies, continuousDependencies: {} } } as unknown as ExecutorContext;
}

describe('isDependencyTask', () => {
  const graph = { 'app-dev:apply': [{ id: 'vpc-dev:apply' }], 'vpc-dev:apply': [], 'dns-dev:apply': [] };

  it('is true for a task another task of the run depends on (^apply)', () => {
    expect(isDependencyTask(context('vpc-dev', graph))).toBe(true);
  });

  it('is false for the task the user asked for, and for one nothing depends on', () => {
    expect(isDependencyTask(context('app-dev', graph))).toBe(false);
    expect(isDependencyTask(context('dns-dev', graph))).toBe(false);
  });

  it('is false without a task graph (an executor run by hand)', () => {
    expect(isDependencyTask({ root: '/ws', projectName: 'vpc-dev', targetName: 'apply' } as ExecutorContext)).toBe(false);
  });
});
