/**
 * What Nx's distributed execution (and the stored-plan hand-off) relies on from the targets:
 * plan/apply/deploy never cached and with no outputs (a plan file holds secrets), their inputs
 * declared, apply after its dependencies' apply; plan-summary on the workspace project.
 */
import type { InstanceProject } from './graph-model';
import { normaliseOptions } from './options';
import { CONFIG_INPUT, instanceTargets, workspaceTargets } from './targets';

const project = { name: 'vpc-dev', component: 'vpc', stack: 'dev', sharedInput: 'stack:dev', digest: 'd' } as InstanceProject;

describe('targets for stored plans and distributed runs', () => {
  const targets = instanceTargets(project, normaliseOptions(undefined));

  it.each(['plan', 'apply', 'deploy'])('%s: cache false, no outputs, the instance and stack inputs', (name) => {
    expect(targets[name]).toMatchObject({ cache: false, inputs: [CONFIG_INPUT, { input: 'stack:dev', projects: 'atmos' }] });
    expect(targets[name].outputs).toBeUndefined();
  });

  it('apply runs after its dependencies\' apply; plan needs nothing before it (plans can run anywhere, in parallel)', () => {
    expect(targets.apply.dependsOn).toEqual(['^apply']);
    expect(targets.plan.dependsOn).toBeUndefined();
  });

  it('atmos:plan-summary runs atmos-nx plan-summary, not cached', () => {
    const summary = workspaceTargets()['plan-summary'];
    expect(summary.options).toMatchObject({ command: 'atmos-nx plan-summary' });
    expect(summary.cache).toBeUndefined();
    expect(summary.outputs).toBeUndefined();
  });
});
