/**
 * The only place that spawns terraform. Output streams live (tee'd to our stdout/stderr) while
 * the tail of stderr is kept to explain failures.
 *
 * Interrupts: terraform runs in its own process group, started through detached-runner.ts so that
 * it is not inside our process tree either (see there why nx's tree kill must not reach it). The
 * first Ctrl-C / SIGTERM / SIGHUP we get is passed on as one SIGINT to that group — terraform,
 * its provisioners and providers, as a terminal would — and we wait for terraform to exit, so it
 * saves its state and releases the lock. The same interrupt often reaches us twice at once (from
 * the terminal and from nx's kill); only a signal after INTERRUPT_BURST_MS counts as a second
 * Ctrl-C, the user's choice to abort harder, and is passed on too. If we are killed meanwhile,
 * terraform finishes its graceful stop on its own.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { RunnerReport, RunnerRequest } from './detached-runner';

export interface TerraformRun {
  binary: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Where to write output (default: our own stdout/stderr). */
  stdout?: (chunk: Buffer) => void;
  stderr?: (chunk: Buffer) => void;
  /** Capture stdout instead of streaming it (for `output -json`, `state pull`, `workspace show`). */
  captureStdout?: boolean;
  /** Rewrites printed text (secret masking); applied to whole lines so a secret is never split. */
  mask?: (text: string) => string;
}

export interface TerraformResult {
  exitCode: number;
  signal?: NodeJS.Signals;
  stdout: string;
  /** The last 64 KiB of stderr, for explaining failures. */
  stderrTail: string;
  /** Milliseconds between spawning and exit. */
  durationMs: number;
  /** This process was interrupted during (or before) the run; the exit code is then never 0. */
  interrupted?: boolean;
}

const STDERR_TAIL = 64 * 1024;
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** Signals closer than this to the last interrupt passed on are the same Ctrl-C arriving by another path. */
const INTERRUPT_BURST_MS = 2_000;

/**
 * `sh -c` starts the runner in the background and exits at once, which reparents the runner away
 * from us. Background jobs of a non-interactive shell read /dev/null, hence stdin saved on fd 5.
 * What to run, and terraform's environment, go to the runner on fd 4, never through the shell:
 * sh drops environment variables whose names are not shell names (`TF_VAR_my-var`).
 */
const LAUNCH_IN_BACKGROUND = 'exec 5<&0; "$0" "$1" 0<&5 5<&- &';

/** The runner is compiled beside this module; specs running from src/ use the build (npm test builds first). */
function runnerScript(): string {
  const beside = path.join(__dirname, 'detached-runner.js');
  return fs.existsSync(beside) ? beside : path.resolve(__dirname, '../../dist/terraform/detached-runner.js');
}

/**
 * Once this process was interrupted, no terraform run starts any more, and a run that ignored the
 * interrupt (`workspace select` does) still counts as interrupted: an executor must not go on to
 * its next step (say, the apply after the workspace selection), least of all out of nx's reach.
 */
let interrupted = false;

const INTERRUPTED_EXIT_CODE = 130;

export function runTerraform(run: TerraformRun): Promise<TerraformResult> {
  if (interrupted) {
    process.stderr.write(`Interrupted: not starting terraform ${run.args[0] ?? ''}.\n`);
    return Promise.resolve({ exitCode: INTERRUPTED_EXIT_CODE, signal: 'SIGINT', interrupted: true, stdout: '', stderrTail: '', durationMs: 0 });
  }
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn('/bin/sh', ['-c', LAUNCH_IN_BACKGROUND, process.execPath, runnerScript()], {
      cwd: run.cwd,
      env: {},
      stdio: ['inherit', 'pipe', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const request: RunnerRequest = { binary: run.binary, args: run.args, env: definedOnly(run.env) };
    (child.stdio[4] as NodeJS.WritableStream).end(JSON.stringify(request));
    let stdout = '';
    let stderrTail = '';
    let exit: Extract<RunnerReport, { exitCode: number | null }> | undefined;
    let spawnError: Extract<RunnerReport, { spawnError: string }> | undefined;
    const writeOut = lineWriter(run.stdout ?? ((c) => process.stdout.write(c)), run.mask);
    const writeErr = lineWriter(run.stderr ?? ((c) => process.stderr.write(c)), run.mask);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (run.captureStdout) stdout += chunk.toString('utf8');
      else writeOut.write(chunk.toString('utf8'));
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
      writeErr.write(chunk.toString('utf8'));
    });

    const interrupts = interruptForwarder(child.pid);
    readReports(child.stdio[3] as NodeJS.ReadableStream, (message) => {
      if ('pid' in message) interrupts.terraformStarted();
      else if ('spawnError' in message) spawnError = message;
      else exit = message;
    });
    for (const signal of FORWARDED_SIGNALS) process.on(signal, interrupts.forward);
    const cleanup = () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, interrupts.forward);
    };
    child.on('error', (error) => {
      cleanup();
      reject(error);
    });
    // 'close' waits for every holder of our pipes, i.e. for the runner, not just the shell.
    child.on('close', () => {
      writeOut.flush();
      writeErr.flush();
      cleanup();
      if (spawnError) {
        reject(Object.assign(new Error(`cannot run ${run.binary}: ${spawnError.spawnError}`), { code: spawnError.code }));
        return;
      }
      const exitCode = exit?.exitCode ?? 1;
      resolvePromise({
        exitCode: interrupts.received && exitCode === 0 ? INTERRUPTED_EXIT_CODE : exitCode,
        signal: exit?.signal ?? undefined,
        interrupted: interrupts.received || undefined,
        stdout,
        stderrTail,
        durationMs: Date.now() - started,
      });
    });
  });
}

/**
 * Passes interrupts on to terraform's process group: the first at once (or as soon as terraform
 * runs), repeats within INTERRUPT_BURST_MS of the last one sent never (they are the same Ctrl-C).
 */
function interruptForwarder(group: number | undefined) {
  let running = false;
  let pending = false;
  let received = false;
  let lastSentAt = -Infinity;
  const send = () => {
    pending = false;
    lastSentAt = Date.now();
    try {
      if (group !== undefined) process.kill(-group, 'SIGINT');
    } catch {
      // The group is gone: terraform has exited already.
    }
  };
  return {
    get received() {
      return received;
    },
    forward: () => {
      if (Date.now() - lastSentAt < INTERRUPT_BURST_MS) return;
      if (!interrupted) {
        process.stderr.write('\nInterrupted: terraform stops gracefully, saving its state and releasing its lock. ' +
          `Interrupt again (after ${INTERRUPT_BURST_MS / 1000} s) to make it abort at once.\n`);
      }
      interrupted = received = true;
      if (running) send();
      else pending = true;
    },
    terraformStarted: () => {
      running = true;
      if (pending) send();
    },
  };
}

/** Calls `onReport` for each JSON line the runner writes on its report pipe (a line it cannot parse is skipped). */
function readReports(pipe: NodeJS.ReadableStream, onReport: (message: RunnerReport) => void): void {
  createInterface({ input: pipe }).on('line', (line) => {
    let report: RunnerReport;
    try {
      report = JSON.parse(line) as RunnerReport;
    } catch {
      return;
    }
    onReport(report);
  });
}

/** Streams text line by line through `mask`, so output stays live but a secret is never split across writes. */
function lineWriter(sink: (chunk: Buffer) => void, mask: ((text: string) => string) | undefined) {
  let pending = '';
  const emit = (text: string) => sink(Buffer.from(mask ? mask(text) : text, 'utf8'));
  return {
    write(text: string) {
      if (!mask) return emit(text);
      pending += text;
      const end = pending.lastIndexOf('\n');
      if (end < 0) return;
      emit(pending.slice(0, end + 1));
      pending = pending.slice(end + 1);
    },
    flush() {
      if (pending) emit(pending);
      pending = '';
    },
  };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}
