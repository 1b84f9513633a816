/**
 * Keeping a tool's answer small enough for an assistant: the main list is paged (`offset`, `limit`), and
 * every other list inside the answer longer than `limit` keeps its first `limit` items. Whatever was cut
 * is said in the answer itself (`page`, `truncated`), so an answer is never silently short.
 */

export interface Page {
  /** Index of the first item returned. */
  readonly offset: number;
  readonly limit: number;
  /** Items returned. */
  readonly returned: number;
  /** Items in all. */
  readonly total: number;
  /** The offset that gives the next items, when there are more. */
  readonly nextOffset?: number;
}

export interface Truncation {
  /** Where the list is, e.g. `steps[0].collateral.lost`. */
  readonly path: string;
  readonly shown: number;
  readonly total: number;
}

export function pageOf<T>(items: readonly T[], offset: number, limit: number): { items: T[]; page: Page } {
  const slice = items.slice(offset, offset + limit);
  const next = offset + slice.length;
  return {
    items: slice,
    page: { offset, limit, returned: slice.length, total: items.length, ...(next < items.length ? { nextOffset: next } : {}) },
  };
}

/**
 * A copy of `value` in which every array longer than `limit` keeps its first `limit` items, each cut
 * recorded in `truncated`. `skip` names paths left whole (the main list, already paged).
 */
export function capLists(
  value: unknown,
  limit: number,
  truncated: Truncation[],
  path = '',
  skip: ReadonlySet<string> = new Set(),
): unknown {
  if (Array.isArray(value)) {
    const keep = skip.has(path) ? value : value.slice(0, limit);
    if (keep.length < value.length) truncated.push({ path, shown: keep.length, total: value.length });
    return keep.map((item, i) => capLists(item, limit, truncated, `${path}[${i}]`, skip));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = capLists(item, limit, truncated, path ? `${path}.${key}` : key, skip);
    }
    return out;
  }
  return value;
}
