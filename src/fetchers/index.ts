/**
 * Fetchers: the JumpCloud API → TenantData, with the fewest requests the API permits.
 *
 * ```ts
 * const { tenant, meta } = await fetchTenant({ apiKey: process.env.JC_API_KEY!, orgId, rate: 20 });
 * ```
 */
export { fetchTenant, fetchTenants } from './fetch-tenant.ts';
export type { FetchOptions, FetchResult } from './crawl.ts';
export { isGapFailure } from './crawl-reads.ts';
export type { AuditDifference } from './refresh/carry.ts';
export { refreshTenant, DEFAULT_AUDIT_SIZE, DEFAULT_EVENT_LAG_MS, type RefreshOptions, type RefreshResult } from './refresh/index.ts';
export {
  ApiClient,
  DEFAULT_BASE_URL,
  JUMPCLOUD_HOSTS,
  INSIGHTS_HOSTS,
  checkApiKey,
  checkApiUrl,
  checkInsightsUrl,
  insightsRootFor,
  parseRetryAfter,
  type ApiResponse,
  type AttemptFailure,
  type ClientOptions,
  type OutgoingRequest,
  type RequestStats,
} from './client.ts';
export { readEvents, eventsReachBack, interpretEvent, type EventEffect, type InterpretedEvent } from './insights/index.ts';
export { confirmLive, type LiveOptions, type LiveConfirmation, type LiveEdgeChange, type LiveScope } from './live/confirm.ts';
export { readView, viewsOf, viewHolds, viewKey, type ObjectView, type ViewRead } from './live/views.ts';
export { readLiveAnswer } from './live/answer.ts';
export {
  CollectionPlan,
  LIST_COLLECTIONS,
  UNLISTED_TYPES,
  edgeCollection,
  listCollectionOf,
  stepCovers,
  stepFromFigures,
  type Collection,
  type CollectionRequest,
  type EdgeCollection,
  type ListCollection,
} from './collections.ts';
export {
  JOURNAL_FORMAT,
  JOURNAL_VERSION,
  JournalWriter,
  journalPath,
  readJournal,
  removeJournal,
  type JournalContent,
  type JournalEntry,
  type JournalHeader,
} from './journal.ts';
export {
  planFetch,
  optimumRequests,
  edgeCensus,
  traversalApproachRequests,
  listSteps,
  membershipKey,
  pagesFor,
  type FetchPlan,
  type EdgeStep,
  type ListStep,
  type ObjectCounts,
  type Optimum,
} from './planner.ts';
export { collect, PageCursor, PAGE_LIMIT, type Page, type CollectionResult } from './paging.ts';
export { RateGate, AdaptiveConcurrency } from './rate.ts';
export { ShapeError } from './shapes.ts';
export type { FetchProgress, FetchPhase } from './progress.ts';
