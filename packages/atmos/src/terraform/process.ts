/**
 * The only place that spawns terraform. Output streams live (tee'd to our stdout/stderr) while
 * the tail of stderr is kept to explain failures. Ctrl-C / SIGTERM are forwarded and we wait for
 * terraform to exit, so it can release its state lock; a second Ctrl-C is forwarded too (the
 * user's choice to abort harder).
 */
import { spawn } from 'node:child_process';

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
}

const STDERR_TAIL = 64 * 1024;
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function runTerraform(run: TerraformRun): Promise<TerraformResult> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(run.binary, run.args, { cwd: run.cwd, env: definedOnly(run.env), stdio: ['inherit', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    const writeOut = lineWriter(run.stdout ?? ((c) => process.stdout.write(c)), run.mask);
    const writeErr = lineWriter(run.stderr ?? ((c) => process.stderr.write(c)), run.mask);
    child.stdout.on('data', (chunk: Buffer) => {
      if (run.captureStdout) stdout += chunk.toString('utf8');
      else writeOut.write(chunk.toString('utf8'));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
      writeErr.write(chunk.toString('utf8'));
    });
    const forward = (signal: NodeJS.Signals) => {
      if (child.exitCode === null) child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const cleanup = () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
    };
    child.on('error', (error) => {
      cleanup();
      reject(error);
    });
    child.on('close', (code, signal) => {
      writeOut.flush();
      writeErr.flush();
      cleanup();
      resolvePromise({ exitCode: code ?? 1, signal: signal ?? undefined, stdout, stderrTail, durationMs: Date.now() - started });
    });
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
