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

  it('has the six stacks of the architecture diagrams', () => {
    expect([...new Set(resolved.instances.map((i) => i.stack))].sort()).toEqual([
      'core-ue1-shared', 'plat-ue1-dev', 'plat-ue1-prod', 'plat-ue1-staging', 'plat-uw2-dev', 'plat-uw2-prod',
    ]);
  });

  it('merges the catalog, mixins and org defaults into each instance', () => {
    const vpc = find('vpc', 'plat-ue1-dev');
    expect(vpc.vars).toMatchObject({ tenant: 'plat', environment: 'ue1', stage: 'dev', region: 'us-east-1' });
    expect(vpc.backend_type).toBe('s3');
    expect(vpc.backend.workspace_key_prefix).toBe('vpc');
    expect(vpc.workspace).toBe('plat-ue1-dev');
    expect(vpc.inheritance.length).toBeGreaterThan(0);
    expect(vpc.imports).toContain('catalog/vpc/defaults');
  });

  it('instantiates the templated lambda catalog twice with its contexts', () => {
    expect(find('lambda/orders', 'plat-ue1-dev').component).toBe('lambda');
    expect(find('lambda/payments', 'plat-ue1-dev').workspace).toBe('plat-ue1-dev-lambda-payments');
  });

  it('renders templates over component sections', () => {
    const rendered = JSON.stringify(resolved.instances.filter((i) => !i.abstract).map((i) => i.sections.vars));
    expect(rendered).not.toContain('{{');
  });

  it('marks prod rds locked and the us-west-2 dev iam disabled', () => {
    expect(resolved.instances.find((i) => i.component === 'rds' && i.stack === 'plat-ue1-prod')?.locked).toBe(true);
    expect(resolved.instances.find((i) => i.component === 'iam' && i.stack === 'plat-uw2-dev')?.enabled).toBe(false);
  });
});
