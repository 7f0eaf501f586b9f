/**
 * `atmos-nx describe affected`, with the flags of Atmos v1.226.1 (cmd/describe_affected.go) that
 * mean something here: where the base comes from (--base, the deprecated --ref/--sha, --repo-path),
 * what is listed (--stack, --exclude-locked, --include-settings, --include-dependents) and where
 * the result goes (--format json|yaml|matrix|projects, --file, --output-file).
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import type { AtmosConfig } from '../config/types';
import { AtmosUserError } from '../errors/user-error';
import { defaultBaseRef } from '../nx/changes';
import type { AffectedInstance } from '../stacks/affected';
import { ignoredSectionWarnings } from '../stacks/affected-sections';
import { gitEnvReadingObjectsOf } from '../stacks/git-objects';
import type { CliIo } from './main';
import { formatOutput } from './output';
import { appendResultLines, writeResultFile } from './result-file';

export const DESCRIBE_AFFECTED_USAGE =
  'atmos-nx describe affected [--base <git ref or commit> | --repo-path <clone of the base>] [--stack <stack>] [--format json|yaml|matrix|projects]\n' +
  '      [--file <path>] [--output-file <path>] [--include-settings] [--include-dependents] [--exclude-locked] [--process-templates=false] [--verbose]\n' +
  '      (the base defaults to nx affected\'s ref: NX_BASE, nx.json defaultBase, main, compared with that commit itself as Atmos does;\n' +
  '       Atmos\'s deprecated --ref and --sha are read as --base; --repo-path compares with the commit checked out in that clone;\n' +
  '       --format=matrix: {"include":[{stack,component,component_path,component_type}]} for a GitHub Actions matrix, with --output-file\n' +
  '       appended to that file as matrix=<json> and count=<n> ($GITHUB_OUTPUT); --format=projects: the affected Nx project names\n' +
  '       comma-separated, exit code 3 when nothing is affected; YAML functions are compared as written, never evaluated,\n' +
  '       so --process-functions and --skip change nothing; --clone-target-ref and --ssh-key are accepted, nothing is cloned)';

type AffectedFormat = 'json' | 'yaml' | 'matrix' | 'projects';

/** The command line, as main.ts parsed it. */
export interface DescribeAffectedFlags {
  base?: string;
  ref?: string;
  sha?: string;
  'repo-path'?: string;
  'clone-target-ref'?: boolean;
  'ssh-key'?: string;
  'ssh-key-password'?: string;
  stack?: string;
  format?: string;
  file?: string;
  'output-file'?: string;
  'include-settings'?: boolean;
  'include-dependents'?: boolean;
  'exclude-locked'?: boolean;
  verbose?: boolean;
}

export async function describeAffectedCommand(typed: DescribeAffectedFlags, processTemplates: boolean | undefined, io: CliIo): Promise<number> {
  const flags = withoutEmptyValues(typed);
  const format = affectedFormat(flags);
  const config = loadAtmosConfig({ cwd: io.cwd, env: io.env });
  for (const warning of ignoredSectionWarnings(config)) io.stderr(`warning: ${warning}\n`);
  const includeDependents = flags['include-dependents'] === true;
  if (format === 'projects' && includeDependents) {
    throw usage('--include-dependents adds dependents to the json or yaml document; for the names of the affected projects and their dependents use `nx show projects --affected` (Nx\'s project mode)');
  }
  const { base, gitEnv } = baseOf(flags, config, io);
  if (flags.verbose) io.stderr(`comparing with ${base}${flags['repo-path'] ? ` (checked out in ${flags['repo-path']})` : ''}\n`);
  const onWarning = (message: string) => io.stderr(`warning: ${message}\n`);
  const otherBase = flags['repo-path'] ? `check another commit out in ${flags['repo-path']}, or pass --base <ref>` : undefined;
  const select = { processTemplates, gitEnv, onWarning, otherBase, stack: flags.stack, excludeLocked: flags['exclude-locked'] === true };
  const root = workspaceRootOf(config);
  if (format === 'projects') {
    const { affectedProjectNames, NOTHING_AFFECTED_EXIT_CODE } = await import('../nx/affected-projects');
    const names = affectedProjectNames(config, base, io.env, root, select);
    write(flags, io, names.length > 0 ? names.join(',') + '\n' : '');
    return names.length === 0 ? NOTHING_AFFECTED_EXIT_CODE : 0;
  }
  const { describeAffected } = await import('../stacks/affected');
  const includeSettings = flags['include-settings'] === true;
  const affected = describeAffected(config, base, io.env, { ...select, includeSettings });
  if (format === 'matrix') {
    writeMatrix(affected, flags, io);
    return 0;
  }
  if (!includeDependents) {
    write(flags, io, formatOutput(affected, format));
    return 0;
  }
  const [{ withDependents }, { pluginOptions }] = await Promise.all([import('../nx/affected-dependents'), import('../graph')]);
  write(flags, io, formatOutput(withDependents(config, affected, root, pluginOptions(root), { includeSettings, onlyInStack: flags.stack }), format));
  return 0;
}

/**
 * A flag given an empty value is not given, as Atmos reads it (`RepoPath != ""`, `file == ""`):
 * CI passes `--repo-path "$BASE_DIR"` or `--output-file "$GITHUB_OUTPUT"` with the variable unset,
 * and `--repo-path ""` read as the current folder would compare HEAD with itself.
 */
function withoutEmptyValues(flags: DescribeAffectedFlags): DescribeAffectedFlags {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flags)) if (value !== '') kept[name] = value;
  return kept as DescribeAffectedFlags;
}

function affectedFormat(flags: DescribeAffectedFlags): AffectedFormat {
  const format = flags.format ?? 'json'; // Atmos's describe affected prints JSON unless told otherwise.
  if (format !== 'json' && format !== 'yaml' && format !== 'matrix' && format !== 'projects') throw usage(`--format must be json, yaml, matrix or projects, not "${format}"`);
  // As Atmos: the key=value file is the matrix's only.
  if (flags['output-file'] !== undefined && format !== 'matrix') throw usage('--output-file is only supported with --format=matrix (for --format json or yaml write the document with --file)');
  return format;
}

/**
 * The base ref, and the environment git reads it with when it is another clone's commit
 * (--repo-path). Atmos's precedence: --base, then the deprecated --sha and --ref; without one,
 * nx affected's ref.
 */
function baseOf(flags: DescribeAffectedFlags, config: AtmosConfig, io: CliIo): { base: string; gitEnv?: NodeJS.ProcessEnv } {
  const ssh = (['ssh-key', 'ssh-key-password'] as const).filter((flag) => flags[flag] !== undefined);
  const repoPath = flags['repo-path'];
  if (repoPath !== undefined) {
    const conflicting = (['base', 'ref', 'sha', ...ssh] as const).filter((flag) => flags[flag] !== undefined);
    if (conflicting.length > 0) throw usage(`--repo-path names the base itself: it conflicts with ${conflicting.map((flag) => `--${flag}`).join(', ')} (as in Atmos)`);
    return clonedBase(resolve(io.cwd, repoPath), repoPath);
  }
  for (const flag of ['sha', 'ref'] as const) {
    if (flags[flag] !== undefined && flags.base === undefined) io.stderr(`warning: --${flag} is deprecated (as in Atmos): use --base ${flags[flag]}\n`);
  }
  const base = flags.base ?? flags.sha ?? flags.ref ?? defaultBaseRef(workspaceRootOf(config), io.env);
  if (flags['clone-target-ref'] || ssh.length > 0) {
    io.stderr(`warning: ${flags['clone-target-ref'] ? '--clone-target-ref' : `--${ssh[0]}`}: atmos-nx clones nothing, it reads the base ${base} from this repository's objects ` +
      `(fetch it first if it is not here, e.g. git fetch origin ${base.replace(/^origin\//, '')})\n`);
  }
  return { base };
}

/**
 * The commit checked out in the clone at `path` (Atmos reads that clone's files: the same but for
 * changes not committed there), read through git's alternates: the clone's objects need not be
 * in this repository (a shallow checkout of the branch and another of its base, as CI makes them).
 */
function clonedBase(path: string, asTyped: string): { base: string; gitEnv: NodeJS.ProcessEnv } {
  const gitIn = (args: string[]) => {
    try {
      return execFileSync('git', ['-C', path, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (error) {
      const stderr = ((error as { stderr?: string }).stderr ?? '').trim().split('\n')[0];
      throw new AtmosUserError('USAGE', `--repo-path ${asTyped}: not a git repository with a commit checked out${stderr ? ` (${stderr})` : ''}`, undefined,
        'pass the folder of a clone of the base branch, e.g. one actions/checkout made with `path: base`');
    }
  };
  const base = gitIn(['rev-parse', '--verify', 'HEAD^{commit}']);
  const commonDir = gitIn(['rev-parse', '--path-format=absolute', '--git-common-dir']);
  return { base, gitEnv: gitEnvReadingObjectsOf(resolve(commonDir, 'objects')) };
}

/**
 * Atmos's matrix (pkg/matrix): compact JSON on stdout, or appended to --output-file as `matrix=`
 * and `count=` lines. As in Atmos, --file is not used for it: `--file "$GITHUB_OUTPUT"` would
 * replace the outputs of the earlier steps.
 */
function writeMatrix(affected: AffectedInstance[], flags: DescribeAffectedFlags, io: CliIo): void {
  const include = affected.map((entry) => ({ stack: entry.stack, component: entry.component, component_path: entry.component_path, component_type: entry.component_type }));
  const json = JSON.stringify({ include });
  if (flags.file !== undefined) io.stderr(`warning: --file is not used with --format=matrix (as in Atmos): the matrix goes to ${flags['output-file'] ?? 'stdout'}; --output-file appends it to a file\n`);
  const outputFile = flags['output-file'];
  if (outputFile === undefined) io.stdout(json + '\n');
  else appendResultLines(resolve(io.cwd, outputFile), `matrix=${json}\ncount=${include.length}\n`, '--output-file');
}

/** The result on stdout, or whole in --file. */
function write(flags: DescribeAffectedFlags, io: CliIo, text: string): void {
  if (flags.file === undefined) io.stdout(text);
  else writeResultFile(resolve(io.cwd, flags.file), text, '--file');
}

/** Where nx.json is: next to atmos.yaml (its base_path may name a folder below). */
function workspaceRootOf(config: AtmosConfig): string {
  return config.configFile ? dirname(config.configFile) : config.basePath;
}

function usage(message: string): AtmosUserError {
  return new AtmosUserError('USAGE', message, undefined, `usage: ${DESCRIBE_AFFECTED_USAGE.replace(/\n/g, '\n  ')}`);
}
