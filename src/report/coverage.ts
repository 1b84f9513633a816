/**
 * The banner of a review built from a partial snapshot: one sentence every format shows first (HTML and
 * Markdown above the findings, JSON in `meta.coverage`, CSV as a first line starting with `#`), so that
 * no reader of the review can miss that it lacks what the fetch could not read.
 */
import type { Coverage } from '../model/index.ts';

export function coverageBanner(coverage: Coverage): string {
  const n = coverage.gaps.length;
  const types = [...new Set(coverage.gaps.flatMap((g) => (g.provides.kind === 'objects' && g.state === 'unread' ? g.provides.types : [])))];
  const missing = types.length > 0 ? ` (no ${types.join(', ')} at all)` : '';
  return `PARTIAL: this review is built from a snapshot that lacks ${n} ${n === 1 ? 'collection' : 'collections'} the fetch could not read${missing}; access that depends on them may be missing. The finding "Not read by the fetch" lists them.`;
}

/** The first line of every CSV file of a review from a partial snapshot (none for a complete one). */
export function csvBannerLines(coverage: Coverage | undefined): string[] {
  return coverage && !coverage.complete ? [`# ${coverageBanner(coverage).replace(/[\r\n]/g, ' ')}\r\n`] : [];
}
