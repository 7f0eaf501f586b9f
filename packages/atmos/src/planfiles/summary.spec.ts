import { comparePlans, describeDifferences } from './compare';
import { renderPlanSummary } from './report';
import { renderInstanceMarkdown, summarisePlan } from './summary';

const shown = JSON.stringify({
  resource_changes: [
    { address: 'terraform_data.a', mode: 'managed', change: { actions: ['create'] } },
    { address: 'terraform_data.b', mode: 'managed', change: { actions: ['delete', 'create'] } },
    { address: 'terraform_data.c', mode: 'managed', change: { actions: ['update'] } },
    { address: 'terraform_data.d', mode: 'managed', change: { actions: ['no-op'] } },
    { address: 'data.x.y', mode: 'data', change: { actions: ['read'] } },
    { address: 'terraform_data.e', mode: 'managed', change: { actions: ['delete'] } },
  ],
  output_changes: { id: { actions: ['update'] }, same: { actions: ['no-op'] } },
  variables: { password: { value: 'never-kept' } },
});

describe('plan summaries', () => {
  const summary = summarisePlan(shown, { component: 'vpc', stack: 'dev', project: 'vpc-dev' }, new Date('2026-12-01T00:00:00Z'));

  it('count as terraform does (a replace is one add and one destroy) and keep addresses and actions only', () => {
    expect(summary).toMatchObject({ add: 2, change: 1, destroy: 2, outputs: ['id'] });
    expect(summary.resources.map((r) => r.address)).toEqual(['terraform_data.a', 'terraform_data.b', 'terraform_data.c', 'terraform_data.e']);
    expect(JSON.stringify(summary)).not.toContain('never-kept');
  });

  it('render one Markdown section per instance, and one document for all of them', () => {
    const md = renderInstanceMarkdown(summary);
    expect(md).toContain('### vpc-dev');
    expect(md).toContain('**2 to add, 1 to change, 2 to destroy**');
    expect(md).toContain('| `terraform_data.b` | replace |');
    const empty = summarisePlan('{}', { component: 'dns', stack: 'dev', project: 'dns-dev' });
    const doc = renderPlanSummary([summary, empty], new Date('2026-12-01T00:00:00Z'));
    expect(doc).toContain('2 instances planned, 1 with changes: **2 to add, 1 to change, 2 to destroy**');
    expect(doc).toContain('| vpc-dev | dev | 2 | 1 | 2 |');
    expect(doc).toContain('No changes: `dns-dev`.');
  });
});

describe('plan verification compares what plans do, not bytes', () => {
  it('same addresses and actions in another order match; a changed action or a new resource does not', () => {
    const reviewed = [{ address: 'a', actions: ['create'] }, { address: 'b', actions: ['update'] }];
    expect(comparePlans(reviewed, [...reviewed].reverse())).toEqual([]);
    const differences = comparePlans(reviewed, [{ address: 'a', actions: ['create', 'delete'] }, { address: 'c', actions: ['delete'] }]);
    expect(describeDifferences(differences)).toBe('a: reviewed create, now replace; b: reviewed update, now nothing; c: reviewed nothing, now delete');
  });
});
