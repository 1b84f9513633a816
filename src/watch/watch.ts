/**
 * The watch loop: keeps a snapshot current and says, as JSON lines, what changed that matters.
 *
 * Each cycle:
 * 1. Directory Insights' events since the snapshot's start, less the lag (one request when there are
 *    none). Events seen by an earlier cycle of this run are not counted again.
 * 2. No new event, no full re-read due: the **rolling audit**. The next K edge collections of the
 *    snapshot's plan (`auditPerCycle`), in plan order, wrapping round, are read and compared with what the
 *    snapshot holds; nothing else is read, no list. A cycle with no event and no difference costs one
 *    request plus one per page of those K collections, and writes nothing.
 * 3. New events: an incremental refresh (`fetch --since`, src/fetchers/refresh); the audit found a
 *    difference, or `fullEveryMs` has passed since the last full read: a full re-read.
 * 4. After a refresh what changed is said, then the new snapshot is written in place, atomically
 *    (src/snapshot), before the next cycle begins. What is said: violations of the rule file opened and resolved (OCSF Compliance Finding 2003, create or
 *    close), and, as OCSF Detection Findings (2004): sudo gained, a suspended or locked user gaining a
 *    binding, a new direct binding, each with the paths; a dynamic group whose rule and members newly
 *    disagree (./disagreements.ts). What changed is worked out from the graph the loop already holds
 *    and the new one, built once: the drift of the subjects the differences can touch, the rules checked
 *    again for those subjects and the resources whose selection may have changed (src/rules/compare.ts
 *    recheck; a whole check when an exception's end date passed), the dynamic groups evaluated again
 *    when their record, their members or their member type's records changed.
 *
 * Lines and the file: the lines of a refresh are said before the snapshot that holds their state is
 * written, so that a change's line does not wait for the write of a whole organization. The snapshot is
 * the watch's only state (a restart resumes from it), and neither order can promise each line exactly
 * once across a crash; this one promises at least once: a crash (a kill, a power cut) between a
 * refresh's first line and the end of its write leaves the previous snapshot, from which the restarted
 * watch finds the same changes again and says them again, each with the finding uid it had (a
 * violation's fingerprint; for the other findings their kind, ends and the start of the snapshot they
 * were found against), so a consumer that keys on `finding_info.uid` keeps one. Writing first would
 * lose those lines instead: the restarted watch would take the written state as already said. A stop
 * (the signal) waits for the write, so a stop and a restart neither repeat nor lose a line. A write
 * that fails is a `cycle-failed` line; the loop carries on from the snapshot it holds, whose lines were
 * said, and writes it at the start of the next cycle.
 *
 * The guarantee against a change that leaves no event: an edge change is found by the rolling audit
 * within ceil(C / K) cycles of this run (C: the snapshot's edge collections), and any change, records
 * included, by the next full re-read (at most `fullEveryMs` after the last).
 *
 * Failures: a cycle that fails (an HTTP error after the client's retries, a dropped connection) is a
 * `cycle-failed` line; the snapshot (the file and the loop's) stays as it was and the next cycle waits longer (twice the interval,
 * then four times, up to an hour). A 401 ends the loop: the key is gone. Cancelling (the signal) ends it
 * after the current write, with a `stopped` line; a request in flight is abandoned, never a write.
 */
import { CancelledError, JcApiError } from '../errors.ts';
import { canonicalJson, edgeKey, isGraphType, type TenantData } from '../model/index.ts';
import {
  ApiClient,
  CollectionPlan,
  readEvents,
  readView,
  refreshTenant,
  type ClientOptions,
  type EdgeCollection,
} from '../fetchers/index.ts';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, loadSnapshot, saveSnapshot, type Snapshot } from '../snapshot/index.ts';
import { AccessGraph } from '../graph/index.ts';
import { driftRecomputing, touchedSources } from '../analysis/drift.ts';
import { diffTenants } from '../analysis/tenant-diff.ts';
import { inactiveReasons } from '../analysis/findings/inactive.ts';
import type { Binding } from '../analysis/bindings.ts';
import { check, complianceFinding, recheck, snapshotScope, type CheckResult, type RuleFile } from '../rules/index.ts';
import { detectionFinding } from './lines.ts';
import { disagreementFindings, updatedDisagreements } from './disagreements.ts';

/** A JSON line the loop emits. */
export type WatchLine = Readonly<Record<string, unknown>>;

export interface WatchOptions extends ClientOptions {
  /** The snapshot file kept current (read at the start, written in place after each refresh). */
  readonly snapshot: string;
  /**
   * The rule file whose violations opening and resolving are said.
   * @default none
   */
  readonly rules?: RuleFile;
  /**
   * Time from the start of one cycle to the start of the next, in milliseconds (a cycle that takes
   * longer is followed by the next at once).
   * @default 300000 (5 minutes)
   */
  readonly everyMs?: number;
  /**
   * Edge collections the rolling audit reads per cycle.
   * @default 10
   */
  readonly auditPerCycle?: number;
  /**
   * A full re-read at least this often, in milliseconds.
   * @default 86400000 (24 hours)
   */
  readonly fullEveryMs?: number;
  /**
   * How far behind the snapshot's start events are read, in milliseconds.
   * @default 900000 (15 minutes)
   */
  readonly eventLagMs?: number;
  /** Called with each line, in order. */
  readonly emit: (line: WatchLine) => void;
  /**
   * Waits between cycles (tests pass one they control).
   * @default a timer
   */
  readonly wait?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /**
   * The clock, in milliseconds (when a full re-read is due; the time of lines).
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Stop after this many cycles (tests, benches).
   * @default no limit
   */
  readonly cycles?: number;
  /**
   * The version written into findings (the product's).
   * @default '0'
   */
  readonly productVersion?: string;
}

/** How the loop ended: `unauthorized` (401), `cancelled` (the signal), `done` (`cycles` reached). */
export type WatchEnd = 'unauthorized' | 'cancelled' | 'done';

const HOUR = 3_600_000;

function defaultWait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** An event's identity, to count it once across cycles. */
function eventKey(event: unknown): string {
  const id = event !== null && typeof event === 'object' ? (event as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : canonicalJson(event);
}

/** The snapshot's edge collections in plan order (the rolling audit's round), and what each holds. */
class AuditRound {
  readonly collections: EdgeCollection[] = [];
  private readonly held = new Map<string, Map<string, string>>();
  private cursor = 0;

  /** `carried`: the round of the snapshot this one replaces, whose place in the round it takes over. */
  constructor(snapshot: Snapshot, carried?: AuditRound) {
    const plan = CollectionPlan.fromFigures(snapshot.meta.plan);
    const ids = new Map<string, string[]>();
    for (const o of snapshot.tenant.objects) ids.set(o.type, [...(ids.get(o.type) ?? []), o.id]);
    for (const list of ids.values()) list.sort();
    for (const c of plan.edgeCollections((type) => (isGraphType(type) ? (ids.get(type) ?? []) : []))) this.collections.push(c);
    for (const e of snapshot.tenant.edges) {
      const c = plan.ofEdge(e);
      if (!c) continue;
      let m = this.held.get(c.key);
      if (!m) this.held.set(c.key, (m = new Map<string, string>()));
      m.set(edgeKey(e), canonicalJson(e.attributes ?? null));
    }
    if (carried && this.collections.length > 0) this.cursor = carried.cursor % this.collections.length;
  }

  /** Carries on from where the last cycle stopped. */
  next(k: number): EdgeCollection[] {
    const out: EdgeCollection[] = [];
    for (let i = 0; i < Math.min(k, this.collections.length); i++) {
      out.push(this.collections[this.cursor]!);
      this.cursor = (this.cursor + 1) % this.collections.length;
    }
    return out;
  }

  /** The first difference between what the API shows now and what the snapshot holds, or undefined. */
  differs(c: EdgeCollection, edges: readonly TenantData['edges'][number][]): string | undefined {
    const held = this.held.get(c.key) ?? new Map<string, string>();
    const now = new Map(edges.map((e) => [edgeKey(e), canonicalJson(e.attributes ?? null)]));
    for (const [k, a] of now) if (held.get(k) !== a) return `${c.key}: ${held.has(k) ? 'changed' : 'added'} ${k}`;
    for (const k of held.keys()) if (!now.has(k)) return `${c.key}: removed ${k}`;
    return undefined;
  }
}

/** What a watch reports of the bindings a refresh added: a suspended or locked user's, a direct one. */
function detections(
  g: AccessGraph,
  gained: readonly Binding[],
): { kind: string; severity: 'high' | 'medium'; binding: Binding; why: string }[] {
  const out: { kind: string; severity: 'high' | 'medium'; binding: Binding; why: string }[] = [];
  for (const b of gained) {
    if (b.subject.type === 'user' && g.hasObject(b.subject.id)) {
      const reasons = inactiveReasons(g.object(b.subject.id).record);
      if (reasons.length > 0)
        out.push({
          kind: 'inactive-user-gained-binding',
          severity: 'high',
          binding: b,
          why: `a ${reasons.join(', ')} user gained a binding`,
        });
    }
    if (b.paths.some((p) => p.edges.length === 1))
      out.push({ kind: 'direct-binding-added', severity: 'medium', binding: b, why: 'a new direct binding' });
  }
  return out;
}

/** Runs the loop until `cycles`, a 401 or the signal. Lines go to `emit`. */
export async function watch(options: WatchOptions): Promise<WatchEnd> {
  const emit = options.emit;
  const now = options.now ?? Date.now;
  const wait = options.wait ?? defaultWait;
  const every = options.everyMs ?? 300_000;
  const k = options.auditPerCycle ?? 10;
  const fullEvery = options.fullEveryMs ?? 24 * HOUR;
  const lag = options.eventLagMs ?? 900_000;
  const version = options.productVersion ?? '0';
  let snapshot: Snapshot = await loadSnapshot(options.snapshot);
  let graph = AccessGraph.fromTenant(snapshot.tenant);
  let round = new AuditRound(snapshot);
  let violations: CheckResult | undefined = options.rules ? check(graph, options.rules, { now: now() }) : undefined;
  let disagreements = updatedDisagreements(graph);
  let lastFull = now();
  const seen = new Set<string>();
  let failures = 0;
  /** The snapshot the loop holds when its write failed (its lines were said): written at the start of the next cycle. */
  let unsaved: Snapshot | undefined;
  /** The loop ends when asked: after the current cycle's write, with a line that says so. */
  const cancelled = (cycle: number): 'cancelled' => {
    emit({
      jcgraph: 'stopped',
      cycle,
      reason: 'asked to stop (SIGTERM or Ctrl-C); the snapshot is whole',
      at: new Date(now()).toISOString(),
    });
    return 'cancelled';
  };
  emit({
    jcgraph: 'watching',
    at: new Date(now()).toISOString(),
    snapshot: options.snapshot,
    collections: round.collections.length,
    auditPerCycle: k,
    auditRoundCycles: Math.ceil(round.collections.length / Math.max(1, k)),
  });
  for (let cycle = 1; options.cycles === undefined || cycle <= options.cycles; cycle++) {
    if (options.signal?.aborted) return cancelled(cycle - 1);
    const client = new ApiClient(options);
    const startedAt = now();
    try {
      const read = await readEvents(client, { start: new Date(Date.parse(snapshot.meta.startedAt) - lag) });
      const fresh = read.events.filter((e) => !seen.has(eventKey(e)));
      let requests = client.stats.requests;
      const refresh = async (reason: string, full: boolean): Promise<void> => {
        const result = await refreshTenant({ ...options, since: snapshot, eventLagMs: lag, audit: 0, full });
        const next: Snapshot = { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, meta: result.meta, tenant: result.tenant };
        // The lines are said first and the file written after them (see "Lines and the file" above).
        const since = snapshot.meta.startedAt;
        for (const e of read.events) seen.add(eventKey(e));
        // What changed, from the graph already held and the new one (each built once).
        const structure = diffTenants(snapshot.tenant, next.tenant);
        const nextGraph = AccessGraph.fromTenant(next.tenant);
        const touched = touchedSources(graph, nextGraph, structure);
        const report = driftRecomputing(graph, nextGraph, structure, touched);
        // The rules are checked again only where the differences can change a violation (a property test compares this with a whole check).
        const scope = options.rules ? snapshotScope(graph, nextGraph, structure, touched) : undefined;
        snapshot = next;
        graph = nextGraph;
        if (full) lastFull = now();
        const time = now();
        requests += result.meta.refresh.requests.total;
        emit({ jcgraph: 'cycle', cycle, mode: result.meta.refresh.mode, reason, requests, at: new Date(startedAt).toISOString() });
        for (const gain of report.headline.sudoGained)
          emit(
            detectionFinding({
              kind: 'sudo-gained',
              severity: 'high',
              title: `sudo gained (${gain.gained})`,
              subject: gain.subject,
              resource: gain.target,
              paths: gain.paths,
              time,
              since,
              productVersion: version,
            }),
          );
        for (const d of detections(graph, report.bindings.gained))
          emit(
            detectionFinding({
              kind: d.kind,
              severity: d.severity,
              title: d.why,
              subject: d.binding.subject,
              resource: d.binding.target,
              paths: d.binding.paths,
              time,
              since,
              productVersion: version,
            }),
          );
        const disagreeing = updatedDisagreements(graph, { before: disagreements, diff: structure });
        for (const line of disagreementFindings(disagreements, disagreeing, { time, since, productVersion: version })) emit(line);
        disagreements = disagreeing;
        if (options.rules) {
          const after =
            violations && scope
              ? recheck(violations, graph, options.rules, scope, { now: time })
              : check(graph, options.rules, { now: time });
          const old = new Map((violations?.violations ?? []).map((v) => [v.key, v]));
          const current = new Map(after.violations.map((v) => [v.key, v]));
          for (const [key, v] of current) if (!old.has(key)) emit(complianceFinding(v, { time, productVersion: version }));
          for (const [key, v] of old)
            if (!current.has(key)) emit(complianceFinding(v, { time, productVersion: version, activity: 'close' }));
          violations = after;
        }
        // The audit's round of the new snapshot: after the lines, which do not wait for it.
        round = new AuditRound(next, round);
        unsaved = next;
        await saveSnapshot(options.snapshot, next);
        unsaved = undefined;
      };
      // A snapshot whose lines were said but whose write failed is written before anything else.
      if (unsaved) {
        await saveSnapshot(options.snapshot, unsaved);
        unsaved = undefined;
      }
      let refreshed = false;
      if (now() - lastFull >= fullEvery) {
        await refresh('a full re-read is due', true);
        refreshed = true;
      } else if (fresh.length > 0) {
        await refresh(`${fresh.length} new ${fresh.length === 1 ? 'event' : 'events'}`, false);
        refreshed = true;
      }
      // Every cycle carries the rolling audit on by K collections, so a round takes ceil(C / K) cycles.
      const before = client.stats.requests;
      let difference: string | undefined;
      for (const c of round.next(k)) {
        const view = await readView(client, { endpoint: c.step.endpoint, source: c.source, targets: c.step.targets }, 'audit');
        difference = round.differs(c, view.edges);
        if (difference) break;
      }
      requests += client.stats.requests - before;
      if (difference) {
        await refresh(`the rolling audit found a change with no event (${difference})`, true);
        refreshed = true;
      }
      if (!refreshed) emit({ jcgraph: 'cycle', cycle, mode: 'idle', requests, at: new Date(startedAt).toISOString() });
      failures = 0;
    } catch (error) {
      if (error instanceof CancelledError || options.signal?.aborted) return cancelled(cycle);
      if (error instanceof JcApiError && error.status === 401) {
        emit({
          jcgraph: 'stopped',
          cycle,
          reason: 'the API answered 401: the key is refused (revoked or wrong); watch stops',
          at: new Date(now()).toISOString(),
        });
        return 'unauthorized';
      }
      failures++;
      const backoff = Math.min(HOUR, every * 2 ** failures);
      emit({
        jcgraph: 'cycle-failed',
        cycle,
        error: error instanceof Error ? error.message : String(error),
        retryInMs: backoff,
        at: new Date(now()).toISOString(),
      });
      if (options.cycles !== undefined && cycle >= options.cycles) break;
      await wait(backoff, options.signal);
      continue;
    }
    if (options.cycles !== undefined && cycle >= options.cycles) break;
    // Cycles begin `every` apart: the time a cycle took is not waited again (a change waits at most one interval).
    await wait(Math.max(0, every - (now() - startedAt)), options.signal);
  }
  return options.signal?.aborted ? cancelled(options.cycles ?? 0) : 'done';
}
