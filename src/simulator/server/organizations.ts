/**
 * The organizations a simulator serves, and the one way each of them changes: `apply` (the change door,
 * `Simulator.applyChanges` and churn all pass through it), which tells the server's caches to forget
 * what they hold of that organization.
 */
import type { TenantData } from '../../model/index.ts';
import { SimulatorError } from '../errors.ts';
import type { AppliedChange, SimChange } from '../changes/changes.ts';
import { randomChange } from '../changes/churn.ts';
import type { InsightsLogOptions } from '../insights/log.ts';
import { Rng, hash32 } from '../random.ts';
import type { SimulatorClock } from './clock.ts';
import { OrgContent } from './content.ts';

export class Organizations {
  readonly #orgs = new Map<string, OrgContent>();
  readonly #changed: ((orgId: string) => void)[] = [];
  readonly #churnRng: Rng;
  /** Organization ids in the order given; the first answers requests without `x-org-id`. */
  readonly ids: readonly string[];

  constructor(
    tenants: readonly TenantData[],
    insights: InsightsLogOptions,
    private readonly clock: SimulatorClock,
    churnSeed: number,
  ) {
    const startedMs = clock.epochMs();
    for (const tenant of tenants) {
      if (this.#orgs.has(tenant.orgId)) throw new SimulatorError(`two tenants have the organization id "${tenant.orgId}"`);
      this.#orgs.set(tenant.orgId, new OrgContent(tenant, insights, startedMs));
    }
    this.ids = tenants.map((t) => t.orgId);
    this.#churnRng = new Rng(hash32(`churn:${churnSeed}`));
  }

  /** The organization of an `x-org-id` (the first one when absent), or undefined when it is not served. */
  find(orgId: string | undefined): OrgContent | undefined {
    return this.#orgs.get(orgId ?? this.ids[0] ?? '');
  }

  /** The organization of an id (the first one when absent); throws when it is not served. */
  get(orgId?: string): OrgContent {
    const org = this.find(orgId);
    if (!org) throw new SimulatorError(`organization "${orgId ?? ''}" is not served by this simulator`);
    return org;
  }

  all(): IterableIterator<OrgContent> {
    return this.#orgs.values();
  }

  /** Calls `listener` with an organization's id after every batch of changes applied to it. */
  onChange(listener: (orgId: string) => void): void {
    this.#changed.push(listener);
  }

  /** Applies changes to an organization (see OrgContent.apply); the server's caches of it are dropped. */
  apply(org: OrgContent, changes: readonly SimChange[]): AppliedChange[] {
    try {
      return org.apply(changes, this.clock.epochMs());
    } finally {
      for (const listener of this.#changed) listener(org.orgId);
    }
  }

  /** Applies `count` random changes that each change something (what churn does as time passes). */
  churn(org: OrgContent, count: number): AppliedChange[] {
    const out: AppliedChange[] = [];
    for (let misses = 0; out.length < count && misses < 100 * count + 100;) {
      const change = randomChange(org.tenant, this.#churnRng);
      if (!change) break;
      const [applied] = this.apply(org, [change]);
      if (applied && applied.effect !== 'none') out.push(applied);
      else misses++;
    }
    return out;
  }

  /** Applies one random change to every organization `perMinute` times a minute until the returned stop is called. */
  startChurn(perMinute: number): () => void {
    const timer = setInterval(() => {
      for (const org of this.#orgs.values()) this.churn(org, 1);
    }, 60_000 / perMinute);
    timer.unref();
    return () => clearInterval(timer);
  }
}
