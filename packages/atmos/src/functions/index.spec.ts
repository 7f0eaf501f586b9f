import * as api from './index';
import type { ExpressionContext } from './index';

describe('functions public API', () => {
  it('exports the documented entry points', () => {
    for (const name of [
      'evaluateValue', 'evaluateString', 'evaluateExpression', 'scanReferences', 'hasExpression', 'needsEvaluation',
      'parseExpression', 'parseTemplate', 'cidrsubnet', 'cidrhost', 'cidrnetmask', 'cidrsubnets', 'functionNames',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
    }
  });

  it('supports scan, prefetch, then synchronous evaluation', async () => {
    const manifest = {
      vars: {
        stage: 'dev',
        vpc_cidr: '10.0.0.0/16',
        extra_tags: { owner: 'me' },
        vpc_id: '${{ output.vpc.vpc_id }}',
        shared_zone: '${{ output("dns", "shared-use1").zone_id }}',
        private_subnets: '${{ output.vpc.private_subnet_ids }}',
        cluster_name: 'eks-${{ vars.stage }}-${{ env:TEAM }}',
        db_password: '${{ ssm:/platform/dev/rds/password }}',
        pods_cidr: '${{ cidrsubnet(vars.vpc_cidr, 4, 2) }}',
        tags: '${{ deep_merge(settings.default_tags, vars.extra_tags) }}',
        x: '${{ env("X", "default") }}',
        literal: '$${{ not evaluated }}',
      },
      settings: { default_tags: { team: 'platform' } },
    };

    // 1. scan, 2. prefetch (async, e.g. state files / SSM), 3. evaluate synchronously.
    const refs = api.scanReferences(manifest.vars);
    const outputs = new Map<string, Record<string, unknown>>();
    const ssm = new Map<string, string>();
    const remote: Record<string, Record<string, unknown>> = {
      'vpc@': { vpc_id: 'vpc-1', private_subnet_ids: ['s-1', 's-2'] },
      'dns@shared-use1': { zone_id: 'Z9' },
    };
    await Promise.all(
      refs.map(async (ref) => {
        if (ref.kind === 'output') outputs.set(`${ref.component}@${ref.stack ?? ''}`, await Promise.resolve(remote[`${ref.component}@${ref.stack ?? ''}`]));
        if (ref.kind === 'ssm') ssm.set(ref.path, await Promise.resolve('s3cr3t'));
      }),
    );
    const ctx: ExpressionContext = {
      vars: manifest.vars,
      settings: manifest.settings,
      env: {},
      output: (component, stack) => outputs.get(`${component}@${stack ?? ''}`)!,
      processEnv: (name) => ({ TEAM: 'core' })[name],
      ssm: (path) => ssm.get(path)!,
    };
    expect(api.evaluateValue(manifest.vars, ctx, { file: '/repo/stacks/dev.yaml' }, ['vars'])).toEqual({
      stage: 'dev',
      vpc_cidr: '10.0.0.0/16',
      extra_tags: { owner: 'me' },
      vpc_id: 'vpc-1',
      shared_zone: 'Z9',
      private_subnets: ['s-1', 's-2'],
      cluster_name: 'eks-dev-core',
      db_password: 's3cr3t',
      pods_cidr: '10.0.32.0/20',
      tags: { team: 'platform', owner: 'me' },
      x: 'default',
      literal: '${{ not evaluated }}',
    });
  });
});
