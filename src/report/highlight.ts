/**
 * The binding worth explaining first (the demo's revoke plan): a user with sudo on a system through a
 * user group, reached by several paths. Preference, in order: sudo, a system (not a group of them), a
 * path through a user group, more paths; ties go to the first in user order, so the choice is stable.
 */
import type { AccessGraph } from '../graph/index.ts';
import { bindingRows, type BindingRow } from './review.ts';

function score(row: BindingRow): number[] {
  return [
    row.sudo ? 1 : 0,
    row.resource.type === 'system' ? 1 : 0,
    row.via.some((v) => v.type === 'user_group') ? 1 : 0,
    Math.min(row.paths.length, 4),
  ];
}

const BEST_POSSIBLE = [1, 1, 1, 4];

function better(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) > (b[i] as number);
  return false;
}

/** The most telling user binding, or undefined when no user has any. */
export function bindingToExplain(g: AccessGraph): BindingRow | undefined {
  let best: BindingRow | undefined;
  let bestScore: number[] = [];
  for (const row of bindingRows(g, 'user')) {
    const s = score(row);
    if (!best || better(s, bestScore)) {
      best = row;
      bestScore = s;
      if (!better(BEST_POSSIBLE, s)) break;
    }
  }
  return best;
}
