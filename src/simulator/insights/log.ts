/**
 * One organization's Directory Insights log: every change the simulator applies leaves its events here
 * (unless `silent-changes` drops them), with login noise around them and a sparse history of noise
 * reaching back over the retention period, so a client can see how far back the log goes.
 *
 * - `events-lag=S`: an event becomes visible S seconds after its timestamp (DI's ingestion delay).
 * - `silent-changes=P`: a change leaves no event with probability P (what the refresh's audit is for).
 * - retention: events older than `retentionDays` are gone.
 *
 * Events are kept in timestamp order; a query filters, sorts and pages them with `search_after`
 * = [timestamp ms, sequence] of the last event of the previous page.
 */
import type { JsonObject } from '../../model/index.ts';
import { unitHash } from '../random.ts';
import type { AppliedChange } from '../changes/changes.ts';
import { changeEvents, noiseEvent, type EventContext } from './events.ts';
import type { EventsQuery, SearchAfter } from './query.ts';

export interface InsightsLogOptions {
  /** Days of events kept (default 90; 15 on JumpCloud's lowest plans). */
  readonly retentionDays?: number;
  /** Seconds between an event's timestamp and its visibility. */
  readonly lagSeconds?: number;
  /** Probability that a change leaves no event. */
  readonly silentShare?: number;
  /** Seed of the log's choices (noise, silences). */
  readonly seed?: number;
}

interface StoredEvent {
  readonly seq: number;
  readonly tsMs: number;
  readonly visibleAtMs: number;
  readonly service: string;
  readonly body: JsonObject;
}

const DAY_MS = 86_400_000;
/** One history noise event per this many hours, back over the retention period. */
const HISTORY_EVERY_HOURS = 6;

function hexId(seq: number, tsMs: number): string {
  return (
    Math.floor(tsMs / 1000)
      .toString(16)
      .padStart(8, '0') +
    'd1a9e5' +
    seq.toString(16).padStart(10, '0')
  );
}

export class InsightsLog {
  readonly retentionDays: number;
  readonly lagMs: number;
  readonly silentShare: number;
  readonly #ctx: EventContext;
  readonly #events: StoredEvent[] = [];
  #seq = 0;
  #changes = 0;
  /** Changes that left no event (silent-changes), for tests. */
  silenced = 0;

  constructor(orgId: string, options: InsightsLogOptions, nowMs: number) {
    this.retentionDays = options.retentionDays ?? 90;
    this.lagMs = Math.max(0, (options.lagSeconds ?? 0) * 1000);
    this.silentShare = options.silentShare ?? 0;
    this.#ctx = { orgId, seed: options.seed ?? 1 };
    const start = nowMs - this.retentionDays * DAY_MS;
    for (let t = start + HISTORY_EVERY_HOURS * 3_600_000; t < nowMs; t += HISTORY_EVERY_HOURS * 3_600_000) {
      this.#append(noiseEvent(`history:${t}`, this.#ctx), t, t);
    }
  }

  #append(body: JsonObject, tsMs: number, visibleAtMs: number): void {
    const seq = ++this.#seq;
    const event: StoredEvent = {
      seq,
      tsMs,
      visibleAtMs,
      service: typeof body['service'] === 'string' ? body['service'] : 'directory',
      body: {
        id: hexId(seq, tsMs),
        ...body,
        timestamp: typeof body['timestamp'] === 'string' ? body['timestamp'] : new Date(tsMs).toISOString(),
      },
    };
    // Appended in time order, except the rare change logged within the same millisecond as history.
    let i = this.#events.length;
    while (i > 0 && this.#events[i - 1]!.tsMs > tsMs) i--;
    this.#events.splice(i, 0, event);
  }

  /** Logs what a change did (nothing for a change that did nothing, or a silenced one), with some noise. */
  record(applied: AppliedChange, nowMs: number): void {
    const n = ++this.#changes;
    const key = `change:${n}`;
    const events = changeEvents(applied, key, this.#ctx);
    if (events.length === 0) return;
    const noise = Math.floor(unitHash(this.#ctx.seed, 'noise-count', key) * 3);
    for (let i = 0; i < noise; i++) this.#append(noiseEvent(`${key}:noise:${i}`, this.#ctx), nowMs, nowMs + this.lagMs);
    if (this.silentShare > 0 && unitHash(this.#ctx.seed, 'silent', this.#ctx.orgId, n) < this.silentShare) {
      this.silenced += 1;
      return;
    }
    for (const body of events) this.#append(body, nowMs, nowMs + this.lagMs);
  }

  /**
   * Appends events as given (tests: an event type jcgraph does not know, a repeated event); `id` and
   * `timestamp` are set when absent, and `service` defaults to directory. Visible after the lag, like any.
   */
  inject(bodies: readonly JsonObject[], nowMs: number): void {
    for (const body of bodies) {
      const ts =
        typeof body['timestamp'] === 'string' && !Number.isNaN(Date.parse(body['timestamp'])) ? Date.parse(body['timestamp']) : nowMs;
      this.#append({ service: 'directory', ...body }, ts, ts + this.lagMs);
    }
  }

  /** One page of events for a query, and the `X-Search_after` token of its last event. */
  query(q: EventsQuery, nowMs: number): { events: JsonObject[]; searchAfter: SearchAfter | undefined } {
    const oldest = nowMs - this.retentionDays * DAY_MS;
    const all = q.services.includes('all');
    const matches = this.#events.filter(
      (e) =>
        e.visibleAtMs <= nowMs &&
        e.tsMs >= oldest &&
        e.tsMs >= q.startMs &&
        (q.endMs === undefined || e.tsMs <= q.endMs) &&
        (all || q.services.includes(e.service)),
    );
    if (q.sort === 'DESC') matches.reverse();
    const after = q.searchAfter;
    const beyond = (e: StoredEvent): boolean => {
      if (!after) return true;
      const c = e.tsMs - after[0] || e.seq - Number(after[1]);
      return q.sort === 'ASC' ? c > 0 : c < 0;
    };
    const page = matches.filter(beyond).slice(0, q.limit);
    const last = page[page.length - 1];
    return { events: page.map((e) => e.body), searchAfter: last ? [last.tsMs, String(last.seq)] : after };
  }

  /** Every event held, visible or not (for tests). */
  all(): JsonObject[] {
    return this.#events.map((e) => e.body);
  }
}
