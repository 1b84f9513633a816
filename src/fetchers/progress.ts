/**
 * Progress of a fetch as plain data, for the `onProgress` callback. Nothing below the CLI prints: the CLI
 * turns these into a live stderr line; library users do what they like with them.
 */
import type { PlanFigures } from '../snapshot/format.ts';
import type { ApiClient } from './client.ts';

export type FetchPhase = 'listing objects' | 'reading edges' | 'done';

export interface FetchProgress {
  /** What happened: a request finished, the plan was made, a phase began, the fetch ended. */
  readonly event: 'request' | 'plan' | 'phase' | 'done';
  readonly orgId: string;
  readonly phase: FetchPhase;
  /** Collections (one object's edges of one step) finished in this phase, and how many there are. */
  readonly collectionsDone: number;
  readonly collectionsTotal: number | undefined;
  /** Requests sent so far, retries included. */
  readonly requests: number;
  readonly retries: number;
  /** Over the last few seconds. */
  readonly requestsPerSecond: number;
  /** Seconds left in this phase, once it can be estimated. */
  readonly etaSeconds: number | undefined;
  /** With the `plan` event: the plan, as stated before the edge steps run. */
  readonly plan?: PlanFigures;
}

const RATE_WINDOW_MS = 5000;

export class ProgressTracker {
  readonly #orgId: string;
  readonly #client: ApiClient;
  readonly #listener: ((p: FetchProgress) => void) | undefined;
  readonly #times: number[] = [];
  #phase: FetchPhase = 'listing objects';
  #phaseStart = performance.now();
  #done = 0;
  #total: number | undefined;
  #stopped = false;

  constructor(orgId: string, client: ApiClient, listener: ((p: FetchProgress) => void) | undefined) {
    this.#orgId = orgId;
    this.#client = client;
    this.#listener = listener;
    // Without a listener nothing reads the request times: keep none (they would pile up over a long fetch).
    if (listener) {
      client.onAttempt(() => {
        this.#times.push(performance.now());
        this.#emit('request');
      });
    }
  }

  phase(phase: FetchPhase, collectionsTotal: number | undefined): void {
    this.#phase = phase;
    this.#phaseStart = performance.now();
    this.#done = 0;
    this.#total = collectionsTotal;
    this.#emit('phase');
  }

  plan(plan: PlanFigures): void {
    this.#emit('plan', plan);
  }

  collectionDone(): void {
    this.#done += 1;
  }

  done(): void {
    this.#phase = 'done';
    this.#emit('done');
  }

  /** No more events after this (late request events of a failed fetch are dropped). */
  stop(): void {
    this.#stopped = true;
  }

  #emit(event: FetchProgress['event'], plan?: PlanFigures): void {
    if (!this.#listener || this.#stopped) return;
    const now = performance.now();
    while (this.#times.length > 0 && this.#times[0]! < now - RATE_WINDOW_MS) this.#times.shift();
    const span = Math.min(RATE_WINDOW_MS, now - this.#phaseStart, this.#times.length > 0 ? now - this.#times[0]! : 0);
    const requestsPerSecond = span > 0 ? (this.#times.length * 1000) / Math.max(span, 1000) : 0;
    const elapsed = (now - this.#phaseStart) / 1000;
    const etaSeconds =
      this.#total !== undefined && this.#done > 0 && elapsed > 0 ? ((this.#total - this.#done) * elapsed) / this.#done : undefined;
    this.#listener({
      event,
      orgId: this.#orgId,
      phase: this.#phase,
      collectionsDone: this.#done,
      collectionsTotal: this.#total,
      requests: this.#client.stats.requests,
      retries: this.#client.stats.retries,
      requestsPerSecond,
      etaSeconds,
      ...(plan ? { plan } : {}),
    });
  }
}
