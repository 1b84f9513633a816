/** The server's request counts: per status and per route template, as tests read them. */

/** Counts of the requests a simulator received since it started (or since `resetStats`). */
export interface SimulatorStats {
  requests: number;
  /**
   * Count per HTTP status (as a string), plus `reset` for connections destroyed without an answer,
   * `lost-ack` for writes carried out whose connection was then closed without an answer (`write-lost-ack`),
   * `truncated` for 200s cut short, `dropped` for requests cut by `drop-after` and `refused` for
   * connections refused during its pause.
   */
  byStatus: Record<string, number>;
  /**
   * Count per route template (`/api/v2/users/{user_id}/systems`), writes with their method
   * (`POST /api/v2/usergroups/{group_id}/members`), `unknown` for unserved paths.
   */
  byRoute: Record<string, number>;
  /**
   * Writes (members and associations POSTs, group and user PUTs): `received` counts those that reached
   * the organization (past authentication, the rate limit and the transient faults; the write faults
   * number them), `applied` those carried out (answered 2xx, or applied with their answer lost).
   */
  writes: { received: number; applied: number };
}

function empty(): SimulatorStats {
  return { requests: 0, byStatus: {}, byRoute: {}, writes: { received: 0, applied: 0 } };
}

export class StatsCounter {
  #stats = empty();

  constructor(private readonly onAnswer: ((url: string, status: string) => void) | undefined) {}

  /** Counts a request to a route; returns how many requests have been counted, this one included. */
  request(routeName: string): number {
    this.#stats.byRoute[routeName] = (this.#stats.byRoute[routeName] ?? 0) + 1;
    return ++this.#stats.requests;
  }

  /** Counts how a request ended; `url` (path and query) is passed to `onAnswer` when given. */
  ended(status: string, url?: string): void {
    this.#stats.byStatus[status] = (this.#stats.byStatus[status] ?? 0) + 1;
    if (url !== undefined) this.onAnswer?.(url, status);
  }

  /** Counts a write the organization received; returns its number, from 1. */
  writeReceived(): number {
    return ++this.#stats.writes.received;
  }

  /** Counts a write carried out. */
  writeApplied(): void {
    this.#stats.writes.applied += 1;
  }

  snapshot(): SimulatorStats {
    return structuredClone(this.#stats);
  }

  reset(): void {
    this.#stats = empty();
  }
}
