/**
 * The simulator: a node:http server on loopback speaking the JumpCloud v1 and v2 APIs for one or more
 * generated (or given) organizations: every list and graph GET, the writes an admin's script sends
 * (./writes.ts: memberships, associations, group and user PUTs), Directory Insights' read-only events
 * query and the change door tests use (off unless `allowChanges`); `x-api-key` checked; `x-org-id`
 * selects the organization; paging by `limit`/`skip`; optional rate limit and faults (./faults.ts);
 * optional churn, random changes applied as time passes. *
 * Every request goes through a pipeline of small steps (./pipeline.ts), each in a module of its own;
 * this module builds what they share (./context.ts), listens, and hands out the Simulator.
 */
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import type { JsonObject, ObjectRef, TenantData } from '../../model/index.ts';
import type { AppliedChange, SimChange } from '../changes/changes.ts';
import { REAL_CLOCK } from './clock.ts';
import type { ServerContext } from './context.ts';
import { runPipeline, type Exchange } from './exchange.ts';
import { DEFAULT_DROP_PAUSE_MS, FaultInjector, faultSettings, pickBrokenObjects } from './faults.ts';
import { Network } from './network.ts';
import { type SimulatorOptions, checkOptions, tenantsFor } from './options.ts';
import { Organizations } from './organizations.ts';
import { Pager } from './paging.ts';
import { PIPELINES, targetOf } from './pipeline.ts';
import { TokenBucket } from './rate-limit.ts';
import { API_DIALECTS } from './responses.ts';
import { apiOf } from './routes.ts';
import { send } from './send.ts';
import { type SimulatorStats, StatsCounter } from './stats.ts';

export type { SimulatorClock } from './clock.ts';
export type { SimulatorOptions } from './options.ts';
export type { SimulatorStats } from './stats.ts';

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

/** What the steps share, built from the options. */
function contextOf(options: SimulatorOptions, tenants: readonly TenantData[], apiKey: string): ServerContext {
  const faultConfig = faultSettings(options.faults);
  const faultSeed = options.faultSeed ?? 1;
  const insights = {
    retentionDays: options.insights?.retentionDays ?? 90,
    lagSeconds: faultConfig['events-lag'] ?? 0,
    silentShare: faultConfig['silent-changes'] ?? 0,
    seed: faultSeed,
  };
  const clock = options.clock ?? REAL_CLOCK;
  const orgs = new Organizations(tenants, insights, clock, options.churnSeed ?? options.seed ?? 1);
  const faults = new FaultInjector(faultConfig, faultSeed, () => clock.monotonicMs());
  const pager = new Pager(faults);
  orgs.onChange((orgId) => pager.forget(orgId));
  const brokenCount = faultConfig['broken-objects'] ?? 0;
  return {
    expectedKey: Buffer.from(apiKey),
    orgs,
    faults,
    bucket: options.rate !== undefined ? new TokenBucket(options.rate, () => clock.monotonicMs()) : undefined,
    broken: new Map(
      tenants.map((t) => [t.orgId, pickBrokenObjects(t.objects, brokenCount, faultSeed).map((o) => ({ type: o.type, id: o.id }))]),
    ),
    pager,
    network: new Network(faultConfig['drop-after'], options.dropPauseMs ?? DEFAULT_DROP_PAUSE_MS, () => clock.monotonicMs()),
    stats: new StatsCounter(options.onAnswer),
    allowChanges: options.allowChanges === true,
    insightsDenied: options.insights?.denied,
    clock,
  };
}

/** Starts the simulated JumpCloud API on a loopback port, serving generated (or given) tenants; close() stops it. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const tenants = tenantsFor(options);
  const apiKey = options.apiKey ?? randomBytes(20).toString('hex');
  const ctx = contextOf(options, tenants, apiKey);
  const { orgs, network, stats } = ctx;
  const stopChurn = options.churn === undefined ? undefined : orgs.startChurn(options.churn);

  const server = createServer((req, res) => {
    if (network.dropping()) {
      stats.ended('dropped', req.url ?? '');
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const x: Exchange = { req, res, url, ...targetOf(req.method, url.pathname) };
    runPipeline(PIPELINES[x.target.kind], x, ctx).then(
      (reply) => send(res, reply, stats),
      (e: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const message = e instanceof Error ? e.message : String(e);
        send(res, API_DIALECTS[apiOf(url.pathname)].error(500, `simulator failure: ${message}`), stats);
      },
    );
  });
  // Idle keep-alive sockets stay open a minute: a short server timeout races clients that reuse a socket
  // just as the server closes it (seen as resets on a busy machine), which would look like a fault.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    if (!network.accept(socket)) stats.ended('refused');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    apiKey,
    orgIds: orgs.ids,
    tenant: (orgId?: string): TenantData => orgs.get(orgId).tenant,
    applyChanges: (changes, orgId) => orgs.apply(orgs.get(orgId), changes),
    churn: (count, orgId) => orgs.churn(orgs.get(orgId), count),
    insightsEvents: (orgId) => orgs.get(orgId).insights.all(),
    logEvents: (events, orgId) => orgs.get(orgId).insights.inject(events, ctx.clock.epochMs()),
    silencedChanges: (orgId) => orgs.get(orgId).insights.silenced,
    brokenObjects: (orgId?: string) => ctx.broken.get(orgId ?? orgs.ids[0] ?? '') ?? [],
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        stopChurn?.();
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
