/**
 * A small least-recently-used cache of whole collections (a graph answer, a filtered and sorted list), so
 * that paging through one collection computes it once rather than once per page. Bounded by entries and
 * by the items held across them; a collection larger than the item bound is never kept.
 */
export class CollectionCache<T> {
  private readonly entries = new Map<string, readonly T[]>();
  private items = 0;

  constructor(
    private readonly maxEntries = 256,
    private readonly maxItems = 500_000,
  ) {}

  get(key: string, compute: () => readonly T[]): readonly T[] {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = compute();
    if (value.length > this.maxItems) return value;
    this.entries.set(key, value);
    this.items += value.length;
    for (const [oldest, held] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.items <= this.maxItems) break;
      this.entries.delete(oldest);
      this.items -= held.length;
    }
    return value;
  }
}
