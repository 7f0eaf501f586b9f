/**
 * The contract check as a user runs it (issue 11, point 5): the `validate-config` target of an
 * instance, through the real Nx CLI (NX_DAEMON=false) — at the repository root on the reference
 * infrastructure, and in a copy of it with a typo in a catalog file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createWorkspace, formatRunResult, runCommand, type RunResult } from '../harness/workspace';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '../..');
const NX = path.join(REPO, 'node_modules/.bin/nx');

let dataDir: string;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atmos-validate-config-'));
});
afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function nx(cwd: string, args: string[]): Promise<RunResult> {
  return runCommand(NX, args, {
    cwd,
    env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_WORKSPACE_DATA_DIRECTORY: path.join(dataDir, path.basename(cwd)) },
    timeoutMs: 240_000,
  });
}

it('passes for an instance of the reference infrastructure at the repository root', async () => {
  const result = await nx(REPO, ['run', 'rds-prod-use1:validate-config', '--skip-nx-cache']);
  if (result.exitCode !== 0) throw new Error(formatRunResult(result));
  expect(result.stdout).toContain('✓ rds in prod-use1: vars, types and output references match components/terraform/rds; its settings.validation schemas pass');
});

it('fails on a misspelt var in a catalog file, naming the line and the variable meant', async () => {
  const ws = createWorkspace({ prefix: 'atmos-validate-config-e2e-', files: { 'package.json': '{ "name": "reference-copy", "private": true }\n' } });
  try {
    for (const entry of ['atmos.yaml', 'nx.json', 'stacks', 'components']) fs.cpSync(path.join(REPO, entry), ws.path(entry), { recursive: true });
    fs.symlinkSync(path.join(REPO, 'node_modules'), ws.path('node_modules'), 'dir');
    const catalog = ws.path('stacks/catalog/services.yaml');
    const text = fs.readFileSync(catalog, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('instance_profile_name:')) + 1;
    fs.writeFileSync(catalog, text.replace('instance_profile_name:', 'instance_profile:'));

    const result = await nx(ws.root, ['run', 'ec2-dev-use1:validate-config', '--skip-nx-cache']);
    expect(result.exitCode).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toContain(`error: stacks/catalog/services.yaml:${line}:9: var "instance_profile" of component ec2 in stack dev-use1 is not a variable of components/terraform/ec2`);
    expect(output).toContain('hint: did you mean "instance_profile_name"?');
    expect(output).toContain('component ec2 in stack dev-use1 does not set the required variable "instance_profile_name"');
  } finally {
    ws.cleanup();
  }
});
