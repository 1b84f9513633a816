/**
 * "Could this answer be affected?" (src/analysis/coverage.ts).
 * - Sound, by fast-check: on random tenants with random gaps (collections of the real fetch plan, and
 *   lists), every why / access / who answer that differs between the whole tenant and the tenant minus its
 *   gaps is flagged.
 * - Specific, by hand: an answer that touches a missing collection says so and names it; one that does
 *   not, does not.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { access, coverageVerdict, whoCanAccess, why, reachableTypes, WHO_TYPES, type Binding } from '../../src/analysis/index.ts';
import { CollectionPlan, LIST_COLLECTIONS, planFetch, type EdgeCollection, type ListCollection } from '../../src/fetchers/index.ts';
import { AccessGraph } from '../../src/graph/index.ts';
import { canonicalJson, type Coverage, type CoverageGap, type GraphType, type TenantData } from '../../src/model/index.ts';
import { minusCoverage } from '../fetchers/coverage-model.ts';
import { randomTenant } from '../helpers/random-tenant.ts';
import { TenantBuilder } from './tenant-builder.ts';

function edgeGap(c: EdgeCollection): CoverageGap {
  return {
    collection: c.key,
    endpoint: `GET /api/v2${c.request.path}`,
    state: 'unread',
    cause: 'http',
    status: 500,
    attempts: 3,
    message: 'failed',
    provides: { kind: 'edges', source: c.source, edgeKinds: c.edgeKinds },
  };
}

function listGap(c: ListCollection): CoverageGap {
  return {
    collection: c.key,
    endpoint: `GET /api${c.list.path}`,
    state: 'unread',
    cause: 'http',
    status: 403,
    attempts: 1,
    message: 'forbidden',
    provides: { kind: 'objects', types: c.provides },
  };
}

function coverageOf(gaps: CoverageGap[]): Coverage {
  return { complete: gaps.length === 0, planned: 100, gaps };
}

/** A binding as comparable text: targets, every path as ids, compiled attributes. */
function bindingText(b: Binding | undefined): string {
  if (!b) return 'none';
  return canonicalJson({ paths: b.paths.map((p) => p.objects.map((o) => o.id).join('>')).sort(), compiled: b.compiledAttributes ?? null });
}

function bindingsText(bindings: readonly Binding[], end: 'target' | 'subject'): string {
  return canonicalJson(bindings.map((b) => ({ id: b[end].id, b: bindingText(b) })).sort((x, y) => (x.id < y.id ? -1 : 1)));
}

/** A random tenant, and a random set of gaps of the collections its fetch would read. */
const withGaps = randomTenant(24).chain(({ tenant }) => {
  const counts: Record<string, number> = {};
  for (const o of tenant.objects) counts[o.type] = (counts[o.type] ?? 0) + 1;
  const plan = new CollectionPlan(planFetch(counts).edgeSteps);
  const ids = (t: GraphType): string[] => tenant.objects.filter((o) => o.type === t).map((o) => o.id);
  const collections = [...plan.edgeCollections(ids)];
  const lists = LIST_COLLECTIONS.filter((l) => l.provides.some((t) => counts[t]));
  return fc.record({
    tenant: fc.constant(tenant),
    edges: fc.subarray(collections, { maxLength: Math.min(4, collections.length) }),
    lists: fc.subarray(lists, { maxLength: Math.min(1, lists.length) }),
  });
});

describe('could this answer be affected by what was not read', () => {
  it('flags every why, access and who answer that the gaps change (fast-check)', () => {
    let changed = 0;
    let spared = 0;
    fc.assert(
      fc.property(withGaps, ({ tenant, edges, lists }) => {
        const lost = new Set(lists.flatMap((l) => l.provides as readonly string[]));
        const gaps = [...lists.map(listGap), ...edges.filter((c) => !lost.has(c.source.type)).map(edgeGap)];
        const coverage = coverageOf(gaps);
        const partialTenant: TenantData = minusCoverage(tenant, coverage);
        const whole = AccessGraph.fromTenant(tenant);
        const partial = AccessGraph.fromTenant(partialTenant);
        const subjects = partialTenant.objects.filter((o) => ['user', 'user_group', 'system', 'system_group'].includes(o.type));
        for (const s of subjects) {
          const wholeAccess = access(whole, s.id);
          const partialAccess = access(partial, s.id);
          const verdict = coverageVerdict(partial, coverage, { subject: s.id });
          if (bindingsText(wholeAccess, 'target') !== bindingsText(partialAccess, 'target')) {
            changed += 1;
            expect(verdict.affected, `access(${s.id})`).toBe(true);
          } else if (!verdict.affected) spared += 1;
          // why(s, r) is the binding of s to r, with the same paths and compiledAttributes.
          for (const r of partialTenant.objects.filter((o) => reachableTypes(s.type).includes(o.type))) {
            const before = bindingText(wholeAccess.find((x) => x.target.id === r.id));
            const after = bindingText(partialAccess.find((x) => x.target.id === r.id));
            expect(why(partial, s.id, r.id).paths.length).toBe(partialAccess.find((x) => x.target.id === r.id)?.paths.length ?? 0);
            const v = coverageVerdict(partial, coverage, { subject: s.id, resource: r.id });
            if (after !== before) expect(v.affected, `why(${s.id}, ${r.id})`).toBe(true);
            else if (!v.affected) spared += 1;
          }
        }
        for (const r of partialTenant.objects.filter((o) => reachableTypes(o.type).some((t) => WHO_TYPES.includes(t)))) {
          const before = bindingsText(whoCanAccess(whole, r.id), 'subject');
          const after = bindingsText(whoCanAccess(partial, r.id), 'subject');
          if (before !== after) expect(coverageVerdict(partial, coverage, { resource: r.id }).affected, `who(${r.id})`).toBe(true);
        }
      }),
      { numRuns: 250 },
    );
    // Not vacuous: the gaps did change answers, and answers they could not change were spared.
    expect(changed).toBeGreaterThan(20);
    expect(spared).toBeGreaterThan(100);
  }, 240_000);

  // ann ∈ Eng → web (system); bob ∈ Ops → db (system); Ops's associations were not read.
  const b = new TenantBuilder();
  const ann = b.user('ann');
  const bob = b.user('bob');
  const eng = b.userGroup('Eng');
  const ops = b.userGroup('Ops');
  const web = b.system('web');
  const db = b.system('db');
  const slack = b.add('application', 'Slack');
  b.member(eng, ann).member(ops, bob).associate(eng, web).associate(ops, db).associate(eng, slack);
  const g = AccessGraph.fromTenant(b.build());
  const opsAssociations: CoverageGap = {
    collection: `associations:user_group:${ops.id}`,
    endpoint: `GET /api/v2/usergroups/${ops.id}/associations?targets=system`,
    state: 'unread',
    cause: 'http',
    status: 500,
    attempts: 8,
    message: 'failed',
    provides: { kind: 'edges', source: ops, edgeKinds: ['user_group|system'] },
  };
  const coverage = coverageOf([opsAssociations]);

  it('says so when the answer touches a missing collection, and names it', () => {
    const v = coverageVerdict(g, coverage, { subject: bob.id, resource: web.id });
    expect(v).toMatchObject({ complete: false, gaps: 1, affected: true });
    expect(v.reasons).toEqual([`the system associations of user_group:Ops were not read: ${opsAssociations.endpoint} (HTTP 500)`]);
    expect(coverageVerdict(g, coverage, { subject: bob.id }).affected).toBe(true);
    // Anyone who reaches a system could be reached through Ops: who(web) is affected.
    expect(coverageVerdict(g, coverage, { resource: web.id }).affected).toBe(true);
  });

  it('does not when the answer cannot touch it', () => {
    // ann is not in Ops (her memberships were read), so Ops's associations are not on her paths.
    expect(coverageVerdict(g, coverage, { subject: ann.id, resource: web.id })).toMatchObject({ affected: false, reasons: [] });
    expect(coverageVerdict(g, coverage, { subject: ann.id }).affected).toBe(false);
    // Who can reach Slack: Ops's missing associations are of systems only.
    expect(coverageVerdict(g, coverage, { resource: slack.id }).affected).toBe(false);
    // bob's applications: the same.
    expect(coverageVerdict(g, coverage, { subject: bob.id, targetTypes: ['application'] }).affected).toBe(false);
    // A complete snapshot (or one without coverage) affects nothing.
    expect(coverageVerdict(g, undefined, { subject: bob.id })).toEqual({ complete: true, gaps: 0, affected: false, reasons: [] });
  });

  it('flags an unknown membership that could open a path, and a group type not read at all', () => {
    // Eng's members were not read: bob might be in Eng, which reaches web.
    const engMembers: CoverageGap = {
      ...opsAssociations,
      collection: `members:user_group:${eng.id}`,
      endpoint: `GET /api/v2/usergroups/${eng.id}/members`,
      provides: { kind: 'edges', source: eng, edgeKinds: ['membership:user_group|user'] },
    };
    const v = coverageVerdict(g, coverageOf([engMembers]), { subject: bob.id, resource: web.id });
    expect(v.reasons).toEqual([`the members of user_group:Eng were not read: ${engMembers.endpoint} (HTTP 500)`]);
    // ...but not bob's access to db, which Eng does not reach.
    expect(coverageVerdict(g, coverageOf([engMembers]), { subject: bob.id, resource: db.id }).affected).toBe(false);
    const noGroups: CoverageGap = {
      collection: 'list:v2:/usergroups',
      endpoint: 'GET /api/v2/usergroups?sort=_id',
      state: 'unread',
      cause: 'http',
      status: 403,
      attempts: 1,
      message: 'forbidden',
      provides: { kind: 'objects', types: ['user_group'] },
    };
    expect(coverageVerdict(g, coverageOf([noGroups]), { subject: ann.id, resource: slack.id }).reasons).toEqual([
      'no user_group was read: GET /api/v2/usergroups?sort=_id (HTTP 403)',
    ]);
    // The whole organization: every gap counts.
    expect(coverageVerdict(g, coverageOf([noGroups])).affected).toBe(true);
  });
});
