/**
 * `atmos-nx orphans [--base <ref>] [--format json]` and
 * `atmos-nx destroy-orphan --instance=<component>/<stack> --confirm=<component>/<stack> [-- terraform arguments]`
 * (src/state/orphans.ts, src/state/destroy-orphan.ts); `nx run atmos:orphans` and
 * `nx run atmos:destroy-orphan --instance=... --confirm=...` run these.
 */
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAtmosConfig } from '../config/load';
import type { AtmosConfig } from '../config/types';
import { AtmosUserError } from '../errors/user-error';
import { defaultBaseRef } from '../nx/changes';
import type { CliIo } from './main';

export const ORPHANS_USAGE = 'atmos-nx orphans [--base <ref>] [--format text|json]';
export const DESTROY_ORPHAN_USAGE = 'atmos-nx destroy-orphan --instance=<component>/<stack> --confirm=<component>/<stack> [-- terraform arguments]';

export async function orphansCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parse(argv, 'orphans', ORPHANS_USAGE, { base: { type: 'string' }, format: { type: 'string' } });
  if (values.help) return help(io, ORPHANS_USAGE);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new AtmosUserError('USAGE', `--format ${format} is not text or json (in "orphans")`, undefined, `usage: ${ORPHANS_USAGE}`);
  const { config, root } = workspace(io);
  const { findOrphans, instanceName } = await import('../state/orphans');
  const report = await findOrphans(config, { workspaceRoot: root, env: io.env, base: values.base ?? defaultBaseRef(root, io.env) });
  const command = viaNx(io) ? 'nx run atmos:destroy-orphan' : 'npx atmos-nx destroy-orphan';
  if (format === 'json') {
    io.stdout(JSON.stringify({
      orphans: report.orphans.map((o) => ({ instance: o.instance ? instanceName(o.instance) : null, state: o.state, resources: o.resources, commit: o.commit ?? null, found_in: o.foundIn, moved_to: o.movedTo ?? null })),
      scanned: report.scanned,
      empty: report.empty,
      notes: report.notes,
    }, null, 2) + '\n');
    return 0;
  }
  for (const note of report.notes) io.stderr(`note: ${note}\n`);
  const where = `(looked in ${report.scanned.join(', ')}${report.empty ? `; ${report.empty} state object${report.empty === 1 ? '' : 's'} of removed instances hold no resources` : ''})`;
  if (report.orphans.length === 0) {
    io.stdout(`no removed instance has resources left in its state ${where}\n`);
    return 0;
  }
  io.stdout(`${report.orphans.length} removed instance${report.orphans.length === 1 ? '' : 's'} still ${report.orphans.length === 1 ? 'has' : 'have'} resources in ${report.orphans.length === 1 ? 'its' : 'their'} state ${where}:\n`);
  for (const orphan of report.orphans) {
    const name = orphan.instance ? instanceName(orphan.instance) : '(unknown instance)';
    const defined = orphan.commit ? `last defined in ${orphan.commit.slice(0, 12)}` : orphan.instance ? 'defined at the base of describe affected' : 'no commit among the recent changes to the stacks defines it';
    io.stdout(`  ${name}  ${orphan.state}  ${orphan.resources} resource${orphan.resources === 1 ? '' : 's'}  ${defined}  (found in ${orphan.foundIn.join(' and ')})\n`);
    if (orphan.movedTo) io.stdout(`    a copy left behind by a backend change: ${name} keeps its state at ${orphan.movedTo} now; delete this object once you have checked it (destroy-orphan would destroy the live resources)\n`);
    else if (orphan.instance) io.stdout(`    destroy: ${command} --instance=${name} --confirm=${name}\n`);
  }
  return 0;
}

export async function destroyOrphanCommand(argv: string[], io: CliIo): Promise<number> {
  const end = argv.indexOf('--');
  const values = parse(end === -1 ? argv : argv.slice(0, end), 'destroy-orphan', DESTROY_ORPHAN_USAGE, { instance: { type: 'string' }, confirm: { type: 'string' } });
  if (values.help) return help(io, DESTROY_ORPHAN_USAGE);
  const { config, root } = workspace(io);
  const { destroyOrphan } = await import('../state/destroy-orphan');
  const ok = await destroyOrphan({
    config,
    workspaceRoot: root,
    env: io.env,
    instance: values.instance,
    confirm: values.confirm,
    args: end === -1 ? [] : argv.slice(end + 1),
    command: viaNx(io) ? 'nx run atmos:destroy-orphan' : 'npx atmos-nx destroy-orphan',
    log: (line) => io.stderr(line + '\n'),
    stdout: io.stdout,
  });
  return ok ? 0 : 1;
}

type Flags = Record<string, { type: 'string' | 'boolean' }>;

function parse(argv: string[], name: string, usage: string, options: Flags): Record<string, string | undefined> & { help?: boolean } {
  try {
    const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { ...options, help: { type: 'boolean', short: 'h' } } });
    return values as Record<string, string | undefined> & { help?: boolean };
  } catch (error) {
    throw new AtmosUserError('USAGE', `${(error as Error).message.split('. ')[0]} (in "${name}")`, undefined, `usage: ${usage}`);
  }
}

function help(io: CliIo, usage: string): number {
  io.stdout(`usage:\n  ${usage}\n`);
  return 0;
}

function workspace(io: CliIo): { config: AtmosConfig; root: string } {
  const config = loadAtmosConfig({ cwd: io.cwd, env: io.env });
  if (!config.configFile) throw new AtmosUserError('CONFIG_INVALID', `no atmos.yaml in ${io.cwd} or any folder above it`, undefined, 'run it inside the workspace');
  return { config, root: dirname(config.configFile) };
}

/** Under `nx run atmos:<target>` (Nx sets NX_TASK_TARGET_PROJECT for the command it runs), hints name the Nx target. */
function viaNx(io: CliIo): boolean {
  return io.env.NX_TASK_TARGET_PROJECT !== undefined;
}
