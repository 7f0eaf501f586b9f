/**
 * `npm run demo` (tools/demo/run.ts): a user's mistakes are one-line errors and leave no
 * workspace behind. Its full path (shortened with --stacks, the same code) runs in a fresh clone
 * in e2e/root/fresh-clone.spec.ts, where a user runs it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runCommand } from '../harness/workspace';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '../..');
const DEMO = path.join(REPO, 'tools/dist/demo/run.js');

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
