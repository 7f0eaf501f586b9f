/**
 * Whole-command timing of `atmos-nx` as users run it: a fresh process, start-up and output
 * included (stdout goes to a file, as a redirect would take it), spawn -> exit.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export const ATMOS_NX_BIN = join(resolve(__dirname, '..', '..', '..'), 'packages', 'atmos', 'bin', 'atmos-nx.js');

export interface CliRun {
  ms: number;
  exitCode: number | null;
  /** The stdout file (read it for the output). */
  stdoutFile: string;
  stderr: string;
}

export function timeAtmosNx(cwd: string, args: string[], stdoutFile: string, okCodes: number[] = [0]): Promise<CliRun> {
  const fd = openSync(stdoutFile, 'w');
  return new Promise<CliRun>((done, fail) => {
    let stderr = '';
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('ATMOS_') || key === 'NODE_OPTIONS') delete env[key];
    const started = performance.now();
    let exitedAt = 0;
    const child = spawn(process.execPath, [ATMOS_NX_BIN, ...args], { cwd, env, stdio: ['ignore', fd, 'pipe'] });
    child.on('exit', () => (exitedAt = performance.now()));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      const run = { ms: (exitedAt || performance.now()) - started, exitCode: code, stdoutFile, stderr };
      if (code === null || !okCodes.includes(code)) fail(new Error(`atmos-nx ${args.join(' ')} failed (exit ${code}):\n${stderr.slice(-4000) || readFileSync(stdoutFile, 'utf8').slice(-2000)}`));
      else done(run);
    });
  }).finally(() => closeSync(fd));
}
