/**
 * What Nx's distributed execution (and the stored-plan hand-off) relies on from the targets:
 * plan/apply/deploy never cached (Nx's default: no `cache` key) and with no outputs (a plan file
 * holds secrets), their inputs declared, apply after its dependencies' apply; plan-summary on
 * the workspace project.
 */
import { fileInput, folderInput, type InstanceProject } from './graph-model';
import { normaliseOptions } from './options';
import { CONFIG_INPUT, instanceTargets, workspaceTargets } from './targets';

const project = { name: 'vpc-dev', component: 'vpc', stack: 'dev', sharedInput: 'stack:dev', digest: 'd' } as InstanceProject;

describe('targets for stored plans and distributed runs', () => {
  const targets = instanceTargets(project, normaliseOptions(undefined));

  it.each(['plan', 'apply', 'deploy', 'destroy', 'validate'])('%s: not cached, no outputs, the instance and stack inputs', (name) => {
    expect(targets[name].inputs).toEqual([CONFIG_INPUT, { input: 'stack:dev', projects: 'atmos' }]);
    expect(targets[name].cache).toBeUndefined();
    expect(targets[name].outputs).toBeUndefined();
  });

  it.each(['init', 'output', 'drift', 'generate', 'clean', 'terraform', 'import', 'state-backup', 'validate-config'])('%s: the instance\'s own input only (not Nx\'s default: its ^default fails on the virtual roots)', (name) => {
    expect(targets[name].inputs).toEqual([CONFIG_INPUT]);
    expect(targets[name].cache).toBeUndefined();
  });

  it('describe is cached on the instance\'s own input and the digest of its stack\'s files', () => {
    expect(targets.describe).toMatchObject({ cache: true, inputs: [CONFIG_INPUT], options: { env: { ATMOS_NX_CONFIG_DIGEST: 'd' } } });
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

describe('file inputs name files literally (Nx reads them as globs)', () => {
  it('Nx\'s own glob engine matches each input to its one file, whatever the name holds', () => {
    const { matchGlobPaths } = require('nx/src/native') as { matchGlobPaths(globs: string[], paths: string[]): boolean[] };
    const names = ['stacks/catalog/network (v2).yaml', 'stacks/catalog/[e2] x.yaml', 'stacks/catalog/{a,b}.yaml', 'stacks/catalog/+(x).yaml', 'stacks/catalog/@(x).yaml',
      'stacks/catalog/a*b.yaml', 'stacks/catalog/aXb.yaml', 'stacks/catalog/q?.yaml', 'stacks/catalog/!x.yaml', 'stacks/catalog/back\\slash.yaml', 'stacks/catalog/plain.yaml'];
    const strip = (input: string) => input.slice('{workspaceRoot}/'.length);
    for (const name of names) {
      expect([name, matchGlobPaths([strip(fileInput(name))], names)]).toEqual([name, names.map((other) => other === name)]);
    }
    const folder = strip(folderInput('components/terraform/vpc (v2)'));
    expect(matchGlobPaths([folder], ['components/terraform/vpc (v2)/main.tf', 'components/terraform/vpc (v2)/modules/x/main.tf', 'components/terraform/vpc v2/main.tf']))
      .toEqual([true, true, false]);
  });
});
