import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import type { AtmosUserError } from '../errors/user-error';
import { removeFixtures, resolveFixture, writeWorkspace } from '../testing/fixture-workspace';
import { resolveStacks } from './engine';

afterAll(removeFixtures);

describe('imports', () => {
  it('a glob import and stack discovery read a file whose name holds a backslash', () => {
    const resolved = resolveFixture({
      'stacks/catalog/back\\slash.yaml': 'components: {terraform: {vpc: {vars: {from: backslash}}}}\n',
      'stacks/orgs/acme/dev\\ue1.yaml': 'import: [catalog/*]\nvars: {tenant: acme, environment: ue1, stage: dev}\n',
    });
    expect(resolved.instances.map((i) => [i.stack, i.component, i.sections.vars.from])).toEqual([['acme-ue1-dev', 'vpc', 'backslash']]);
  });

  it('an import of a broken link names the link and where it points, not "matches no manifest"', () => {
    const root = writeWorkspace({
      'stacks/orgs/acme/dev.yaml': 'import: [catalog/gone]\nvars: {tenant: acme, environment: ue1, stage: dev}\n',
      'stacks/orgs/acme/prod.yaml': 'import: [catalog/loop]\nvars: {tenant: acme, environment: ue1, stage: prod}\n',
      'stacks/catalog/.keep': '',
    });
    symlinkSync('missing.yaml', join(root, 'stacks/catalog/gone.yaml'));
    symlinkSync('loop.yaml', join(root, 'stacks/catalog/loop.yaml'));
    const problems: AtmosUserError[] = [];
    resolveStacks(loadAtmosConfig({ cwd: root, env: {} }), { env: {}, problems });
    expect(problems.map((p) => p.message)).toEqual([
      'import "catalog/gone": stacks/catalog/gone.yaml is a symbolic link to missing.yaml, which does not exist (or links back to itself)',
      'import "catalog/loop": stacks/catalog/loop.yaml is a symbolic link to loop.yaml, which does not exist (or links back to itself)',
    ]);
  });

  it('an import that matches no manifest is located at its own item, in a block or a flow sequence', () => {
    const root = writeWorkspace({
      'stacks/catalog/vpc.yaml': 'components: {terraform: {vpc: {vars: {cidr: a}}}}\n',
      'stacks/orgs/acme/dev.yaml': 'import:\n  - catalog/vpc\n  - catalog/appz\nvars: {tenant: acme, environment: ue1, stage: dev}\n',
      'stacks/orgs/acme/prod.yaml': 'vars: {tenant: acme, environment: ue1, stage: prod}\nimport: [catalog/vpc, "catalog/dbz"]\n',
      'stacks/orgs/acme/test.yaml': 'vars: {tenant: acme, environment: ue1, stage: test}\nimport: [\n  catalog/vpc,\n  catalog/appz # gone\n]\n',
    });
    const problems: AtmosUserError[] = [];
    resolveStacks(loadAtmosConfig({ cwd: root, env: {} }), { env: {}, problems });
    expect(problems.map((p) => p.format(root).split('\n')[0])).toEqual([
      'stacks/orgs/acme/dev.yaml:3:5: import "catalog/appz" matches no manifest',
      'stacks/orgs/acme/prod.yaml:2:23: import "catalog/dbz" matches no manifest',
      'stacks/orgs/acme/test.yaml:4:3: import "catalog/appz" matches no manifest',
    ]);
  });
});
