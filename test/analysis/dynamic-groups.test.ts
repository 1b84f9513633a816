/** The graph's view of dynamic groups: where each membership comes from, and each rule against the members listed. */
import { describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/graph/index.ts';
import {
  cannotEvaluateNote,
  dynamicGroups,
  membershipSource,
  pendingDifferences,
  ruleMemberships,
} from '../../src/analysis/dynamic-groups.ts';
import { findings } from '../../src/analysis/findings/index.ts';
import { membershipEdge } from '../../src/model/index.ts';
import { dynamicTenant } from './dynamic-tenant.ts';

const t = dynamicTenant();
const g = AccessGraph.fromTenant(t.tenant);
const names = (refs: readonly { name: string }[]) => refs.map((r) => r.name);

describe('dynamic groups on a graph', () => {
  it('says where each membership comes from', () => {
    const origin = (group: { type: string; id: string }, member: { type: string; id: string }) =>
      membershipSource(g, membershipEdge(group, member))?.origin;
    expect(origin(t.eng, t.jana)).toBe('rule');
    expect(origin(t.eng, t.bob)).toBe('hand'); // Sales, added by hand to a review-required group
    expect(origin(t.allStaff, t.omar)).toBe('rule'); // exempt from Engineering, not from All Staff
    expect(origin(t.sales, t.bob)).toBe('hand');
    expect(origin(t.legacy, t.jana)).toBe('unknown');
    expect(origin(t.flagged, t.bob)).toBe('unknown');
    expect(origin(t.macs, t.mac)).toBe('rule');
    expect(membershipSource(g, { kind: 'association', from: t.eng, to: t.github })).toBeUndefined();
  });

  it('lists the dynamic groups with their rules in words', () => {
    expect(dynamicGroups(g).map((d) => [d.group.name, d.rule.method, d.rule.text])).toEqual([
      ['Engineering', 'DYNAMIC_REVIEW_REQUIRED', 'department eq "Engineering"'],
      ['All Staff', 'DYNAMIC_AUTOMATED', 'userState eq "active"'],
      ['Leavers', 'DYNAMIC_AUTOMATED', 'userState eq "suspended"'],
      ['Legacy', 'DYNAMIC_AUTOMATED', expect.stringContaining('unreadable rule: its queryType "Search"')],
      ['Flagged', 'DYNAMIC_AUTOMATED', 'department eq "Sales"'],
      ['Mac Devices', 'DYNAMIC_AUTOMATED', 'os eq "Mac OS X"'],
    ]);
  });

  it('compares each rule with the members listed', () => {
    const byName = new Map(ruleMemberships(g).map((m) => [m.group.name, m]));
    const eng = byName.get('Engineering')!;
    expect([eng.listed, eng.given, names(eng.missing), names(eng.notGiven)]).toEqual([3, 3, ['lee'], ['bob']]);
    expect(pendingDifferences(eng)).toEqual({ adds: eng.missing, removes: [] }); // bob was added by hand: no difference
    const staff = byName.get('All Staff')!;
    expect([staff.listed, staff.given, staff.missing, staff.notGiven]).toEqual([5, 5, [], []]);
    const legacy = byName.get('Legacy')!;
    expect(legacy.given).toBeUndefined();
    expect(cannotEvaluateNote(legacy.group, legacy.rule)).toMatch(
      /^membership of user_group:Legacy is computed by a rule jcgraph cannot evaluate \(its queryType "Search"/,
    );
    expect(byName.get('Flagged')!.rule.cannotEvaluate).toBe('the tenant flags its rule in error (CYCLE)');
  });

  it('an AUTOMATED group listing a member its rule does not give has a pending removal', () => {
    const after = g.clone();
    after.addEdge({ ...membershipEdge(t.allStaff, t.sue), attributes: null });
    const staff = ruleMemberships(after).find((m) => m.group.name === 'All Staff')!;
    expect(pendingDifferences(staff).removes.map((r) => r.name)).toEqual(['sue']);
    after.release();
  });
});

describe('findings on dynamic groups', () => {
  it('lists members a rule would add back, pending reviews, stale exemptions, error flags and the groups it cannot evaluate', () => {
    const d = findings(g).dynamicGroups;
    expect(d.addedBack.map((a) => [a.group.name, a.rule, names(a.members)])).toEqual([
      ['Engineering', 'department eq "Engineering"', ['lee']],
    ]);
    expect(d.pendingReview.map((p) => [p.group.name, names(p.additions), names(p.removals)])).toEqual([['Engineering', ['lee'], ['bob']]]);
    expect(d.staleExemptions.map((s) => [s.group.name, s.exempt.id, s.reason])).toEqual([
      ['All Staff', t.sue.id, 'suspended'],
      ['All Staff', 'user-deleted', 'gone'],
    ]);
    expect(d.errorFlags).toEqual([{ group: expect.objectContaining({ name: 'Flagged' }), flags: ['CYCLE'] }]);
    expect(d.cannotEvaluate.map((c) => c.reason)).toEqual([
      expect.stringMatching(/^membership of user_group:Legacy is computed by a rule jcgraph cannot evaluate/),
      expect.stringMatching(/^membership of user_group:Flagged is computed by a rule jcgraph cannot evaluate/),
    ]);
  });

  it('a tenant whose memberships are what its rules give has no finding but those of rules it cannot evaluate', () => {
    const settled = AccessGraph.fromTenant({ ...t.tenant, edges: [...t.tenant.edges, membershipEdge(t.eng, t.lee)] });
    const d = findings(settled).dynamicGroups;
    expect([d.addedBack, d.pendingReview.map((p) => names(p.removals))]).toEqual([[], [['bob']]]);
  });
});
