import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeFixtures, writeWorkspace } from '../testing/fixture-workspace';
import { instanceKey, readLatestResults, writeInstanceResult, type InstanceResult } from './results';

afterAll(removeFixtures);

const result = (over: Partial<InstanceResult>): InstanceResult => ({ component: 'vpc', stack: 'dev-use1', kind: 'drift', status: 'in-sync', finishedAt: '2026-12-01T10:00:00Z', ...over });

describe('drift and plan results under .atmos/results', () => {
  it('no folder: no results', () => {
    expect(readLatestResults(writeWorkspace({})).size).toBe(0);
  });

  it('one file per instance and kind, names encoded so they stay inside the folder', () => {
    const root = writeWorkspace({});
    const file = writeInstanceResult(root, result({ component: 'vpc/flow-logs', stack: '..' }));
    expect(file).toBe(join(root, '.atmos/results/drift/%2E%2E.vpc%2Fflow-logs.json'));
    writeInstanceResult(root, result({ kind: 'plan', status: 'changed', summary: '1 to add' }));
    expect(readdirSync(join(root, '.atmos/results/drift'))).toEqual(['%2E%2E.vpc%2Fflow-logs.json']); // no temp file left
    const latest = readLatestResults(root);
    expect(latest.get(instanceKey('vpc/flow-logs', '..'))?.status).toBe('in-sync');
    expect(latest.get(instanceKey('vpc', 'dev-use1'))).toEqual(result({ kind: 'plan', status: 'changed', summary: '1 to add' }));
  });

  it('the latest finishedAt wins, whatever the kind or file (time zones count); a tie keeps the first file in name order', () => {
    const root = writeWorkspace({});
    writeInstanceResult(root, result({ kind: 'drift', status: 'drifted', finishedAt: '2026-12-01T12:00:00+01:00' })); // 11:00Z
    writeInstanceResult(root, result({ kind: 'plan', status: 'changed', finishedAt: '2026-12-01T10:30:00Z' }));
    expect(readLatestResults(root).get(instanceKey('vpc', 'dev-use1'))?.status).toBe('drifted');
    mkdirSync(join(root, '.atmos/results/x'), { recursive: true });
    writeFileSync(join(root, '.atmos/results/x/a.json'), JSON.stringify({ version: 1, results: [result({ status: 'error', finishedAt: '2026-12-01T11:00:00Z' })] }));
    // Same time as the drift: drift/… sorts before x/…, so the drift result stays.
    expect(readLatestResults(root).get(instanceKey('vpc', 'dev-use1'))?.status).toBe('drifted');
    writeFileSync(join(root, '.atmos/results/x/a.json'), JSON.stringify({ version: 1, results: [result({ status: 'error', finishedAt: '2026-12-01T11:00:01Z' })] }));
    expect(readLatestResults(root).get(instanceKey('vpc', 'dev-use1'))?.status).toBe('error');
  });

  it.each([
    ['not JSON', '{', /^results file is not valid JSON/],
    ['not a results file', '[]', /^results file is not a results file: expected \{"version": 1, "results": \[\.\.\.\]\}$/],
    ['a newer version', '{"version": 2, "results": []}', /^results file has results format version 2; this @org\/atmos reads version 1$/],
    ['a missing stack', '{"version": 1, "results": [{"component": "vpc", "kind": "drift", "status": "in-sync", "finishedAt": "2026-12-01T10:00:00Z"}]}', /^results file results\[0\]\.stack must be a non-empty string$/],
    ['an unknown kind', '{"version": 1, "results": [{"component": "vpc", "stack": "s", "kind": "apply", "status": "in-sync", "finishedAt": "2026-12-01T10:00:00Z"}]}', /^results file results\[0\]\.kind must be one of drift, plan, not "apply"$/],
    ['a bad time', '{"version": 1, "results": [{"component": "vpc", "stack": "s", "kind": "plan", "status": "in-sync", "finishedAt": "yesterday"}]}', /^results file results\[0\]\.finishedAt must be an ISO 8601 time, not "yesterday"$/],
  ])('%s is a user error naming the file', (_name, content, message) => {
    const root = writeWorkspace({ '.atmos/results/drift/bad.json': content });
    let error: unknown;
    try {
      readLatestResults(root);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ name: 'AtmosUserError', message: expect.stringMatching(message), location: { file: join(root, '.atmos/results/drift/bad.json') } });
  });

  it('refuses to write a result that would not read back', () => {
    const root = writeWorkspace({});
    expect(() => writeInstanceResult(root, result({ status: 'weird' as InstanceResult['status'] }))).toThrow(/status must be one of in-sync, drifted, changed, error/);
    expect(existsSync(join(root, '.atmos/results'))).toBe(false);
  });
});
