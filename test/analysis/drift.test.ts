import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { drift, type DriftReport } from '../../src/analysis/drift.ts';
import { driftFull } from '../helpers/full-recompute.ts';
import { describePath } from '../../src/analysis/revoke.ts';
import { associationEdge, edgeKey, membershipEdge, type TenantData } from '../../src/model/index.ts';
import { acme } from './acme.ts';
import { tenantWithChanges } from '../helpers/random-tenant.ts';
import { AccessGraph } from '../../src/graph/index.ts';
import { WhatIfSession } from '../../src/analysis/whatif.ts';

const pair = (b: { subject: { name: string }; target: { name: string } }): string => `${b.subject.name}>${b.target.name}`;

describe('drift between two snapshots', () => {
  it('finds sudo gained first, then bindings, paths and attributes changed', () => {
    const t = acme();
    const before = t.tenant;
    const gone = new Set([edgeKey(associationEdge(t.ann, t.web1))]);
    const after: TenantData = {
      ...before,
      objects: [
        ...before.objects
          .filter((o) => o.id !== t.slack.id)
          .map((o) => (o.id === t.jdoe.id ? { ...o, record: { ...o.record, account_locked: true } } : o)),
        { type: 'user', id: 'user-dave', record: { _id: 'user-dave', username: 'dave', sudo: true } },
      ],
      edges: [...before.edges.filter((e) => !gone.has(edgeKey(e))), membershipEdge(t.admins, t.bob), membershipEdge(t.eng, t.carol)],
    };
    const report = drift(before, after);
    // By hand: bob joins Admins, so his direct db-01 access gains the group's sudo (and a path).
    expect(report.headline.sudoGained.map((s) => [pair(s), s.before, s.after, s.gained])).toEqual([
      ['bob>db-01', null, { enabled: true, withoutPassword: false }, 'sudo'],
    ]);
    expect(report.headline.userSudoGained).toEqual([{ user: { type: 'user', id: 'user-dave', name: 'dave' }, fields: ['sudo'] }]);
    // carol joins Engineering: four new bindings; nobody loses a binding.
    expect(report.bindings.gained.map(pair).sort()).toEqual(['carol>GitHub', 'carol>Web Servers', 'carol>web-01', 'carol>web-02']);
    expect(report.bindings.lost).toEqual([]);
    // ann loses her direct path to web-01 (and with it the sudo it carried) but keeps web-01 through Engineering.
    expect(report.bindings.pathsChanged.map((c) => [pair(c), c.added.map(describePath), c.removed.map(describePath)])).toEqual([
      ['ann>web-01', [], ['user:ann → system:web-01']],
      ['bob>db-01', ['user:bob → user_group:Admins → system:db-01'], []],
    ]);
    expect(report.bindings.attributesChanged.map((c) => [pair(c), c.keys])).toEqual([
      ['ann>web-01', ['sudo']],
      ['bob>db-01', ['sudo']],
    ]);
    expect(report.structure.objectsRemoved.map((o) => o.name)).toEqual(['Slack']);
    expect(report.structure.objectsChanged.map((o) => [o.name, o.fields])).toEqual([['jdoe', ['account_locked']]]);
    expect(report.structure.edgesAdded).toHaveLength(2);
    expect(report.structure.edgesRemoved).toHaveLength(1);
  });

  it('equals a comparison of every binding of both snapshots, on random changes', () => {
    const shape = (r: DriftReport) => ({
      sudo: r.headline.sudoGained.map((s) => [pair(s), s.gained]),
      gained: r.bindings.gained.map(pair),
      lost: r.bindings.lost.map(pair),
      paths: r.bindings.pathsChanged.map((c) => [pair(c), c.added.length, c.removed.length]),
      attributes: r.bindings.attributesChanged.map((c) => [pair(c), c.keys]),
    });
    const sudo = { sudo: { enabled: true, withoutPassword: true } };
    fc.assert(
      fc.property(tenantWithChanges(), fc.nat(), fc.nat(), ({ tenant, changes }, edgePick, groupPick) => {
        const changed = new WhatIfSession(AccessGraph.fromTenant(tenant)).withChanges(changes, (g) => g.toTenant());
        // Also change one edge's attributes and one user group's record (sudo on, or off when it was on).
        const edges = changed.edges.map((e, i) =>
          i === edgePick % Math.max(1, changed.edges.length) && e.kind === 'association'
            ? { ...e, attributes: e.attributes ? null : sudo }
            : e,
        );
        const groups = changed.objects.filter((o) => o.type === 'user_group');
        const flip = groups[groupPick % Math.max(1, groups.length)];
        const objects = changed.objects.map((o) =>
          o === flip
            ? { ...o, record: { ...o.record, attributes: (o.record['attributes'] as { sudo?: unknown } | null)?.sudo ? {} : sudo } }
            : o,
        );
        const after = { ...changed, objects, edges };
        expect(shape(drift(tenant, after))).toEqual(shape(driftFull(tenant, after)));
      }),
      { numRuns: 150 },
    );
  });
});
