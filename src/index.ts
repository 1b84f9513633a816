/**
 * jcgraph's public library API. See README.md "Library".
 */
export * from './errors.ts';
export * from './model/index.ts';

// Added for examples/ (the audit scripts use only this entry point); the lead curates the full list.
export { fetchTenant, type FetchOptions, type FetchProgress, type FetchResult } from './fetchers/index.ts';
export { loadSnapshot, saveSnapshot, type Snapshot, type SnapshotMeta } from './snapshot/index.ts';
export { startSimulator, generateTenant, type PresetName, type Simulator } from './simulator/index.ts';
export { AccessGraph, answer, traverse } from './graph/index.ts';
export { access, whoCanAccess } from './analysis/access.ts';
export { findings } from './analysis/findings.ts';
export { drift, sudoOf } from './analysis/drift.ts';
export { describePath, planOffboard, planRevoke } from './analysis/revoke.ts';
export { formatOperation } from './analysis/operations.ts';
export { formatReference, resolveObject } from './analysis/resolve.ts';
export * from './report/index.ts';
