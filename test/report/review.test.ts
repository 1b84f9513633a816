import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/graph/index.ts';
import { access } from '../../src/analysis/access.ts';
import { findings } from '../../src/analysis/findings/index.ts';
import { generateTenant } from '../../src/simulator/index.ts';
import { bindingRows, buildReview, type BindingRow } from '../../src/report/index.ts';
import { randomTenant } from '../helpers/random-tenant.ts';
import { hostileTenant } from './fixture.ts';
import { referenceRows, referenceTallies } from './reference-review.ts';

/** A binding row as comparable data: ends, label, sudo and paths as id sequences. */
function rowKey(r: BindingRow): string {
  return JSON.stringify([r.user.id, r.resource.id, r.label, r.sudo, r.paths.map((p) => p.objects.map((o) => o.id)).sort()]);
}

describe('buildReview on a hand-built tenant', () => {
  const g = AccessGraph.fromTenant(hostileTenant());
  const review = buildReview(g, { source: 'fixture', generatedAt: new Date('2024-05-01T00:00:00Z') });

  it('lists alice on web-01 with sudo, both directly and through Admins and Servers', () => {
    const row = review.sample.find((r) => r.user.name === 'alice' && r.resource.name === 'web-01')!;
    expect(row.label).toBe('direct/indirect');
    expect(row.sudo).toBe('sudo');
    expect(row.via.map((v) => v.name)).toEqual(['Admins', 'Servers']);
    expect(row.paths.map((p) => p.objects.map((o) => o.name))).toEqual([
      ['alice', 'web-01'],
      ['alice', 'Admins', 'Servers', 'web-01'],
    ]);
  });

  it('counts every user binding once, in user, resource and total figures', () => {
    const perUser = [...g.objects('user')].map((u) => access(g, u.id).filter((b) => b.target.type !== 'user').length);
    const total = perUser.reduce((a, b) => a + b, 0);
    expect(review.counts.bindings).toBe(total);
    expect(review.users.reduce((n, u) => n + u.bindings, 0)).toBe(total);
    expect(review.resources.reduce((n, r) => n + r.users, 0)).toBe(total);
    expect(review.sample).toHaveLength(total);
    expect(review.sampled).toBe(false);
    expect(review.meta).toEqual({ orgId: 'org-hostile', generatedAt: '2024-05-01T00:00:00.000Z', source: 'fixture' });
  });

  it('flags the suspended user, the empty group and the unbound system, and summarises groups', () => {
    const bob = review.users.find((u) => u.user.name === 'bob')!;
    expect(bob.inactive).toEqual(['suspended']);
    expect(bob.user.state).toBe('SUSPENDED');
    const kinds = Object.fromEntries(review.findings.map((s) => [s.kind, s.items]));
    expect(kinds['inactive-access']!.map((i) => i.subject?.name)).toEqual(['bob']);
    expect(kinds['empty-groups']!.map((i) => i.subject?.name)).toEqual(['Empty']);
    expect(kinds['unbound-resources']!.map((i) => i.subject?.name)).toContain('unbound-01');
    expect(review.findings.map((s) => s.kind)).toEqual([
      'sudo',
      'global-sudo',
      'inactive-access',
      'redundant-paths',
      'blast-radius',
      'direct-user-bindings',
      'empty-groups',
      'unbound-resources',
    ]);
    const admins = review.groups.find((r) => r.group.name === 'Admins')!;
    // alice and evil each reach Servers, web-01 and the formula-named system through Admins ~ Servers
    expect(admins).toMatchObject({ members: 2, sudo: 'sudo', bindingsThrough: 6 });
    expect(admins.associations.map((a) => a.name)).toEqual(['Servers']);
    // without Admins, alice keeps web-01 (direct association) and evil keeps the formula system (through the other group)
    expect(admins.bindingsOnlyThrough).toBe(4);
    expect(review.groups.find((r) => r.group.name === 'Empty')).toMatchObject({ members: 0, bindingsThrough: 0 });
  });

  it('keeps at most maxBindings rows, sudo bindings first', () => {
    const small = buildReview(g, { maxBindings: 2 });
    expect(small.sample).toHaveLength(2);
    expect(small.sampled).toBe(true);
    expect(small.sample.every((r) => r.sudo !== '')).toBe(true);
  });

  it('reuses findings given to it', () => {
    const f = findings(g);
    expect(buildReview(g, { findings: f }).rawFindings).toBe(f);
  });
});

describe('bindingRows', () => {
  it('lists the same bindings from the user side and from the resource side (random tenants)', () => {
    fc.assert(
      fc.property(randomTenant(), ({ tenant }) => {
        const g = AccessGraph.fromTenant(tenant);
        const byUser = [...bindingRows(g, 'user')].map(rowKey).sort();
        const byResource = [...bindingRows(g, 'resource')].map(rowKey).sort();
        expect(byResource).toEqual(byUser);
        expect(buildReview(g).counts.bindings).toBe(byUser.length);
      }),
      { numRuns: 60 },
    );
  });

  it('agrees from both sides on a generated tenant, users in id order', () => {
    const g = AccessGraph.fromTenant(generateTenant({ preset: 'tiny', seed: 7 }));
    const byUser = [...bindingRows(g, 'user')];
    expect(byUser.map(rowKey).sort()).toEqual([...bindingRows(g, 'resource')].map(rowKey).sort());
    const ids = byUser.map((r) => r.user.id);
    expect(ids).toEqual([...ids].sort());
    expect(byUser.length).toBeGreaterThan(50);
  });
});

/** Checks the review's tallies, sample and rows against the ones computed from the library's answers. */
function expectReviewAsReference(g: AccessGraph, max: number): void {
  const review = buildReview(g, { maxBindings: max });
  const inactive = new Set(review.rawFindings.inactiveUsers.map((u) => u.user.id));
  const ref = referenceTallies(g, inactive, max);
  expect(review.counts).toMatchObject({
    bindings: ref.bindings,
    paths: ref.paths,
    sudoBindings: ref.sudoBindings,
    usersWithAccess: ref.usersWithAccess,
  });
  for (const u of review.users) {
    expect([u.bindings, u.systems, u.sudoSystems, u.applications, u.directories, u.direct]).toEqual(
      ref.users.get(u.user.id) ?? [0, 0, 0, 0, 0, 0],
    );
  }
  for (const r of review.resources)
    expect([r.users, r.sudoUsers, r.directUsers, r.userGroups]).toEqual(ref.resources.get(r.resource.id) ?? [0, 0, 0, 0]);
  for (const gr of review.groups) expect([gr.bindingsThrough, gr.bindingsOnlyThrough]).toEqual(ref.groups.get(gr.group.id) ?? [0, 0]);
  expect(review.sample.map((r) => `${r.user.id}>${r.resource.id}`)).toEqual(ref.sample);
  expect(review.sampled).toBe(review.sample.length < ref.bindings);
  const library = new Map(referenceRows(g, 'user').map((r) => [`${r.user.id}>${r.resource.id}`, r]));
  for (const row of review.sample) expect(row).toEqual(library.get(`${row.user.id}>${row.resource.id}`));
}

describe("the integer-level review agrees with the library's answers", () => {
  it('tallies, sample and rows on random tenants, for any sample size', () => {
    fc.assert(
      fc.property(randomTenant(), fc.integer({ min: 0, max: 8 }), ({ tenant }, max) =>
        expectReviewAsReference(AccessGraph.fromTenant(tenant), max),
      ),
      { numRuns: 80 },
    );
  });

  it('tallies, sample and rows on generated tenants (suspended, staged and locked users, sudo from every level)', () => {
    for (const seed of [1, 2, 3]) {
      const g = AccessGraph.fromTenant(generateTenant({ preset: 'tiny', seed }));
      for (const max of [0, 7, 60, 10_000]) expectReviewAsReference(g, max);
    }
  });

  it("bindingRows equal the rows built from the library's answers, by user and by resource", () => {
    const graphs = [AccessGraph.fromTenant(hostileTenant()), AccessGraph.fromTenant(generateTenant({ preset: 'tiny', seed: 5 }))];
    fc.assert(
      fc.property(randomTenant(), ({ tenant }) => {
        const g = AccessGraph.fromTenant(tenant);
        for (const by of ['user', 'resource'] as const) expect([...bindingRows(g, by)]).toEqual(referenceRows(g, by));
      }),
      { numRuns: 60 },
    );
    for (const g of graphs) for (const by of ['user', 'resource'] as const) expect([...bindingRows(g, by)]).toEqual(referenceRows(g, by));
  });
});
