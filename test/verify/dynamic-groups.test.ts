/** verify's dynamic-group check: every dynamic group's rule against the members the API lists. */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/cli/commands/verify.ts';
import { AccessGraph } from '../../src/graph/index.ts';
import { findEndpoint, membershipEdge } from '../../src/model/index.ts';
import { verifyDynamicGroups, verifyTenant } from '../../src/verify/index.ts';
import { dynamicTenant } from '../analysis/dynamic-tenant.ts';
import { withSimulator } from '../helpers/sim.ts';

const t = dynamicTenant();
const names = (refs: readonly { name: string }[]) => refs.map((r) => r.name);

describe('verify: dynamic groups', () => {
  it('reports a rule that gives a member the API does not list, and the groups it cannot evaluate', () => {
    const report = verifyDynamicGroups(AccessGraph.fromTenant(t.tenant));
    expect([report.groups, report.compared, report.agreeing]).toEqual([6, 4, 3]);
    expect(report.differences.map((d) => [d.group.name, d.rule, names(d.missing), names(d.extra)])).toEqual([
      ['Engineering', 'department eq "Engineering"', ['lee'], []], // bob, added by hand to a review-required group, is no difference
    ]);
    expect(report.cannotEvaluate.map((u) => u.reason)).toEqual([
      expect.stringMatching(/^membership of user_group:Legacy is computed by a rule jcgraph cannot evaluate \(its queryType "Search"/),
      'membership of user_group:Flagged is computed by a rule jcgraph cannot evaluate (the tenant flags its rule in error (CYCLE))',
    ]);
  });

  it('an automated group listing a member its rule does not give is a difference', () => {
    const g = AccessGraph.fromTenant({ ...t.tenant, edges: [...t.tenant.edges, membershipEdge(t.macs, t.web)] });
    const macs = verifyDynamicGroups(g).differences.find((d) => d.group.name === 'Mac Devices')!;
    expect([names(macs.missing), names(macs.extra)]).toEqual([[], ['web-1']]);
  });

  it('compares nothing when the fetch could not read everything, and says why', () => {
    const gap = { complete: false, gaps: [{}] } as never;
    const report = verifyDynamicGroups(AccessGraph.fromTenant(t.tenant), gap);
    expect([report.compared, report.differences, report.skipped]).toEqual([0, [], expect.stringContaining('did not read everything')]);
  });

  it('verifyTenant checks the rules of its fresh fetch, and the report says so', async () => {
    await withSimulator({ tenants: [t.tenant] }, async (sim) => {
      const endpoints = [findEndpoint('user', 'traverse', ['system'])!];
      const report = await verifyTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, sample: 2, endpoints });
      // The same check on what the simulator serves (in the fetch's order of groups).
      const byGroup = <T extends { group: { id: string } }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.group.id < b.group.id ? -1 : 1));
      const served = verifyDynamicGroups(AccessGraph.fromTenant(sim.tenant()));
      expect({
        ...report.dynamicGroups,
        differences: byGroup(report.dynamicGroups.differences),
        cannotEvaluate: byGroup(report.dynamicGroups.cannotEvaluate),
      }).toEqual({ ...served, differences: byGroup(served.differences), cannotEvaluate: byGroup(served.cannotEvaluate) });
      expect(report.dynamicGroups.cannotEvaluate).toHaveLength(2);
      const text = formatReport(report, 'the test');
      expect(text).toContain('Dynamic groups: ');
      for (const d of report.dynamicGroups.differences)
        expect(text).toContain(`  user_group:${d.group.name} (${d.method}, ${d.rule}): the rule and the membership disagree`);
      expect(text).toContain('membership of user_group:Flagged is computed by a rule jcgraph cannot evaluate');
    });
  });
});
