/**
 * gomplate's namespaces over merged component sections, as Atmos renders them
 * (website/docs/core-concepts/stacks/templating.md: "Sprig Functions, Gomplate Functions ... are supported").
 */
import { join } from 'node:path';
import { AtmosUserError } from '../errors/user-error';
import { describeFixture, removeFixtures, resolveFixture } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const DEV = 'stacks/orgs/acme/dev/us-east-1.yaml';
const devVars = 'vars:\n  tenant: acme\n  environment: ue1\n  stage: dev\n';

describe('gomplate functions in stack templates', () => {
  it('strings.* and conv.* render in component sections', () => {
    const out = describeFixture({
      [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars:\n        title: '{{ strings.Title .vars.stage }}'\n        quoted: '{{ strings.Quote .vars.tenant }}'\n        port: '{{ conv.ToInt "8080" | math.Add 1 }}'\n`,
    }, 'vpc', 'acme-ue1-dev');
    expect(out.vars).toMatchObject({ title: 'Dev', quoted: '"acme"', port: '8081' });
  });

  it('a file read by file.Read becomes an input of that instance only', () => {
    const resolved = resolveFixture({
      'config/team.txt': 'platform',
      [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars:\n        team: '{{ file.Read "config/team.txt" }}'\n    eks:\n      vars: {x: 1}\n`,
    });
    const vpc = resolved.instances.find((i) => i.component === 'vpc')!;
    const eks = resolved.instances.find((i) => i.component === 'eks')!;
    expect(vpc.sections.vars.team).toBe('platform');
    expect(vpc.includedFiles).toContain(join(resolved.root, 'config/team.txt'));
    expect(eks.includedFiles).not.toContain(join(resolved.root, 'config/team.txt'));
  });

  it('time.* in a value warns that the instance is always affected', () => {
    const resolved = resolveFixture({
      [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars:\n        created: '{{ (time.Now).Format "2006-01-02" }}'\n`,
    });
    expect(resolved.warnings).toEqual([expect.stringMatching(/component 'vpc' in stack 'acme-ue1-dev' uses time\.\* .*always affected/)]);
  });

  it('a network namespace is an error naming the function and the manifest', () => {
    let error: unknown;
    try {
      resolveFixture({ [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars:\n        region: '{{ aws.EC2Region }}'\n` });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AtmosUserError);
    expect((error as AtmosUserError).message).toMatch(/"aws" functions are not available/);
    expect((error as AtmosUserError).location?.file).toMatch(/us-east-1\.yaml$/);
  });
});
