/**
 * The binary index beside a snapshot (`<snapshot>.index`): built from the snapshot and tied to its
 * bytes by their SHA-256, it lets a question read only what it needs (typed arrays used as read, ids,
 * names and records decoded one at a time). See format.ts for the layout and open.ts for when an index
 * is trusted.
 */
export { openSnapshotGraph, writeSnapshotIndex, type OpenSnapshotOptions, type OpenedSnapshot } from './open.ts';
export { indexPathOf, INDEX_VERSION } from './format.ts';
