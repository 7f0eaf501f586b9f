/**
 * The README's diagram of one environment is generated, not drawn by hand: it must be exactly
 * what `atmos-nx describe graph --format markdown --stack dev-use1` prints for this repository
 * today, and what `nx run atmos:graph --stack=dev-use1` writes at the repository root.
 * `UPDATE_README=1 npx jest e2e/graph/readme.spec.ts` writes the fresh one in.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assertSuccess, runCommand } from '../harness/workspace';

jest.setTimeout(120_000);

const REPO = path.resolve(__dirname, '../..');
const README = path.join(REPO, 'README.md');
const ARGS = ['describe', 'graph', '--format', 'markdown', '--stack', 'dev-use1'];
const START = `<!-- generated: atmos-nx ${ARGS.join(' ')} -->\n`;
const END = '<!-- end of generated graph -->\n';

test('the README shows the generated graph of dev-use1', async () => {
  const fresh = assertSuccess(await runCommand(process.execPath, [path.join(REPO, 'packages/atmos/bin/atmos-nx.js'), ...ARGS], { cwd: REPO })).stdout;
  expect(fresh.startsWith('```mermaid\ngraph TD\n')).toBe(true);
  const readme = fs.readFileSync(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END, start);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const shown = readme.slice(start + START.length, end);
  if (shown !== fresh && process.env.UPDATE_README === '1') {
    fs.writeFileSync(README, readme.slice(0, start + START.length) + fresh + readme.slice(end));
    return;
  }
  // On a difference: the graph changed; run with UPDATE_README=1 and commit the README.
  expect(shown).toBe(fresh);
});

test('nx run atmos:graph at the repository root writes the same picture into .atmos/graph', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atmos-readme-graph-'));
  try {
    const run = assertSuccess(await runCommand(path.join(REPO, 'node_modules/.bin/nx'), ['run', 'atmos:graph', '--stack=dev-use1'], {
      cwd: REPO,
      // A private Nx workspace-data folder: this run shares no project-graph cache with others.
      env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_WORKSPACE_DATA_DIRECTORY: path.join(dataDir, 'workspace-data') },
      timeoutMs: 240_000,
    }));
    expect(run.stdout).toContain('wrote .atmos/graph/graph.md');
    const readme = fs.readFileSync(README, 'utf8');
    const start = readme.indexOf(START) + START.length;
    expect(fs.readFileSync(path.join(REPO, '.atmos/graph/graph.md'), 'utf8')).toBe(readme.slice(start, readme.indexOf(END, start)));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
