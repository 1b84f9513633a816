/**
 * The simulator: a node:http server on loopback speaking the JumpCloud v1 and v2 APIs for one or more
 * generated (or given) organizations. GET only, but for the two POSTs of ./insights.ts: Directory
 * Insights' read-only events query, and the change door tests use (off unless `allowChanges`);
 * `x-api-key` checked; `x-org-id` selects the organization; paging by `limit`/`skip`; optional rate
 * limit and faults (./faults.ts); optional churn, random changes applied as time passes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import type { JsonObject, JsonValue, ObjectRef, TenantData } from '../../model/index.ts';
import { SimulatorError } from '../errors.ts';
import { defaultOrgId, generateTenant } from '../generate.ts';
import type { AppliedChange, SimChange } from '../changes/changes.ts';
import { randomChange } from '../changes/churn.ts';
import type { PresetName } from '../presets.ts';
import { Rng, hash32 } from '../random.ts';
import { parseTargets } from '../reference/answers.ts';
import { OrgContent } from './content.ts';
import {
  CHANGES_PATH,
  INSIGHTS_EVENTS_PATH,
  answerChanges,
  answerEvents,
  insightsError,
  readBody,
  type InsightsDenial,
} from './insights.ts';
import {
  type FaultName,
  type FaultSettings,
  DEFAULT_DROP_PAUSE_MS,
  FaultInjector,
  distortedPage,
  faultSettings,
  pickBrokenObjects,
  withNulls,
} from './faults.ts';
import { parsePaging } from './query.ts';
import { TokenBucket } from './rate-limit.ts';
import { type ApiVersion, errorBody } from './responses.ts';
import { type Route, V1_ROOT, V2_ROOT, apiOf, resolveRoute, routeName } from './routes.ts';

export interface SimulatorOptions {
  /**
   * Preset of the generated organizations.
   * @default 'tiny'
   */
  preset?: PresetName;
  /**
   * Seed of the first organization.
   * @default 1
   */
  seed?: number;
  /**
   * Organizations served; organization i is generated with seed + i and a deterministic id.
   * @default 1
   */
  orgs?: number;
  /**
   * Serve these tenants instead of generating (the first is the default organization).
   * @default none (generated from `preset` and `seed`)
   */
  tenants?: readonly TenantData[];
  /**
   * Loopback address to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Port.
   * @default 0 (a free port)
   */
  port?: number;
  /**
   * The key clients must send in `x-api-key`.
   * @default a fresh random key per start
   */
  apiKey?: string;
  /**
   * Token-bucket requests per second across all organizations; beyond it 429.
   * @default none (no limit)
   */
  rate?: number;
  /**
   * Faults to switch on: names (each at its default intensity) or name → probability.
   * @default none
   */
  faults?: readonly FaultName[] | FaultSettings;
  /**
   * Seed of every fault decision.
   * @default 1
   */
  faultSeed?: number;
  /**
   * Serve `POST /simulator/v1/changes`, which applies a list of changes (tests).
   * @default false
   */
  allowChanges?: boolean;
  /**
   * Random changes applied per minute to every organization, as time passes.
   * @default none
   */
  churn?: number;
  /**
   * Seed of the random changes (churn and `Simulator.churn`).
   * @default `seed`
   */
  churnSeed?: number;
  /**
   * Directory Insights: days of events kept, and a status the events API answers instead (not in the plan, …).
   * @default 90 days of events, answered normally
   */
  insights?: { readonly retentionDays?: number; readonly denied?: InsightsDenial };
  /**
   * How long `drop-after` refuses connections, in milliseconds.
   * @default 60000
   */
  dropPauseMs?: number;
  /**
   * Called as each request ends: its URL (path and query) and its byStatus key (`200`, `403`, `reset`, `truncated`, `dropped`).
   * @default none
   */
  onAnswer?: (url: string, status: string) => void;
}

export interface SimulatorStats {
  requests: number;
  /**
   * Count per HTTP status (as a string), plus `reset` for connections destroyed without an answer,
   * `truncated` for 200s cut short, `dropped` for requests cut by `drop-after` and `refused` for
   * connections refused during its pause.
   */
  byStatus: Record<string, number>;
  /** Count per route template (`/api/v2/users/{user_id}/systems`), `unknown` for unserved paths. */
  byRoute: Record<string, number>;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT`: the console root; v1 at `${baseUrl}/api`, v2 at `${baseUrl}/api/v2`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** The organizations served; the first is used when `x-org-id` is absent. */
  readonly orgIds: readonly string[];
  /** The organization as it is now (it changes with churn and applied changes). */
  tenant(orgId?: string): TenantData;
  /** Applies changes to an organization and logs them in its Directory Insights log. */
  applyChanges(changes: readonly SimChange[], orgId?: string): AppliedChange[];
  /** Applies `count` random changes that each change something (what `churn` does as time passes). */
  churn(count: number, orgId?: string): AppliedChange[];
  /** Adds events to an organization's Directory Insights log as they are given (tests: unknown or repeated events). */
  logEvents(events: readonly JsonObject[], orgId?: string): void;
  /** Every event of an organization's Directory Insights log, visible yet or not (for tests). */
  insightsEvents(orgId?: string): readonly JsonObject[];
  /** Changes that left no event because of `silent-changes`. */
  silencedChanges(orgId?: string): number;
  /** The objects `broken-objects` breaks, per organization (empty when the fault is off). */
  brokenObjects(orgId?: string): readonly ObjectRef[];
  stats(): SimulatorStats;
  resetStats(): void;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
const NULLED_CACHE_SIZE = 64;

function tenantsFor(options: SimulatorOptions): TenantData[] {
  if (options.tenants) {
    if (options.tenants.length === 0) throw new SimulatorError('tenants must hold at least one organization');
    return [...options.tenants];
  }
  const orgs = options.orgs ?? 1;
  if (!Number.isInteger(orgs) || orgs < 1) throw new SimulatorError(`orgs must be a positive integer, not ${String(orgs)}`);
  const seed = options.seed ?? 1;
  return Array.from({ length: orgs }, (_, i) =>
    generateTenant({ preset: options.preset ?? 'tiny', seed: seed + i, orgId: defaultOrgId(seed + i) }),
  );
}

function keyMatches(expected: Buffer, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const buffer = Buffer.from(given);
  return buffer.length === expected.length && timingSafeEqual(buffer, expected);
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

interface Answer {
  readonly status: number;
  readonly body: JsonValue;
  readonly headers?: Record<string, string>;
}

/** Starts the simulated JumpCloud API on a loopback port, serving generated (or given) tenants; close() stops it. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new SimulatorError(`the simulator listens on loopback only, not on "${host}"`);
  if (options.rate !== undefined && !(options.rate > 0))
    throw new SimulatorError(`rate must be a positive number of requests per second, not ${String(options.rate)}`);
  if (options.churn !== undefined && !(options.churn > 0))
    throw new SimulatorError(`churn must be a positive number of changes per minute, not ${String(options.churn)}`);
  const retentionDays = options.insights?.retentionDays ?? 90;
  if (!(retentionDays > 0)) throw new SimulatorError(`retentionDays must be a positive number of days, not ${String(retentionDays)}`);
  const tenants = tenantsFor(options);
  const faultConfig = faultSettings(options.faults);
  const orgs = new Map<string, OrgContent>();
  const startedMs = Date.now();
  for (const tenant of tenants) {
    if (orgs.has(tenant.orgId)) throw new SimulatorError(`two tenants have the organization id "${tenant.orgId}"`);
    orgs.set(
      tenant.orgId,
      new OrgContent(
        tenant,
        {
          retentionDays,
          lagSeconds: faultConfig['events-lag'] ?? 0,
          silentShare: faultConfig['silent-changes'] ?? 0,
          seed: options.faultSeed ?? 1,
        },
        startedMs,
      ),
    );
  }
  const orgIds = tenants.map((t) => t.orgId);
  const apiKey = options.apiKey ?? randomBytes(20).toString('hex');
  const expectedKey = Buffer.from(apiKey);
  const bucket = options.rate !== undefined ? new TokenBucket(options.rate) : undefined;
  const faults = new FaultInjector(faultConfig, options.faultSeed ?? 1);
  const broken = new Map(
    tenants.map((t) => [t.orgId, pickBrokenObjects(t.objects, faultConfig['broken-objects'] ?? 0, options.faultSeed ?? 1)]),
  );
  const brokenIds = new Map([...broken].map(([org, objects]) => [org, new Set(objects.map((o) => o.id))]));
  const dropAfter = faultConfig['drop-after'];
  const dropPauseMs = options.dropPauseMs ?? DEFAULT_DROP_PAUSE_MS;
  let dropUntil = -Infinity;
  const sockets = new Set<Socket>();
  const nulled = new Map<string, readonly (JsonValue | null)[]>();
  let stats: SimulatorStats = { requests: 0, byStatus: {}, byRoute: {} };

  const count = (status: string, url?: string): void => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    if (url !== undefined) options.onAnswer?.(url, status);
  };
  const dropping = (): boolean => performance.now() < dropUntil;

  /** The collection with `nulls` entries inserted, cached per collection. */
  const virtualCollection = (collectionKey: string, items: readonly JsonValue[]): readonly (JsonValue | null)[] => {
    const cached = nulled.get(collectionKey);
    if (cached) return cached;
    const positions = faults.nullPositions(collectionKey, items.length);
    if (positions.length === 0) return items;
    const virtual = withNulls(items, positions);
    if (nulled.size >= NULLED_CACHE_SIZE) {
      const oldest = nulled.keys().next().value;
      if (oldest !== undefined) nulled.delete(oldest);
    }
    nulled.set(collectionKey, virtual);
    return virtual;
  };

  const answerCollection = (route: Route, org: OrgContent, params: URLSearchParams, requestKey: string): Answer => {
    const shape = route.kind === 'list' ? route.list.shape : 'v2';
    const paging = parsePaging(params, shape === 'v2-rules' ? 100 : 10);
    let items: readonly JsonValue[];
    let collectionKey: string;
    if (route.kind === 'list') {
      items = org.listItems(route);
      collectionKey = `${org.tenant.orgId}|${route.path}`;
    } else {
      const targets = route.endpoint.kind === 'associations' ? parseTargets(route.endpoint, params.getAll('targets')).sort() : [];
      items = org.graphItems(route, targets) as unknown as JsonValue[];
      collectionKey = `${org.tenant.orgId}|${route.endpoint.path}|${route.id}|${targets.join(',')}`;
    }
    if (paging.descending) {
      items = [...items].reverse();
      collectionKey += '|desc';
    }
    const hasTotal = shape === 'v1' || (shape === 'v2' && !faults.withholdsTotal(collectionKey));
    const virtual = virtualCollection(collectionKey, items);
    const distortion = faults.pageDistortion(collectionKey, requestKey, virtual.length, paging.skip, paging.limit, hasTotal);
    const { page, total } = distortedPage(virtual, paging.skip, paging.limit, distortion);
    if (shape === 'v1') return { status: 200, body: { totalCount: total, results: page } };
    if (shape === 'v2-rules') return { status: 200, body: { count: page.length, rules: page } };
    return { status: 200, body: page, headers: hasTotal ? { 'x-total-count': String(total) } : {} };
  };

  const send = (res: ServerResponse, answer: Answer, malformed = false, truncated = false): void => {
    let text = JSON.stringify(answer.body);
    if (malformed) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    const body = Buffer.from(text);
    count(truncated ? 'truncated' : String(answer.status), res.req.url ?? '');
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(body.length),
      ...answer.headers,
    });
    if (!truncated) {
      res.end(body);
      return;
    }
    // The whole length announced, half of it sent, then the connection closed: a body cut mid-JSON.
    const socket = res.socket;
    res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))));
    socket?.end(); // what was written is flushed, then the connection closes short of the announced length
    socket?.setTimeout(1_000, () => socket.destroy());
  };

  const error = (api: ApiVersion, status: number, message: string, reason?: string, headers?: Record<string, string>): Answer => ({
    status,
    body: errorBody(api, status, message, reason),
    ...(headers ? { headers } : {}),
  });

  const churnRng = new Rng(hash32(`churn:${options.churnSeed ?? options.seed ?? 1}`));
  const orgOf = (orgId: string | undefined): OrgContent => {
    const org = orgs.get(orgId ?? orgIds[0] ?? '');
    if (!org) throw new SimulatorError(`organization "${orgId ?? ''}" is not served by this simulator`);
    return org;
  };
  /** Changes to an organization, and the collections the server caches for it dropped. */
  const applyTo = (org: OrgContent, changes: readonly SimChange[]): AppliedChange[] => {
    try {
      return org.apply(changes, Date.now());
    } finally {
      for (const key of nulled.keys()) if (key.startsWith(`${org.tenant.orgId}|`)) nulled.delete(key);
    }
  };
  const churnOnce = (org: OrgContent, count: number): AppliedChange[] => {
    const out: AppliedChange[] = [];
    for (let misses = 0; out.length < count && misses < 100 * count + 100;) {
      const change = randomChange(org.tenant, churnRng);
      if (!change) break;
      const [applied] = applyTo(org, [change]);
      if (applied && applied.effect !== 'none') out.push(applied);
      else misses++;
    }
    return out;
  };
  const churnTimer =
    options.churn === undefined
      ? undefined
      : setInterval(() => {
          for (const org of orgs.values()) churnOnce(org, 1);
        }, 60_000 / options.churn);
  churnTimer?.unref();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (dropping()) {
      count('dropped', req.url ?? '');
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    if (url.pathname === INSIGHTS_EVENTS_PATH || url.pathname === CHANGES_PATH) return handlePost(req, res, url.pathname);
    const route = resolveRoute(url.pathname);
    const api = apiOf(url.pathname);
    stats.requests++;
    if (dropAfter !== undefined && stats.requests === dropAfter && dropUntil === -Infinity) {
      // This request is the last one served before the network goes: every connection closes once it is answered.
      dropUntil = Infinity;
      res.once('close', () => {
        dropUntil = performance.now() + dropPauseMs;
        for (const socket of sockets) socket.destroy();
      });
    }
    const name = routeName(route);
    stats.byRoute[name] = (stats.byRoute[name] ?? 0) + 1;

    if (req.method !== 'GET') {
      send(
        res,
        error(api, 405, `method ${String(req.method)} is not allowed: the simulator answers GET only`, undefined, { allow: 'GET' }),
      );
      return;
    }
    if (!keyMatches(expectedKey, req.headers['x-api-key'])) {
      send(res, error(api, 401, 'unauthorized: the x-api-key header is missing or does not match'));
      return;
    }
    const orgHeader = headerValue(req.headers['x-org-id']);
    const orgId = orgHeader ?? orgIds[0] ?? '';
    const org = orgs.get(orgId);
    if (!org) {
      send(res, error(api, 401, `unauthorized: organization "${orgHeader ?? ''}" is not served here (x-org-id)`));
      return;
    }

    if (bucket) {
      const wait = bucket.take();
      if (wait > 0) {
        const headers: Record<string, string> = faults.withholdRetryAfter ? {} : { 'retry-after': String(wait) };
        send(res, error(api, 429, 'too many requests: rate limit exceeded', undefined, headers));
        return;
      }
    }
    const relative = url.pathname.startsWith(`${V2_ROOT}/`) ? url.pathname.slice(V2_ROOT.length) : url.pathname.slice(V1_ROOT.length);
    const refusal = faults.refusal({
      path: relative,
      ...(route?.kind === 'list' ? { listTypes: route.types } : {}),
      ...(route?.kind === 'graph' ? { sourceType: route.endpoint.source } : {}),
    });
    if (refusal) {
      const messages = {
        402: 'payment required: this feature is not in the plan',
        403: 'forbidden: the API key lacks the rights for this',
        404: 'not found: this feature is not enabled',
      } as const;
      send(res, error(api, refusal.status, `${messages[refusal.status]} (simulated ${refusal.fault})`));
      return;
    }
    if (route?.kind === 'graph' && brokenIds.get(orgId)?.has(route.id)) {
      send(res, error(api, 500, 'internal server error (simulated: a broken object)'));
      return;
    }
    const requestKey = `${orgId}|${req.url ?? ''}`;
    const fault = faults.beforeRequest(requestKey);
    if (fault.kind === 'rate-limited') {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      send(res, error(api, 429, 'too many requests: rate limit exceeded', undefined, headers));
      return;
    }
    if (fault.kind === 'server-error') {
      const messages = { 500: 'internal server error', 502: 'bad gateway', 503: 'service unavailable' } as const;
      send(res, error(api, fault.status, `${messages[fault.status]} (simulated)`));
      return;
    }
    if (fault.kind === 'reset') {
      count('reset', req.url ?? '');
      req.socket.destroy();
      return;
    }
    if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));

    if (!route) {
      send(res, error(api, 404, `not found: the simulator serves no endpoint at ${url.pathname}`));
      return;
    }
    try {
      send(
        res,
        answerCollection(route, org, url.searchParams, requestKey),
        fault.malformed,
        !fault.malformed && faults.truncates(requestKey),
      );
      return;
    } catch (e) {
      if (e instanceof SimulatorError && e.status !== undefined) {
        send(res, error(api, e.status, e.message, e.reason));
        return;
      }
      throw e;
    }
  };

  /** The two POST endpoints: the Directory Insights events query, and the change door. */
  const handlePost = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    stats.requests++;
    stats.byRoute[path] = (stats.byRoute[path] ?? 0) + 1;
    const door = path === CHANGES_PATH;
    if (door && (!options.allowChanges || !isLoopback(req.socket.remoteAddress))) {
      send(res, error('v2', 404, `not found: the simulator serves no endpoint at ${path} (start it with allowChanges)`));
      return;
    }
    if (req.method !== 'POST') {
      send(
        res,
        door
          ? error('v2', 405, `method ${String(req.method)} is not allowed: POST only`, undefined, { allow: 'POST' })
          : insightsError(405, 'POST only', { allow: 'POST' }),
      );
      return;
    }
    if (!keyMatches(expectedKey, req.headers['x-api-key'])) {
      send(
        res,
        door
          ? error('v2', 401, 'unauthorized: the x-api-key header is missing or does not match')
          : insightsError(401, 'Unauthorized (Invalid API Key)'),
      );
      return;
    }
    const orgHeader = headerValue(req.headers['x-org-id']);
    const org = orgs.get(orgHeader ?? orgIds[0] ?? '');
    if (!org) {
      send(
        res,
        door
          ? error('v2', 401, `unauthorized: organization "${orgHeader ?? ''}" is not served here (x-org-id)`)
          : insightsError(401, `Unauthorized: organization "${orgHeader ?? ''}" is not served here`),
      );
      return;
    }
    let body: string;
    try {
      body = await readBody(req);
    } catch (e) {
      if (e instanceof SimulatorError) {
        send(res, door ? error('v2', 400, e.message) : insightsError(400, e.message));
        return;
      }
      throw e;
    }
    if (door) {
      const answer = answerChanges(
        body,
        (changes) => applyTo(org, changes),
        (n) => churnOnce(org, n),
      );
      org.warm();
      send(res, answer);
      return;
    }

    if (bucket) {
      const wait = bucket.take();
      if (wait > 0) {
        send(res, insightsError(429, 'Too Many Requests', faults.withholdRetryAfter ? {} : { 'retry-after': String(wait) }));
        return;
      }
    }
    const fault = faults.beforeRequest(`${org.tenant.orgId}|POST ${path}|${body}`);
    if (fault.kind === 'rate-limited') {
      send(
        res,
        insightsError(
          429,
          'Too Many Requests',
          fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) },
        ),
      );
      return;
    }
    if (fault.kind === 'server-error') {
      send(res, insightsError(fault.status, 'Technical difficulties processing your request (simulated)'));
      return;
    }
    if (fault.kind === 'reset') {
      count('reset');
      req.socket.destroy();
      return;
    }
    if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    send(res, answerEvents(org.insights, body, Date.now(), options.insights?.denied), fault.malformed);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = e instanceof Error ? e.message : String(e);
      send(res, error(apiOf(req.url ?? '/'), 500, `simulator failure: ${message}`));
    });
  });
  // Idle keep-alive sockets stay open a minute: a short server timeout races clients that reuse a socket
  // just as the server closes it (seen as resets on a busy machine), which would look like a fault.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    if (dropping()) {
      count('refused');
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    baseUrl,
    apiKey,
    orgIds,
    tenant: (orgId?: string): TenantData => orgOf(orgId).tenant,
    applyChanges: (changes, orgId) => applyTo(orgOf(orgId), changes),
    churn: (count, orgId) => churnOnce(orgOf(orgId), count),
    insightsEvents: (orgId) => orgOf(orgId).insights.all(),
    logEvents: (events, orgId) => orgOf(orgId).insights.inject(events, Date.now()),
    silencedChanges: (orgId) => orgOf(orgId).insights.silenced,
    brokenObjects: (orgId?: string) => (broken.get(orgId ?? orgIds[0] ?? '') ?? []).map((o) => ({ type: o.type, id: o.id })),
    stats: () => structuredClone(stats),
    resetStats(): void {
      stats = { requests: 0, byStatus: {}, byRoute: {} };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (churnTimer) clearInterval(churnTimer);
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
