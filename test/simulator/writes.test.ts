/**
 * The simulator takes the writes of docs/domain.md "Writing" as the API documents them: memberships of
 * the three group kinds, associations of every kind from every side that takes them (add, update,
 * remove), the group PUTs that set exemptions, the v1 user PUT that suspends and reinstates. Each answer
 * (204, 200 with the record, 400 naming the field, 404, 409), each write seen by every read, the
 * reference and `fetch --since`, logged in Directory Insights as the change door logs changes. Every
 * body goes through Prism with the official spec (test/simulator/write-client.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ASSOCIATION_TARGETS,
  GRAPH_TYPES,
  TYPE_INFO,
  associationEdge,
  canAssociate,
  canonicalJson,
  edgeKey,
  isGraphType,
  membershipEdge,
  sortTenant,
  type GraphType,
  type JsonObject,
  type TenantData,
  type TenantObject,
} from '../../src/model/index.ts';
import { referenceAnswer, type Simulator } from '../../src/simulator/index.ts';
import { fetchTenant, refreshTenant } from '../../src/fetchers/index.ts';
import { fetchAll, firstOf, getJson, objectsOf, withSimulator } from '../helpers/sim.ts';
import { V2_SPEC_PATH, loadSpec } from '../helpers/spec.ts';
import { direct, prismsReady, refusedBySpec, viaPrism, viaPrismRead } from './write-client.ts';

beforeAll(prismsReady, 200_000);

const V2_SPEC = loadSpec(V2_SPEC_PATH);

const canonical = (t: TenantData): string => canonicalJson(sortTenant(t));
const UNKNOWN_ID = '0123456789abcdef01234567';
const SUDO_TYPES = new Set(['user', 'user_group', 'system', 'system_group']);
const sudo = (enabled: boolean): JsonObject => ({ sudo: { enabled, withoutPassword: false } });

function edgeOf(sim: Simulator, edge: Parameters<typeof edgeKey>[0], orgId?: string) {
  return sim.tenant(orgId).edges.find((e) => edgeKey(e) === edgeKey(edge));
}

/**
 * The ids of the events logged so far: what came after is told by id, not by a timestamp at or after a
 * moment, which the last change before it can share (a write is answered within the millisecond).
 */
function loggedSoFar(sim: Simulator): ReadonlySet<string> {
  return new Set((sim.insightsEvents() as any[]).map((e) => e.id as string));
}

/** The graph events logged after `before` (logins and the other noise left out). */
function graphEvents(sim: Simulator, before: ReadonlySet<string>): any[] {
  return (sim.insightsEvents() as any[])
    .filter((e) => !before.has(e.id))
    .filter((e) => /^(association_change|.*_(create|update|delete))$/.test(e.event_type) && e['event_type'] !== 'admin_update');
}

/** The memberships a dynamic group's rule made after a change (logged with action_source "automated"). */
const ruleMade = (e: any): boolean => e['association']?.['action_source'] === 'automated';

/** The graph events the writes themselves made after `before` (what the rules did after them left out). */
function changeEvents(sim: Simulator, before: ReadonlySet<string>): any[] {
  return graphEvents(sim, before).filter((e) => !ruleMade(e));
}

/** The first group of a type that no rule rebuilds: a membership written by hand stays as written. */
function staticOf(t: TenantData, type: GraphType): TenantObject {
  const dynamic = (o: TenantObject) => `${o.record['membershipMethod'] as string | undefined}`.startsWith('DYNAMIC');
  const found = objectsOf(t, type).find((o) => !dynamic(o));
  if (!found) throw new Error(`tenant ${t.orgId} has no ${type} without a rule`);
  return found;
}

const MEMBERSHIP_CASES = [
  { prefix: 'usergroups', group: 'user_group', member: 'user', memberof: 'users' },
  { prefix: 'systemgroups', group: 'system_group', member: 'system', memberof: 'systems' },
  { prefix: 'policygroups', group: 'policy_group', member: 'policy', memberof: 'policies' },
] as const;

describe('memberships', () => {
  it('of user, system and policy groups: 204 and seen by every read, 409 when already there, 404 when already gone or unknown', async () => {
    await withSimulator({ preset: 'tiny', seed: 5 }, async (sim) => {
      for (const c of MEMBERSHIP_CASES) {
        const t = sim.tenant();
        const group = staticOf(t, c.group);
        const member = objectsOf(t, c.member).find(
          (m) => !t.edges.some((e) => e.kind === 'membership' && e.from.id === group.id && e.to.id === m.id),
        )!;
        const path = `/api/v2/${c.prefix}/${group.id}/members`;
        const members = async () => (await fetchAll(sim, path)).map((i: any) => i.to.id);
        const memberof = async () => (await fetchAll(sim, `/api/v2/${c.memberof}/${member.id}/memberof`)).map((i: any) => i.id);

        const added = await viaPrism(sim, 'POST', path, { op: 'add', type: c.member, id: member.id });
        expect(added.status, c.prefix).toBe(204);
        expect(added.body).toBeUndefined();
        expect(edgeOf(sim, membershipEdge(group, member))).toBeDefined();
        expect(await members()).toContain(member.id);
        expect(await memberof()).toContain(group.id);

        const again = await viaPrism(sim, 'POST', path, { op: 'add', type: c.member, id: member.id });
        expect(again.status).toBe(409);
        expect(again.body).toMatchObject({ code: 409, message: expect.stringContaining(member.id) });

        expect((await viaPrism(sim, 'POST', path, { op: 'remove', type: c.member, id: member.id })).status).toBe(204);
        expect(await members()).not.toContain(member.id);
        expect(await memberof()).not.toContain(group.id);
        const gone = await viaPrism(sim, 'POST', path, { op: 'remove', type: c.member, id: member.id });
        expect(gone.status).toBe(404);
        expect(gone.body).toMatchObject({ code: 404 });

        const unknownGroup = await viaPrism(sim, 'POST', `/api/v2/${c.prefix}/${UNKNOWN_ID}/members`, {
          op: 'add',
          type: c.member,
          id: member.id,
        });
        expect(unknownGroup.status).toBe(404);
        expect(unknownGroup.body.message).toContain(UNKNOWN_ID);
        expect((await viaPrism(sim, 'POST', path, { op: 'add', type: c.member, id: UNKNOWN_ID })).status).toBe(404);
      }
      expect(sim.stats().byRoute['POST /api/v2/usergroups/{group_id}/members']).toBe(6);
    });
  });
});

/** Every (source type, target type) pair a `POST …/associations` takes, with objects of both in the tenant. */
function associationCases(t: TenantData): { source: TenantObject; target: TenantObject }[] {
  const out: { source: TenantObject; target: TenantObject }[] = [];
  for (const sourceType of GRAPH_TYPES) {
    for (const targetType of ASSOCIATION_TARGETS[sourceType]) {
      if (!isGraphType(targetType) || !canAssociate(sourceType, targetType)) continue;
      const source = objectsOf(t, sourceType)[0];
      const target = objectsOf(t, targetType).at(-1);
      if (source && target) out.push({ source, target });
    }
  }
  return out;
}

describe('associations', () => {
  it('of every kind from every side that takes them: add, update and remove, with 409 and 404 where the edge is already so', async () => {
    await withSimulator({ preset: 'tiny', seed: 5 }, async (sim) => {
      const cases = associationCases(sim.tenant());
      // Every association kind the model has is written from at least one side.
      const kinds = new Set(cases.map(({ source, target }) => [source.type, target.type].sort().join('|')));
      for (const sourceType of GRAPH_TYPES)
        for (const targetType of ASSOCIATION_TARGETS[sourceType])
          if (isGraphType(targetType) && canAssociate(sourceType, targetType))
            expect(kinds).toContain([sourceType, targetType].sort().join('|'));
      expect(cases.length).toBeGreaterThan(50);

      for (const { source, target } of cases) {
        const path = `/api/v2/${TYPE_INFO[source.type as GraphType].pathPrefix}/${source.id}/associations`;
        const label = `${source.type} → ${target.type}`;
        const edge = associationEdge(source, target);
        if (edgeOf(sim, edge))
          expect((await viaPrism(sim, 'POST', path, { op: 'remove', type: target.type, id: target.id })).status, label).toBe(204);
        expect(edgeOf(sim, edge), label).toBeUndefined();

        const withSudo = SUDO_TYPES.has(source.type) && SUDO_TYPES.has(target.type);
        const first = withSudo ? sudo(true) : null;
        const added = await viaPrism(sim, 'POST', path, {
          op: 'add',
          type: target.type,
          id: target.id,
          ...(first ? { attributes: first } : {}),
        });
        expect(added.status, label).toBe(204);
        expect(edgeOf(sim, edge)?.attributes ?? null, label).toEqual(first);
        expect((await viaPrism(sim, 'POST', path, { op: 'add', type: target.type, id: target.id })).status, label).toBe(409);

        const second = withSudo ? sudo(false) : { note: 'updated' };
        expect(
          (await viaPrism(sim, 'POST', path, { op: 'update', type: target.type, id: target.id, attributes: second })).status,
          label,
        ).toBe(204);
        expect(edgeOf(sim, edge)?.attributes, label).toEqual(second);

        expect((await viaPrism(sim, 'POST', path, { op: 'remove', type: target.type, id: target.id })).status, label).toBe(204);
        expect(edgeOf(sim, edge), label).toBeUndefined();
        expect((await viaPrism(sim, 'POST', path, { op: 'remove', type: target.type, id: target.id })).status, label).toBe(404);
        expect(
          (await viaPrism(sim, 'POST', path, { op: 'update', type: target.type, id: target.id, attributes: second })).status,
          label,
        ).toBe(404);
      }
      const user = firstOf(sim.tenant(), 'user');
      expect(
        (await viaPrism(sim, 'POST', `/api/v2/users/${UNKNOWN_ID}/associations`, { op: 'add', type: 'system', id: user.id })).status,
      ).toBe(404);
      expect(
        (await viaPrism(sim, 'POST', `/api/v2/users/${user.id}/associations`, { op: 'add', type: 'system', id: UNKNOWN_ID })).status,
      ).toBe(404);
      // The spec lets an application take an agent_group, a type the simulator does not model: no such object.
      const app = firstOf(sim.tenant(), 'application');
      expect(
        (await viaPrism(sim, 'POST', `/api/v2/applications/${app.id}/associations`, { op: 'add', type: 'agent_group', id: UNKNOWN_ID }))
          .status,
      ).toBe(404);
    });
  }, 240_000); // some 400 writes and reads, each through Prism: longer than the default on a busy machine

  it('a new binding shows in the traversal endpoints, as the reference computes it, and goes with the association', async () => {
    await withSimulator({ preset: 'tiny', seed: 6 }, async (sim) => {
      const t = sim.tenant();
      const path = (u: TenantObject) => `/users/${u.id}/systems`;
      const reached = (u: TenantObject) => (referenceAnswer(sim.tenant(), path(u)) as { id: string }[]).map((x) => x.id);
      const user = objectsOf(t, 'user').find((u) => objectsOf(t, 'system').some((s) => !reached(u).includes(s.id)))!;
      const system = objectsOf(t, 'system').find((s) => !reached(user).includes(s.id))!;
      const served = async () => (await fetchAll(sim, `/api/v2${path(user)}`)) as { id: string; paths: unknown[] }[];

      expect(
        (
          await viaPrism(sim, 'POST', `/api/v2/users/${user.id}/associations`, {
            op: 'add',
            type: 'system',
            id: system.id,
            attributes: sudo(true),
          })
        ).status,
      ).toBe(204);
      const after = await served();
      expect(after).toEqual(referenceAnswer(sim.tenant(), path(user)));
      expect(after.find((x) => x.id === system.id)).toMatchObject({
        compiledAttributes: sudo(true),
        paths: [[{ to: { id: system.id, type: 'system' } }]],
      });

      expect(
        (await viaPrism(sim, 'POST', `/api/v2/systems/${system.id}/associations`, { op: 'remove', type: 'user', id: user.id })).status,
      ).toBe(204);
      expect((await served()).map((x) => x.id)).not.toContain(system.id);
    });
  });
});

describe('bad bodies', () => {
  it('a body the spec refuses is a 400 naming the field, in the error shape of its API', async () => {
    await withSimulator({ preset: 'tiny', seed: 5 }, async (sim) => {
      const t = sim.tenant();
      const group = firstOf(t, 'user_group');
      const user = firstOf(t, 'user');
      const members = `/api/v2/usergroups/${group.id}/members`;
      const associations = `/api/v2/users/${user.id}/associations`;
      const system = firstOf(t, 'system');
      const before = canonical(t);
      const cases: [method: 'POST' | 'PUT', path: string, body: unknown, reason: string, field: string][] = [
        ['POST', members, { type: 'user', id: user.id }, 'nullOp', 'op'],
        ['POST', members, { op: 'delete', type: 'user', id: user.id }, 'invalidOp', 'op'],
        ['POST', members, { op: 'add', type: 'system', id: user.id }, 'invalidType', 'type'],
        ['POST', members, { op: 'add', type: 'user' }, 'nullId', 'id'],
        ['POST', associations, { op: 'add', type: 'software_app', id: system.id }, 'invalidType', 'type'],
        ['POST', associations, { op: 'add', type: 'system', id: system.id, attributes: 'sudo' }, 'invalidAttributes', 'attributes'],
        [
          'POST',
          associations,
          { op: 'add', type: 'system', id: system.id, attributes: { sudo: { enabled: 'yes' } } },
          'invalidSudo',
          'attributes.sudo',
        ],
        ['PUT', `/api/v2/usergroups/${group.id}`, { description: 'no name' }, 'nullName', 'name'],
        [
          'PUT',
          `/api/v2/usergroups/${group.id}`,
          { name: 'x', membershipMethod: 'SOMETIMES' },
          'invalidMembershipMethod',
          'membershipMethod',
        ],
        [
          'PUT',
          `/api/v2/systemgroups/${firstOf(t, 'system_group').id}`,
          { name: 'x', memberQueryExemptions: [{ id: user.id }] },
          'nullType',
          'memberQueryExemptions[0].type',
        ],
      ];
      for (const [method, path, body, reason, field] of cases) {
        const answer = await refusedBySpec(sim, method, path, body);
        expect(answer.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect(answer.body).toEqual({ code: 400, message: expect.stringContaining(field), status: reason });
      }
      // v1: the Error's status is the HTTP description; the message names the field.
      for (const [body, field] of [
        [{ state: 'DISABLED' }, 'state'],
        [{ suspended: 'yes' }, 'suspended'],
      ] as const) {
        const answer = await refusedBySpec(sim, 'PUT', `/api/systemusers/${user.id}`, body);
        expect(answer.status).toBe(400);
        expect(answer.body).toEqual({ code: 400, message: expect.stringContaining(field), status: 'Bad Request' });
      }
      expect(canonical(sim.tenant())).toBe(before);
    });
  });

  it('bodies the spec takes but the simulator cannot carry out (rules chosen) are 400s naming the field', async () => {
    await withSimulator({ preset: 'tiny', seed: 5 }, async (sim) => {
      const t = sim.tenant();
      const group = firstOf(t, 'user_group');
      const member = t.edges.find((e) => e.kind === 'membership' && e.from.id === group.id)!.to;
      const association = t.edges.find((e) => e.kind === 'association' && e.from.type === 'user' && e.to.type === 'system')!;
      // A membership has no attributes to update.
      const update = await direct(sim, 'POST', `/api/v2/usergroups/${group.id}/members`, { op: 'update', type: 'user', id: member.id });
      expect(update).toMatchObject({ status: 400, body: { code: 400, status: 'invalidOp', message: expect.stringContaining('op') } });
      // An update says what the attributes become.
      const bare = await direct(sim, 'POST', `/api/v2/users/${association.from.id}/associations`, {
        op: 'update',
        type: 'system',
        id: association.to.id,
      });
      expect(bare).toMatchObject({ status: 400, body: { status: 'nullAttributes', message: expect.stringContaining('attributes') } });
      // state and suspended must agree.
      const both = await direct(sim, 'PUT', `/api/systemusers/${member.id}`, { state: 'ACTIVATED', suspended: true });
      expect(both).toMatchObject({ status: 400, body: { code: 400, message: expect.stringContaining('suspended') } });
    });
  });
});

describe('PUT of a group', () => {
  it('replaces the group: the exemption is set, the fields the PUT schema does not carry are kept, the others are what the body says', async () => {
    await withSimulator({ preset: 'tiny', seed: 5 }, async (sim) => {
      for (const [prefix, type, memberType] of [
        ['usergroups', 'user_group', 'user'],
        ['systemgroups', 'system_group', 'system'],
      ] as const) {
        const listed = async () => (await fetchAll(sim, `/api/v2/${prefix}`)) as any[];
        const asRead = (await listed())[0]!;
        const member = firstOf(sim.tenant(), memberType);
        const exemptions = [...((asRead['memberQueryExemptions'] as JsonObject[] | undefined) ?? []), { id: member.id, type: memberType }];
        const before = loggedSoFar(sim);
        const put = await viaPrism(sim, 'PUT', `/api/v2/${prefix}/${asRead.id}`, {
          ...asRead,
          memberQueryExemptions: exemptions,
        });
        expect(put.status, prefix).toBe(200);
        expect(put.body).toEqual({ ...asRead, memberQueryExemptions: exemptions });
        expect((await listed()).find((g) => g['id'] === asRead['id'])).toEqual(put.body);
        // Read back by id, as the spec's groups_*_get answers it (Prism checks the record).
        const byId = await viaPrismRead(sim, `/api/v2/${prefix}/${asRead.id}`);
        expect(byId).toMatchObject({ status: 200, body: put.body, violations: [] });
        const [event] = changeEvents(sim, before);
        expect(event).toMatchObject({
          event_type: 'group_update',
          resource: { id: asRead['id'], type },
          changes: [{ field: 'memberQueryExemptions', from: asRead['memberQueryExemptions'] ?? null, to: exemptions }],
        });

        // A PUT of the name alone: every other field of the PUT schema goes; id, type and the organization stay.
        const renamed = await viaPrism(sim, 'PUT', `/api/v2/${prefix}/${asRead.id}`, { name: 'Renamed' });
        expect(renamed.status).toBe(200);
        const putFields = Object.keys(V2_SPEC.components.schemas[type === 'user_group' ? 'UserGroupPut' : 'SystemGroupPut'].properties);
        expect(putFields).toContain('memberQueryExemptions');
        const kept = Object.fromEntries(Object.entries(asRead).filter(([field]) => !putFields.includes(field)));
        expect(renamed.body).toEqual({ ...kept, name: 'Renamed' });
        expect(kept).toMatchObject({ id: asRead['id'], type });

        expect((await viaPrism(sim, 'PUT', `/api/v2/${prefix}/${UNKNOWN_ID}`, { name: 'x' })).status).toBe(404);
        // The same PUT twice changes nothing the second time, and logs nothing.
        const quiet = loggedSoFar(sim);
        expect((await viaPrism(sim, 'PUT', `/api/v2/${prefix}/${asRead.id}`, { name: 'Renamed' })).status).toBe(200);
        expect(changeEvents(sim, quiet).filter((e) => (e['resource'] as JsonObject | undefined)?.['id'] === asRead['id'])).toEqual([]);
      }
    });
  });
});

describe("PUT of a user's state (v1)", () => {
  it('suspends and reinstates with either spelling, answers the record, and logs each change', async () => {
    await withSimulator({ preset: 'tiny', seed: 5 }, async (sim) => {
      const user = objectsOf(sim.tenant(), 'user').find((u) => u.record['state'] === 'ACTIVATED')!;
      const path = `/api/systemusers/${user.id}`;
      const listed = async () => ((await fetchAll(sim, '/api/systemusers')) as JsonObject[]).find((u) => u['_id'] === user.id)!;
      const before = loggedSoFar(sim);
      for (const [body, state, suspended] of [
        [{ state: 'SUSPENDED' }, 'SUSPENDED', true],
        [{ suspended: false }, 'ACTIVATED', false],
        [{ suspended: true }, 'SUSPENDED', true],
        [{ state: 'ACTIVATED' }, 'ACTIVATED', false],
      ] as const) {
        const answer = await viaPrism(sim, 'PUT', path, body);
        expect(answer.status, JSON.stringify(body)).toBe(200);
        expect(answer.body).toMatchObject({ _id: user.id, state, suspended, username: user.record['username'] });
        expect(await listed()).toEqual(answer.body);
        expect(await viaPrismRead(sim, path)).toMatchObject({ status: 200, body: answer.body, violations: [] });
      }
      const events = changeEvents(sim, before);
      expect(events.map((e) => e['event_type'])).toEqual(['user_update', 'user_update', 'user_update', 'user_update']);
      // "All Staff" takes active users: the rule drops the user at each suspension and takes it back at each reinstatement.
      expect(
        graphEvents(sim, before)
          .filter(ruleMade)
          .map((e) => e['association']['op']),
      ).toEqual(['remove', 'add', 'remove', 'add']);
      expect(events[0]!['changes']).toEqual(
        expect.arrayContaining([
          { field: 'state', from: 'ACTIVATED', to: 'SUSPENDED' },
          { field: 'suspended', from: false, to: true },
        ]),
      );
      const unknown = await viaPrism(sim, 'PUT', `/api/systemusers/${UNKNOWN_ID}`, { state: 'SUSPENDED' });
      expect(unknown).toMatchObject({ status: 404, body: { code: 404, status: 'Not Found' } });
    });
  });
});

describe('what every write shares', () => {
  it('is logged in Directory Insights as the change door logs changes, so fetch --since sees it', async () => {
    await withSimulator({ preset: 'tiny', seed: 7 }, async (sim) => {
      const access = { apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0]! };
      const old = await fetchTenant(access);
      const t = sim.tenant();
      const group = staticOf(t, 'user_group');
      const outsider = objectsOf(t, 'user').find((u) => !t.edges.some((e) => e.from.id === group.id && e.to.id === u.id))!;
      const association = t.edges.find((e) => e.kind === 'association' && e.from.type === 'user' && e.to.type === 'system')!;
      const system = objectsOf(t, 'system').find((s) => !edgeOf(sim, associationEdge(outsider, s)))!;
      const before = loggedSoFar(sim);
      const writes: [method: 'POST' | 'PUT', path: string, body: unknown][] = [
        ['POST', `/api/v2/usergroups/${group.id}/members`, { op: 'add', type: 'user', id: outsider.id }],
        ['POST', `/api/v2/users/${outsider.id}/associations`, { op: 'add', type: 'system', id: system.id, attributes: sudo(true) }],
        ['POST', `/api/v2/systems/${system.id}/associations`, { op: 'update', type: 'user', id: outsider.id, attributes: sudo(false) }],
        ['POST', `/api/v2/users/${association.from.id}/associations`, { op: 'remove', type: 'system', id: association.to.id }],
        ['PUT', `/api/v2/usergroups/${group.id}`, { ...group.record, memberQueryExemptions: [{ id: association.from.id, type: 'user' }] }],
        ['PUT', `/api/systemusers/${outsider.id}`, { suspended: true }],
      ];
      for (const [method, path, body] of writes) expect((await viaPrism(sim, method, path, body)).status, path).toBeLessThan(300);
      const events = changeEvents(sim, before);
      expect(events.map((e) => e['event_type'])).toEqual([
        'association_change',
        'association_change',
        'association_change',
        'association_change',
        'group_update',
        'user_update',
      ]);
      expect(events.map((e) => (e['association'] as JsonObject | undefined)?.['op'])).toEqual([
        'add',
        'add',
        'add',
        'remove',
        undefined,
        undefined,
      ]);
      expect(events[0]!['association']).toMatchObject({
        connection: { from: { object_id: group.id, type: 'user_group' }, to: { object_id: outsider.id, type: 'user' } },
      });
      expect(events[2]!['association']).toMatchObject({ attributes: sudo(false) });

      const refreshed = await refreshTenant({ ...access, since: old, audit: 0 });
      expect(refreshed.meta.refresh.mode, refreshed.meta.refresh.reason).toBe('incremental');
      expect(canonical(refreshed.tenant)).toBe(canonical(sim.tenant()));
      expect(canonical(refreshed.tenant)).toBe(canonical((await fetchTenant(access)).tenant));
      expect(canonical(refreshed.tenant)).not.toBe(canonical(old.tenant));
    });
  });

  it('honours x-api-key and x-org-id as reads do, and counts what it received and applied', async () => {
    await withSimulator({ preset: 'tiny', seed: 8, orgs: 2 }, async (sim) => {
      const [first, second] = sim.orgIds as [string, string];
      const t = sim.tenant(second);
      const group = staticOf(t, 'user_group');
      const outsider = objectsOf(t, 'user').find((u) => !t.edges.some((e) => e.from.id === group.id && e.to.id === u.id))!;
      const path = `/api/v2/usergroups/${group.id}/members`;
      const body = { op: 'add', type: 'user', id: outsider.id };
      const firstBefore = canonical(sim.tenant(first));

      expect(await direct(sim, 'POST', path, body, { orgId: second, apiKey: null })).toMatchObject({
        status: 401,
        body: { code: 401, message: expect.stringContaining('x-api-key') },
      });
      expect(await direct(sim, 'POST', path, body, { orgId: second, apiKey: `${sim.apiKey}x` })).toMatchObject({ status: 401 });
      expect(await direct(sim, 'POST', path, body, { orgId: UNKNOWN_ID })).toMatchObject({
        status: 401,
        body: { message: expect.stringContaining(UNKNOWN_ID) },
      });
      expect(sim.stats().writes).toEqual({ received: 0, applied: 0 });
      // Without x-org-id the first organization is addressed, where that group does not exist.
      expect(await direct(sim, 'POST', path, body)).toMatchObject({ status: 404 });
      expect(await direct(sim, 'POST', path, body, { orgId: second })).toMatchObject({ status: 204 });
      expect(edgeOf(sim, membershipEdge(group, outsider), second)).toBeDefined();
      expect(canonical(sim.tenant(first))).toBe(firstBefore);
      expect(sim.stats().writes).toEqual({ received: 2, applied: 1 });
      expect(sim.stats().byStatus).toMatchObject({ '401': 3, '404': 1, '204': 1 });
    });
  });

  it('answers 405 naming the methods a path takes, and serves GET of the objects a PUT writes', async () => {
    await withSimulator({ preset: 'tiny', seed: 5 }, async (sim) => {
      const group = firstOf(sim.tenant(), 'user_group');
      for (const [method, path, allow] of [
        ['PUT', `/api/v2/usergroups/${group.id}/members`, 'GET, POST'],
        ['DELETE', `/api/v2/users/${firstOf(sim.tenant(), 'user').id}/associations`, 'GET, POST'],
        ['PUT', '/api/v2/usergroups', 'GET'],
        ['POST', `/api/v2/usergroups/${group.id}`, 'GET, PUT'],
      ] as const) {
        const r = await getJson(sim, path, {}, { method });
        expect(r.status, `${method} ${path}`).toBe(405);
        expect(r.headers.get('allow')).toBe(allow);
      }
      expect(sim.stats().writes.received).toBe(0);
      // What a PUT writes is read back by id; an unknown id is a 404 in its API's shape.
      expect((await getJson(sim, `/api/v2/usergroups/${group.id}`)).body).toEqual(group.record);
      const user = firstOf(sim.tenant(), 'user');
      expect((await getJson(sim, `/api/systemusers/${user.id}`)).body).toEqual(user.record);
      expect((await getJson(sim, `/api/v2/systemgroups/${UNKNOWN_ID}`)).body).toMatchObject({ code: 404 });
      expect((await getJson(sim, `/api/systemusers/${UNKNOWN_ID}`)).body).toMatchObject({ code: 404, status: 'Not Found' });
    });
  });
});
