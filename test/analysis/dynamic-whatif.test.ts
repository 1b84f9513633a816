/**
 * The mover question: what-if with attributes set (a mover), a rule set, and an object added (a joiner),
 * each evaluated by every dynamic group's rule. On the hand-built tenant (dynamic-tenant.ts), then as a
 * property on random tenants against brute force: the record changed, every rule run over the whole
 * tenant, every binding recomputed on a fresh graph.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/graph/index.ts';
import { bindingKey } from '../../src/analysis/bindings.ts';
import { resolveChanges, whatIf, type Change, type WhatIfResult } from '../../src/analysis/index.ts';
import { whatIfDocument } from '../../src/documents/index.ts';
import { InputError } from '../../src/errors.ts';
import type { JsonObject, TenantData } from '../../src/model/index.ts';
import { allBindings, settleRules as settle } from '../helpers/full-recompute.ts';
import { dynamicTenantArb } from '../helpers/random-tenant.ts';
import { dynamicTenant } from './dynamic-tenant.ts';

const t = dynamicTenant();
const g = AccessGraph.fromTenant(t.tenant);
const lines = (r: WhatIfResult) =>
  r.subjects
    .flatMap((d) => [
      ...d.lost.map((b) => `- ${b.subject.name}>${b.target.name}`),
      ...d.gained.map((b) => `+ ${b.subject.name}>${b.target.name}`),
    ])
    .sort();

describe('what-if through the rules of dynamic groups', () => {
  it('a mover: a user suspended leaves the groups whose rule stops matching and joins those that start', () => {
    const doc = whatIfDocument(g, [{ op: 'set', object: 'user:lee', attributes: { userState: 'suspended' } }]);
    expect(doc.changes[0]).toEqual({ op: 'set', id: t.lee.id, fields: { state: 'SUSPENDED', suspended: true } });
    expect(doc.rules.memberships.map((m) => `${m.op} ${m.group.name}>${m.member.name}`)).toEqual([
      'add Engineering>lee', // re-evaluated for lee, Engineering's rule adds him (it always matched)
      'remove All Staff>lee',
      'add Leavers>lee',
    ]);
    expect(lines(whatIf(g, doc.changes))).toEqual(['+ lee>Exit Survey', '+ lee>GitHub', '+ lee>web-1', '- lee>Slack']);
    // Every group whose rule jcgraph cannot evaluate could have taken lee in or let him go: said.
    expect(doc.rules.notes).toEqual([
      expect.stringMatching(/^membership of user_group:Legacy is computed by a rule jcgraph cannot evaluate/),
      expect.stringMatching(/^membership of user_group:Flagged is computed by a rule jcgraph cannot evaluate/),
    ]);
  });

  it('a review-required rule never takes a member away; an automated one does; exemptions are honoured', () => {
    const toSales = whatIfDocument(g, [{ op: 'set', object: 'user:jana', attributes: { department: 'Sales' } }]);
    expect(toSales.rules.memberships).toEqual([]); // Engineering keeps jana: review required
    const macToWindows = whatIfDocument(g, [{ op: 'set', object: 'system:mac-1', attributes: { os: 'Windows' } }]);
    expect(macToWindows.rules.memberships.map((m) => `${m.op} ${m.group.name}>${m.member.name}`)).toEqual(['remove Mac Devices>mac-1']);
    expect(lines(whatIf(g, macToWindows.changes))).toEqual(['- mac-1>patch']);
    const omar = whatIfDocument(g, [{ op: 'set', object: 'user:omar', attributes: { jobTitle: 'Engineer' } }]);
    expect(omar.rules.memberships).toEqual([]); // exempt from Engineering
  });

  it('a rule changed: who joins, who leaves', () => {
    const memberQuery = { queryType: 'FilterQuery', filters: [{ field: 'department', operator: 'in', value: ['Engineering', 'Sales'] }] };
    const doc = whatIfDocument(g, [{ op: 'set-rule', group: 'user_group:Engineering', rule: { memberQuery } }]);
    expect(doc.rules.memberships.map((m) => `${m.op} ${m.member.name}`).sort()).toEqual(['add lee', 'add sue']);
    const automated = whatIfDocument(g, [
      { op: 'set-rule', group: 'user_group:Engineering', rule: { membershipMethod: 'DYNAMIC_AUTOMATED' } },
    ]);
    expect(automated.rules.memberships.map((m) => `${m.op} ${m.member.name}`).sort()).toEqual(['add lee', 'remove bob']);
  });

  it("a joiner: a user added with attributes gets the groups' memberships, and their access, on day one", () => {
    const doc = whatIfDocument(g, [
      { op: 'add-object', type: 'user', name: 'new.hire', record: { department: 'Engineering', state: 'ACTIVATED' } },
    ]);
    expect(doc.rules.memberships.map((m) => `${m.op} ${m.group.name} ${m.member.name}`)).toEqual([
      'add Engineering new.hire',
      'add All Staff new.hire',
    ]);
    expect(lines(whatIf(g, doc.changes))).toEqual(['+ new.hire>GitHub', '+ new.hire>Slack', '+ new.hire>web-1']);
  });

  it('memberships added or removed by hand are taken as given; a removal the rule would undo is pointed out', () => {
    const doc = whatIfDocument(g, [{ op: 'remove', edge: 'user_group:Engineering>user:jana' }]);
    expect(doc.rules.memberships).toEqual([]);
    expect(doc.rules.notes).toEqual([
      'removing user:jana from user_group:Engineering would not hold: the group\'s rule (department eq "Engineering") adds the membership back',
    ]);
    expect(lines(whatIf(g, doc.changes))).toEqual(['- jana>GitHub', '- jana>web-1']);
  });

  it('refuses set on what rules do not read, and set-rule on what has no rule', () => {
    expect(() => resolveChanges(g, [{ op: 'set', object: 'user_group:Sales', attributes: { x: 'y' } }])).toThrow(InputError);
    expect(() => resolveChanges(g, [{ op: 'set-rule', group: 'application:GitHub', rule: { membershipMethod: 'STATIC' } }])).toThrow(
      /set-rule is for user and system groups/,
    );
    expect(() => resolveChanges(g, [{ op: 'set', object: 'user:jana', attributes: { userState: 'gone' } }])).toThrow(
      /"userState" must be one of/,
    );
  });
});

/** A what-if's answer as sets of keys: lost, gained, and kept with other paths or attributes. */
function keysOf(r: WhatIfResult): { lost: string[]; gained: string[]; changed: string[] } {
  const key = (b: { subject: { id: string }; target: { id: string } }) => bindingKey(b.subject.id, b.target.id);
  return {
    lost: r.subjects.flatMap((d) => d.lost.map(key)).sort(),
    gained: r.subjects.flatMap((d) => d.gained.map(key)).sort(),
    changed: r.subjects.flatMap((d) => d.changed.map((c) => key(c.after))).sort(),
  };
}

/** The same, by brute force: the two tenants' every binding compared. */
function bruteForce(before: TenantData, after: TenantData): { lost: string[]; gained: string[]; changed: string[] } {
  const old = allBindings(AccessGraph.fromTenant(before));
  const now = allBindings(AccessGraph.fromTenant(after));
  const sig = (b: NonNullable<ReturnType<typeof old.get>>) =>
    JSON.stringify([b.paths.map((p) => [p.edgeKeys, p.edgeAttributes]), b.compiledAttributes ?? null]);
  return {
    lost: [...old.keys()].filter((k) => !now.has(k)).sort(),
    gained: [...now.keys()].filter((k) => !old.has(k)).sort(),
    changed: [...now.keys()].filter((k) => old.has(k) && sig(old.get(k)!) !== sig(now.get(k)!)).sort(),
  };
}

const withRecord = (tenant: TenantData, id: string, fields: JsonObject): TenantData => ({
  ...tenant,
  objects: tenant.objects.map((o) => (o.id === id ? { ...o, record: { ...o.record, ...fields } } : o)),
});

describe('property: a what-if through the rules equals brute-force re-evaluation and re-traversal', () => {
  const moverArb = dynamicTenantArb().chain((rt) =>
    fc.record({
      rt: fc.constant(rt),
      mover: fc.oneof(
        fc.record({
          object: fc.constantFrom(...rt.users),
          fields: fc.oneof(
            fc.constantFrom('Engineering', 'Sales', 'Support').map((department): JsonObject => ({ department })),
            fc.constantFrom('ACTIVATED', 'SUSPENDED', 'STAGED').map((state): JsonObject => ({ state })),
          ),
        }),
        fc.record({
          object: fc.constantFrom(...rt.systems),
          fields: fc.constantFrom('Mac OS X', 'Windows').map((os): JsonObject => ({ os })),
        }),
      ),
    }),
  );

  it("set: one object's attributes", () => {
    let moved = 0;
    fc.assert(
      fc.property(moverArb, ({ rt, mover }) => {
        const g = AccessGraph.fromTenant(rt.tenant);
        const changes: Change[] = [{ op: 'set', id: mover.object.id, fields: mover.fields }];
        const result = whatIf(g, changes);
        expect(keysOf(result)).toEqual(bruteForce(rt.tenant, settle(withRecord(rt.tenant, mover.object.id, mover.fields))));
        moved += result.subjects.length;
      }),
      { numRuns: 300 }, // enough runs that moves changing a membership clear the floor below however they fall
    );
    expect(moved).toBeGreaterThan(10); // not vacuous: moves changed access
  });

  it("set-rule: a group's rule, and add-object: a joiner", () => {
    const arb = dynamicTenantArb().chain((rt) =>
      fc.record({
        rt: fc.constant(rt),
        group: fc.constantFrom(...rt.userGroups),
        rule: fc
          .constantFrom('Engineering', 'Sales')
          .map((d) => ({ queryType: 'FilterQuery', filters: [{ field: 'department', operator: 'eq', value: d }] })),
        method: fc.constantFrom('DYNAMIC_AUTOMATED', 'DYNAMIC_REVIEW_REQUIRED'),
        joiner: fc.record({ department: fc.constantFrom('Engineering', 'Sales'), state: fc.constantFrom('ACTIVATED', 'STAGED') }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ rt, group, rule, method, joiner }) => {
        const g = AccessGraph.fromTenant(rt.tenant);
        const fields: JsonObject = { memberQuery: rule, membershipMethod: method };
        expect(keysOf(whatIf(g, [{ op: 'set', id: group.id, fields }]))).toEqual(
          bruteForce(rt.tenant, settle(withRecord(rt.tenant, group.id, fields))),
        );
        const object = { type: 'user', id: 'user-joiner', record: { _id: 'user-joiner', username: 'joiner', ...joiner } };
        expect(keysOf(whatIf(g, [{ op: 'add-object', object }]))).toEqual(
          bruteForce(rt.tenant, settle({ ...rt.tenant, objects: [...rt.tenant.objects, object] })),
        );
      }),
      { numRuns: 100 },
    );
  });
});
