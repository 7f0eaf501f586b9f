/** Onboarding: the answers the environment generator needs, and the terraform version check. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AtmosConfig } from '../config/types';
import { AtmosUserError } from '../errors/user-error';
import { gatherAnswers, readStackName, stackNameFor, type AnswerSources } from './environment';
import { checkBackend, checkTerraform, requiredVersions, satisfies } from './prerequisites';
import { AwsClients } from '../aws/clients';
import { removeFixtures, resolveFixture } from '../testing/fixture-workspace';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

afterAll(removeFixtures);

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

describe('checkTerraform and checkBackend: real binaries and ports', () => {
  const root = mkdtempSync(join(tmpdir(), 'atmos-onboard-bin-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const withCommand = (command: string) => ({ components: { terraform: { command } }, basePath: root } as unknown as AtmosConfig);

  it('no terraform: one line naming the command and the setting', () => {
    const error = (() => { try { checkTerraform(withCommand('no-such-terraform'), [], { PATH: root }); } catch (e) { return e as AtmosUserError; } })();
    expect(error).toBeInstanceOf(AtmosUserError);
    expect(error!.message).toBe('cannot find the Terraform binary "no-such-terraform" on PATH');
  });

  it('a terraform older than a component needs: one line naming the folder and the constraint', () => {
    const fake = join(root, 'old-terraform');
    writeFileSync(fake, '#!/bin/sh\necho \'{"terraform_version":"1.4.7"}\'\n', { mode: 0o755 });
    mkdirSync(join(root, 'vpc'));
    writeFileSync(join(root, 'vpc', 'versions.tf'), 'terraform {\n  required_version = ">= 1.5"\n}\n');
    const error = (() => { try { checkTerraform(withCommand(fake), [join(root, 'vpc')], {}); } catch (e) { return e as AtmosUserError; } })();
    expect(error!.message).toBe(`terraform 1.4.7 (${fake}) does not meet required_version ">= 1.5" of vpc`);
    writeFileSync(fake, '#!/bin/sh\necho \'{"terraform_version":"1.11.4"}\'\n', { mode: 0o755 });
    expect(checkTerraform(withCommand(fake), [join(root, 'vpc')], {}).ok).toBe(`terraform 1.11.4 (${fake}): meets >= 1.5`);
  });

  it('a local endpoint that does not answer: one line naming it and the setting', async () => {
    const closed = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => done(port));
      });
    });
    const resolved = resolveFixture({
      'atmos.yaml': 'components:\n  terraform:\n    base_path: components/terraform\nstacks:\n  base_path: stacks\n  included_paths: ["**/*"]\n  name_pattern: "{stage}"\n',
      'stacks/dev.yaml': `vars:\n  stage: dev\nterraform:\n  backend_type: s3\n  backend:\n    s3:\n      bucket: tfstate\n      endpoints: {s3: "http://127.0.0.1:${closed}"}\ncomponents:\n  terraform:\n    vpc: {}\n`,
      'components/terraform/vpc/main.tf': '',
    });
    const clients = new AwsClients({ env: {} });
    try {
      const error = await checkBackend(resolved, 'dev', clients).then(() => undefined, (e: unknown) => e as AtmosUserError);
      expect(error!.message).toBe(`the backend's s3 endpoint http://127.0.0.1:${closed} does not answer (ECONNREFUSED)`);
      expect(error!.hint).toContain('terraform.backend.s3.endpoints.s3');
    } finally {
      clients.destroy();
    }
  });
});
