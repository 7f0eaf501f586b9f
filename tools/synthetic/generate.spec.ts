import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeInstance, loadAtmosConfig, resolveStacks, toPlain } from '../../packages/atmos/src';
import { canonicalDigest, instanceFigures, templateManifestFigures } from '../bench/canonical';
import { buildWorkspace, generateWorkspace, type SyntheticOptions } from './generate';

// 4 stacks x 6 instances; a catalog of 4 so the 4 stacks between them use every family.
const SMALL: Partial<SyntheticOptions> = { stacks: 4, componentsPerStack: 6, catalogComponents: 4 };

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function generateAndResolve(options: Partial<SyntheticOptions>) {
  const dir = mkdtempSync(join(tmpdir(), 'atmos-synthetic-'));
  dirs.push(dir);
  const workspace = generateWorkspace(join(dir, 'ws'), options);
  const config = loadAtmosConfig({ cwd: workspace.dir, env: {} });
  const resolved = resolveStacks(config, { env: {} });
  const described = (instance: (typeof resolved.instances)[number]) => toPlain(describeInstance(instance, resolved.describeContext));
  return { workspace, resolved, described, digest: canonicalDigest(resolved.instances, described) };
}

describe('synthetic Atmos workspace', () => {
  const first = generateAndResolve(SMALL);

  it('resolves to the planned stacks and instances', () => {
    const { workspace, resolved } = first;
    const figures = instanceFigures(resolved.instances);
    expect(resolved.stackFiles).toHaveLength(4);
    expect(figures.stacks).toBe(4);
    expect(figures.instances).toBe(4 * 6);
    expect(figures.instances).toBe(workspace.stats.instances);
    expect(figures.abstract).toBe(workspace.stats.abstract);
    expect(resolved.instances.filter((i) => i.abstract).every((i) => i.component.endsWith('/defaults'))).toBe(true);
    expect([...new Set(resolved.instances.map((i) => i.stack))].sort()).toEqual(['plat-ue1-dev', 'plat-ue2-dev', 'plat-uw1-dev', 'plat-uw2-dev']);
  });

  it('has at least 80% of the instances inheriting from an abstract base', () => {
    const figures = instanceFigures(first.resolved.instances);
    expect(figures.inheritingFromAbstract).toBe(first.workspace.stats.inheriting);
    expect(figures.inheritingPercent).toBeGreaterThanOrEqual(80);
  });

  it('imports 4 levels deep', () => {
    const manifests = first.resolved.manifestsRead.map((file) => file.slice(first.workspace.dir.length + '/stacks/'.length));
    expect(manifests).toEqual(expect.arrayContaining(['orgs/plat/dev/_defaults.yaml', 'orgs/plat/_defaults.yaml', 'orgs/_defaults.yaml', 'mixins/common/level-4.yaml']));
    expect(manifests).toEqual(expect.arrayContaining(['catalog/_groups/_common/level-4.yaml']));
  });

  it('renders the templated imports and the post-merge templates', () => {
    const { resolved, described } = first;
    const tmpl = templateManifestFigures(resolved.manifestsRead);
    expect(tmpl.tmpl).toBeGreaterThan(0);
    const fromTemplate = resolved.instances.filter((i) => i.imports.some((file) => file.endsWith('.tmpl')) && /\/(blue|green)$/.test(i.component));
    expect(fromTemplate.length).toBeGreaterThan(0);
    for (const instance of fromTemplate) {
      expect(typeof instance.sections.vars.retention_in_days).toBe('number');
      expect(typeof instance.sections.vars.replicas).toBe('number');
    }
    const templated = resolved.instances.filter((i) => !i.abstract && typeof i.sections.vars.display_name === 'string');
    expect(templated.length).toBeGreaterThan(0);
    for (const instance of templated) expect(instance.sections.vars.display_name).toBe(`${instance.sections.vars.tenant}-${instance.sections.vars.stage}`);
    for (const instance of resolved.instances) {
      expect(JSON.stringify(described(instance))).not.toContain('{{');
      expect(JSON.stringify(instance.sections.vars)).not.toContain('<no value>');
    }
  });

  it('is deterministic: same files, same engine output', () => {
    const second = generateAndResolve(SMALL);
    expect(second.workspace.stats.checksum).toBe(first.workspace.stats.checksum);
    expect(second.digest).toEqual(first.digest);
    expect(buildWorkspace({ ...SMALL, seed: 2 }).stats.checksum).not.toBe(first.workspace.stats.checksum);
  });

  it('plans 10,000 instances by default, 10% .tmpl manifests', () => {
    const { stats } = buildWorkspace();
    expect(stats.stacks).toBe(200);
    expect(stats.instances).toBe(10_000);
    expect(stats.inheriting / stats.instances).toBeGreaterThanOrEqual(0.8);
    expect(stats.tmplManifestFiles / stats.manifestFiles).toBeCloseTo(0.1, 2);
  });
});
