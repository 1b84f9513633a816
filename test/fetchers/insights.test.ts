/**
 * The engine's side of Directory Insights: where the events API is, the one POST the client may send,
 * reading every page of a window, and what each event means, checked on event shapes taken from
 * JumpCloud's documentation and public sample events (not only the simulator's), in any letter case.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ApiClient, checkInsightsUrl, insightsRootFor, readEvents, eventsReachBack, interpretEvent } from '../../src/fetchers/index.ts';
import { LIFECYCLE_ACTIONS, LIFECYCLE_OBJECTS, NO_GRAPH_CHANGE } from '../../src/fetchers/insights/index.ts';
import { ConfigError, JcApiError } from '../../src/errors.ts';
import { firstOf, withSimulator } from '../helpers/sim.ts';
import { INSIGHTS_SPEC_PATH, loadSpec } from '../helpers/spec.ts';

const HOUR = 3_600_000;

describe('where Directory Insights is', () => {
  it('maps each console host to its insights host, and loopback to itself', () => {
    expect(insightsRootFor(new URL('https://console.jumpcloud.com'))).toBe('https://api.jumpcloud.com/insights/directory/v1');
    expect(insightsRootFor(new URL('https://console.eu.jumpcloud.com'))).toBe('https://api.eu.jumpcloud.com/insights/directory/v1');
    expect(insightsRootFor(new URL('https://console.in.jumpcloud.com/'))).toBe('https://api.in.jumpcloud.com/insights/directory/v1');
    expect(insightsRootFor(new URL('http://127.0.0.1:4321/'))).toBe('http://127.0.0.1:4321/insights/directory/v1');
    expect(() => insightsRootFor(new URL('https://example.com'))).toThrow(ConfigError);
  });

  it('refuses to send the key to any other host, or in clear to a remote one', () => {
    expect(() => checkInsightsUrl('https://api.example.com/insights/directory/v1')).toThrow(/not a Directory Insights host/);
    expect(() => checkInsightsUrl('http://api.jumpcloud.com/insights/directory/v1')).toThrow(ConfigError);
    expect(checkInsightsUrl('https://api.eu.jumpcloud.com/insights/directory/v1').host).toBe('api.eu.jumpcloud.com');
    const client = new ApiClient({ apiKey: 'k', baseUrl: 'https://console.eu.jumpcloud.com' });
    expect(client.roots.insights).toBe('https://api.eu.jumpcloud.com/insights/directory/v1');
    expect(client.eventsEndpoint).toBe('POST /insights/directory/v1/events');
  });
});

describe('the one POST', () => {
  it('goes to the events URL only, with a JSON body that never holds the key; everything else is a GET', async () => {
    const seen: { method: string; url: string; type: string | undefined; key: string | undefined; body: string }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          type: req.headers['content-type'],
          key: req.headers['x-api-key'] as string,
          body,
        });
        res.writeHead(200, { 'content-type': 'application/json', 'x-result-count': '0', 'x-limit': '10000', 'x-search_after': '[]' });
        res.end('[]');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = new ApiClient({ apiKey: 'secret-key-123', baseUrl });
      await client.get('v2', '/usergroups', { limit: 1 }, 'list');
      const read = await readEvents(client, { start: new Date(Date.now() - HOUR) });
      expect(read).toMatchObject({ events: [], pages: 1, tooMany: false });
      expect(seen.map((s) => `${s.method} ${s.url.split('?')[0]}`)).toEqual([
        'GET /api/v2/usergroups',
        'POST /insights/directory/v1/events',
      ]);
      const post = seen[1]!;
      expect(post.type).toMatch(/application\/json/);
      expect(post.key).toBe('secret-key-123');
      expect(post.body).not.toContain('secret-key-123');
      expect(JSON.parse(post.body)).toEqual({
        service: ['directory'],
        start_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        limit: 10_000,
        sort: 'ASC',
      });
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});

describe('reading a window of events', () => {
  it('reads every page, each event once, from the simulator', async () => {
    await withSimulator({ preset: 'small', seed: 2 }, async (sim) => {
      const since = new Date(Date.now() - 1000);
      sim.churn(60);
      const client = new ApiClient({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });
      const read = await readEvents(client, { start: since }, { limit: 25 });
      const expected = sim.insightsEvents().filter((e) => Date.parse(e['timestamp'] as string) >= since.getTime());
      expect(read.pages).toBe(Math.floor(expected.length / 25) + 1);
      expect(read.events.map((e: any) => e.id)).toEqual(expected.map((e) => e['id']));
      expect(read.events.length).toBeGreaterThanOrEqual(60);
    });
  });

  it('stops when a page cannot be read, naming the request and why', async () => {
    const answers: [number, Record<string, string>, string, RegExp][] = [
      [200, { 'x-result-count': '1', 'x-limit': '10000' }, '{"a":1}', /not a JSON array/],
      [200, {}, '[]', /X-Result-Count or X-Limit header is missing/],
      [200, { 'x-result-count': '2', 'x-limit': '10000' }, '[{}]', /says 2 but it holds 1/],
      [200, { 'x-result-count': '1', 'x-limit': '1' }, '[{}]', /X-Search_after header is missing/],
      [402, {}, '{"message":"Directory Insights is not enabled for your organization"}', /not in the plan \(402/],
    ];
    for (const [status, headers, body, message] of answers) {
      const server = createServer((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body);
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      try {
        const client = new ApiClient({
          apiKey: 'k',
          baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          maxAttempts: 1,
        });
        const error = await readEvents(client, { start: new Date(Date.now() - HOUR) }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(JcApiError);
        expect((error as JcApiError).message).toMatch(message);
        expect((error as JcApiError).endpoint).toBe('POST /insights/directory/v1/events');
      } finally {
        await new Promise<void>((ok) => server.close(() => ok()));
      }
    }
  });

  it('tells whether the log reaches back to a time: always within 15 days, else only on proof', async () => {
    for (const [retentionDays, covered] of [
      [90, true],
      [15, false],
    ] as const) {
      await withSimulator({ preset: 'tiny', seed: 2, insights: { retentionDays } }, async (sim) => {
        const client = new ApiClient({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });
        const now = new Date();
        expect(await eventsReachBack(client, new Date(now.getTime() - 10 * 24 * HOUR), now)).toEqual({ covered: true, requests: 0 });
        const old = await eventsReachBack(client, new Date(now.getTime() - 20 * 24 * HOUR), now);
        expect(old.covered, `retention ${retentionDays}`).toBe(covered);
        expect(old.requests).toBe(1);
      });
    }
  });
});

/** Events as JumpCloud writes them (shapes from public SIEM fixtures and the DI spec's examples). */
const ASSOCIATION_SAMPLE = {
  initiated_by: { id: '61e536ebdbbe784cb2e55fb5', type: 'admin', email: 'admin@example.com' },
  association: {
    op: 'add',
    action_source: 'manual',
    connection: {
      from: { name: 'JDOE-DESKTOP', type: 'system', object_id: '6447f8a7caa17d71c56b2dca' },
      to: { name: 'john.doe', type: 'user', object_id: '636b8c40f03d374a5c7f6ceb' },
    },
    attributes: null,
  },
  auth_method: 'session',
  event_type: 'association_change',
  provider: null,
  service: 'directory',
  success: true,
  organization: '641b3db57090821c0b2f8183',
  '@version': '1',
  id: '64930a6d00466f31842811a1',
  timestamp: '2023-06-21T14:34:21.089Z',
};

const USER_UPDATE_SAMPLE = {
  initiated_by: { id: '5bf6defbdcd8233029e0c599', source: 'scim', type: 'admin', email: 'admin@example.com' },
  resource: { id: '628cf9c0d6f4831f8192fa8d', type: 'user', username: 'john.wick' },
  changes: [
    { field: 'state', from: 'ACTIVATED', to: 'SUSPENDED' },
    { field: 'suspended', from: false, to: true },
  ],
  event_type: 'user_update',
  service: 'directory',
  organization: '641b3db57090821c0b2f8183',
  id: '64908c2ef675033f5a7a5e1e',
  timestamp: '2023-06-19T17:11:10.381Z',
};

const withConnection = (from: object, to: object) => ({
  ...ASSOCIATION_SAMPLE,
  association: { ...ASSOCIATION_SAMPLE.association, connection: { from, to } },
});

describe('what an event means', () => {
  it('reads an association_change as the edge between its ends, whatever their order', () => {
    expect(interpretEvent(ASSOCIATION_SAMPLE).effects).toEqual([
      {
        kind: 'edge',
        membership: false,
        a: { type: 'system', id: '6447f8a7caa17d71c56b2dca' },
        b: { type: 'user', id: '636b8c40f03d374a5c7f6ceb' },
      },
    ]);
    const remove = {
      ...ASSOCIATION_SAMPLE,
      association: { ...ASSOCIATION_SAMPLE.association, op: 'remove', attributes: { sudo: { enabled: true } } },
    };
    expect(interpretEvent(remove).effects[0]).toMatchObject({ kind: 'edge', membership: false });
  });

  it('reads group memberships (from the group to the member), in any letter case', () => {
    // JumpCloud's own dashboards filter on association.connection.from.type = "USER_GROUP".
    const e = interpretEvent({
      ...withConnection(
        { type: 'USER_GROUP', object_id: 'aaaaaaaaaaaaaaaaaaaaaaaa', name: 'Eng' },
        { type: 'User', object_id: 'bbbbbbbbbbbbbbbbbbbbbbbb' },
      ),
      event_type: 'ASSOCIATION_CHANGE',
    });
    expect(e.eventType).toBe('association_change');
    expect(e.effects).toEqual([
      {
        kind: 'edge',
        membership: true,
        a: { type: 'user_group', id: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
        b: { type: 'user', id: 'bbbbbbbbbbbbbbbbbbbbbbbb' },
      },
    ]);
    const systems = interpretEvent(withConnection({ type: 'system', object_id: 's1' }, { type: 'SYSTEM_GROUP', object_id: 'g1' }));
    expect(systems.effects).toEqual([
      { kind: 'edge', membership: true, a: { type: 'system', id: 's1' }, b: { type: 'system_group', id: 'g1' } },
    ]);
    // A user group bound to a device group is an association, not a membership.
    expect(
      interpretEvent(withConnection({ type: 'user_group', object_id: 'u' }, { type: 'system_group', object_id: 's' })).effects[0],
    ).toMatchObject({ membership: false });
  });

  it("reads the API's other spellings of types (systemuser, usergroup, …)", () => {
    expect(interpretEvent(withConnection({ type: 'usergroup', object_id: 'g' }, { type: 'systemuser', object_id: 'u' })).effects).toEqual([
      { kind: 'edge', membership: true, a: { type: 'user_group', id: 'g' }, b: { type: 'user', id: 'u' } },
    ]);
  });

  it('looks at the modelled end when the other is not modelled or not known, and gives up when neither is', () => {
    expect(
      interpretEvent(withConnection({ type: 'agent_group', object_id: 'x' }, { type: 'application', object_id: 'app' })).effects,
    ).toEqual([{ kind: 'object', ref: { type: 'application', id: 'app' }, change: 'edges' }]);
    expect(interpretEvent(withConnection({ type: 'device_fleet', object_id: 'x' }, { type: 'user', object_id: 'u' })).effects).toEqual([
      { kind: 'object', ref: { type: 'user', id: 'u' }, change: 'edges' },
    ]);
    const lost = interpretEvent(withConnection({ type: 'device_fleet', object_id: 'x' }, { type: 'printer', object_id: 'p' }));
    expect(lost.effects).toEqual([{ kind: 'unknown', reason: expect.stringContaining('device_fleet and printer') }]);
    expect(interpretEvent({ ...ASSOCIATION_SAMPLE, association: { op: 'add' } }).effects[0]).toMatchObject({ kind: 'unknown' });
    // Two modelled types that have no edge between them: both ends are looked at.
    expect(interpretEvent(withConnection({ type: 'user', object_id: 'u' }, { type: 'command', object_id: 'c' })).effects).toHaveLength(2);
  });

  it('reads lifecycle events from their resource: creations, deletions, record changes and updates that can move memberships', () => {
    expect(interpretEvent(USER_UPDATE_SAMPLE).effects).toEqual([
      { kind: 'object', ref: { type: 'user', id: '628cf9c0d6f4831f8192fa8d' }, change: 'edges' },
    ]);
    // The DI spec's example names users `systemuser`.
    expect(
      interpretEvent({ ...USER_UPDATE_SAMPLE, event_type: 'User_Create', resource: { type: 'SystemUser', id: 'u1' } }).effects,
    ).toEqual([{ kind: 'object', ref: { type: 'user', id: 'u1' }, change: 'create' }]);
    expect(interpretEvent({ event_type: 'group_update', resource: { type: 'system_group', id: 'g' } }).effects).toEqual([
      { kind: 'object', ref: { type: 'system_group', id: 'g' }, change: 'edges' },
    ]);
    expect(interpretEvent({ event_type: 'group_delete', resource: { type: 'user_group', id: 'g' } }).effects).toEqual([
      { kind: 'object', ref: { type: 'user_group', id: 'g' }, change: 'delete' },
    ]);
    expect(interpretEvent({ event_type: 'application_update', resource: { type: 'application', id: 'a' } }).effects).toEqual([
      { kind: 'object', ref: { type: 'application', id: 'a' }, change: 'record' },
    ]);
    expect(interpretEvent({ event_type: 'radiusserver_create', resource: { type: 'radius_server', id: 'r' } }).effects[0]).toMatchObject({
      ref: { type: 'radius_server' },
      change: 'create',
    });
    expect(interpretEvent({ event_type: 'o365_directory_delete', resource: { id: 'o' } }).effects).toEqual([
      { kind: 'object', ref: { type: 'office_365', id: 'o' }, change: 'delete' },
    ]);
    expect(interpretEvent({ event_type: 'user_suspended', resource: { type: 'user', id: 'u' } }).effects[0]).toMatchObject({
      change: 'edges',
    });
    expect(interpretEvent({ event_type: 'user_admin_granted', resource: { type: 'user', id: 'u' } }).effects).toEqual([
      { kind: 'object', ref: { type: 'user', id: 'u' }, change: 'edges' },
    ]);
    // A group event that does not say which group: every group type.
    expect(interpretEvent({ event_type: 'group_update' }).effects.map((e: any) => e.type)).toEqual([
      'user_group',
      'system_group',
      'policy_group',
    ]);
  });

  it('ignores what changes nothing (logins, passwords, admins, other services)', () => {
    for (const type of [
      'admin_login_attempt',
      'USER_LOGIN_ATTEMPT',
      'user_password_change',
      'command_run',
      'organization_update',
      'connectwise_settings_update',
    ]) {
      expect(interpretEvent({ event_type: type, service: 'directory' }).effects, type).toEqual([]);
    }
    expect(interpretEvent({ ...ASSOCIATION_SAMPLE, service: 'sso' }).effects).toEqual([]);
  });

  it('does not guess an unknown event type: the object it names, its type, or unknown', () => {
    expect(interpretEvent({ event_type: 'user_quantum_entangle', resource: { type: 'user', id: 'u' } }).effects).toEqual([
      { kind: 'object', ref: { type: 'user', id: 'u' }, change: 'edges' },
    ]);
    expect(interpretEvent({ event_type: 'system_teleport' }).effects).toEqual([{ kind: 'type', type: 'system' }]);
    expect(interpretEvent({ event_type: 'frobnicate' }).effects).toEqual([
      { kind: 'unknown', reason: expect.stringContaining('frobnicate') },
    ]);
    expect(interpretEvent({ event_type: 'agent_update', resource: { type: 'agent', id: 'x' } }).effects).toEqual([]);
    expect(interpretEvent('nonsense').effects[0]).toMatchObject({ kind: 'unknown' });
    expect(interpretEvent({ id: 'x' }).effects[0]).toMatchObject({ kind: 'unknown', reason: 'an event without an event_type' });
  });

  it('never throws, whatever the event (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.record({ event_type: fc.string(), association: fc.anything(), resource: fc.anything() })),
        (raw) => {
          const e = interpretEvent(raw);
          expect(Array.isArray(e.effects)).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('classifies every directory event type the Directory Insights spec lists (none is unknown)', () => {
    const description: string = loadSpec(INSIGHTS_SPEC_PATH)['info']['description'];
    const sections = description.split(/\n## /).filter((s) => s.startsWith('Directory - '));
    const types = new Set<string>();
    for (const section of sections) for (const m of section.matchAll(/^ ([a-z0-9_]+)\s+\|/gm)) if (m[1] !== 'Event') types.add(m[1]!);
    expect(types.size).toBeGreaterThan(100);
    const unclassified = [...types].filter((type) => {
      const known =
        type === 'association_change' ||
        NO_GRAPH_CHANGE.has(type) ||
        /^(connectwise|autotask|syncro)_/.test(type) ||
        /^user_admin_(granted|revoked)$/.test(type);
      const lifecycle = Object.keys(LIFECYCLE_ACTIONS).some(
        (a) => type.endsWith(`_${a}`) && LIFECYCLE_OBJECTS[type.slice(0, -a.length - 1)] !== undefined,
      );
      return !known && !lifecycle;
    });
    expect(unclassified).toEqual([]);
  });

  it("finds on the simulator's events of every kind of change the objects and edges it changed", async () => {
    await withSimulator({ preset: 'small', seed: 9 }, async (sim) => {
      const applied = sim.churn(150);
      const effects = sim.insightsEvents().flatMap((e) => interpretEvent(e).effects);
      expect(effects.filter((e) => e.kind === 'unknown')).toEqual([]);
      for (const a of applied) {
        if (a.effect === 'edge') {
          const ids = [a.from.id, a.to.id].sort().join();
          expect(
            effects.some((e) => e.kind === 'edge' && [e.a.id, e.b.id].sort().join() === ids && e.membership === a.membership),
            JSON.stringify(a.change),
          ).toBe(true);
        } else if (
          a.effect !== 'none' &&
          !['software_app', 'ldap_server', 'rule', 'idp_routing_policy', 'password_manager_item'].includes(a.object.type)
        ) {
          expect(
            effects.some((e) => e.kind === 'object' && e.ref.id === a.object.id),
            JSON.stringify(a.change),
          ).toBe(true);
        }
      }
      expect(firstOf(sim.tenant(), 'user')).toBeDefined();
    });
  });
});
