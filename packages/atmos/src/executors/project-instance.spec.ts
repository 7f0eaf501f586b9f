import type { ExecutorContext } from '@nx/devkit';
import { projectInstance } from './project-instance';

const contextFor = (project: { tags?: string[]; metadata?: Record<string, unknown> }): ExecutorContext =>
  ({ projectName: 'p', projectsConfigurations: { version: 2, projects: { p: { root: '.atmos/s/c', ...project } } } }) as unknown as ExecutorContext;

describe('projectInstance: the instance an Nx project of the plugin stands for', () => {
  it('component and stack from the tags, the manifest from metadata.atmos', () => {
    const context = contextFor({ tags: ['atmos', 'stack:plat-ue1-dev', 'component:eks/cluster', 'stage:dev'], metadata: { atmos: { manifest: 'stacks/orgs/plat/dev/ue1.yaml' } } });
    expect(projectInstance(context)).toEqual({ component: 'eks/cluster', stack: 'plat-ue1-dev', manifest: 'stacks/orgs/plat/dev/ue1.yaml' });
  });

  it('a colon inside a name stays in the name; metadata.atmos component and stack win over the tags', () => {
    expect(projectInstance(contextFor({ tags: ['component:a:b', 'stack:x'] })).component).toBe('a:b');
    const context = contextFor({ tags: ['component:from-tag', 'stack:from-tag'], metadata: { atmos: { component: 'vpc', stack: 'dev', manifest: 'm.yaml' } } });
    expect(projectInstance(context)).toEqual({ component: 'vpc', stack: 'dev', manifest: 'm.yaml' });
  });

  it('a project that is not an instance: nothing', () => {
    expect(projectInstance(contextFor({}))).toEqual({ component: undefined, stack: undefined, manifest: undefined });
    expect(projectInstance({ projectName: undefined } as unknown as ExecutorContext)).toEqual({ component: undefined, stack: undefined, manifest: undefined });
  });
});
