import { removeFixtures, resolveFixture } from './testing/fixture-workspace';
import { globFiles } from './glob-files';
import { join } from 'node:path';

afterAll(removeFixtures);

describe('globFiles', () => {
  it('a backslash in a file name is part of the name (fast-glob\'s absolute paths made it a /): globbed imports and discovered stacks read the file', () => {
    const resolved = resolveFixture({
      'stacks/catalog/back\\slash.yaml': 'components: {terraform: {vpc: {vars: {from: backslash}}}}\n',
      'stacks/orgs/acme/dev\\ue1.yaml': 'import: [catalog/*]\nvars: {tenant: acme, environment: ue1, stage: dev}\n',
    });
    expect(resolved.instances.map((i) => [i.stack, i.component, i.sections.vars.from])).toEqual([['acme-ue1-dev', 'vpc', 'backslash']]);
    expect(globFiles('catalog/*.yaml', { cwd: join(resolved.root, 'stacks') })).toEqual([join(resolved.root, 'stacks/catalog/back\\slash.yaml')]);
  });
});
