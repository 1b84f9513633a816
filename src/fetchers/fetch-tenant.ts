/** Fetching: one organization, or several one after the other, each a crawl (./crawl.ts, where its rules are). */
import { crawlTenant, type FetchOptions, type FetchResult } from './crawl.ts';

/**
 * Fetches one organization. Returns the tenant with `meta.coverage` saying what could not be read; throws
 * JcApiError (401, every list failing, strict mode's first gap), ConnectionLostError, ConfigError,
 * JournalError or CancelledError. Never returns a tenant short of something its coverage does not name.
 */
export async function fetchTenant(options: FetchOptions): Promise<FetchResult> {
  const { tenant, meta } = await crawlTenant(options);
  return { tenant, meta };
}

/** Fetches several organizations one after the other, each into its own result. */
export async function fetchTenants(options: Omit<FetchOptions, 'orgId'> & { readonly orgIds: readonly string[] }): Promise<FetchResult[]> {
  const results: FetchResult[] = [];
  for (const orgId of options.orgIds) results.push(await fetchTenant({ ...options, orgId }));
  return results;
}
