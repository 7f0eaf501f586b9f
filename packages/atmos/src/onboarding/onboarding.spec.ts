/** Onboarding: the answers the environment generator needs, and the terraform version check. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AtmosConfig } from '../config/types';
import { AtmosUserError } from '../errors/user-error';
import { gatherAnswers, readStackName, stackNameFor, type AnswerSources } from './environment';
import { requiredVersions, satisfies } from './prerequisites';

const config = (namePattern?: string) => ({ stacks: { namePattern }, configFile: '/repo/atmos.yaml' }) as unknown as AtmosConfig;
const never: AnswerSources['ask'] = async () => undefined;

async function failure(promise: Promise<unknown>): Promise<AtmosUserError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AtmosUserError);
  return error as AtmosUserError;
}

describe('the stack name under stacks.name_pattern', () => {
  it('reads the tokens back', () => {
    expect(readStackName('{stage}-{environment}', 'dev-usw2')).toEqual({ stage: 'dev', environment: 'usw2' });
    expect(readStackName('{tenant}-{environment}-{stage}', 'plat-ue1-prod')).toEqual({ tenant: 'plat', environment: 'ue1', stage: 'prod' });
    expect(readStackName('{stage}-{environment}', 'devusw2')).toBeUndefined();
    expect(readStackName('{stage}-{environment}', 'dev-us-west-2')).toBeUndefined();
  });
  it('and writes it', () => {
    expect(stackNameFor('{stage}-{environment}', { account: 'staging', environment: 'euw1' })).toBe('staging-euw1');
    expect(stackNameFor('{tenant}-{stage}', { account: 'dev' })).toBeUndefined();
  });
});

describe('gatherAnswers', () => {
  const sources = (over: Partial<AnswerSources> = {}): AnswerSources => ({ config: config('{stage}-{environment}'), flags: {}, env: {}, tenants: ['plat'], ask: never, ...over });

  it('everything from the stack name: account, environment, and the region it abbreviates', async () => {
    expect(await gatherAnswers(sources({ stack: 'dev-usw2' }))).toMatchObject({ account: 'dev', environment: 'usw2', region: 'us-west-2', stack: 'dev-usw2' });
  });

  it('flags over the environment (what the workflow passes on)', async () => {
    const answers = await gatherAnswers(sources({ flags: { account: 'staging', region: 'eu-west-1' }, env: { ACCOUNT: 'prod', REGION: 'us-east-1', FROM: 'dev-use1' } }));
    expect(answers).toMatchObject({ account: 'staging', region: 'eu-west-1', from: 'dev-use1' });
  });

  it('asks, in a terminal, what nothing says; the tenant only when there are several', async () => {
    const asked: Array<[string, string[]]> = [];
    const ask: AnswerSources['ask'] = async (question, choices) => {
      asked.push([question, choices]);
      return choices[0] ?? (question.startsWith('Which account') ? 'qa' : 'ap-south-1');
    };
    const answers = await gatherAnswers(sources({ ask, tenants: ['core', 'plat'] }));
    expect(asked.map(([q, c]) => [q.split('?')[0], c])).toEqual([['Which tenant', ['core', 'plat']], ['Which account (stage)', []], ['Which AWS region', []]]);
    expect(answers).toMatchObject({ tenant: 'core', account: 'qa', region: 'ap-south-1' });
  });

  it('without a terminal a missing answer is a one-line error naming the flag', async () => {
    const error = await failure(gatherAnswers(sources()));
    expect(error.message).toBe('no account for the new environment, and no terminal to ask in');
    expect(error.hint).toBe('pass --account (or ACCOUNT), or name the stack with -s so the answers come from its name');
    const region = await failure(gatherAnswers(sources({ config: config('{stage}-{environment}'), stack: 'dev-zz9' })));
    expect(region.message).toBe('no region for the new environment dev-zz9, and no terminal to ask in');
  });

  it('answers that contradict the stack name, or a name the pattern cannot read, are refused', async () => {
    expect((await failure(gatherAnswers(sources({ stack: 'dev-usw2', flags: { account: 'prod' } })))).message)
      .toBe('account "prod" contradicts the stack name "dev-usw2", which names account "dev" (stacks.name_pattern "{stage}-{environment}")');
    expect((await failure(gatherAnswers(sources({ stack: 'devusw2' })))).message).toBe('stack name "devusw2" does not fit stacks.name_pattern "{stage}-{environment}"');
  });
});

describe('terraform versions', () => {
  it.each([
    ['1.11.4', '>= 1.5', true], ['1.4.7', '>= 1.5', false], ['1.6.0', '>= 1.6', true], ['1.11.4', '>= 1.5, < 2.0', true], ['2.0.0', '>= 1.5, < 2.0', false],
    ['1.11.4', '~> 1.6', true], ['2.1.0', '~> 1.6', false], ['1.6.5', '~> 1.6.0', true], ['1.7.0', '~> 1.6.0', false], ['1.5.0', '= 1.5.0', true], ['1.5.1', '!= 1.5.1', false],
  ])('%s meets "%s": %s', (version, constraint, expected) => {
    expect(satisfies(version, constraint)).toBe(expected);
  });

  it('required_version is read from each component folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'atmos-onboard-'));
    try {
      for (const [folder, text] of [['a', 'terraform {\n  required_version = ">= 1.6"\n}\n'], ['b', 'variable "x" {}\n']]) {
        mkdirSync(join(root, folder));
        writeFileSync(join(root, folder, 'versions.tf'), text);
      }
      expect(requiredVersions([join(root, 'a'), join(root, 'b'), join(root, 'a'), join(root, 'missing')], root)).toEqual([{ folder: 'a', constraint: '>= 1.6' }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
