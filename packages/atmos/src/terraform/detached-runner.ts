/**
 * The process that runs terraform for us, outside the executor's process tree.
 *
 * Why it exists: on Ctrl-C, nx kills each task's process tree leaf first (SIGTERM, then SIGKILL
 * after 5 s). A terraform inside that tree gets its interrupt straight from nx, on top of the one
 * from the terminal or from us; a second interrupt makes terraform abandon the run at once ("Two
 * interrupts received... data loss may have occurred"), possibly mid state upload. Started through
 * a shell that exits at once (see process.ts), this runner is reparented away from the executor,
 * so nx can only reach the executor, and terraform gets exactly the interrupts we send it.
 *
 * It reads what to run from fd 4 (a RunnerRequest as JSON), relays terraform's stdout/stderr to its
 * own, and keeps draining them when the executor is gone (a terraform writing to a closed pipe would
 * die of SIGPIPE before saving its state). On fd 3 it reports, one JSON object per line: `{"pid"}`
 * once terraform runs, then `{"exitCode","signal"}`, or `{"spawnError","code"}` when terraform
 * could not start. Node opens inherited descriptors above 2 close-on-exec, so terraform and its
 * provisioners never hold fds 3 and 4 (a lingering provisioner cannot keep the executor waiting).
 *
 * Usage: node detached-runner.js  (cwd is terraform's; fd 4 carries binary, args and environment)
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

export interface RunnerRequest {
  binary: string;
  args: string[];
  env: Record<string, string>;
}

export type RunnerReport =
  | { pid: number }
  | { exitCode: number | null; signal: NodeJS.Signals | null }
  | { spawnError: string; code?: string };

const REPORT_FD = 3;
const REQUEST_FD = 4;

function report(message: RunnerReport): void {
  try {
    fs.writeSync(REPORT_FD, `${JSON.stringify(message)}\n`);
  } catch {
    // The executor is gone: nobody is left to tell.
  }
}

/** Writes to `stream` until it breaks, then drops output silently (EPIPE must not end the run). */
function relayTo(stream: NodeJS.WriteStream): (chunk: Buffer) => void {
  let broken = false;
  stream.on('error', () => (broken = true));
  return (chunk) => {
    if (!broken) stream.write(chunk);
  };
}

function main(): void {
  const { binary, args, env } = JSON.parse(fs.readFileSync(REQUEST_FD, 'utf8')) as RunnerRequest;
  // Interrupts for this process group are meant for terraform (which gets them too); the relay
  // itself must live until terraform has exited.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);
  // Everything terraform writes (plan files, local state and its backups, errored plans left by an
  // interrupt) can hold secrets: owner-only from the moment it exists, whatever the caller's umask.
  process.umask(0o077);

  const child = spawn(binary, args, { env, stdio: ['inherit', 'pipe', 'pipe'] });
  const toStdout = relayTo(process.stdout);
  const toStderr = relayTo(process.stderr);
  child.stdout.on('data', toStdout);
  child.stderr.on('data', toStderr);
  child.on('spawn', () => report({ pid: child.pid as number }));
  child.on('error', (error: NodeJS.ErrnoException) => {
    report({ spawnError: error.message, code: error.code });
    process.exitCode = 1;
  });
  child.on('close', (exitCode, signal) => {
    report({ exitCode, signal });
    process.exitCode = 0;
  });
}

main();
