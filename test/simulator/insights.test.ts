/**
 * The simulator's Directory Insights: `POST /insights/directory/v1/events` as its spec documents it
 * (body checks, limit, sort, search_after paging and headers, errors), events shaped as JumpCloud's
 * for every change, and the log's behaviours: events-lag, silent-changes, retention, denial, faults.
 * A Prism proxy validating the official Directory Insights spec checks requests and answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.ts';
import { startPrism } from '../helpers/prism.ts';
import { INSIGHTS_SPEC_PATH } from '../helpers/spec.ts';
import { manualClock } from '../helpers/clock.ts';
import { firstOf, objectsOf, withSimulator } from '../helpers/sim.ts';

const PATH = '/insights/directory/v1/events';
const HOUR = 3_600_000;

interface EventsAnswer {
  status: number;
  headers: Headers;
  body: any;
}

async function post(
  target: Pick<Simulator, 'baseUrl' | 'apiKey'>,
  body: unknown,
  options: { key?: string; root?: string; orgId?: string } = {},
): Promise<EventsAnswer> {
  const headers: Record<string, string> = { 'x-api-key': options.key ?? target.apiKey, 'content-type': 'application/json' };
  if (options.orgId) headers['x-org-id'] = options.orgId;
  const r = await fetch(options.root ?? target.baseUrl + PATH, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text
  }
  return { status: r.status, headers: r.headers, body: parsed };
}

/** Every event from `start` on, paged as the spec says, with the pages' headers. */
async function allEvents(sim: Simulator, start: string, limit?: number): Promise<{ events: any[]; pages: EventsAnswer[] }> {
  const pages: EventsAnswer[] = [];
  const events: any[] = [];
  let after: unknown;
  for (;;) {
    const r = await post(sim, {
      service: ['directory'],
      start_time: start,
      sort: 'ASC',
      ...(limit ? { limit } : {}),
      ...(after ? { search_after: after } : {}),
    });
    expect(r.status).toBe(200);
    pages.push(r);
    events.push(...r.body);
    after = JSON.parse(r.headers.get('x-search_after')!);
    if (Number(r.headers.get('x-result-count')) < Number(r.headers.get('x-limit'))) return { events, pages };
  }
}

const ref = (o: { type: string; id: string }) => ({ type: o.type, id: o.id });
const isoAgo = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('the events query', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ preset: 'tiny', seed: 3 });
  });
  afterAll(async () => sim?.close());

  it('refuses a wrong key, other methods and bad bodies, in the spec error shape', async () => {
    expect((await post(sim, { service: ['directory'], start_time: isoAgo(HOUR) }, { key: 'nope' })).status).toBe(401);
    const get = await fetch(`${sim.baseUrl}${PATH}`, { headers: { 'x-api-key': sim.apiKey } });
    expect(get.status).toBe(405);
    const bodies: [unknown, RegExp][] = [
      ['{not json', /not valid JSON/],
      [[], /JSON object/],
      [{ start_time: isoAgo(HOUR) }, /service is required/],
      [{ service: 'directory', start_time: isoAgo(HOUR) }, /service is required/],
      [
        { service: ['directory', 'bogus'], start_time: isoAgo(HOUR) },
        /unknown service "bogus"; supported values are alerts, all, directory/,
      ],
      [{ service: ['directory'] }, /start_time is required/],
      [{ service: ['directory'], start_time: 'yesterday' }, /RFC 3339/],
      [{ service: ['directory'], start_time: new Date(Date.now() + HOUR).toISOString() }, /future/],
      [{ service: ['directory'], start_time: isoAgo(HOUR), end_time: isoAgo(2 * HOUR) }, /before start_time/],
      [{ service: ['directory'], start_time: isoAgo(HOUR), sort: 'sideways' }, /ASC or DESC/],
      [{ service: ['directory'], start_time: isoAgo(HOUR), search_after: 'x' }, /search_after/],
    ];
    for (const [body, message] of bodies) {
      const r = await post(sim, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(r.body)).toEqual(['message']);
      expect(r.body.message).toMatch(message);
    }
  });

  it('limits pages to 1000 by default and 10000 at most; other limits fall back to 1000', async () => {
    const start = isoAgo(100 * 24 * HOUR);
    for (const [limit, expected] of [
      [undefined, 1000],
      [5, 5],
      [10_000, 10_000],
      [10_001, 1000],
      [0, 1000],
      [-3, 1000],
      [2.5, 1000],
      ['50', 1000],
    ] as const) {
      const r = await post(sim, { service: ['directory'], start_time: start, ...(limit !== undefined ? { limit } : {}) });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-limit'), String(limit)).toBe(String(expected));
      expect(Number(r.headers.get('x-result-count'))).toBe(r.body.length);
      expect(r.body.length).toBeLessThanOrEqual(expected);
    }
  });

  it('pages with search_after until X-Result-Count is below X-Limit, each event once, in order both ways', async () => {
    const start = isoAgo(100 * 24 * HOUR);
    const whole = await allEvents(sim, start, 10_000);
    expect(whole.pages).toHaveLength(1);
    expect(whole.events.length).toBeGreaterThan(300); // 90 days of history noise
    const paged = await allEvents(sim, start, 37);
    expect(paged.pages.length).toBe(Math.floor(whole.events.length / 37) + 1);
    expect(paged.events.map((e) => e.id)).toEqual(whole.events.map((e) => e.id));
    const times = paged.events.map((e) => Date.parse(e.timestamp));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // The header is there on the last page too, and always a JSON array.
    for (const page of paged.pages) expect(Array.isArray(JSON.parse(page.headers.get('x-search_after')!))).toBe(true);
    expect(paged.pages.every((p) => p.headers.get('x-sort') === 'ASC' && p.headers.get('x-request-id'))).toBe(true);
    const desc = await post(sim, { service: ['directory'], start_time: start, sort: 'DESC', limit: 10_000 });
    expect(desc.headers.get('x-sort')).toBe('DESC');
    expect(desc.body.map((e: any) => e.id)).toEqual(whole.events.map((e) => e.id).reverse());
    // Other services hold none of these; `all` holds them all.
    expect((await post(sim, { service: ['radius'], start_time: start })).body).toEqual([]);
    expect((await post(sim, { service: ['all'], start_time: start, limit: 10_000 })).body).toHaveLength(whole.events.length);
  });
});

describe('events of changes', () => {
  it('logs each change as JumpCloud does: association_change for edges, <object>_create/update/delete with resource and changes', async () => {
    await withSimulator({ preset: 'tiny', seed: 6 }, async (sim) => {
      const t = sim.tenant();
      const since = new Date().toISOString();
      const inGroup = (groupId: string, id: string) => t.edges.some((e) => e.from.id === groupId && e.to.id === id);
      const active = objectsOf(t, 'user').filter((u) => u.record['state'] === 'ACTIVATED');
      // A static group, so that the memberships changed by hand are all that changes in it.
      const group = objectsOf(t, 'user_group').find(
        (g) =>
          g.record['membershipMethod'] === 'STATIC' && active.some((u) => inGroup(g.id, u.id)) && active.some((u) => !inGroup(g.id, u.id)),
      )!;
      const user = active.find((u) => !inGroup(group.id, u.id))!;
      const system = firstOf(t, 'system');
      const sudo = { sudo: { enabled: true, withoutPassword: false } };
      const applied = sim.applyChanges([
        { kind: 'remove-member', group: ref(group), member: ref(active.find((u) => inGroup(group.id, u.id))!) },
        { kind: 'add-member', group: ref(group), member: ref(user) },
        { kind: 'associate', a: ref(user), b: ref(system), attributes: sudo },
        { kind: 'create', type: 'system_group', record: { name: 'Kiosks' } },
        { kind: 'update', ref: ref(user), set: { suspended: true, state: 'SUSPENDED' } },
        { kind: 'delete', ref: ref(firstOf(t, 'command')) },
      ]);
      expect(applied.every((a) => a.effect !== 'none')).toBe(true);
      const changeEvents = (await allEvents(sim, since)).events.filter(
        (e) => !/login|password|command_run|admin_update/.test(e.event_type),
      );
      // The memberships the rules of dynamic groups made after a change (the suspension's) are logged after it.
      const ruleMade = changeEvents.filter((e) => e.association?.action_source === 'automated');
      expect(
        ruleMade.map((e) => [e.association.op, e.association.connection.from.object_id, e.association.connection.to.object_id]),
      ).toEqual(applied.flatMap((a) => (a.ruleMade ?? []).map((m) => [m.op, m.group.id, m.member.id])));
      expect(ruleMade.length).toBeGreaterThan(0);
      const events = changeEvents.filter((e) => !ruleMade.includes(e));
      expect(events.map((e) => e.event_type)).toEqual([
        'association_change',
        'association_change',
        'association_change',
        'group_create',
        'user_update',
        'command_delete',
      ]);
      for (const e of events) {
        expect(e).toMatchObject({
          id: expect.stringMatching(/^[0-9a-f]{24}$/),
          service: 'directory',
          organization: t.orgId,
          initiated_by: { type: 'admin' },
        });
        expect(Date.parse(e.timestamp)).toBeGreaterThanOrEqual(Date.parse(since));
      }
      const [removed, added, associated, created, updated, deleted] = events;
      expect(removed.association).toMatchObject({ op: 'remove', connection: { from: { object_id: group.id, type: 'user_group' } } });
      expect(added.association).toMatchObject({
        op: 'add',
        attributes: null,
        connection: {
          from: { object_id: group.id, type: 'user_group', name: group.record['name'] },
          to: { object_id: user.id, type: 'user' },
        },
      });
      expect(associated.association.op).toBe('add');
      expect(associated.association.attributes).toEqual(sudo);
      expect([associated.association.connection.from.object_id, associated.association.connection.to.object_id].sort()).toEqual(
        [user.id, system.id].sort(),
      );
      expect(created.resource).toMatchObject({ type: 'system_group', name: 'Kiosks' });
      expect(updated.resource).toMatchObject({ id: user.id, type: expect.stringMatching(/^(user|systemuser)$/) });
      expect(updated.changes).toEqual(
        expect.arrayContaining([
          { field: 'suspended', from: false, to: true },
          { field: 'state', from: 'ACTIVATED', to: 'SUSPENDED' },
        ]),
      );
      expect(deleted.resource.type).toBe('command');
    });
  });

  it('events-lag=S: an event is visible only S seconds after it happened', async () => {
    const clock = manualClock();
    await withSimulator({ preset: 'tiny', seed: 6, faults: { 'events-lag': 1.5 }, clock }, async (sim) => {
      const since = new Date(clock.epochMs()).toISOString();
      sim.churn(3);
      const changes = async () =>
        (await allEvents(sim, since)).events.filter(
          (e) => /^(association_change|.*_(create|update|delete))$/.test(e.event_type) && e.event_type !== 'admin_update',
        );
      expect(await changes()).toEqual([]);
      clock.advance(1_499);
      expect(await changes()).toEqual([]);
      clock.advance(1);
      expect((await changes()).length).toBe(3);
    });
  });

  it('silent-changes=P: a share P of the changes leaves no event', async () => {
    for (const [p, check] of [
      [1, (n: number) => n === 0],
      [0.5, (n: number) => n > 40 && n < 160],
    ] as const) {
      await withSimulator({ preset: 'small', seed: 6, faults: { 'silent-changes': p } }, async (sim) => {
        const since = new Date().toISOString();
        sim.churn(200);
        // A change's own event (what its dynamic groups' rules did after it is logged, or silenced, with it).
        const logged = (await allEvents(sim, since)).events.filter(
          (e) =>
            (e.event_type === 'association_change' && e.association.action_source !== 'automated') ||
            /^(user|group|system|application|command|policy)_(create|update|delete)$/.test(e.event_type),
        );
        expect(check(logged.length), `${p}: ${logged.length} of 200 logged`).toBe(true);
        expect(sim.silencedChanges()).toBe(200 - logged.length);
      });
    }
  });

  it('keeps retentionDays of events: nothing older comes back, and the history reaches back that far', async () => {
    const clock = manualClock();
    await withSimulator({ preset: 'tiny', seed: 6, insights: { retentionDays: 15 }, clock }, async (sim) => {
      const oldest = async () => {
        const { events } = await allEvents(sim, new Date(clock.epochMs() - 60 * 24 * HOUR).toISOString());
        return Math.min(...events.map((e) => Date.parse(e.timestamp)));
      };
      const first = await oldest();
      expect(first).toBeGreaterThanOrEqual(clock.epochMs() - 15 * 24 * HOUR);
      expect(first).toBeLessThan(clock.epochMs() - 14 * 24 * HOUR);
      // Two days on, the events of the first two days have aged out.
      clock.advance(2 * 24 * HOUR);
      const later = await oldest();
      expect(later).toBeGreaterThanOrEqual(clock.epochMs() - 15 * 24 * HOUR);
      expect(later).toBeGreaterThan(first);
    });
  });

  it('takes hand-written events (tests), in their place in time', async () => {
    await withSimulator({ preset: 'tiny', seed: 6 }, async (sim) => {
      const at = new Date(Date.now() - 60_000).toISOString();
      sim.logEvents([
        { event_type: 'frobnicate', resource: { type: 'user', id: 'x' }, timestamp: at },
        { event_type: 'user_login_attempt' },
      ]);
      const { events } = await allEvents(sim, isoAgo(2 * 60_000));
      const injected = events.find((e) => e.event_type === 'frobnicate');
      expect(injected).toMatchObject({ service: 'directory', timestamp: at, id: expect.any(String) });
      expect(events.indexOf(injected)).toBeLessThan(
        events.findIndex((e) => e.event_type === 'user_login_attempt' && Date.parse(e.timestamp) > Date.parse(at)),
      );
    });
  });

  it('answers 401, 402 or 403 when access is denied', async () => {
    for (const denied of [401, 402, 403] as const) {
      await withSimulator({ preset: 'tiny', seed: 6, insights: { denied } }, async (sim) => {
        const r = await post(sim, { service: ['directory'], start_time: isoAgo(HOUR) });
        expect(r.status).toBe(denied);
        expect(typeof r.body.message).toBe('string');
      });
    }
  });

  it('meets the request faults too (server errors, at most two in a row)', async () => {
    await withSimulator({ preset: 'tiny', seed: 6, faults: { 'server-errors': 1 } }, async (sim) => {
      const body = { service: ['directory'], start_time: isoAgo(HOUR) };
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(sim, body)).status);
      expect(statuses.slice(0, 2).every((s) => s >= 500)).toBe(true);
      expect(statuses[2]).toBe(200);
    });
  });
});

describe('against the official Directory Insights spec, through a Prism proxy', () => {
  it('requests and answers (events, paging headers, errors) break no rule of the spec', async () => {
    const options: SimulatorOptions = { preset: 'tiny', seed: 7 };
    await withSimulator(options, async (sim) => {
      sim.churn(20);
      const prism = await startPrism({ mode: 'proxy', spec: INSIGHTS_SPEC_PATH, upstream: `${sim.baseUrl}/insights/directory/v1` });
      try {
        await prism.ready;
        const root = `${prism.url}/events`;
        const exchanges = [
          await post(sim, { service: ['directory'], start_time: isoAgo(HOUR), limit: 5 }, { root, orgId: sim.orgIds[0] }),
          await post(
            sim,
            { service: ['directory'], start_time: isoAgo(100 * 24 * HOUR), sort: 'DESC', limit: 10_000 },
            { root, orgId: sim.orgIds[0] },
          ),
          await post(
            sim,
            { service: ['directory'], start_time: new Date(Date.now() + HOUR).toISOString() },
            { root, orgId: sim.orgIds[0] },
          ),
          await post(sim, { service: ['directory'], start_time: isoAgo(HOUR) }, { root, key: 'wrong', orgId: sim.orgIds[0] }),
        ];
        expect(exchanges.map((x) => x.status)).toEqual([200, 200, 400, 401]);
        for (const x of exchanges) {
          const violations = x.headers.get('sl-violations');
          expect(violations, violations ?? '').toBeNull();
          expect((x.headers.get('content-type') ?? '').includes('problem+json'), JSON.stringify(x.body).slice(0, 300)).toBe(false);
        }
        expect(exchanges[0]!.body).toHaveLength(5);
      } finally {
        await prism.stop();
      }
    });
  }, 120_000);
});
