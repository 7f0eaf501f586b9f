import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeInstanceResult, type InstanceResult } from '../graph/results';
import { classifyDrift } from '../terraform/drift';
import { driftReport, parseFailOn } from './report';

describe('classifyDrift reads terraform show -json of the drift plan', () => {
  test('resource drift found by the refresh is drifted, with addresses and actions', () => {
    const plan = {
      resource_drift: [{ address: 'aws_s3_bucket.b', change: { actions: ['update'] } }],
      resource_changes: [{ address: 'aws_s3_bucket.b', change: { actions: ['update'] } }, { address: 'x.y', change: { actions: ['no-op'] } }],
    };
    const finding = classifyDrift(JSON.stringify(plan));
    expect(finding.status).toBe('drifted');
    expect(finding.resources).toEqual([
      { address: 'aws_s3_bucket.b', actions: ['update'], drift: true },
      { address: 'aws_s3_bucket.b', actions: ['update'], drift: false },
    ]);
  });

  test('configuration changes alone are changed; nothing to do is in-sync', () => {
    expect(classifyDrift(JSON.stringify({ resource_changes: [{ address: 'a.b', change: { actions: ['delete', 'create'] } }] }))).toMatchObject({ status: 'changed', summary: 'not applied: a.b (delete+create)' });
    expect(classifyDrift(JSON.stringify({ resource_changes: [{ address: 'a.b', change: { actions: ['no-op'] } }], resource_drift: [] })).status).toBe('in-sync');
  });
});

describe('drift-report', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'atmos-drift-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const result = (component: string, stack: string, status: InstanceResult['status'], finishedAt: string, extra: object = {}) =>
    writeInstanceResult(root, { component, stack, kind: 'drift', status, finishedAt, ...extra } as InstanceResult, 0o600);

  test('a table per stack, latest result per existing instance, exit 1 on drifted or error by default', () => {
    result('vpc', 'dev', 'drifted', '2026-12-01T10:00:00Z', { summary: 'drifted: a.b (update)', resources: [{ address: 'a.b', actions: ['update'], drift: true }] });
    result('db', 'dev', 'in-sync', '2026-12-01T10:00:00Z');
    result('gone', 'dev', 'error', '2026-12-01T10:00:00Z');
    result('vpc', 'prod', 'changed', '2026-12-01T09:00:00Z');
    let out = '';
    let err = '';
    const instances = [{ component: 'vpc', stack: 'dev' }, { component: 'db', stack: 'dev' }, { component: 'vpc', stack: 'prod' }, { component: 'new', stack: 'prod' }];
    const code = driftReport({ workspaceRoot: root, instances, now: new Date('2026-12-01T12:00:00Z'), stdout: (t) => (out += t), stderr: (t) => (err += t) });
    expect(code).toBe(1);
    expect(err).toBe('drifted: vpc in dev — drifted: a.b (update)\n');
    expect(out).toBe('3 instances checked: 1 in-sync, 1 drifted, 1 changed\n.atmos/drift/report.md\n');
    const markdown = readFileSync(join(root, '.atmos/drift/report.md'), 'utf8');
    expect(markdown).toContain('1 instance never checked');
    expect(markdown).toContain('## dev\n');
    expect(markdown).toContain('| vpc | drifted | `a.b` update (drift) | 2026-12-01T10:00:00Z | 2 h |');
    expect(markdown).not.toContain('gone');
    expect(driftReport({ workspaceRoot: root, instances, failOn: 'none', stdout: () => undefined, stderr: () => undefined })).toBe(0);
  });

  test('--fail-on is checked', () => {
    expect([...parseFailOn('changed,error')]).toEqual(['changed', 'error']);
    expect(() => parseFailOn('in-sync')).toThrow(/not a status/);
    expect(() => parseFailOn('bogus')).toThrow(/not a status/);
  });
});
