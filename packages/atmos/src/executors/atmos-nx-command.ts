/**
 * Executors that run one `atmos-nx` command for the project's instance (`validate-config`),
 * instead of `nx:run-commands` targets carrying the command line in their options: at 10,000
 * instances those options were ~10% of what Nx holds, merges, sends to plugin workers and writes
 * to its graph cache. The instance comes from the project's tags, as for the terraform
 * executors (project-instance.ts); the words typed after the target are passed on, as run-commands does.
 * (`describe` is a run-commands target again: see nx/targets.ts for why.)
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { projectInstance } from './project-instance';

export interface AtmosNxCommandOptions {
  component?: string;
  stack?: string;
  /** The words after the target as typed (Nx fills it: `$default.$source: unparsed`). */
  __unparsed__?: string[];
}

/** The CLI of this package (the same one `npx atmos-nx` runs). */
const ATMOS_NX = join(__dirname, '..', '..', 'bin', 'atmos-nx.js');

export function atmosNxExecutor<T extends AtmosNxCommandOptions>(
  commandFor: (instance: { component: string; stack: string }) => string[],
  envFor: (options: T) => Record<string, string> = () => ({}),
) {
  return async function executor(options: T, context: ExecutorContext): Promise<{ success: boolean }> {
    const own = projectInstance(context);
    const component = options.component ?? own.component;
    const stack = options.stack ?? own.stack;
    if (!component || !stack) {
      process.stderr.write(`error: project '${context.projectName ?? '?'}' is not an Atmos instance: its target needs the options component and stack (the @org/atmos plugin sets them in its tags)\n`);
      return { success: false };
    }
    const args = [ATMOS_NX, ...commandFor({ component, stack }), ...(options.__unparsed__ ?? [])];
    const code = await new Promise<number>((done) => {
      const child = spawn(process.execPath, args, { cwd: context.root, stdio: 'inherit', env: { ...process.env, ...envFor(options) } });
      child.on('error', (error) => {
        process.stderr.write(`error: cannot start atmos-nx: ${error.message}\n`);
        done(1);
      });
      child.on('close', (status, signal) => done(status ?? (signal ? 1 : 0)));
    });
    return { success: code === 0 };
  };
}
