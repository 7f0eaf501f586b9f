/**
 * runTerraform with real processes: a stand-in executor (a node process calling the built
 * process.js, so it can be signalled and killed like nx's task process) runs a fake terraform that
 * logs the interrupts it gets and, like terraform, stops gracefully on the first and aborts on the
 * second. Each fake writes its pid to <log>.pid, so nothing outlives a failed test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BUILT_PROCESS_MODULE = path.resolve(__dirname, '../../dist/terraform/process.js');

const FAKE_TERRAFORM = `
const fs = require('fs');
const log = process.argv[2];
const note = (text) => fs.appendFileSync(log, text + '\\n');
fs.writeFileSync(log + '.pid', String(process.pid));
if (process.env.FAKE_MODE === 'exit') {
  process.stdout.write('out line\\n');
  process.stderr.write('Error: something failed\\n');
  process.exit(3);
}
if (process.env.FAKE_MODE === 'env') {
  process.stdout.write(JSON.stringify({ hyphen: process.env['TF_VAR_my-var'], dotted: process.env['A.B'], plain: process.env.PLAIN }));
  process.exit(0);
}
if (process.env.FAKE_MODE === 'ignore-interrupt') {
  // Like terraform workspace select: a SIGINT does not stop it, and it succeeds.
  note('started');
  process.on('SIGINT', () => note('ignored'));
  setTimeout(() => process.exit(0), 400);
  return;
}
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  note('interrupt ' + interrupts);
  if (interrupts === 2) { note('aborted'); process.exit(2); }
  setTimeout(() => {
    // Output after the executor may be gone: must not kill us (SIGPIPE) before the state is saved.
    for (let i = 0; i < 500; i++) process.stdout.write('Stopping operation... ' + i + '\\n');
    note('saved');
    process.exit(1);
  }, Number(process.env.FAKE_STOP_MS));
});
note('started');
setInterval(() => {}, 1000);
`;

/** Runs terraform RUNS times in a row (an executor's init, workspace, apply), whatever each returns. */
const STAND_IN_EXECUTOR = `
const fs = require('fs');
const [processModule, resultFile, binary, ...args] = process.argv.slice(2);
const { runTerraform } = require(processModule);
(async () => {
  const results = [];
  for (let i = 0; i < Number(process.env.RUNS || 1); i++) {
    const result = await runTerraform({ binary, args, cwd: process.cwd(), env: process.env, captureStdout: true, stdout: () => {}, stderr: () => {} });
    results.push(result);
  }
  writeResult(results.length === 1 ? results[0] : results);
})().catch((error) => writeResult({ error: error.message }));

// Whole or not at all: the test polls for the file and reads it as soon as it exists.
function writeResult(value) {
  fs.writeFileSync(resultFile + '.partial', JSON.stringify(value));
  fs.renameSync(resultFile + '.partial', resultFile);
}
`;

/** A fake terraform in sh, which (like Go) dies of SIGPIPE when it writes to a closed pipe. */
const FAKE_TERRAFORM_SH = `
log=$1
echo $$ > "$log.pid"
trap 'stopping=1' INT
echo started >> "$log"
while [ -z "$stopping" ]; do sleep 0.05; done
i=0
while [ $i -lt 20000 ]; do echo "Stopping operation... $i"; i=$((i + 1)); done
echo saved >> "$log"
exit 1
`;

let dir: string;
let executor: ChildProcess | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atmos-process-'));
  fs.writeFileSync(path.join(dir, 'fake-terraform.js'), FAKE_TERRAFORM);
  fs.writeFileSync(path.join(dir, 'fake-terraform.sh'), FAKE_TERRAFORM_SH);
  fs.writeFileSync(path.join(dir, 'executor.js'), STAND_IN_EXECUTOR);
});

afterEach(() => {
  if (executor?.exitCode === null) executor.kill('SIGKILL');
  const fakePid = fs.existsSync(`${logPath()}.pid`) ? Number(fs.readFileSync(`${logPath()}.pid`, 'utf8')) : undefined;
  try {
    if (fakePid) process.kill(fakePid, 'SIGKILL');
  } catch {
    // it has exited
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

const logPath = () => path.join(dir, 'terraform.log');
const resultPath = () => path.join(dir, 'result.json');
const logLines = () => (fs.existsSync(logPath()) ? fs.readFileSync(logPath(), 'utf8').trim().split('\n') : []);

/** Starts the stand-in executor running `terraform` (by default the fake: node fake-terraform.js <log>). */
function startExecutor(env: Record<string, string>, terraform = [process.execPath, path.join(dir, 'fake-terraform.js'), logPath()]): ChildProcess {
  const args = [path.join(dir, 'executor.js'), BUILT_PROCESS_MODULE, resultPath(), ...terraform];
  executor = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, ...env }, stdio: 'ignore' });
  return executor;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; terraform log: ${logLines().join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** SIGKILL to a process and all its descendants (found by parent pid, as nx finds them). */
function killTree(root: number): void {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parentOf) if (parent === tree[i]) tree.push(pid);
  for (const pid of tree) process.kill(pid, 'SIGKILL');
}

interface Result {
  exitCode: number;
  interrupted?: boolean;
  stdout: string;
  stderrTail: string;
  durationMs: number;
  error?: string;
}

async function result(): Promise<Result> {
  await waitFor('the executor\'s result', () => fs.existsSync(resultPath()));
  return JSON.parse(fs.readFileSync(resultPath(), 'utf8'));
}

it('passes on terraform\'s exit code, its captured stdout and the tail of its stderr', async () => {
  startExecutor({ FAKE_MODE: 'exit' });
  expect(await result()).toMatchObject({ exitCode: 3, stdout: 'out line\n', stderrTail: 'Error: something failed\n' });
});

it('one Ctrl-C that reaches the executor twice at once (terminal and nx) reaches terraform once: it stops gracefully', async () => {
  const child = startExecutor({ FAKE_STOP_MS: '300' });
  await waitFor('terraform to start', () => logLines().includes('started'));
  child.kill('SIGINT');
  child.kill('SIGTERM');
  expect((await result()).exitCode).toBe(1);
  expect(logLines()).toEqual(['started', 'interrupt 1', 'saved']);
});

it('a second Ctrl-C after the first one\'s burst is passed on: the user aborts harder', async () => {
  const child = startExecutor({ FAKE_STOP_MS: '10000' });
  await waitFor('terraform to start', () => logLines().includes('started'));
  child.kill('SIGINT');
  await waitFor('the first interrupt', () => logLines().includes('interrupt 1'));
  await new Promise((resolve) => setTimeout(resolve, 2_300));
  child.kill('SIGINT');
  expect((await result()).exitCode).toBe(2);
  expect(logLines()).toEqual(['started', 'interrupt 1', 'interrupt 2', 'aborted']);
});

it('terraform is out of the executor\'s reach: killed executor or not, it finishes its graceful stop', async () => {
  const child = startExecutor({ FAKE_STOP_MS: '500' });
  await waitFor('terraform to start', () => logLines().includes('started'));
  child.kill('SIGINT');
  await waitFor('the interrupt', () => logLines().includes('interrupt 1'));
  killTree(child.pid as number); // what nx does to the task's process tree when its grace period ends
  await waitFor('terraform to save its state', () => logLines().includes('saved'));
  expect(logLines()).toEqual(['started', 'interrupt 1', 'saved']);
});

it('terraform gets its environment as given, also names sh would drop (TF_VAR_my-var)', async () => {
  startExecutor({ FAKE_MODE: 'env', 'TF_VAR_my-var': 'hyphen', 'A.B': 'dotted', PLAIN: 'plain' });
  expect(JSON.parse((await result()).stdout)).toEqual({ hyphen: 'hyphen', dotted: 'dotted', plain: 'plain' });
});

it('after an interrupt no further terraform run starts, even when the interrupted one ignored it and succeeded', async () => {
  const child = startExecutor({ FAKE_MODE: 'ignore-interrupt', RUNS: '2' });
  await waitFor('terraform to start', () => logLines().includes('started'));
  child.kill('SIGINT');
  const results = (await result()) as unknown as Result[];
  // The interrupted run does not pass for a success, and the next one is not started at all.
  expect(results.map((r) => [r.exitCode, r.interrupted])).toEqual([[130, true], [130, true]]);
  expect(results[1].durationMs).toBe(0);
  expect(logLines()).toEqual(['started', 'ignored']);
});

it('terraform\'s output after the executor is gone is drained: it does not die of SIGPIPE before saving', async () => {
  const child = startExecutor({}, ['/bin/sh', path.join(dir, 'fake-terraform.sh'), logPath()]);
  await waitFor('terraform to start', () => logLines().includes('started'));
  killTree(child.pid as number);
  process.kill(Number(fs.readFileSync(`${logPath()}.pid`, 'utf8')), 'SIGINT'); // 20,000 lines to a relay whose reader is gone
  await waitFor('terraform to save its state', () => logLines().includes('saved'));
});

it('a binary that cannot be started is an error, not a hang', async () => {
  startExecutor({}, [path.join(dir, 'no-such-terraform')]);
  expect(await result()).toMatchObject({ error: expect.stringMatching(/cannot run .*no-such-terraform/) });
});
