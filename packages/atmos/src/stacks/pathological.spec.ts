/**
 * Pathological input never hangs or crashes: 50,000-deep nesting (in a manifest, through
 * `!include` of YAML or JSON) is a clear error naming the file, and a 20 MB manifest resolves
 * (or fails with a clear message) well within 30 s.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { resolveStacks } from './engine';
import { userError } from '../testing/user-errors';

afterAll(removeFixtures);
jest.setTimeout(60_000);

const DEV = 'stacks/orgs/acme/dev/us-east-1.yaml';
const devVars = 'vars:\n  tenant: acme\n  environment: ue1\n  stage: dev\n';
const DEPTH = 50_000;

function resolveIn(root: string) {
  return resolveStacks(loadAtmosConfig({ cwd: root, env: {} }), { env: {} });
}

describe('50,000-deep nesting', () => {
  it.each([
    ['a YAML file through !include (flow lists)', 'deep.yaml', '['.repeat(DEPTH) + ']'.repeat(DEPTH) + '\n'],
    ['a YAML file through !include (flow maps)', 'deep.yaml', '{a: '.repeat(DEPTH) + '1' + '}'.repeat(DEPTH) + '\n'],
    ['a JSON file through !include', 'deep.json', '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH)],
  ])('%s is a clear error naming the file', (_, name, content) => {
    const root = writeWorkspace({ [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars:\n        deep: !include config/${name}\n` });
    mkdirSync(join(root, 'config'), { recursive: true });
    writeFileSync(join(root, 'config', name), content);
    const error = userError(() => resolveIn(root));
    // YAML: js-yaml's own depth limit (a syntax error at the position); JSON: ours.
    expect(`${error.code}: ${error.message}`).toMatch(/LIMIT_EXCEEDED: the value is nested more than 1000 levels deep|YAML_SYNTAX: invalid YAML: nesting exceeded maxDepth/);
    expect(error.location?.file).toMatch(/us-east-1\.yaml|deep\.(yaml|json)$/);
  });

  it('in a manifest itself (block maps) is a clear error naming the manifest', () => {
    const root = writeWorkspace({ [DEV]: `${devVars}components: {terraform: {vpc: {}}}\n` });
    const lines = [devVars.trimEnd(), 'components:', '  terraform:', '    vpc:', '      vars:'];
    for (let i = 0; i < 3_000; i++) lines.push(' '.repeat(8 + i) + 'a:');
    writeFileSync(join(root, DEV), lines.join('\n') + ' 1\n');
    const error = userError(() => resolveIn(root));
    expect(`${error.code}: ${error.message}`).toMatch(/LIMIT_EXCEEDED|YAML_SYNTAX: invalid YAML: nesting exceeded maxDepth/);
    expect(error.location?.file).toBe(join(root, DEV));
  });
});

describe('a 20 MB manifest', () => {
  // 20 MB of configuration: 400 components, each with a 50 KB vars map (2,000 keys). Generated
  // here, not committed; the limit is generous because the machine is shared.
  it('resolves within 30 s', () => {
    const root = writeWorkspace({ [DEV]: `${devVars}components: {terraform: {vpc: {}}}\n` });
    const parts: string[] = [devVars, 'components:\n  terraform:\n'];
    let size = 0;
    let components = 0;
    while (size < 20 * 1024 * 1024) {
      const lines = [`    c${components}:\n      vars:\n`];
      for (let key = 0; key < 2_000; key++) lines.push(`        key_${key}: "value ${components}-${key} padding padding"\n`);
      const block = lines.join('');
      parts.push(block);
      size += block.length;
      components++;
    }
    writeFileSync(join(root, DEV), parts.join(''));
    const started = Date.now();
    const resolved = resolveIn(root);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(resolved.instances.length).toBe(components);
    expect(resolved.instances[0].sections.vars.key_1999).toBe('value 0-1999 padding padding');
  });
});
