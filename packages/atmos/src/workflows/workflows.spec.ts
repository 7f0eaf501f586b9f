import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceProject } from '../nx/graph-model';
import { findWorkflow } from './manifest';
import { dependencyLayers, splitWords, stepAction, type InstanceGraph } from './steps';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'atmos-workflows-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (rel: string, text: string) => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
};

const project = (component: string, stack: string): InstanceProject =>
  ({ name: `${stack}__${component}`, component, stack, root: '', tags: [], inputs: [], manifest: '', locked: false, digest: '' });
const model: InstanceGraph = {
  projects: [project('vpc', 'dev'), project('db', 'dev'), project('app', 'dev'), project('vpc', 'prod')],
  edges: [
    { source: 'dev__db', target: 'dev__vpc', via: 'x', reasons: ['x'] },
    { source: 'dev__app', target: 'dev__db', via: 'x', reasons: ['x'] },
  ],
};

describe('workflow manifests', () => {
  test('unnamed steps are step1, step2, ...; type defaults to atmos', () => {
    write('a.yaml', 'workflows:\n  w:\n    steps:\n      - command: terraform plan vpc\n      - name: named\n        command: echo hi\n        type: shell\n      - command: terraform plan db\n');
    const w = findWorkflow(dir, 'w');
    expect(w.steps.map((s) => [s.name, s.type])).toEqual([['step1', 'atmos'], ['named', 'shell'], ['step3', 'atmos']]);
    expect(w.fileName).toBe('a');
  });

  test('an unknown workflow lists the available ones; a workflow in two files needs --file', () => {
    write('a.yaml', 'workflows:\n  w:\n    steps: [{ command: x }]\n  v:\n    steps: [{ command: x }]\n');
    write('sub/b.yml', 'workflows:\n  w:\n    steps: [{ command: y }]\n');
    expect(() => findWorkflow(dir, 'nope')).toThrow(/unknown workflow "nope" .*available: v, w$/);
    expect(() => findWorkflow(dir, 'w')).toThrow(/defined in 2 manifests: a, sub\/b/);
    expect(findWorkflow(dir, 'w', 'sub/b').steps[0].command).toBe('y');
  });

  test('mistakes name the file and line', () => {
    write('a.yaml', 'workflows:\n  w:\n    steps:\n      - command: x\n        typo: 1\n');
    expect(() => findWorkflow(dir, 'w')).toThrow(/unknown key "typo"/);
    write('a.yaml', 'workflows:\n  w:\n    steps:\n      - command: x\n        type: exec\n');
    expect(() => findWorkflow(dir, 'w')).toThrow(/type "exec" is not supported/);
    write('a.yaml', 'workflows:\n  w:\n    steps:\n      - name: s\n        command: x\n      - name: s\n        command: y\n');
    try {
      findWorkflow(dir, 'w');
      throw new Error('no error');
    } catch (error) {
      expect((error as { location?: { line?: number } }).location?.line).toBe(6);
    }
  });
});

describe('step actions', () => {
  const step = (command: string, type: 'atmos' | 'shell' = 'atmos') => ({ name: 's', command, type, env: {}, location: { file: 'f' } });

  test('terraform <sub> <component> runs the instance target, project name from the graph', () => {
    expect(stepAction(step('terraform plan vpc -s prod'), { model, targetPrefix: '', stack: undefined })).toEqual({ kind: 'nx', args: ['run', 'prod__vpc:plan'] });
    // The workflow/step/CLI stack overrides the command's own -s (Atmos).
    expect(stepAction(step('terraform apply vpc -s prod -auto-approve'), { model, targetPrefix: 'tf-', stack: 'dev' })).toEqual({ kind: 'nx', args: ['run', 'dev__vpc:tf-apply', '--autoApprove'] });
    expect(stepAction(step('terraform plan vpc -detailed-exitcode'), { model, targetPrefix: '', stack: 'dev' })).toEqual({ kind: 'nx', args: ['run', 'dev__vpc:plan', '--', '-detailed-exitcode'] });
    // Nx reads our options after `--` when there is one.
    expect(stepAction(step('terraform apply vpc -auto-approve -parallelism=2'), { model, targetPrefix: '', stack: 'dev' })).toEqual({ kind: 'nx', args: ['run', 'dev__vpc:apply', '--', '--autoApprove', '-parallelism=2'] });
    expect(stepAction(step('terraform state list vpc'), { model, targetPrefix: '', stack: 'dev' })).toEqual({ kind: 'nx', args: ['run', 'dev__vpc:terraform', '--', 'state', 'list'] });
  });

  test('--all applies the stack as one task graph; destroy --all is the reverse-order destroy', () => {
    const deploy = stepAction(step('terraform deploy --all'), { model, targetPrefix: '', stack: 'dev' });
    expect(deploy).toMatchObject({ kind: 'stack', target: 'apply', stack: 'dev', args: ['--autoApprove'] });
    expect(stepAction(step('terraform destroy --all'), { model, targetPrefix: '', stack: 'dev' })).toMatchObject({ kind: 'stack-destroy', target: 'destroy' });
    expect(() => stepAction(step('terraform deploy --all'), { model, targetPrefix: '', stack: 'qa' })).toThrow(/stack "qa" has no instances/);
  });

  test('user mistakes', () => {
    expect(() => stepAction(step('terraform plan vpc'), { model, targetPrefix: '' })).toThrow(/no stack/);
    expect(() => stepAction(step('terraform plan nat'), { model, targetPrefix: '', stack: 'dev' })).toThrow(/"nat" is not an instance of stack "dev".*/);
    expect(() => stepAction(step('helmfile sync x'), { model, targetPrefix: '', stack: 'dev' })).toThrow(/not a command this tool runs/);
  });

  test('other atmos commands run atmos-nx; shell steps run as written', () => {
    expect(stepAction(step('describe component vpc'), { model, targetPrefix: '', stack: 'dev' })).toEqual({ kind: 'cli', args: ['describe', 'component', 'vpc', '-s', 'dev'] });
    expect(stepAction(step('validate stacks'), { model, targetPrefix: '', stack: 'dev' })).toEqual({ kind: 'cli', args: ['validate', 'stacks'] });
    expect(stepAction(step('echo "$X"', 'shell'), { model, targetPrefix: '' })).toEqual({ kind: 'shell', command: 'echo "$X"' });
  });

  test('words split as a shell splits them', () => {
    expect(splitWords(`plan vpc -var="a=b c" 'x y' z\\ w`)).toEqual(['plan', 'vpc', '-var=a=b c', 'x y', 'z w']);
    expect(() => splitWords(`plan 'x`)).toThrow(/unterminated/);
  });

  test('dependency layers of a stack', () => {
    expect(dependencyLayers(model.projects.filter((p) => p.stack === 'dev'), model).map((l) => l.map((p) => p.component))).toEqual([['vpc'], ['db'], ['app']]);
  });
});
