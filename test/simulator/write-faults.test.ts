/**
 * The write faults the apply tests inject (issue 21 §3), each switchable through the options object (and
 * `jcgraph sim --faults`, see test/cli/sim.test.ts): `write-fails-after=N`, `write-lost-ack=N`, `read-only-key`,
 * 429 under the rate limit, and the transient faults, which strike a write before it is applied. Each is
 * shown by what the organization holds afterwards and by the simulator's write counters. Bodies are
 * checked against the official spec by the Prism mock before they are sent (write-client.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, edgeKey, membershipEdge, sortTenant, type TenantData, type TenantObject } from '../../src/model/index.ts';
import { SimulatorError, faultSettings, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { firstOf, getJson, objectsOf, withSimulator } from '../helpers/sim.ts';
import { direct, prismsReady, requestViolations } from './write-client.ts';

beforeAll(prismsReady, 200_000);

const canonical = (t: TenantData): string => canonicalJson(sortTenant(t));

/** A user group and users outside it: each add is a write that changes the organization. */
function outsiders(sim: Simulator): { group: TenantObject; users: TenantObject[] } {
  const t = sim.tenant();
  const outside = (group: TenantObject) =>
    objectsOf(t, 'user').filter((u) => !t.edges.some((e) => e.kind === 'membership' && e.from.id === group.id && e.to.id === u.id));
  const group = objectsOf(t, 'user_group').sort((x, y) => outside(y).length - outside(x).length)[0]!;
  const users = outside(group);
  expect(users.length).toBeGreaterThanOrEqual(4);
  return { group, users };
}

const isMember = (sim: Simulator, group: TenantObject, user: TenantObject): boolean =>
  sim.tenant().edges.some((e) => edgeKey(e) === edgeKey(membershipEdge(group, user)));

function add(sim: Simulator, group: TenantObject, user: TenantObject) {
  return direct(sim, 'POST', `/api/v2/usergroups/${group.id}/members`, { op: 'add', type: 'user', id: user.id });
}

describe('write faults', () => {
  it('write-fails-after=N: every write after the N-th answers 500 and is not applied', async () => {
    await withSimulator({ preset: 'tiny', seed: 5, faults: { 'write-fails-after': 2 } }, async (sim) => {
      const { group, users } = outsiders(sim);
      const answers = [];
      for (const user of users.slice(0, 4)) answers.push(await add(sim, group, user));
      expect(answers.map((a) => a?.status)).toEqual([204, 204, 500, 500]);
      expect(answers[2]?.body).toMatchObject({ code: 500, message: expect.stringContaining('write-fails-after') });
      expect(users.slice(0, 4).map((u) => isMember(sim, group, u))).toEqual([true, true, false, false]);
      expect(sim.stats().writes).toEqual({ received: 4, applied: 2 });
      // Reads are untouched.
      expect((await getJson(sim, `/api/v2/usergroups/${group.id}/members`)).status).toBe(200);
    });
  });

  it('write-lost-ack=N: the N-th write is applied and its connection closed with no answer; sent again, it is already so', async () => {
    await withSimulator({ preset: 'tiny', seed: 5, faults: { 'write-lost-ack': 2 } }, async (sim) => {
      const { group, users } = outsiders(sim);
      const [a, b, c] = users as [TenantObject, TenantObject, TenantObject];
      expect((await add(sim, group, a))?.status).toBe(204);
      // The events before it, by id: a's can share its millisecond with the moment a's answer arrives.
      const before = new Set((sim.insightsEvents() as any[]).map((e) => e.id));
      expect(await add(sim, group, b)).toBeUndefined();
      expect(isMember(sim, group, b)).toBe(true);
      // Logged like any write, so a refresh sees it although the client never heard of it.
      const logged = (sim.insightsEvents() as any[]).filter((e) => e.event_type === 'association_change' && !before.has(e.id));
      expect(logged.map((e) => e.association.connection.to.object_id)).toEqual([b.id]);
      expect((await add(sim, group, c))?.status).toBe(204);
      expect((await add(sim, group, b))?.status).toBe(409);
      expect(sim.stats().writes).toEqual({ received: 4, applied: 3 });
      expect(sim.stats().byStatus).toMatchObject({ 'lost-ack': 1, '204': 2, '409': 1 });
    });
  });

  it('read-only-key: every write answers 403 and nothing changes; reads still answer', async () => {
    await withSimulator({ preset: 'tiny', seed: 5, faults: ['read-only-key'] }, async (sim) => {
      const before = canonical(sim.tenant());
      const { group, users } = outsiders(sim);
      const user = users[0]!;
      const answers = [
        await add(sim, group, user),
        await direct(sim, 'PUT', `/api/systemusers/${user.id}`, { state: 'SUSPENDED' }),
        await direct(sim, 'PUT', `/api/v2/usergroups/${group.id}`, { name: 'x' }),
        await direct(sim, 'POST', `/api/v2/users/${user.id}/associations`, {
          op: 'add',
          type: 'system',
          id: firstOf(sim.tenant(), 'system').id,
        }),
      ];
      expect(answers.map((a) => a?.status)).toEqual([403, 403, 403, 403]);
      expect(answers[0]?.body).toMatchObject({ code: 403, message: expect.stringContaining('read-only-key') });
      expect(answers[1]?.body).toMatchObject({ code: 403, status: 'Forbidden' });
      expect(canonical(sim.tenant())).toBe(before);
      expect(sim.stats().writes).toEqual({ received: 4, applied: 0 });
      expect((await getJson(sim, '/api/systemusers')).status).toBe(200);
    });
  });

  it('--rate: a write beyond the rate is answered 429 with Retry-After, before it reaches the organization', async () => {
    // 0.001 requests a second: one token, refilled only after 1000 s, so the second request meets an empty bucket.
    await withSimulator({ preset: 'tiny', seed: 5, rate: 0.001 }, async (sim) => {
      const { group, users } = outsiders(sim);
      const first = await add(sim, group, users[0]!);
      const second = await add(sim, group, users[1]!);
      expect(first?.status).toBe(204);
      expect(second).toMatchObject({ status: 429, body: { code: 429 } });
      expect(Number(second?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(isMember(sim, group, users[1]!)).toBe(false);
      expect(sim.stats().writes).toEqual({ received: 1, applied: 1 });
    });
  });

  it('transient faults strike a write before it is applied: 5xx or a reset, then the same write goes through once', async () => {
    for (const fault of ['server-errors', 'reset'] as const) {
      await withSimulator({ preset: 'tiny', seed: 5, faults: { [fault]: 1 } }, async (sim) => {
        const { group, users } = outsiders(sim);
        const user = users[0]!;
        const attempts = [];
        for (let i = 0; i < 3; i++) attempts.push(await add(sim, group, user));
        // MAX_CONSECUTIVE_FAILURES is 2: the third attempt of the same request is let through.
        if (fault === 'reset') expect(attempts.slice(0, 2)).toEqual([undefined, undefined]);
        else for (const a of attempts.slice(0, 2)) expect(a?.status, fault).toBeGreaterThanOrEqual(500);
        expect(attempts[2]?.status, fault).toBe(204);
        expect(isMember(sim, group, user)).toBe(true);
        expect(sim.stats().writes, fault).toEqual({ received: 1, applied: 1 });
      });
    }
  });

  it('drop-after counts writes: after the N-th request the network goes, writes included', async () => {
    await withSimulator({ preset: 'tiny', seed: 5, faults: { 'drop-after': 2 }, dropPauseMs: 60_000 }, async (sim) => {
      const { group, users } = outsiders(sim);
      expect((await add(sim, group, users[0]!))?.status).toBe(204);
      expect((await add(sim, group, users[1]!))?.status).toBe(204);
      expect(await add(sim, group, users[2]!)).toBeUndefined();
      expect(isMember(sim, group, users[2]!)).toBe(false);
      expect(sim.stats().writes).toEqual({ received: 2, applied: 2 });
    });
  });

  it('the write faults are checked like the others when the simulator starts', async () => {
    expect(faultSettings(['write-fails-after', 'write-lost-ack', 'read-only-key'])).toEqual({
      'write-fails-after': 1,
      'write-lost-ack': 1,
      'read-only-key': true,
    });
    expect(faultSettings({ 'write-fails-after': 0 })).toEqual({ 'write-fails-after': 0 });
    for (const faults of [{ 'write-lost-ack': 0 }, { 'write-fails-after': 1.5 }, { 'read-only-key': 'yes' }] as const) {
      await expect(startSimulator({ faults: faults as never })).rejects.toThrow(SimulatorError);
    }
    // The spec check of the bodies above is not vacuous: it refuses a body the spec refuses.
    expect(await requestViolations('POST', '/api/v2/usergroups/x/members', { op: 'add', type: 'system', id: 'y' })).not.toEqual([]);
  });
});
