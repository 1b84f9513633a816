/**
 * Inactive users with access: users suspended (`suspended` or state SUSPENDED), staged (state STAGED) or
 * locked (`account_locked`) that still have bindings (docs/rules.md#inactive-users).
 */
import type { BindingLabel } from '../../model/index.ts';
import type { NamedRef } from '../bindings.ts';

export interface InactiveUser {
  readonly user: NamedRef;
  readonly reasons: readonly ('suspended' | 'staged' | 'locked')[];
  readonly bindings: readonly { readonly target: NamedRef; readonly label: BindingLabel }[];
}

/** Why a user record counts as inactive (none: active). */
export function inactiveReasons(record: Readonly<Record<string, unknown>>): InactiveUser['reasons'] {
  const reasons: ('suspended' | 'staged' | 'locked')[] = [];
  if (record['suspended'] === true || record['state'] === 'SUSPENDED') reasons.push('suspended');
  if (record['state'] === 'STAGED') reasons.push('staged');
  if (record['account_locked'] === true) reasons.push('locked');
  return reasons;
}
