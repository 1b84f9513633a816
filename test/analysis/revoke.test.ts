import { describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/graph/index.ts';
import { describePath, planOffboard, planRevoke } from '../../src/analysis/revoke.ts';
import { formatOperation } from '../../src/analysis/operations.ts';
import { hopEdge } from '../../src/analysis/edges.ts';
import { PlanError } from '../../src/errors.ts';
import { acme } from './acme.ts';

const names = (bindings: readonly { subject: { name: string }; target: { name: string } }[]): string[] =>
  bindings.map((b) => `${b.subject.name}>${b.target.name}`).sort();

describe('revoke plans on the hand-built tenant', () => {
  // jdoe reaches web-01 by jdoe>Engineering~web-01 and jdoe>Engineering~Web Servers>web-01.
  // Minimal cuts, worked out by hand, with the other access each one takes away:
  //   {Engineering>jdoe}                          jdoe loses web-02, Web Servers, GitHub        (3)
  //   {Engineering~web-01, Engineering~Web Servers} jdoe and ann lose web-02 and Web Servers  (4)
  //   {Engineering~web-01, Web Servers>web-01}    web-01 loses the command patch                (1)
  //                                               (ann keeps web-01 through her direct association)

  it('fewest-changes removes jdoe from Engineering: one step, three bindings of collateral', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const plan = planRevoke(g, t.jdoe.id, t.web1.id, { strategy: 'fewest-changes' });
    expect(plan.steps.map((s) => formatOperation(s.operation))).toEqual([
      `POST /api/v2/usergroups/${t.eng.id}/members {"op":"remove","type":"user","id":"${t.jdoe.id}"}`,
    ]);
    expect(plan.steps[0]?.cutsPaths).toEqual([0, 1]);
    expect(names(plan.collateral.lost)).toEqual(['jdoe>GitHub', 'jdoe>Web Servers', 'jdoe>web-02']);
    expect(plan.collateral.surviving).toEqual([]);
    expect(plan.verified).toBe(true);
    expect(planRevoke(g, t.jdoe.id, t.web1.id, { strategy: 'subject-only' }).steps.map((s) => s.edgeKey)).toEqual(
      plan.steps.map((s) => s.edgeKey),
    );
  });

  it("least-collateral takes web-01 out of Web Servers and Engineering's association instead", () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const plan = planRevoke(g, t.jdoe.id, t.web1.id, { strategy: 'least-collateral' });
    expect(plan.steps.map((s) => formatOperation(s.operation))).toEqual([
      `POST /api/v2/usergroups/${t.eng.id}/associations {"op":"remove","type":"system","id":"${t.web1.id}"}`,
      `POST /api/v2/systemgroups/${t.ws.id}/members {"op":"remove","type":"system","id":"${t.web1.id}"}`,
    ]);
    expect(names(plan.collateral.lost)).toEqual(['web-01>patch']);
    // ann used both removed edges and keeps web-01 through her direct association.
    expect(plan.collateral.surviving.map((s) => [s.subject.name, s.target.name, s.paths.map(describePath), s.lostPaths.length])).toEqual([
      ['ann', 'web-01', ['user:ann → system:web-01'], 2],
    ]);
    const [association, membership] = plan.steps;
    expect(names(association?.collateral.lost ?? [])).toEqual([]);
    expect(names(membership?.collateral.lost ?? [])).toEqual(['web-01>patch']);
    expect(association?.collateral.surviving.map((s) => s.subject.name)).toEqual(['ann']);
    expect(plan.search.exhaustive).toBe(true);
  });

  it('respects protected edges, and says which path cannot be cut', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const plan = planRevoke(g, t.jdoe.id, t.web1.id, {
      strategy: 'least-collateral',
      protectedEdges: [hopEdge(t.jdoe, t.eng), hopEdge(t.web1, t.ws)],
    });
    expect(plan.steps.map((s) => s.edge)).toEqual([hopEdge(t.eng, t.web1), hopEdge(t.eng, t.ws)]);
    expect(names(plan.collateral.lost)).toEqual(['ann>Web Servers', 'ann>web-02', 'jdoe>Web Servers', 'jdoe>web-02']);
    expect(() => planRevoke(g, t.jdoe.id, t.web1.id, { protectedEdges: [hopEdge(t.jdoe, t.eng), hopEdge(t.eng, t.web1)] })).toThrow(
      new PlanError(
        "No plan can revoke user:jdoe's access to system:web-01 without removing a protected edge: the path user:jdoe → user_group:Engineering → system:web-01 is made only of protected edges.",
      ),
    );
    expect(() => planRevoke(g, t.jdoe.id, t.web1.id, { strategy: 'subject-only', protectedEdges: [hopEdge(t.jdoe, t.eng)] })).toThrow(
      /No subject-only plan.*protected/,
    );
  });

  it('cuts a direct and an indirect path of a user with both', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const plan = planRevoke(g, t.ann.id, t.web1.id, { strategy: 'subject-only' });
    expect(plan.steps.map((s) => formatOperation(s.operation))).toEqual([
      `POST /api/v2/users/${t.ann.id}/associations {"op":"remove","type":"system","id":"${t.web1.id}"}`,
      `POST /api/v2/usergroups/${t.eng.id}/members {"op":"remove","type":"user","id":"${t.ann.id}"}`,
    ]);
    expect(names(plan.collateral.lost)).toEqual(['ann>GitHub', 'ann>Web Servers', 'ann>web-02']);
  });

  it('has nothing to do when there is no access', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    expect(planRevoke(g, t.carol.id, t.web1.id)).toMatchObject({ reached: false, steps: [], verified: true });
  });
});

describe('offboarding', () => {
  it('removes every membership and association of the user and checks nothing remains', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const plan = planOffboard(g, t.jdoe.id);
    expect(plan.bindings.map((b) => b.target.name).sort()).toEqual(['GitHub', 'Web Servers', 'db-01', 'web-01', 'web-02']);
    expect(plan.steps.map((s) => [formatOperation(s.operation), s.ends.length])).toEqual([
      [`POST /api/v2/usergroups/${t.eng.id}/members {"op":"remove","type":"user","id":"${t.jdoe.id}"}`, 4],
      [`POST /api/v2/usergroups/${t.admins.id}/members {"op":"remove","type":"user","id":"${t.jdoe.id}"}`, 1],
    ]);
    expect(plan.remaining).toEqual([]);
    expect(plan.collateral).toEqual({ lost: [], surviving: [] });
  });
});
