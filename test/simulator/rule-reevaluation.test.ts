/**
 * The simulator rebuilds dynamic groups as JumpCloud does: after every change it makes, the rules of the
 * groups the change touches run. A removed member the rule matches comes back, an exemption keeps it out,
 * a DYNAMIC_AUTOMATED group drops what stops matching (a suspension, a department move, an exemption), a
 * review-required group keeps what was added by hand, a rule in error stays frozen, a changed rule
 * re-evaluates its group. Each membership a rule adds or removes is logged as an `association_change`,
 * so `fetch --since` sees it: a refresh after such changes equals a fresh full fetch. The reference
 * answers every endpoint from the organization after its rules ran.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, sortTenant, type JsonObject, type ObjectRef, type TenantData, type TenantObject } from '../../src/model/index.ts';
import { referenceAnswer, type AppliedChange, type SimChange, type Simulator } from '../../src/simulator/index.ts';
import { allRuleChanges, tenantRuleView } from '../../src/simulator/dynamic/rebuild.ts';
import { fetchTenant, refreshTenant } from '../../src/fetchers/index.ts';
import { fetchAll, objectsOf, withSimulator } from '../helpers/sim.ts';

const ref = (o: ObjectRef): ObjectRef => ({ type: o.type, id: o.id });
const isMember = (t: TenantData, group: ObjectRef, member: ObjectRef): boolean =>
  t.edges.some((e) => e.kind === 'membership' && e.from.id === group.id && e.to.id === member.id);
const members = (t: TenantData, group: ObjectRef): TenantObject[] =>
  t.objects.filter((o) => t.edges.some((e) => e.kind === 'membership' && e.from.id === group.id && e.to.id === o.id));
const groupNamed = (t: TenantData, name: string): TenantObject => {
  const g = t.objects.find((o) => o.type.endsWith('_group') && o.record['name'] === name);
  if (!g) throw new Error(`no group ${name}`);
  return g;
};
const exemptIdsOf = (g: TenantObject): Set<string> =>
  new Set(((g.record['memberQueryExemptions'] ?? []) as JsonObject[]).map((e) => e['id'] as string));
const withExemption = (g: TenantObject, member: ObjectRef): JsonObject[] => [
  ...((g.record['memberQueryExemptions'] ?? []) as JsonObject[]),
  { id: member.id, type: member.type },
];
/** What the rules did after one change, as [op, group name, member id]. */
const ruleMade = (applied: AppliedChange | undefined): [string, string, string][] =>
  (applied?.ruleMade ?? []).map((m) => [m.op, m.group.name, m.member.id]);

function applyOne(sim: Simulator, change: SimChange): AppliedChange {
  const [applied] = sim.applyChanges([change]);
  if (!applied) throw new Error('nothing applied');
  return applied;
}

describe('the rules run after every change', () => {
  it('a review-required group: a removed member the rule matches comes back; once exempted its removal holds; one added by hand goes', async () => {
    await withSimulator({ preset: 'small', seed: 1 }, async (sim) => {
      const t = sim.tenant();
      const engineering = groupNamed(t, 'Engineering');
      const exempt = exemptIdsOf(engineering);
      const engineer = members(t, engineering).find((u) => u.record['department'] === 'Engineering' && !exempt.has(u.id))!;
      const byHand = members(t, engineering).find((u) => u.record['department'] !== 'Engineering')!;
      expect(byHand).toBeDefined();

      const removed = applyOne(sim, { kind: 'remove-member', group: ref(engineering), member: ref(engineer) });
      expect(removed).toMatchObject({ effect: 'edge', op: 'remove' });
      expect(ruleMade(removed)).toEqual([['add', 'Engineering', engineer.id]]);
      expect(isMember(sim.tenant(), engineering, engineer)).toBe(true);

      // The exemption alone removes nobody from a review-required group; the removal after it holds.
      const exempted = applyOne(sim, {
        kind: 'update',
        ref: ref(engineering),
        set: { memberQueryExemptions: withExemption(engineering, engineer) },
      });
      expect(ruleMade(exempted)).toEqual([]);
      expect(isMember(sim.tenant(), engineering, engineer)).toBe(true);
      expect(ruleMade(applyOne(sim, { kind: 'remove-member', group: ref(engineering), member: ref(engineer) }))).toEqual([]);
      expect(isMember(sim.tenant(), engineering, engineer)).toBe(false);

      // A member added by hand (the rule does not match) leaves for good.
      expect(ruleMade(applyOne(sim, { kind: 'remove-member', group: ref(engineering), member: ref(byHand) }))).toEqual([]);
      expect(isMember(sim.tenant(), engineering, byHand)).toBe(false);
    });
  });

  it('an automated group: an exemption takes the member out and lifting it brings it back; an object added by hand that the rule does not want goes', async () => {
    await withSimulator({ preset: 'small', seed: 1 }, async (sim) => {
      const t = sim.tenant();
      const allStaff = groupNamed(t, 'All Staff');
      const active = members(t, allStaff)[0]!;
      const staged = objectsOf(t, 'user').find((u) => u.record['state'] === 'STAGED')!;

      const exempted = applyOne(sim, {
        kind: 'update',
        ref: ref(allStaff),
        set: { memberQueryExemptions: withExemption(allStaff, active) },
      });
      expect(ruleMade(exempted)).toEqual([['remove', 'All Staff', active.id]]);
      expect(isMember(sim.tenant(), allStaff, active)).toBe(false);
      const lifted = applyOne(sim, {
        kind: 'update',
        ref: ref(allStaff),
        set: { memberQueryExemptions: allStaff.record['memberQueryExemptions'] ?? [] },
      });
      expect(ruleMade(lifted)).toEqual([['add', 'All Staff', active.id]]);

      const added = applyOne(sim, { kind: 'add-member', group: ref(allStaff), member: ref(staged) });
      expect(added).toMatchObject({ effect: 'edge', op: 'add' });
      expect(ruleMade(added)).toEqual([['remove', 'All Staff', staged.id]]);
      expect(isMember(sim.tenant(), allStaff, staged)).toBe(false);

      // An OS group is automated too: a device of another OS added by hand goes at once.
      const windows = groupNamed(t, 'All Windows Devices');
      const mac = objectsOf(t, 'system').find((s) => s.record['osFamily'] === 'darwin')!;
      expect(ruleMade(applyOne(sim, { kind: 'add-member', group: ref(windows), member: ref(mac) }))).toEqual([
        ['remove', 'All Windows Devices', mac.id],
      ]);
    });
  });

  it("a suspension re-evaluates the user's groups: All Staff drops them, a department group keeps them; reinstated, they come back", async () => {
    await withSimulator({ preset: 'small', seed: 1 }, async (sim) => {
      const t = sim.tenant();
      const allStaff = groupNamed(t, 'All Staff');
      const departmentOf = (u: TenantObject): TenantObject => groupNamed(t, u.record['department'] as string);
      const user = members(t, allStaff).find((u) => isMember(t, departmentOf(u), u))!;
      const dept = departmentOf(user);

      const suspended = applyOne(sim, { kind: 'update', ref: ref(user), set: { state: 'SUSPENDED', suspended: true } });
      expect(ruleMade(suspended)).toContainEqual(['remove', 'All Staff', user.id]);
      expect(isMember(sim.tenant(), allStaff, user)).toBe(false);
      expect(isMember(sim.tenant(), dept, user)).toBe(true);
      const back = applyOne(sim, { kind: 'update', ref: ref(user), set: { state: 'ACTIVATED', suspended: false } });
      expect(ruleMade(back)).toContainEqual(['add', 'All Staff', user.id]);
      expect(allRuleChanges(tenantRuleView(sim.tenant()))).toEqual([]);
    });
  });

  it('a department move adds the user to the new department group and keeps the old one (review-required never removes)', async () => {
    await withSimulator({ preset: 'small', seed: 1 }, async (sim) => {
      const t = sim.tenant();
      const sales = groupNamed(t, 'Sales');
      const engineering = groupNamed(t, 'Engineering');
      const mover = members(t, engineering).find((u) => u.record['department'] === 'Engineering' && !isMember(t, sales, u))!;
      const moved = applyOne(sim, { kind: 'update', ref: ref(mover), set: { department: 'Sales' } });
      expect(ruleMade(moved)).toContainEqual(['add', 'Sales', mover.id]);
      expect(isMember(sim.tenant(), sales, mover)).toBe(true);
      expect(isMember(sim.tenant(), engineering, mover)).toBe(true);
      // Whatever else the move did (small rule groups on department), the rules are caught up.
      expect(allRuleChanges(tenantRuleView(sim.tenant()))).toEqual([]);
    });
  });

  it("a group's rule changed re-evaluates that group; a new user joins the groups whose rules want them", async () => {
    await withSimulator({ preset: 'small', seed: 1 }, async (sim) => {
      const t = sim.tenant();
      const allStaff = groupNamed(t, 'All Staff');
      const exempt = exemptIdsOf(allStaff);
      const suspended = objectsOf(t, 'user').filter((u) => u.record['state'] === 'SUSPENDED' && !exempt.has(u.id));
      expect(suspended.length).toBeGreaterThan(0);
      const widened = applyOne(sim, {
        kind: 'update',
        ref: ref(allStaff),
        set: { memberQuery: { filters: [{ field: 'userState', operation: 'in', value: ['active', 'suspended'] }] } },
      });
      expect(
        ruleMade(widened)
          .map(([op, , id]) => `${op} ${id}`)
          .sort(),
      ).toEqual(suspended.map((u) => `add ${u.id}`).sort());

      // A new user (ACTIVATED, in Engineering by default) joins All Staff and Engineering at once.
      const created = applyOne(sim, { kind: 'create', type: 'user', record: { username: 'new.joiner' } });
      if (created.effect !== 'create') throw new Error(created.effect);
      const joined = ruleMade(created).map(([op, group]) => `${op} ${group}`);
      expect(joined).toEqual(expect.arrayContaining(['add All Staff', 'add Engineering']));
      expect(allRuleChanges(tenantRuleView(sim.tenant()))).toEqual([]);
    });
  });

  it('a rule flagged in error is frozen: a removal and an addition by hand both hold', async () => {
    await withSimulator({ preset: 'small', seed: 1 }, async (sim) => {
      const t = sim.tenant();
      const flagged = t.objects.find((o) => o.record['memberQueryErrorFlags'] !== undefined)!;
      const member = members(t, flagged)[0]!;
      const outsider = objectsOf(t, member.type as 'user').find((u) => !isMember(t, flagged, u))!;
      expect(ruleMade(applyOne(sim, { kind: 'remove-member', group: ref(flagged), member: ref(member) }))).toEqual([]);
      expect(ruleMade(applyOne(sim, { kind: 'add-member', group: ref(flagged), member: ref(outsider) }))).toEqual([]);
      expect(isMember(sim.tenant(), flagged, member)).toBe(false);
      expect(isMember(sim.tenant(), flagged, outsider)).toBe(true);
    });
  });

  it('after any churn the rules are caught up, and each membership they made is logged (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 60 }), async (seed, count) => {
        await withSimulator({ preset: 'tiny', seed, churnSeed: seed + 3 }, async (sim) => {
          const before = sim.insightsEvents().length;
          const applied = sim.churn(count);
          expect(allRuleChanges(tenantRuleView(sim.tenant()))).toEqual([]);
          const made = applied.flatMap((a) => a.ruleMade ?? []);
          const logged = sim
            .insightsEvents()
            .slice(before)
            .filter((e) => (e['association'] as JsonObject | undefined)?.['action_source'] === 'automated');
          expect(logged.map((e) => (e['association'] as any).connection.to.object_id)).toEqual(made.map((m) => m.member.id));
        });
      }),
      { numRuns: 25 },
    );
  }, 300_000);
});

describe('the reference answers from the organization after its rules ran', () => {
  it('through the change door: the door tells what the rules did, and every answer (members, memberof, traversals) shows it', async () => {
    await withSimulator({ preset: 'small', seed: 3, allowChanges: true }, async (sim) => {
      const t = sim.tenant();
      const allStaff = groupNamed(t, 'All Staff');
      const engineering = groupNamed(t, 'Engineering');
      const engineer = members(t, engineering).find(
        (u) => u.record['department'] === 'Engineering' && !exemptIdsOf(engineering).has(u.id) && isMember(t, allStaff, u),
      )!;
      const door = await fetch(`${sim.baseUrl}/simulator/v1/changes`, {
        method: 'POST',
        headers: { 'x-api-key': sim.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          changes: [
            { kind: 'remove-member', group: ref(engineering), member: ref(engineer) },
            { kind: 'update', ref: ref(engineer), set: { state: 'SUSPENDED', suspended: true } },
          ],
        }),
      });
      expect(door.status).toBe(200);
      const { applied } = (await door.json()) as { applied: AppliedChange[] };
      expect(applied.map(ruleMade)).toEqual([[['add', 'Engineering', engineer.id]], [['remove', 'All Staff', engineer.id]]]);

      const now = sim.tenant();
      for (const path of [
        `/users/${engineer.id}/memberof`,
        `/users/${engineer.id}/applications`,
        `/users/${engineer.id}/systems`,
        `/usergroups/${engineering.id}/members`,
        `/usergroups/${allStaff.id}/members`,
        `/usergroups/${allStaff.id}/membership`,
      ]) {
        const served = await fetchAll(sim, `/api/v2${path}`);
        expect(served, path).toEqual(JSON.parse(JSON.stringify(referenceAnswer(now, `/api/v2${path}`))));
      }
      const memberOf = (await fetchAll(sim, `/api/v2/users/${engineer.id}/memberof`)) as { id: string }[];
      expect(memberOf.map((g) => g.id)).toContain(engineering.id);
      expect(memberOf.map((g) => g.id)).not.toContain(allStaff.id);
      // What only All Staff gave the engineer is gone from the traversal the reference answers.
      const before = new Set((referenceAnswer(t, `/api/v2/users/${engineer.id}/applications`) as { id: string }[]).map((a) => a.id));
      const after = new Set((referenceAnswer(now, `/api/v2/users/${engineer.id}/applications`) as { id: string }[]).map((a) => a.id));
      const viaAllStaff = new Set(
        (referenceAnswer(t, `/api/v2/usergroups/${allStaff.id}/applications`) as { id: string }[]).map((a) => a.id),
      );
      const lost = [...before].filter((app) => !after.has(app));
      expect(lost.length).toBeGreaterThan(0);
      for (const app of lost) expect(viaAllStaff.has(app)).toBe(true);
      expect([...after].filter((app) => !before.has(app))).toEqual([]);
    });
  });
});

describe('fetch --since sees what the rules did', () => {
  it('a refresh after rule-made changes equals a fresh full fetch, and shows the removed member back', async () => {
    await withSimulator({ preset: 'small', seed: 2 }, async (sim) => {
      const access = { apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0]! };
      const old = await fetchTenant(access);
      const t = sim.tenant();
      const allStaff = groupNamed(t, 'All Staff');
      const dept = groupNamed(t, 'Engineering');
      const sales = groupNamed(t, 'Sales');
      const engineer = members(t, dept).find(
        (u) => u.record['department'] === 'Engineering' && !exemptIdsOf(dept).has(u.id) && isMember(t, allStaff, u),
      )!;
      const [staff1, staff2] = members(t, allStaff).filter((u) => u.id !== engineer.id && !isMember(t, sales, u));
      const applied = sim.applyChanges([
        { kind: 'remove-member', group: ref(dept), member: ref(engineer) },
        { kind: 'update', ref: ref(staff1!), set: { state: 'SUSPENDED', suspended: true } },
        { kind: 'update', ref: ref(staff2!), set: { department: 'Sales' } },
        { kind: 'update', ref: ref(allStaff), set: { memberQueryExemptions: withExemption(allStaff, engineer) } },
      ]);
      expect(applied.every((a) => (a.ruleMade?.length ?? 0) > 0)).toBe(true);
      const r = await refreshTenant({ ...access, since: old, auditSeed: 7, audit: 0 });
      expect(r.meta.refresh.mode, r.meta.refresh.reason).toBe('incremental');
      const full = await fetchTenant(access);
      expect(canonicalJson(sortTenant(r.tenant))).toBe(canonicalJson(sortTenant(full.tenant)));
      expect(isMember(r.tenant, dept, engineer)).toBe(true);
      expect(isMember(r.tenant, allStaff, engineer)).toBe(false);
      expect(isMember(r.tenant, allStaff, staff1!)).toBe(false);
    });
  }, 120_000);
});
