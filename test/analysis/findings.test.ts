import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BINDING_SUBJECT_TYPES, subjectBindings } from '../../src/analysis/bindings.ts';
import { sudoOf } from '../../src/analysis/drift.ts';
import { WhatIfSession, type Change } from '../../src/analysis/whatif.ts';
import type { EdgeRef } from '../../src/analysis/edges.ts';
import { randomTenant } from '../helpers/random-tenant.ts';
import { AccessGraph } from '../../src/graph/index.ts';
import { findings } from '../../src/analysis/findings/index.ts';
import { describePath } from '../../src/analysis/revoke.ts';
import { acme } from './acme.ts';
import { associationEdge } from '../../src/model/index.ts';

const pair = (b: { subject: { name: string }; target: { name: string } }): string => `${b.subject.name}>${b.target.name}`;

describe('findings on the hand-built tenant', () => {
  const t = acme();
  const f = findings(AccessGraph.fromTenant(t.tenant));

  it('counts every binding and path', () => {
    // jdoe 5 bindings (6 paths), ann 4 (6), bob 1 (1), web-01 and web-02 1 each (1 each).
    expect(f.totals).toEqual({ subjects: 5, bindings: 12, paths: 15 });
  });

  it('lists sudo bindings grouped by what grants them', () => {
    expect(f.privileged.bindings).toBe(2);
    expect(
      f.privileged.grants.map((p) => [
        p.level,
        p.bindings,
        p.withoutPassword,
        p.users.map((u) => u.name),
        pair(p.example),
        p.example.paths.map(describePath),
      ]),
    ).toEqual([
      ['user-association', 1, 1, ['ann'], 'ann>web-01', ['user:ann → system:web-01']],
      ['group-own', 1, 0, ['jdoe'], 'jdoe>db-01', ['user:jdoe → user_group:Admins → system:db-01']],
    ]);
    expect(f.privileged.grants[0]?.grantedBy.map((x) => x.edge)).toEqual([{ kind: 'association', from: t.ann, to: t.web1 }]);
    expect(f.privileged.grants[1]?.grantedBy).toEqual([{ group: { type: 'user_group', id: t.admins.id, name: 'Admins' } }]);
    expect(f.userSudo).toEqual([]);
  });

  it('groups many bindings under one grant', () => {
    // Admins gets Web Servers too: jdoe's sudo now comes from Admins on db-01, Web Servers, web-01 and web-02.
    const u = acme();
    const tenant = { ...u.tenant, edges: [...u.tenant.edges, associationEdge(u.admins, u.ws)] };
    const grants = findings(AccessGraph.fromTenant(tenant)).privileged.grants;
    expect(
      grants.map((p) => [p.level, p.grantedBy.map((x) => x.group?.name ?? `${x.ends?.[0].name}~${x.ends?.[1].name}`), p.bindings]),
    ).toEqual([
      ['group-own', ['Admins'], 4],
      ['user-association', ['ann~web-01'], 1],
    ]);
  });

  it('lists inactive users that still have access, redundant and direct bindings', () => {
    // carol is staged but bound to nothing, so only bob (suspended) is listed.
    expect(f.inactiveUsers.map((u) => [u.user.name, u.reasons, u.bindings.map((b) => [b.target.name, b.label])])).toEqual([
      ['bob', ['suspended'], [['db-01', 'direct']]],
    ]);
    expect(f.redundant.map((r) => [pair(r), r.direct.length, r.indirect.length])).toEqual([['ann>web-01', 1, 2]]);
    expect(f.directlyBound.map((d) => [d.user.name, d.targets.map((x) => x.name)])).toEqual([
      ['ann', ['web-01']],
      ['bob', ['db-01']],
    ]);
  });

  it('ranks groups and associations by the bindings their removal alone would end', () => {
    const label = (e: (typeof f.blastRadius)[number]) => (e.group ? e.group.name : `${e.ends?.[0].name}~${e.ends?.[1].name}`);
    // By hand from the bindings listed in acme.ts: Engineering is on every path of 7 bindings (jdoe's web-01,
    // web-02, Web Servers, GitHub; ann's web-02, Web Servers, GitHub: her web-01 has a direct path), Web Servers
    // of 6 (jdoe's and ann's web-02 and Web Servers, and web-01's and web-02's command), Engineering~Web Servers
    // of 4. Ties go by paths through, then by key (associations by their ends' ids, before groups).
    expect(f.blastRadius.slice(0, 8).map((e) => [label(e), e.bindingsCut, e.pathsThrough])).toEqual([
      ['Engineering', 7, 10],
      ['Web Servers', 6, 8],
      ['Engineering~Web Servers', 4, 6],
      ['Web Servers~patch', 2, 2],
      ['Engineering~GitHub', 2, 2],
      ['bob~db-01', 1, 1],
      ['Admins~db-01', 1, 1],
      ['Admins', 1, 1],
    ]);
    expect(f.blastRadius.find((e) => label(e) === 'ann~web-01')).toMatchObject({ bindingsCut: 0, pathsThrough: 1 });
  });

  it('lists empty groups and unbound resources', () => {
    expect(f.emptyGroups.map((g) => g.name)).toEqual(['Contractors']);
    expect(f.unboundResources.map((r) => `${r.type}:${r.name}`)).toEqual(['application:Slack']);
  });
});

describe('findings on random tenants', () => {
  it('agree with the compiled attributes and with removing each blast-radius element', () => {
    fc.assert(
      fc.property(randomTenant(), (rt) => {
        const g = AccessGraph.fromTenant(rt.tenant);
        const f = findings(g, { top: 1_000 });
        // Privileged: exactly the user bindings to systems and system groups whose compiled sudo is enabled.
        const all = BINDING_SUBJECT_TYPES.flatMap((type) => [...g.objects(type)].flatMap((o) => subjectBindings(g, o.id)));
        const sudo = all.filter(
          (b) => b.subject.type === 'user' && ['system', 'system_group'].includes(b.target.type) && sudoOf(b.compiledAttributes)?.enabled,
        );
        expect(f.privileged.bindings).toBe(sudo.length);
        expect(f.privileged.grants.reduce((n, x) => n + x.withoutPassword, 0)).toBe(
          sudo.filter((b) => sudoOf(b.compiledAttributes)?.withoutPassword).length,
        );
        expect(f.totals.bindings).toBe(all.length);
        // Blast radius: each element's count is what removing it (as a what-if) takes away.
        const session = new WhatIfSession(g);
        for (const entry of f.blastRadius) {
          const change: Change = entry.group
            ? { op: 'remove-object', id: entry.group.id }
            : { op: 'remove-edge', edge: entry.edge as EdgeRef };
          expect(session.evaluate([change]).totals.lost).toBe(entry.bindingsCut);
        }
      }),
      { numRuns: 80 },
    );
  });
});
