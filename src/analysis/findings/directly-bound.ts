/** Directly bound users: users with a direct user↔resource association that grants access. */
import type { NamedRef } from '../bindings.ts';

export interface DirectlyBoundUser {
  readonly user: NamedRef;
  /** Resources the user has a direct association with. */
  readonly targets: readonly NamedRef[];
}
