/**
 * `templates.settings.env`: variables Atmos sets in the process environment while a component
 * section's templates render (Atmos v1.226.1 internal/exec/template_utils.go,
 * ProcessTmplWithDatasources: atmos.yaml's env, then the component's
 * settings.templates.settings.env over it; string values only, convertRawEnvToStringMap).
 */
import { FIXTURE_ATMOS_YAML, describeFixture, removeFixtures } from '../testing/fixture-workspace';

afterAll(removeFixtures);

const DEV = 'stacks/orgs/acme/dev/us-east-1.yaml';
const devVars = 'vars:\n  tenant: acme\n  environment: ue1\n  stage: dev\n';
const atmosYaml = FIXTURE_ATMOS_YAML + '    env:\n      TEAM: platform\n      REGION_HINT: use1\n      PORT: 8080\n';

describe('templates.settings.env', () => {
  it('is seen by env and getenv while component templates render', () => {
    const out = describeFixture({
      'atmos.yaml': atmosYaml,
      [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars:\n        team: '{{ env "TEAM" }}'\n        hint: '{{ getenv "REGION_HINT" }}'\n        port: '{{ env "PORT" }}'\n`,
    }, 'vpc', 'acme-ue1-dev', { env: { TEAM: 'from-process', HOME: '/home/u' } });
    // atmos.yaml's value wins over the process's; a non-string value is not set (PORT stays unset).
    expect(out.vars).toMatchObject({ team: 'platform', hint: 'use1', port: '' });
  });

  it("a component's settings.templates.settings.env overrides atmos.yaml's, for that component only", () => {
    const out = (component: string) => describeFixture({
      'atmos.yaml': atmosYaml,
      [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      settings:\n        templates:\n          settings:\n            env:\n              TEAM: network\n      vars:\n        team: '{{ env "TEAM" }}'\n` +
        `    eks:\n      vars:\n        team: '{{ env "TEAM" }}'\n`,
    }, component, 'acme-ue1-dev');
    expect(out('vpc').vars).toMatchObject({ team: 'network' });
    expect(out('eks').vars).toMatchObject({ team: 'platform' });
  });

  it('without templates.settings.env, templates see the process environment only', () => {
    const out = describeFixture({
      [DEV]: `${devVars}components:\n  terraform:\n    vpc:\n      vars:\n        team: '{{ env "TEAM" }}'\n`,
    }, 'vpc', 'acme-ue1-dev', { env: { TEAM: 'from-process' } });
    expect(out.vars).toMatchObject({ team: 'from-process' });
  });
});
