/**
 * The random tenant of the property tests follows the model: it holds only edges the model allows, and
 * over a run it holds every association kind and membership among the types it generates, so a kind
 * added to the model is exercised by the property tests without editing them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASSOCIATION_KINDS, MEMBERSHIPS, associationKindKey, canAssociate, type TenantData } from '../../src/model/index.ts';
import { allowedPairs, randomTenant, tenantArb } from './random-tenant.ts';

function edgeKinds(tenant: TenantData): string[] {
  const typeOf = new Map(tenant.objects.map((o) => [o.id, o.type]));
  return tenant.edges.map((e) => {
    expect(typeOf.get(e.from.id)).toBe(e.from.type);
    expect(typeOf.get(e.to.id)).toBe(e.to.type);
    if (e.kind === 'membership') {
      expect(
        MEMBERSHIPS.some((m) => m.group === e.from.type && m.member === e.to.type),
        `${e.from.type} ⊇ ${e.to.type}`,
      ).toBe(true);
      return `${e.from.type}>${e.to.type}`;
    }
    expect(canAssociate(e.from.type, e.to.type), `${e.from.type} ~ ${e.to.type}`).toBe(true);
    return associationKindKey(e.from.type, e.to.type);
  });
}

function everyKindAmong(types: ReadonlySet<string>): string[] {
  return [
    ...MEMBERSHIPS.filter((m) => types.has(m.group) && types.has(m.member)).map((m) => `${m.group}>${m.member}`),
    ...ASSOCIATION_KINDS.filter((k) => types.has(k.a) && types.has(k.b)).map((k) => k.key),
  ].sort();
}

describe('the model-driven random tenant', () => {
  it('allowedPairs gives every pair the model allows, each once', () => {
    const one = (type: string) => [
      { type, id: `${type}-1` },
      { type, id: `${type}-2` },
    ];
    const objects = new Map(['user', 'user_group', 'system', 'system_group', 'policy', 'policy_group'].map((t) => [t, one(t)]));
    const { memberships, associations } = allowedPairs(objects);
    expect(memberships).toHaveLength(3 * 2 * 2);
    const kinds = new Set(associations.map(([x, y]) => associationKindKey(x.type, y.type)));
    expect([...kinds].sort()).toEqual(
      ASSOCIATION_KINDS.filter((k) => objects.has(k.a) && objects.has(k.b))
        .map((k) => k.key)
        .sort(),
    );
    expect(new Set(associations.map(([x, y]) => `${x.id}~${y.id}`)).size).toBe(associations.length);
  });

  it('tenantArb holds only allowed edges, and every kind among its types over a run', () => {
    const seen = new Set<string>();
    const types = new Set<string>();
    fc.assert(
      fc.property(tenantArb(), (tenant) => {
        for (const o of tenant.objects) types.add(o.type);
        for (const k of edgeKinds(tenant)) seen.add(k);
      }),
      { numRuns: 150, seed: 7 },
    );
    expect([...seen].sort()).toEqual(everyKindAmong(types));
  });

  it('randomTenant holds only allowed edges, and every kind among its types over a run', () => {
    const seen = new Set<string>();
    const types = new Set<string>();
    fc.assert(
      fc.property(randomTenant(), ({ tenant }) => {
        for (const o of tenant.objects) types.add(o.type);
        for (const k of edgeKinds(tenant)) seen.add(k);
      }),
      { numRuns: 150, seed: 7 },
    );
    expect([...seen].sort()).toEqual(everyKindAmong(types));
  });
});
