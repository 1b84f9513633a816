import { saveSnapshot, type SnapshotMeta } from '../../src/snapshot/index.ts';
import type { TenantData } from '../../src/model/index.ts';

/** The metadata of a snapshot made by hand in a test (no fetch behind it). */
export function handMadeMeta(orgId: string): SnapshotMeta {
  return {
    orgId,
    apiHost: 'http://127.0.0.1',
    startedAt: '2024-01-01T00:00:00.000Z',
    fetchedAt: '2024-01-01T00:00:01.000Z',
    durationMs: 1000,
    toolVersion: '0.1.0',
    strict: true,
    counts: { objects: {}, edges: { membership: 0, association: 0 } },
    requests: { total: 0, retries: 0, restarts: 0, throttled: 0, byStep: {}, byOutcome: {} },
    plan: { listRequests: 0, steps: [], firstPageRequests: 0, optimumFirstPageRequests: 0, unreachableKinds: [] },
    unknown: { objects: {}, edges: {} },
    warnings: [],
  };
}

/** Saves `tenant` as a complete snapshot made by hand. */
export async function saveHandMadeSnapshot(path: string, tenant: TenantData): Promise<void> {
  await saveSnapshot(path, { meta: handMadeMeta(tenant.orgId), tenant });
}
