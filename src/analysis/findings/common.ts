/** What the findings share: the order of their lists and the index's membership code. */
import { MEMBERSHIP_EDGE } from '../../graph/index.ts';
import type { NamedRef } from '../bindings.ts';

/** Named objects by type, then id: the order every finding lists them in. */
export function byTypeThenId(a: NamedRef, b: NamedRef): number {
  return a.type < b.type ? -1 : a.type > b.type ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The index's code for membership edges, read once (hot loops avoid the re-export's getter). */
export const MEMBERSHIP: number = MEMBERSHIP_EDGE;
