/**
 * The refresh phase of the bench: what staying current costs. Against a rate-limited simulator in its
 * own process (changes allowed): a full fetch (OLD), then random changes worth 1% of the objects (through
 * the simulator's change door, as churn makes them), then `fetch --since OLD` (refreshTenant) at the same
 * rate, then a fresh full fetch (the yardstick, and a check that both hold the same organization), then
 * one `revoke --live` (confirmLive, as the command calls it) on the refreshed snapshot after one more
 * change.
 *
 *   node --import tsx bench/phases.ts refresh '{"preset":"large","seed":1,"rate":200}'
 *
 * Figures: fullRequestsVsRefreshRequests (target ≥ 20 on large), refreshTimeVsRateBound (≤ 1.15),
 * liveConfirmRequests (≤ 50 on large).
 */
import { confirmLive, fetchTenant, refreshTenant, type FetchResult } from '../src/fetchers/index.ts';
import { AccessGraph, answer } from '../src/graph/index.ts';
import { canonicalJson, sortTenant, type TenantData } from '../src/model/index.ts';
import type { PresetName } from '../src/simulator/index.ts';
import { peakRssMiB, startSimChild, timedAsync } from './harness.ts';

export interface RefreshBenchOptions {
  readonly preset: PresetName;
  readonly seed: number;
  /** Requests per second: the simulator's limit and the client's cap. */
  readonly rate: number;
  /** Whether to make the second full fetch (the yardstick); without it the refresh's own estimate is used. */
  readonly compareFull?: boolean;
}

export interface RefreshBenchFigures {
  readonly objects: number;
  readonly changes: number;
  readonly rate: number;
  readonly full: { readonly requests: number; readonly wallMs: number };
  readonly refresh: {
    readonly mode: string;
    readonly reason?: string;
    readonly requests: number;
    readonly eventRequests: number;
    readonly listRequests: number;
    readonly collectionsRead: number;
    readonly collectionsCarried: number;
    readonly auditSize: number;
    readonly eventsRead: number;
    readonly eventsUsed: number;
    readonly wallMs: number;
    /** requests ÷ rate, in ms. */
    readonly rateBoundMs: number;
    /** The refresh's own figure of what a full fetch needs. */
    readonly fullFetchRequestsEstimate: number;
  };
  /** The full fetch after the refresh (absent when not made): its requests, and whether it holds the same organization. */
  readonly fullAfter?: { readonly requests: number; readonly wallMs: number; readonly sameOrganization: boolean };
  readonly live: { readonly requests: number; readonly collections: number; readonly changes: number };
  readonly fullRequestsVsRefreshRequests: number;
  readonly refreshTimeVsRateBound: number;
  readonly liveConfirmRequests: number;
  readonly peakRssMiB: number;
}

/** Sends a body to the simulator's change door (`{changes: […]}` or `{random: N}`) and returns its answer. */
export async function post(baseUrl: string, apiKey: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${baseUrl}/simulator/v1/changes`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`the change door answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** A user that reaches a few systems, and one of them: the revoke the live check confirms. */
function revokePair(tenant: TenantData): { user: string; system: string } {
  const graph = AccessGraph.fromTenant(tenant);
  for (const u of tenant.objects) {
    if (u.type !== 'user') continue;
    const reached = answer(graph, `/users/${u.id}/systems`) as { id: string }[];
    if (reached.length > 0 && reached.length < 20) return { user: u.id, system: reached[0]!.id };
  }
  throw new Error('no user reaching a few systems');
}

const canonical = (t: TenantData): string => canonicalJson(sortTenant(t));

export async function runRefreshBench(options: RefreshBenchOptions): Promise<RefreshBenchFigures> {
  const sim = await startSimChild({ preset: options.preset, seed: options.seed, rate: options.rate, allowChanges: true });
  try {
    const access = { apiKey: sim.apiKey, baseUrl: sim.baseUrl, rate: options.rate, concurrency: 16 };
    const { ms: fullMs, value: old } = await timedAsync(() => fetchTenant(access));
    const changes = Math.ceil(old.tenant.objects.length / 100);
    await post(sim.baseUrl, sim.apiKey, { random: changes });
    const { ms: refreshMs, value: fresh } = await timedAsync(() => refreshTenant({ ...access, since: old, auditSeed: options.seed }));
    const r = fresh.meta.refresh;
    let fullAfter: RefreshBenchFigures['fullAfter'];
    if (options.compareFull !== false) {
      const { ms, value } = await timedAsync((): Promise<FetchResult> => fetchTenant(access));
      fullAfter = {
        requests: value.meta.requests.total,
        wallMs: ms,
        sameOrganization: canonical(value.tenant) === canonical(fresh.tenant),
      };
    }
    // One more change, then the live check a `revoke --live` makes before planning.
    const { user, system } = revokePair(fresh.tenant);
    await post(sim.baseUrl, sim.apiKey, { random: 1 });
    const live = await confirmLive({
      ...access,
      tenant: fresh.tenant,
      subject: { type: 'user', id: user },
      resource: { type: 'system', id: system },
      scope: 'pair',
    });
    const yardstick = fullAfter?.requests ?? r.fullFetchRequests;
    const rateBoundMs = (r.requests.total / options.rate) * 1000;
    return {
      objects: old.tenant.objects.length,
      changes,
      rate: options.rate,
      full: { requests: old.meta.requests.total, wallMs: fullMs },
      refresh: {
        mode: r.mode,
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
        requests: r.requests.total,
        eventRequests: r.requests.events,
        listRequests: fresh.meta.plan.listRequests,
        collectionsRead: r.collections?.read ?? 0,
        collectionsCarried: r.collections?.carried ?? 0,
        auditSize: r.audit?.sample.length ?? 0,
        eventsRead: r.events?.read ?? 0,
        eventsUsed: r.events?.used ?? 0,
        wallMs: refreshMs,
        rateBoundMs,
        fullFetchRequestsEstimate: r.fullFetchRequests,
      },
      ...(fullAfter ? { fullAfter } : {}),
      live: { requests: live.requests, collections: live.views.length, changes: live.changes.length },
      fullRequestsVsRefreshRequests: yardstick / r.requests.total,
      refreshTimeVsRateBound: refreshMs / rateBoundMs,
      liveConfirmRequests: live.requests,
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    await sim.stop();
  }
}

/** The refresh phase's ratios, as bench/run.ts tabulates them (null when the phase failed). */
export interface RefreshRatios {
  /** requests of a full fetch ÷ requests of the refresh, after 1% of the objects' worth of changes (target ≥ 20 on large). */
  readonly fullRequestsVsRefreshRequests: number | null;
  /** refresh wall time ÷ (its requests ÷ rate) under the simulator's rate limit (target ≤ 1.15). */
  readonly refreshTimeVsRateBound: number | null;
  /** requests of one revoke --live (target ≤ 50 on large). */
  readonly liveConfirmRequests: number | null;
}

export const REFRESH_TARGETS: Readonly<Record<keyof RefreshRatios, string>> = {
  fullRequestsVsRefreshRequests: '≥ 20 on large',
  refreshTimeVsRateBound: '≤ 1.15',
  liveConfirmRequests: '≤ 50 on large',
};

export function refreshRatios(figures: RefreshBenchFigures | undefined): RefreshRatios {
  return {
    fullRequestsVsRefreshRequests: figures?.fullRequestsVsRefreshRequests ?? null,
    refreshTimeVsRateBound: figures?.refreshTimeVsRateBound ?? null,
    liveConfirmRequests: figures?.liveConfirmRequests ?? null,
  };
}

/** The refresh phase's lines of the absolute table. */
export function refreshCells(x: RefreshBenchFigures | undefined): [label: string, cell: string][] {
  const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  if (!x)
    return [
      ['refresh after 1% changes', '–'],
      ['  refresh wall time at rate', '–'],
      ['  revoke --live', '–'],
    ];
  return [
    [
      'refresh after 1% changes',
      `${x.changes} changes: ${x.refresh.requests} requests (${x.refresh.mode}) vs full ${x.fullAfter?.requests ?? x.refresh.fullFetchRequestsEstimate}${x.fullAfter ? (x.fullAfter.sameOrganization ? ', same org' : ', ORG DIFFERS') : ' (estimate)'}`,
    ],
    ['  refresh wall time at rate', `${sec(x.refresh.wallMs)} @ ${x.rate}/s (bound ${sec(x.refresh.rateBoundMs)})`],
    ['  revoke --live', `${x.live.requests} requests, ${x.live.collections} collections`],
  ];
}
