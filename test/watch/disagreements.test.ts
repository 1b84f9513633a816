/**
 * The watch's dynamic-group lines on hand-built organizations: the disagreements between a dynamic
 * group's rule and its listed members are exactly the ones the tenant will change by itself (an object the
 * rule adds that is not listed; in an automated group, a listed member the rule removes), and each new one
 * is one Detection Finding, said once.
 */
import { describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/graph/index.ts';
import { disagreementFindings, ruleDisagreements } from '../../src/watch/index.ts';
import { TenantBuilder } from '../analysis/tenant-builder.ts';

/** ann and cid in Engineering, bob in Sales; `listed` says who each group lists. */
function organization(listed: { automated: string[]; review: string[] }) {
  const t = new TenantBuilder();
  const users = {
    ann: t.user('ann', { department: 'Engineering' }),
    bob: t.user('bob', { department: 'Sales' }),
    cid: t.user('cid', { department: 'Engineering' }),
  };
  const automated = t.dynamicGroup('user_group', 'Eng', 'DYNAMIC_AUTOMATED', [['department', 'eq', 'Engineering']]);
  const review = t.dynamicGroup('user_group', 'Eng review', 'DYNAMIC_REVIEW_REQUIRED', [['department', 'eq', 'Engineering']]);
  for (const name of listed.automated) t.member(automated, users[name as keyof typeof users]);
  for (const name of listed.review) t.member(review, users[name as keyof typeof users]);
  return AccessGraph.fromTenant(t.build());
}

const keys = (m: Map<string, { group: { name: string }; member: { name: string }; way: string }>) =>
  [...m.values()].map((d) => `${d.group.name} ${d.way} ${d.member.name}`).sort();

describe('dynamic groups whose rule and members disagree', () => {
  it('are the members the rule adds but the group does not list, and (automated only) those it lists but the rule removes', () => {
    const g = organization({ automated: ['ann', 'bob'], review: ['ann', 'bob'] });
    // Eng lists bob (Sales: the rule removes him) and not cid (the rule adds her); Eng review keeps bob (hand-added) and lacks cid.
    expect(keys(ruleDisagreements(g))).toEqual(['Eng adds cid', 'Eng removes bob', 'Eng review adds cid']);
    expect(ruleDisagreements(organization({ automated: ['ann', 'cid'], review: ['ann', 'bob', 'cid'] })).size).toBe(0);
  });

  it('each disagreement that appears is one Detection Finding, and one already there is not said again', () => {
    const before = ruleDisagreements(organization({ automated: ['ann', 'bob', 'cid'], review: ['ann', 'cid'] }));
    expect(keys(before)).toEqual(['Eng removes bob']);
    const now = ruleDisagreements(organization({ automated: ['ann', 'bob'], review: ['ann', 'cid'] }));
    const lines = disagreementFindings(before, now, { time: Date.parse('2026-06-01T00:00:00Z'), productVersion: 'test' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      class_uid: 2004,
      activity_id: 1,
      finding_info: { types: ['dynamic-group-disagrees'] },
      unmapped: { event: 'dynamic-group-disagrees', subject: { name: 'Eng' }, resource: { name: 'cid' }, paths: [] },
    });
    expect(lines[0]!['message']).toMatch(
      /^user_group:Eng → user:cid: the group's rule \(.*department.*\) gives it this member, which it does not list\.$/,
    );
    expect(disagreementFindings(now, now, { time: 0, productVersion: 'test' })).toEqual([]);
  });
});
