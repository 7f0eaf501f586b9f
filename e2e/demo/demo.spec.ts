/**
 * `npm run demo` (tools/demo/run.ts) on a shortened path: the same code, limited to the stacks
 * dev-use1 and shared-use1 (`--stacks`), through the real Nx CLI and real terraform. It must
 * apply every selected instance in dependency order, report what it counted, draw no
 * "Value for undeclared variable" warning and remove its temporary workspace.
 */
import * as fs from 'fs';
import * as path from 'path';
import { requireTerraform } from '../harness/terraform';
import { assertSuccess, runCommand } from '../harness/workspace';

jest.setTimeout(900_000);

const REPO = path.resolve(__dirname, '../..');
const DEMO = path.join(REPO, 'tools/dist/demo/run.js');

test('demo --stacks dev-use1,shared-use1 plans, applies in dependency order, reads outputs, plans what a change affects', async () => {
  requireTerraform();
  const r = await runCommand(process.execPath, [DEMO, '--stacks', 'dev-use1,shared-use1', '--parallel', '3'], { cwd: REPO, timeoutMs: 840_000 });
  assertSuccess(r);
  const out = r.stdout;
  expect(r.stdout + r.stderr).not.toMatch(/Value for undeclared variable\b(?!" warnings)/);
  const instances = Number(/instances: (\d+) in 2 stacks/.exec(out)?.[1]);
  expect(instances).toBeGreaterThan(10);
  expect(out).toContain(`applies completed: ${instances} of ${instances}`);
  const deps = Number(/dependencies: (\d+) \((\d+) across stacks\)/.exec(out)?.[1]);
  expect(deps).toBeGreaterThan(instances);
  expect(out).toContain(`dependency order: ${deps} of ${deps} dependencies applied before their dependent started`);
  expect(out).toMatch(/"Value for undeclared variable" warnings: 0/);
  expect(out).toMatch(/outputs in state: [1-9]\d* across \d+ instances/);
  // The one-line change to dev-use1's vpc: exactly one instance plans a change.
  expect(out).toMatch(/nx affected -t plan after the change: \d+ planned, 1 with changes/);
  const workspace = /^workspace: (\S+)$/m.exec(out)?.[1];
  expect(workspace).toBeDefined();
  expect(fs.existsSync(workspace as string)).toBe(false);
});

test('demo refuses a stack selection that leaves out a stack it depends on, in one line', async () => {
  const r = await runCommand(process.execPath, [DEMO, '--stacks', 'dev-use1'], { cwd: REPO, timeoutMs: 180_000 });
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toMatch(/^demo: \S+-dev-use1 depends on \S+-shared-use1, in stack shared-use1: add shared-use1 to --stacks$/m);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  const workspace = /^workspace: (\S+)$/m.exec(r.stdout)?.[1];
  expect(fs.existsSync(workspace as string)).toBe(false);
});

test('demo rejects an unknown option before doing anything', async () => {
  const r = await runCommand(process.execPath, [DEMO, '--stack', 'dev-use1'], { cwd: REPO, timeoutMs: 60_000 });
  expect(r.exitCode).toBe(2);
  expect(r.stderr.trim()).toBe('demo: unknown option --stack (known: --stacks, --parallel, --keep, --out)');
});
