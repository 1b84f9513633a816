/**
 * The edge phase of an incremental refresh's crawl (../crawl.ts): most collections carried over from the
 * earlier snapshot, the rest read (stale ones, new objects', the audit's), and the audit's reads compared
 * with what would have been carried.
 */
import { edgeKey, type TenantEdge } from '../../model/index.ts';
import { forEachBounded, forEachInSlices } from '../bounded.ts';
import type { CollectionPlan, PlannedCollection } from '../collections.ts';
import type { EdgePhase, EdgeReader } from '../crawl.ts';
import type { JournalEntry } from '../journal.ts';

/**
 * Edge collections taken from an earlier snapshot instead of being read. The crawl keeps the earlier
 * snapshot's plan (so its collections still match), reads every list, carries over each collection of a
 * still-listed source that `entries` holds, dropping edges to objects the lists no longer return, and
 * reads every other collection (stale ones, new objects').
 */
export interface CarryOver {
  readonly plan: CollectionPlan;
  /** What the earlier snapshot holds for each collection that may be carried over, by collection key. */
  readonly entries: ReadonlyMap<string, JournalEntry>;
  /**
   * Chooses, among the collections that would be carried over (known once the lists are read), those to
   * read anyway and compare with what is carried: the audit.
   */
  readonly audit?: (carried: readonly string[]) => ReadonlySet<string>;
  /** Edges the earlier snapshot holds in each collection that is not carried over: reads go largest first. */
  readonly sizes?: ReadonlyMap<string, number>;
}

/** A difference the audit found: a carried-over collection that does not match what the API shows now. */
export interface AuditDifference {
  readonly collection: string;
  /** Edge keys the API shows and the earlier snapshot did not, the other way round, or with other attributes. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** What a crawl with a {@link CarryOver} did with it. */
export interface CarryOutcome {
  /** Edge collections carried over (audited ones not included: they were read). */
  readonly carried: number;
  /** Edge collections read. */
  readonly read: number;
  readonly audited: readonly string[];
  readonly differences: readonly AuditDifference[];
}

/** Compares what a collection holds now with what was carried for it. */
function compareYield(key: string, carried: readonly TenantEdge[], read: readonly TenantEdge[]): AuditDifference | undefined {
  const attrs = (e: TenantEdge): string => JSON.stringify(e.attributes ?? null);
  const before = new Map(carried.map((e) => [edgeKey(e), attrs(e)]));
  const after = new Map(read.map((e) => [edgeKey(e), attrs(e)]));
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after].filter(([k, a]) => before.has(k) && before.get(k) !== a).map(([k]) => k);
  return added.length + removed.length + changed.length > 0 ? { collection: key, added, removed, changed } : undefined;
}

/** A crawl's edge phase that carries over what `carry` holds (see CarryOver). */
export function carryOver(carry: CarryOver): EdgePhase<CarryOutcome> {
  return { plan: carry.plan, run: (reader) => carryOverRun(carry, reader) };
}

async function carryOverRun(carry: CarryOver, reader: EdgeReader): Promise<CarryOutcome> {
  const carriedKeys: string[] = [];
  for (const p of reader.planned()) if (carry.entries.has(p.key)) carriedKeys.push(p.key);
  const audited = carry.audit?.(carriedKeys) ?? new Set<string>();
  const isCarried = (key: string): boolean => carry.entries.has(key) && !audited.has(key);
  const outcome = { carried: 0, read: 0, differences: [] as AuditDifference[] };
  const readOne = async (p: PlannedCollection): Promise<void> => {
    const read = await reader.read(p);
    if (read.replayed) return;
    outcome.read += 1;
    const kept = carry.entries.get(p.key);
    if (kept && read.edges) {
      const difference = compareYield(p.key, reader.edgesNow(p, kept), read.edges);
      if (difference) outcome.differences.push(difference);
    }
  };
  // A refresh reads a few collections among many carried over. The reads go first, largest first (as
  // the earlier snapshot knew them), so that no big group's member list starts last and runs alone
  // after the rest; carrying over is CPU work, done beside the reads in slices that let their answers in.
  const toRead: PlannedCollection[] = [];
  for (const p of reader.planned()) if (!isCarried(p.key)) toRead.push(p);
  const expected = (p: PlannedCollection): number => carry.sizes?.get(p.key) ?? carry.entries.get(p.key)?.edges.length ?? 0;
  toRead.sort((a, b) => expected(b) - expected(a) || a.order - b.order);
  const carried = function* (): Generator<PlannedCollection> {
    for (const p of reader.planned()) if (isCarried(p.key)) yield p;
  };
  await Promise.all([
    forEachBounded(toRead, reader.width, reader.signal, readOne),
    forEachInSlices(carried(), reader.signal, (p) => {
      reader.take(p, carry.entries.get(p.key)!);
      outcome.carried += 1;
    }),
  ]);
  return { ...outcome, audited: [...audited].sort() };
}
