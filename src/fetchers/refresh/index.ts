/** Incremental refresh: a snapshot made current again from Directory Insights' events (./refresh.ts). */
export { refreshTenant, DEFAULT_AUDIT_SIZE, DEFAULT_EVENT_LAG_MS, type RefreshOptions, type RefreshResult } from './refresh.ts';
export { staleCollections, type StaleCollections } from './stale.ts';
