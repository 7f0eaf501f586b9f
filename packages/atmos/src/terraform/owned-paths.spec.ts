/**
 * Every write or delete of the run phase stays inside the folder it owns, for the real path:
 * hostile names and symlinks under .atmos/ are refused before anything is touched. Generated
 * files are 0600 from the moment they exist, whatever the umask, and replace a planted symlink
 * instead of writing through it.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import type { ComponentInstance } from '../stacks/types';
import { writeAtomically } from './files';
import { assertInsideRoot, ownedAreas } from './owned-paths';
import { runInstanceCommand } from './run';
import { removeWorkdir, stageWorkdir, workdirFor } from './workdir';
import { loadAtmosConfig } from '../config/load';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  roots.push(dir);
  return dir;
}

/** A workspace with a git folder, a component and one instance's work folder. */
function workspace(): string {
  const ws = tempDir('atmos-owned-');
  mkdirSync(join(ws, '.git'), { recursive: true });
  writeFileSync(join(ws, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  mkdirSync(join(ws, 'components/terraform/vpc'), { recursive: true });
  writeFileSync(join(ws, 'components/terraform/vpc/main.tf'), '');
  writeFileSync(join(ws, 'atmos.yaml'), 'components: {terraform: {base_path: components/terraform}}\nstacks: {base_path: stacks, included_paths: ["**/*"]}\n');
  return ws;
}

function refusal(fn: () => unknown): AtmosUserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AtmosUserError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('assertInsideRoot', () => {
  it('accepts a path inside, refuses the root itself when strict, and anything outside', () => {
    const ws = workspace();
    const { work } = ownedAreas(ws);
    expect(() => assertInsideRoot(join(work, 'dev/vpc'), work, 'delete', { strict: true })).not.toThrow();
    expect(refusal(() => assertInsideRoot(work, work, 'delete', { strict: true })).code).toBe('PATH_OUTSIDE_ROOT');
    expect(refusal(() => assertInsideRoot(join(work, '..', '..'), work, 'delete', { strict: true })).message).toContain('refusing to delete');
    expect(refusal(() => assertInsideRoot('/etc/passwd', work, 'write')).code).toBe('PATH_OUTSIDE_ROOT');
  });

  it('follows symlinks of the parent folders: .atmos/work/dev linked to the repository is outside', () => {
    const ws = workspace();
    const { work } = ownedAreas(ws);
    mkdirSync(work, { recursive: true });
    symlinkSync(ws, join(work, 'dev'));
    const error = refusal(() => assertInsideRoot(join(work, 'dev', 'components'), work, 'delete', { strict: true }));
    expect(error.message).toContain(`really ${join(ws, 'components')}`);
  });

  it('refuses a write through a dangling link', () => {
    const ws = workspace();
    const { work } = ownedAreas(ws);
    mkdirSync(work, { recursive: true });
    symlinkSync(join(ws, 'nowhere'), join(work, 'dev'));
    expect(refusal(() => assertInsideRoot(join(work, 'dev', 'x', 'file'), work, 'write')).code).toBe('PATH_OUTSIDE_ROOT');
  });
});

describe('clean with names made of .. (the case that deleted the repository)', () => {
  it('removeWorkdir refuses a work folder that is not strictly inside .atmos/work; nothing is deleted', () => {
    const ws = workspace();
    const workdir = workdirFor(ws, '..', '..', join(ws, 'components/terraform/vpc'));
    expect(workdir.root).toBe(ws);
    expect(refusal(() => removeWorkdir(workdir)).code).toBe('PATH_OUTSIDE_ROOT');
    expect(existsSync(join(ws, '.git', 'HEAD'))).toBe(true);
    expect(existsSync(join(ws, 'components/terraform/vpc/main.tf'))).toBe(true);
  });

  it('the clean command refuses an instance named .. in stack .. (names given to the executor by hand)', async () => {
    const ws = workspace();
    const instance = {
      component: '..', stack: '..', terraformComponent: 'vpc', componentPath: join(ws, 'components/terraform/vpc'), manifestFile: join(ws, 'stacks/x.yaml'),
      abstract: false, enabled: true, locked: false, workspace: 'default',
    } as ComponentInstance;
    await expect(runInstanceCommand({ workspaceRoot: ws, config: loadAtmosConfig({ cwd: ws, env: {} }), instance, command: 'clean', args: [], findInstance: () => undefined }))
      .rejects.toMatchObject({ code: 'PATH_OUTSIDE_ROOT' });
    expect(existsSync(join(ws, '.git', 'HEAD'))).toBe(true);
  });

  it('a stack folder name that only looks like a path is kept inside (a/b becomes a__b)', () => {
    const ws = workspace();
    const workdir = workdirFor(ws, 'a/b', 'vpc', join(ws, 'components/terraform/vpc'));
    stageWorkdir(ws, join(ws, 'components/terraform/vpc'), workdir);
    expect(existsSync(join(ws, '.atmos/work/a__b/vpc/components/terraform/vpc/main.tf'))).toBe(true);
    removeWorkdir(workdir);
    expect(existsSync(join(ws, '.atmos/work/a__b'))).toBe(false);
    expect(existsSync(join(ws, 'components/terraform/vpc/main.tf'))).toBe(true);
  });

  it('staging refuses a component folder that is a symlink to outside the repository', () => {
    const ws = workspace();
    const outside = tempDir('atmos-outside-');
    writeFileSync(join(outside, 'main.tf'), '');
    symlinkSync(outside, join(ws, 'components/terraform/linked'));
    const componentPath = join(ws, 'components/terraform/linked');
    const error = refusal(() => stageWorkdir(ws, componentPath, workdirFor(ws, 'dev', 'linked', componentPath)));
    expect(error.message).toContain('through a symlink');
  });
});

describe('generated files', () => {
  it('are 0600 from creation even with umask 0, and atomically replace a planted symlink instead of writing through it', () => {
    const ws = workspace();
    const root = join(ws, '.atmos/work/dev/vpc');
    mkdirSync(root, { recursive: true });
    const victim = join(ws, 'victim.txt');
    writeFileSync(victim, 'keep me');
    symlinkSync(victim, join(root, 'backend.tf.json'));
    const previous = process.umask(0);
    try {
      writeAtomically(join(root, 'backend.tf.json'), '{"secret_key":"s3cr3t"}', root);
    } finally {
      process.umask(previous);
    }
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(lstatSync(join(root, 'backend.tf.json')).isSymbolicLink()).toBe(false);
    expect(statSync(join(root, 'backend.tf.json')).mode & 0o777).toBe(0o600);
  });

  it('refuse a path outside the folder they belong to', () => {
    const ws = workspace();
    const root = join(ws, '.atmos/work/dev/vpc');
    expect(refusal(() => writeAtomically(join(root, '..', '..', '..', '..', 'x'), 'x', root)).code).toBe('PATH_OUTSIDE_ROOT');
    expect(existsSync(join(ws, 'x'))).toBe(false);
  });
});
