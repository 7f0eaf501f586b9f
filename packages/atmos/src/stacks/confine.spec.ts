/**
 * Nothing outside the repository is read, for the real path: stack manifests, imports and
 * `!include` / `!include.raw` reached through a symlink to an outside file are refused, as are
 * non-UTF-8 manifests (never replacement characters).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { resolveStacks } from './engine';
import { userError } from '../testing/user-errors';

const outsideDirs: string[] = [];
afterAll(() => {
  removeFixtures();
  outsideDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

const DEV = 'stacks/orgs/acme/dev/us-east-1.yaml';
const devVars = 'vars:\n  tenant: acme\n  environment: ue1\n  stage: dev\n';

function outsideFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'atmos-outside-'));
  outsideDirs.push(dir);
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

function resolveIn(root: string) {
  return resolveStacks(loadAtmosConfig({ cwd: root, env: {} }), { env: {} });
}

describe('symlinks leading outside the repository', () => {
  it('an import through a symlink in stacks/ to an outside manifest is refused', () => {
    const secret = outsideFile('catalog.yaml', 'vars:\n  leaked: from-outside\n');
    const root = writeWorkspace({ 'stacks/catalog/other.yaml': '', [DEV]: `import: [catalog/linked]\n${devVars}components: {terraform: {vpc: {}}}\n` });
    symlinkSync(secret, join(root, 'stacks/catalog/linked.yaml'));
    const error = userError(() => resolveIn(root));
    expect(error.code).toBe('IMPORT_ESCAPES_REPO');
    expect(error.message).toContain(`is a link to ${secret}`);
    expect(error.location?.file).toBe(join(root, 'stacks/catalog/linked.yaml'));
  });

  it('a folder of stacks/ linked outside is refused too (the real path, not the link, counts)', () => {
    const secret = outsideFile('x.yaml', 'vars:\n  leaked: true\n');
    const root = writeWorkspace({ [DEV]: `import: [shared/x]\n${devVars}components: {terraform: {vpc: {}}}\n` });
    symlinkSync(join(secret, '..'), join(root, 'stacks/shared'));
    expect(userError(() => resolveIn(root)).code).toBe('IMPORT_ESCAPES_REPO');
  });

  it('a top-level stack manifest that is a link to an outside file is refused', () => {
    const secret = outsideFile('prod.yaml', `${devVars}components: {terraform: {vpc: {}}}\n`);
    const root = writeWorkspace({ [DEV]: `${devVars}components: {terraform: {vpc: {}}}\n` });
    symlinkSync(secret, join(root, 'stacks/orgs/acme/dev/us-west-2.yaml'));
    expect(userError(() => resolveIn(root)).code).toBe('IMPORT_ESCAPES_REPO');
  });

  it('!include.raw of a symlink to /etc/passwd is refused (never printed)', () => {
    const root = writeWorkspace({ [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars:\n        users: !include.raw config/users.txt\n` });
    mkdirSync(join(root, 'config'));
    symlinkSync('/etc/passwd', join(root, 'config/users.txt'));
    const error = userError(() => resolveIn(root));
    expect(error.code).toBe('IMPORT_ESCAPES_REPO');
    expect(error.message).toContain('through a symlink, to /etc/passwd');
    expect(error.location?.line).toBe(9);
    expect(error.message).not.toContain('root:');
  });

  it('!include of a symlink to an outside YAML file is refused', () => {
    const secret = outsideFile('tags.yaml', 'team: outside\n');
    const root = writeWorkspace({ [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars:\n        tags: !include tags.yaml\n` });
    symlinkSync(secret, join(root, 'stacks/orgs/acme/dev/tags.yaml'));
    expect(userError(() => resolveIn(root)).code).toBe('IMPORT_ESCAPES_REPO');
  });

  it('a link that stays inside the repository is fine', () => {
    const root = writeWorkspace({
      'stacks/catalog/real.yaml': 'vars:\n  linked: true\n',
      [DEV]: `import: [catalog/alias]\n${devVars}components: {terraform: {vpc: {}}}\n`,
    });
    symlinkSync(join(root, 'stacks/catalog/real.yaml'), join(root, 'stacks/catalog/alias.yaml'));
    expect(resolveIn(root).instances[0].sections.vars.linked).toBe(true);
  });
});

describe('non-UTF-8 manifests', () => {
  it('are an error at the line and column of the first invalid byte', () => {
    const root = writeWorkspace({ [DEV]: `${devVars}components: {terraform: {vpc: {}}}\n` });
    writeFileSync(join(root, DEV), Buffer.concat([Buffer.from(`${devVars}  name: caf`), Buffer.from([0xe9]), Buffer.from('\ncomponents: {terraform: {vpc: {}}}\n')]));
    const error = userError(() => resolveIn(root));
    expect(error.code).toBe('YAML_SYNTAX');
    expect(error.message).toContain('invalid UTF-8 (byte 0xe9');
    expect(error.location).toMatchObject({ line: 5, column: 12 });
  });

  it('valid multi-byte text is read as written', () => {
    const root = writeWorkspace({ [DEV]: `${devVars}  name: café ☕\ncomponents: {terraform: {vpc: {}}}\n` });
    expect(resolveIn(root).instances[0].sections.vars.name).toBe('café ☕');
  });
});
