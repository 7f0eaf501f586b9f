/**
 * The large realistic fixture: the repository's own reference infrastructure (atmos.yaml,
 * stacks/, components/terraform) resolved end to end by the engine.
 */
import { join } from 'node:path';
import { loadAtmosConfig } from '../config/load';
import { toPlain } from '../cli/output';
import { describeInstance } from './describe';
import { resolveStacks } from './engine';

const repoRoot = join(__dirname, '../../../..');

describe('reference infrastructure', () => {
  const config = loadAtmosConfig({ cwd: repoRoot, env: {} });
  const resolved = resolveStacks(config, { env: {} });
  const find = (component: string, stack: string) => {
    const instance = resolved.instances.find((i) => i.component === component && i.stack === stack);
    if (!instance) throw new Error(`${component} not in ${stack}`);
    return toPlain(describeInstance(instance, resolved.describeContext)) as Record<string, any>;
  };
  const deployed = (stack: string) =>
    resolved.instances.filter((i) => i.stack === stack && !i.abstract && i.enabled).map((i) => i.component).sort();

  it('has the stacks of the architecture diagrams, named {stage}-{environment}', () => {
    expect([...new Set(resolved.instances.map((i) => i.stack))].sort()).toEqual([
      'dev-use1', 'dev-usw2', 'prod-use1', 'prod-usw2', 'shared-use1', 'staging-use1',
    ]);
  });

  it('keeps the backend, DNS and the aggregating monitoring in the shared account', () => {
    expect(deployed('shared-use1')).toEqual(['dns', 'monitoring', 'tfstate-backend']);
  });

  it('deploys the same components in every environment', () => {
    const environment = [
      'acm', 'alb', 'apigateway', 'dynamodb', 'ec2', 'ecs', 'eks', 'elasticache', 'iam', 'kms',
      'lambda/orders', 'lambda/payments', 'monitoring', 'rds', 'security-groups', 'vpc',
    ];
    for (const stack of ['dev-use1', 'dev-usw2', 'staging-use1', 'prod-use1', 'prod-usw2']) expect(deployed(stack)).toEqual(environment);
  });

  it('merges the catalog, mixins and account defaults into each instance', () => {
    const vpc = find('vpc', 'dev-use1');
    expect(vpc.vars).toMatchObject({ tenant: 'plat', environment: 'use1', stage: 'dev', region: 'us-east-1', single_nat_gateway: true });
    expect(find('vpc', 'prod-usw2').vars).toMatchObject({ environment: 'usw2', stage: 'prod', availability_zone_count: 2, single_nat_gateway: false });
    expect(vpc.backend_type).toBe('s3');
    expect(vpc.workspace).toBe('dev-use1');
    expect(vpc.inheritance).toEqual([]);
    expect(vpc.imports).toEqual(expect.arrayContaining(['catalog/network', 'mixins/region/us-east-1', 'mixins/stage/dev', 'orgs/plat/dev/_defaults']));
  });

  it('lays the state out as tenant/account/environment/component', () => {
    expect(find('vpc', 'staging-use1').backend).toMatchObject({
      bucket: 'acme-plat-use1-shared-tfstate', key: 'terraform.tfstate', workspace_key_prefix: 'plat/staging/use1/vpc',
      assume_role: { role_arn: 'arn:aws:iam::444444444444:role/acme-plat-use1-shared-tfstate-backend-access' },
    });
    expect(find('lambda/orders', 'prod-usw2').backend.workspace_key_prefix).toBe('plat/prod/usw2/lambda/orders');
  });

  it('gives developers full access in dev, limited in staging, none in prod', () => {
    expect(find('iam', 'dev-use1').vars.developer_access).toBe('full');
    expect(find('iam', 'staging-use1').vars.developer_access).toBe('limited');
    expect(find('iam', 'prod-use1').vars.developer_access).toBe('none');
    expect(find('iam', 'prod-usw2').vars.developer_access).toBe('none');
  });

  it('names the layer of every deployed instance', () => {
    const layers = new Set(['backend', 'network', 'security', 'database', 'compute', 'application', 'monitoring']);
    for (const instance of resolved.instances.filter((i) => !i.abstract)) {
      expect([instance.component, instance.stack, layers.has(String((instance.sections.settings as Record<string, unknown>).layer))])
        .toEqual([instance.component, instance.stack, true]);
    }
  });

  it('instantiates the templated lambda catalog twice with its contexts', () => {
    expect(find('lambda/orders', 'dev-use1').component).toBe('lambda');
    expect(find('lambda/payments', 'dev-use1').workspace).toBe('dev-use1-lambda-payments');
    expect(find('lambda/orders', 'prod-use1').vars).toMatchObject({ memory_size: 1024, s3_key: 'lambda/orders/1.3.1.zip' });
  });

  it('renders templates over component sections', () => {
    const rendered = JSON.stringify(resolved.instances.filter((i) => !i.abstract).map((i) => [i.sections.vars, i.sections.backend]));
    expect(rendered).not.toContain('{{');
  });

  it('locks the production databases and tags production with the stack overrides', () => {
    expect(resolved.instances.find((i) => i.component === 'rds' && i.stack === 'prod-use1')?.locked).toBe(true);
    expect(resolved.instances.find((i) => i.component === 'rds' && i.stack === 'prod-usw2')?.locked).toBe(true);
    expect(resolved.instances.find((i) => i.component === 'rds' && i.stack === 'staging-use1')?.locked).toBe(false);
    expect(find('kms', 'prod-use1').vars.tags).toMatchObject({ ChangeControl: 'required' });
    expect(find('kms', 'staging-use1').vars.tags.ChangeControl).toBeUndefined();
  });
});
