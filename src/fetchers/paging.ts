/**
 * Paging through one collection (a list or a per-object graph collection), by the facts of
 * docs/domain.md#paging (the rules jcgraph adds: docs/rules.md#paging):
 * - a page's length counts its `null` records; nulls are skipped; `skip` advances by the records returned;
 * - with a total (`totalCount` or `x-total-count`) paging goes on until the total is reached or an empty page
 *   arrives, even past a short page; without one, a page shorter than the limit ends the collection;
 * - records are de-duplicated by id.
 *
 * Consistency checks (a collection is never returned silently short): when the total changes between pages,
 * or the collection ends with fewer distinct records plus nulls than its total (records shifted between
 * pages), the collection is fetched again from the start, up to `maxRestarts` times. What still fails after
 * that, and pages that stop yielding new ids (an endless or repeating collection), become anomalies: the
 * caller turns them into a JcApiError in strict mode or into a reported warning in lenient mode.
 */

/** The API's maximum page size. */
export const PAGE_LIMIT = 100;

const MAX_UNEVEN_PAGES = 3;

export interface Page {
  /** The records of the page as returned, nulls included. */
  readonly items: readonly unknown[];
  /** The collection's total when the API gave one. */
  readonly total: number | undefined;
}

export type AnomalyKind = 'total-changed' | 'inconsistent-pages' | 'repeating-pages' | 'too-many-pages' | 'record-without-id';

export interface CollectionAnomaly {
  readonly kind: AnomalyKind;
  readonly message: string;
}

export interface CollectionResult<R> {
  /** Distinct non-null records, in first-seen order. */
  readonly records: R[];
  /** Requests made (pages of every attempt). */
  readonly pages: number;
  /** Pages of the last, complete attempt. */
  readonly finalPages: number;
  /** Times the collection was fetched again from the start. */
  readonly restarts: number;
  readonly nulls: number;
  readonly total: number | undefined;
  readonly anomalies: CollectionAnomaly[];
}

export interface CollectOptions<R> {
  /** Identity of a record for de-duplication; undefined when the record has none (an anomaly). */
  readonly idOf: (record: R) => string | undefined;
  readonly limit?: number;
  /** Fetches again from the start at most this often when the collection changed under the crawl. */
  readonly maxRestarts?: number;
  /** Safety net against endless collections. */
  readonly maxPages?: number;
  /**
   * Pages requested at once once the total is known (default 1: one after the other). They are still
   * accepted in order, each checked as if read alone; when the cursor asks for another skip than the next
   * page requested (a short page), the rest are dropped and paging goes on from where the cursor says.
   */
  readonly ahead?: number;
}

/** What one pass over the collection saw, and whether it must be repeated. */
interface Pass<R> {
  records: R[];
  pages: number;
  nulls: number;
  total: number | undefined;
  /** Set when the collection changed during the pass; the pass is to be repeated. */
  unstable?: string;
  anomalies: CollectionAnomaly[];
}

/**
 * The pure paging decisions for one pass: feed it pages with `accept`, ask `nextSkip` what to request next
 * (undefined when the pass is over).
 */
export class PageCursor<R> {
  readonly #idOf: (record: R) => string | undefined;
  readonly #limit: number;
  readonly #maxPages: number;
  readonly #seen = new Set<string>();
  readonly #pass: Pass<R> = { records: [], pages: 0, nulls: 0, total: undefined, anomalies: [] };
  #skip = 0;
  #done = false;
  #unevenPages = 0;
  #longestPage = 0;

  constructor(options: CollectOptions<R>) {
    this.#idOf = options.idOf;
    this.#limit = options.limit ?? PAGE_LIMIT;
    this.#maxPages = options.maxPages ?? 100_000;
  }

  get limit(): number {
    return this.#limit;
  }

  nextSkip(): number | undefined {
    return this.#done ? undefined : this.#skip;
  }

  get pass(): Readonly<Pass<R>> {
    return this.#pass;
  }

  accept(page: Page): void {
    const pass = this.#pass;
    pass.pages += 1;
    if (page.total !== undefined) {
      if (pass.total === undefined) pass.total = page.total;
      else if (page.total !== pass.total) {
        pass.unstable = `its total changed from ${pass.total} to ${page.total} between pages`;
        this.#done = true;
        return;
      }
    }
    let fresh = 0;
    let present = 0;
    for (const [index, item] of page.items.entries()) {
      if (item === null || item === undefined) {
        pass.nulls += 1;
        continue;
      }
      present += 1;
      const record = item as R;
      const id = this.#idOf(record);
      if (id === undefined) {
        pass.anomalies.push({ kind: 'record-without-id', message: `the record at position ${this.#skip + index} has no id` });
        continue;
      }
      if (this.#seen.has(id)) continue;
      this.#seen.add(id);
      fresh += 1;
      pass.records.push(record);
    }
    const returned = page.items.length;
    this.#skip += returned;
    if (returned === 0) this.#finish();
    else if (pass.total !== undefined) {
      if (this.#skip >= pass.total) this.#finish();
    } else if (returned < this.#limit) this.#finish();
    if (this.#done) return;
    // Past a short page the crawl goes on (the total says more is coming). A server that caps pages below
    // the limit gives pages of one steady size; many pages shorter than the longest seen mean the
    // collection is shrinking under the crawl, or never ends (random mock data under a huge total):
    // fetch it again rather than page on forever.
    if (returned < this.#longestPage) this.#unevenPages += 1;
    this.#longestPage = Math.max(this.#longestPage, returned);
    if (this.#unevenPages > MAX_UNEVEN_PAGES && this.#unevenPages > pass.pages / 4) {
      pass.unstable = `${this.#unevenPages} of ${pass.pages} pages came back shorter than the others before its total of ${pass.total} was reached`;
      this.#done = true;
    } else if (present > 0 && fresh === 0) {
      pass.anomalies.push({ kind: 'repeating-pages', message: `the page at skip ${this.#skip - returned} repeated records already seen` });
      this.#done = true;
    } else if (pass.pages >= this.#maxPages) {
      pass.anomalies.push({ kind: 'too-many-pages', message: `it did not end after ${pass.pages} pages` });
      this.#done = true;
    }
  }

  #finish(): void {
    this.#done = true;
    const pass = this.#pass;
    if (pass.total === undefined) return;
    const accounted = pass.records.length + pass.nulls;
    if (accounted < pass.total && this.#skip >= pass.total) {
      pass.unstable = `it returned ${accounted} distinct records and nulls for a total of ${pass.total} (records moved between pages)`;
    } else if (this.#skip < pass.total) {
      pass.unstable = `it ended after ${this.#skip} of ${pass.total} records`;
    }
  }
}

/**
 * Fetches a whole collection through `getPage(skip, limit)`, repeating it from the start when it changed
 * during the crawl. Never loops: at most `maxRestarts + 1` passes of at most `maxPages` pages.
 */
export async function collect<R>(
  getPage: (skip: number, limit: number) => Promise<Page>,
  options: CollectOptions<R>,
): Promise<CollectionResult<R>> {
  const maxRestarts = options.maxRestarts ?? 5;
  let pages = 0;
  for (let attempt = 0; ; attempt++) {
    const cursor = new PageCursor(options);
    let ahead = Math.max(1, options.ahead ?? 1);
    for (let skip = cursor.nextSkip(); skip !== undefined; skip = cursor.nextSkip()) {
      const total = cursor.pass.total;
      const skips = [skip];
      while (total !== undefined && skips.length < ahead && skip + skips.length * cursor.limit < total)
        skips.push(skip + skips.length * cursor.limit);
      const pages = await Promise.all(skips.map((s) => getPage(s, cursor.limit)));
      for (const [i, page] of pages.entries()) {
        if (cursor.nextSkip() !== skips[i]) {
          ahead = 1; // pages shorter than the limit: the rest of this collection is read one page at a time
          break;
        }
        cursor.accept(page);
      }
    }
    const pass = cursor.pass;
    pages += pass.pages;
    if (pass.unstable === undefined || attempt >= maxRestarts) {
      const anomalies = [...pass.anomalies];
      if (pass.unstable !== undefined) {
        const kind: AnomalyKind = pass.unstable.startsWith('its total changed') ? 'total-changed' : 'inconsistent-pages';
        anomalies.push({ kind, message: `${pass.unstable}, still after ${attempt + 1} attempts` });
      }
      return {
        records: pass.records,
        pages,
        finalPages: pass.pages,
        restarts: attempt,
        nulls: pass.nulls,
        total: pass.total,
        anomalies,
      };
    }
  }
}
