/**
 * The onboarding's "generate the environment files" step: the answers the environment generator
 * needs (tenant, account, environment / region) come from the flags, else the environment
 * (TENANT, ACCOUNT, ENVIRONMENT, REGION, FROM: what the workflow passes on), else the stack name
 * read through `stacks.name_pattern` (`dev-usw2` under `{stage}-{environment}` is account dev,
 * environment usw2, region us-west-2), else a question in the terminal. Without a terminal a
 * missing answer is a one-line error naming the flag. Then the real `nx g @org/atmos:environment`
 * writes the files.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AtmosConfig } from '../config/types';
import { AtmosUserError } from '../errors/user-error';
import { environmentRegion, regionEnvironment } from '../generators/shared/aws-regions';
import type { AskChoice } from '../generators/shared/prompt';

export interface EnvironmentAnswers {
  tenant?: string;
  account?: string;
  environment?: string;
  region?: string;
  from?: string;
}

const TOKENS = ['namespace', 'tenant', 'environment', 'stage'] as const;
type Token = (typeof TOKENS)[number];

/** The tokens a stack name carries under `pattern` (`{stage}-{environment}`), or undefined when it does not fit. */
export function readStackName(pattern: string, stack: string): Partial<Record<Token, string>> | undefined {
  const names: Token[] = [];
  const source = pattern.split(/(\{\w+\})/).map((part) => {
    const token = /^\{(\w+)\}$/.exec(part)?.[1] as Token | undefined;
    if (token && (TOKENS as readonly string[]).includes(token)) {
      names.push(token);
      return '([^-/]+)';
    }
    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
  const match = new RegExp(`^${source}$`).exec(stack);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, match[i + 1]]));
}

/** The stack name the pattern gives these answers (undefined when a token has no answer). */
export function stackNameFor(pattern: string, answers: EnvironmentAnswers): string | undefined {
  const values: Record<string, string | undefined> = { tenant: answers.tenant, stage: answers.account, environment: answers.environment };
  let missing = false;
  const name = pattern.replace(/\{(\w+)\}/g, (_, token: string) => values[token] ?? ((missing = true), ''));
  return missing ? undefined : name;
}

export interface AnswerSources {
  config: AtmosConfig;
  /** The stack being onboarded, when named (-s). */
  stack?: string;
  flags: EnvironmentAnswers;
  env: Record<string, string | undefined>;
  /** The workspace's tenants (a question offers them). */
  tenants: string[];
  ask: AskChoice;
}

/** Every answer, from the first source that has it; a missing one is asked, or an error without a terminal. */
export async function gatherAnswers(sources: AnswerSources): Promise<EnvironmentAnswers & { account: string; region: string; stack?: string }> {
  const { config, stack, flags, env } = sources;
  const pattern = config.stacks.namePattern;
  const fromName = stack && pattern ? readStackName(pattern, stack) : undefined;
  if (stack && pattern && !fromName) {
    throw new AtmosUserError('USAGE', `stack name "${stack}" does not fit stacks.name_pattern "${pattern}"`, config.configFile ? { file: config.configFile } : undefined,
      `name the stack as the pattern does (e.g. ${pattern.replace('{stage}', 'dev').replace('{environment}', 'usw2').replace('{tenant}', sources.tenants[0] ?? 'plat')})`);
  }
  const pick = (flag: string | undefined, envName: string, derived: string | undefined) => flag?.trim() || env[envName]?.trim() || derived;
  const answers: EnvironmentAnswers = {
    tenant: pick(flags.tenant, 'TENANT', fromName?.tenant),
    account: pick(flags.account, 'ACCOUNT', fromName?.stage),
    environment: pick(flags.environment, 'ENVIRONMENT', fromName?.environment),
    region: pick(flags.region, 'REGION', undefined),
    from: pick(flags.from, 'FROM', undefined),
  };
  // The stack name says what it says: an answer that contradicts it would generate another stack.
  for (const [token, key] of [['tenant', 'tenant'], ['stage', 'account'], ['environment', 'environment']] as const) {
    const named = fromName?.[token];
    if (named && answers[key] !== named) {
      throw new AtmosUserError('USAGE', `${key} "${answers[key]}" contradicts the stack name "${stack}", which names ${key} "${named}" (stacks.name_pattern "${pattern}")`, undefined,
        `leave ${key} out (it comes from the stack name), or onboard the stack the answers name`);
    }
  }
  if (answers.tenant === undefined && sources.tenants.length > 1) answers.tenant = await ask(sources, 'tenant', 'Which tenant?', sources.tenants);
  answers.account ??= await ask(sources, 'account', 'Which account (stage)? (e.g. staging)', []);
  if (answers.region === undefined && answers.environment !== undefined) answers.region = environmentRegion(answers.environment);
  answers.region ??= await ask(sources, 'region', `Which AWS region${answers.environment ? ` is environment ${answers.environment}` : ''}? (e.g. us-west-2)`, []);
  // The name the new stack will most likely get (the generator decides the environment name: a
  // region the workspace already has keeps the abbreviation its stacks use).
  const predicted = pattern ? stackNameFor(pattern, { ...answers, environment: answers.environment ?? regionEnvironment(answers.region!) }) : undefined;
  return { ...answers, account: answers.account!, region: answers.region!, stack: stack ?? predicted };
}

const FLAG_OF: Record<string, string> = { tenant: '--tenant (or TENANT)', account: '--account (or ACCOUNT)', region: '--region (or REGION)' };

async function ask(sources: AnswerSources, what: string, question: string, choices: string[]): Promise<string> {
  const answer = await sources.ask(question, choices);
  if (answer === undefined) {
    throw new AtmosUserError('USAGE', `no ${what} for the new environment${sources.stack ? ` ${sources.stack}` : ''}, and no terminal to ask in`, undefined,
      `pass ${FLAG_OF[what]}${sources.stack ? '' : ', or name the stack with -s so the answers come from its name'}`);
  }
  return answer;
}

/** Runs the real `nx g @org/atmos:environment` in the workspace, its output on ours. */
export function runEnvironmentGenerator(root: string, answers: EnvironmentAnswers & { account: string; region: string }, env: Record<string, string | undefined>, interactive: boolean): Promise<number> {
  const nx = [join(root, 'node_modules', 'nx', 'bin', 'nx.js'), join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js')].find((path) => existsSync(path));
  if (!nx) throw new AtmosUserError('CONFIG_INVALID', `no Nx in ${join(root, 'node_modules')}`, undefined, 'run npm install in the workspace first');
  const args = [nx, 'g', '@org/atmos:environment', `--account=${answers.account}`, `--region=${answers.region}`];
  if (answers.tenant) args.push(`--tenant=${answers.tenant}`);
  if (answers.environment) args.push(`--environment=${answers.environment}`);
  if (answers.from) args.push(`--from=${answers.from}`);
  if (!interactive) args.push('--no-interactive');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env } as NodeJS.ProcessEnv, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}
