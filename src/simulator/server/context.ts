/** What the steps of every request share: the organizations, the fault settings and state, the counters. */
import type { ObjectRef } from '../../model/index.ts';
import type { SimulatorClock } from './clock.ts';
import type { InsightsDenial } from './insights.ts';
import type { FaultInjector } from './faults.ts';
import type { Network } from './network.ts';
import type { Organizations } from './organizations.ts';
import type { Pager } from './paging.ts';
import type { TokenBucket } from './rate-limit.ts';
import type { StatsCounter } from './stats.ts';

export interface ServerContext {
  /** The key clients must send in `x-api-key`, as bytes for a constant-time comparison. */
  readonly expectedKey: Buffer;
  readonly orgs: Organizations;
  readonly faults: FaultInjector;
  /** The request rate limit, when there is one. */
  readonly bucket: TokenBucket | undefined;
  /** The objects `broken-objects` breaks, per organization id. */
  readonly broken: ReadonlyMap<string, readonly ObjectRef[]>;
  readonly pager: Pager;
  readonly network: Network;
  readonly stats: StatsCounter;
  /** Whether the change door is open. */
  readonly allowChanges: boolean;
  /** What the events query answers instead of events, when access is denied. */
  readonly insightsDenied: InsightsDenial | undefined;
  /** Where every step reads the time. */
  readonly clock: SimulatorClock;
}
