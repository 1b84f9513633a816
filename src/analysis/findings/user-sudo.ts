/** Users whose own record carries global `sudo` / `passwordless_sudo`. */
import type { AccessGraph } from '../../graph/index.ts';
import type { NamedRef } from '../bindings.ts';
import { byTypeThenId } from './common.ts';

export interface UserSudo {
  readonly user: NamedRef;
  readonly sudo: boolean;
  readonly passwordlessSudo: boolean;
  readonly bindings: number;
}

/** Every user with global sudo flags, with how many bindings it has (`counts`, by user id). */
export function userSudoOf(g: AccessGraph, counts: ReadonlyMap<string, number>): UserSudo[] {
  const out: UserSudo[] = [];
  for (const u of g.objects('user')) {
    const sudo = u.record['sudo'] === true;
    const passwordlessSudo = u.record['passwordless_sudo'] === true;
    if (sudo || passwordlessSudo)
      out.push({ user: { type: u.type, id: u.id, name: u.name }, sudo, passwordlessSudo, bindings: counts.get(u.id) ?? 0 });
  }
  return out.sort((a, b) => byTypeThenId(a.user, b.user));
}
