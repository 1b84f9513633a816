/**
 * searchObjects(): objects by a piece of their name or id, best matches first, for a search box or an
 * assistant that does not know an object's exact name. A name is any of the names resolve.ts accepts
 * (the display name and the type's name fields: a user's username or email, a system's hostname, …).
 *
 * Ranking: the exact id, then an exact name (ignoring case), then names that begin with the text, then
 * names with a word that begins with it, then names that contain it; ties by name (ignoring case), then id.
 */
import type { AccessGraph } from '../graph/index.ts';
import { formatReference, objectNames } from './resolve.ts';

export interface SearchHit {
  readonly type: string;
  readonly id: string;
  readonly name: string;
  /** How to name it to the other questions: `user:jdoe`, `user_group:"All Staff"`. */
  readonly ref: string;
}

export interface SearchResult {
  readonly query: string;
  /** Matches in all (the hits are the first `limit` of them). */
  readonly total: number;
  readonly hits: readonly SearchHit[];
}

export interface SearchOptions {
  /**
   * Only objects of these types.
   * @default every type
   */
  readonly types?: readonly string[];
  /**
   * Hits to return.
   * @default 20
   */
  readonly limit?: number;
}

interface Entry {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  /** Every name, lower case. */
  readonly names: readonly string[];
}

const entriesOf = new WeakMap<AccessGraph, { version: number; entries: Entry[] }>();

/** Each object's names in lower case, made once per graph version. */
function entries(g: AccessGraph): Entry[] {
  const cached = entriesOf.get(g);
  if (cached && cached.version === g.version) return cached.entries;
  const made: Entry[] = [];
  for (const o of g.objects()) made.push({ id: o.id, type: o.type, name: o.name, names: objectNames(o).map((n) => n.toLowerCase()) });
  entriesOf.set(g, { version: g.version, entries: made });
  return made;
}

function rank(e: Entry, text: string, lower: string): number {
  if (e.id === text) return 0;
  let best = Infinity;
  for (const n of e.names) {
    if (n === lower) return 1;
    if (n.startsWith(lower)) best = Math.min(best, 2);
    else {
      const at = n.indexOf(lower);
      if (at > 0) best = Math.min(best, /[^\p{L}\p{N}]/u.test(n[at - 1] as string) ? 3 : 4);
    }
  }
  return best;
}

/** Objects by a piece of any of their names or their id, best matches first (exact id, exact name, prefix, word, substring). */
export function searchObjects(g: AccessGraph, query: string, options: SearchOptions = {}): SearchResult {
  const text = query.trim();
  const lower = text.toLowerCase();
  const limit = options.limit ?? 20;
  const types = options.types && options.types.length > 0 ? new Set(options.types) : undefined;
  if (lower.length === 0) return { query, total: 0, hits: [] };
  const found: { e: Entry; r: number }[] = [];
  for (const e of entries(g)) {
    if (types && !types.has(e.type)) continue;
    const r = rank(e, text, lower);
    if (r < Infinity) found.push({ e, r });
  }
  const order = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  found.sort(
    (a, b) => a.r - b.r || order(a.e.name.toLowerCase(), b.e.name.toLowerCase()) || order(a.e.name, b.e.name) || order(a.e.id, b.e.id),
  );
  const hits = found.slice(0, limit).map(({ e }) => ({ type: e.type, id: e.id, name: e.name, ref: formatReference(e) }));
  return { query, total: found.length, hits };
}
