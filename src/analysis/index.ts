/**
 * Access analysis on an AccessGraph: why, access/who, revoke plans and offboarding, what-if, drift and
 * findings, each explained by paths. Offline and read-only: plans are dry runs.
 */
export * from './bindings.ts';
export * from './edges.ts';
export * from './resolve.ts';
export * from './search.ts';
export * from './operations.ts';
export * from './mincut.ts';
export * from './why.ts';
export * from './access.ts';
export * from './whatif.ts';
export * from './change-spec.ts';
export * from './revoke.ts';
export * from './tenant-diff.ts';
export * from './drift.ts';
export * from './findings/index.ts';
export * from './coverage.ts';
