/**
 * `--scope`: which (user, resource) bindings a campaign reviews. Each word is one of
 * - `all`: every binding of every user;
 * - `privileged`: bindings with sudo (the compiled sudo of the paths, or the user's own global sudo on a
 *   system) and bindings to admin-like applications (ADMIN_LIKE_APPLICATION, a rule chosen:
 *   docs/rules.md#access-review-scope);
 * - a resource type (`system`, `application`, `system_group`, …; a plural `systems` reads the same);
 * - an object named by id or `type:name`: a resource (bindings to it), a group (bindings with a path
 *   through it, or to it), or a user (the user's bindings).
 * Words are given comma-separated or by repeating `--scope`; a binding is in scope when any word takes it.
 */
import { isGroupType } from '../model/index.ts';
import type { AccessGraph } from '../graph/index.ts';
import { formatReference, resolveObject } from '../analysis/index.ts';
import type { BindingRow } from '../report/review.ts';
import { USER_TARGETS } from '../report/rows.ts';
import { InputError } from '../errors.ts';

/**
 * Applications whose name says they administer something (`AWS Console`, `Okta Admin`, `awsconsole`):
 * the application side of `privileged`. JumpCloud's records carry no privilege level for an application,
 * so the name is all there is (a rule chosen: docs/rules.md#access-review-scope).
 */
export const ADMIN_LIKE_APPLICATION = /admin|console|root|superuser/i;

/** A binding the scope test reads: the row, and whether the user has global sudo. */
export interface ScopedBinding {
  readonly row: BindingRow;
  readonly globalSudo: boolean;
}

/** A parsed scope: the test, and the scope in words. */
export interface Scope {
  readonly given: readonly string[];
  readonly description: string;
  includes(binding: ScopedBinding): boolean;
}

/** Splits `--scope` values on commas outside double quotes. */
export function scopeWords(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    let word = '';
    let quoted = false;
    for (const c of value) {
      if (c === '"') quoted = !quoted;
      if (c === ',' && !quoted) {
        out.push(word.trim());
        word = '';
      } else word += c;
    }
    out.push(word.trim());
  }
  return out.filter((w) => w.length > 0);
}

/** True when a binding is privileged (see the module doc). */
export function isPrivileged(binding: ScopedBinding): boolean {
  const { row } = binding;
  if (row.sudo !== '') return true;
  if (binding.globalSudo && row.resource.type === 'system') return true;
  return row.resource.type === 'application' && ADMIN_LIKE_APPLICATION.test(row.resource.name);
}

function typeOfWord(word: string): string | undefined {
  const lower = word.toLowerCase();
  for (const t of USER_TARGETS) if (lower === t || lower === `${t}s`) return t;
  return undefined;
}

/** Reads the scope words against the graph; InputError names a word that is neither a keyword, a type nor an object. */
export function parseScope(g: AccessGraph, values: readonly string[]): Scope {
  const words = scopeWords(values.length === 0 ? ['all'] : values);
  const tests: ((b: ScopedBinding) => boolean)[] = [];
  const described: string[] = [];
  for (const word of words) {
    if (word === 'all') {
      tests.push(() => true);
      described.push('every binding of every user');
      continue;
    }
    if (word === 'privileged') {
      tests.push(isPrivileged);
      described.push('privileged bindings (sudo, or an admin-like application)');
      continue;
    }
    const type = typeOfWord(word);
    if (type) {
      tests.push((b) => b.row.resource.type === type);
      described.push(`bindings to every ${type}`);
      continue;
    }
    let object;
    try {
      object = resolveObject(g, word);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new InputError(`The scope "${word}" is not all, privileged, a resource type (${USER_TARGETS.join(', ')}) or an object: ${why}`);
    }
    const id = object.id;
    const named = formatReference(object);
    if (object.type === 'user') {
      tests.push((b) => b.row.user.id === id);
      described.push(`the bindings of ${named}`);
    } else if (isGroupType(object.type)) {
      tests.push((b) => b.row.resource.id === id || b.row.via.some((v) => v.id === id));
      described.push(`bindings through or to ${named}`);
    } else if (USER_TARGETS.includes(object.type)) {
      tests.push((b) => b.row.resource.id === id);
      described.push(`bindings to ${named}`);
    } else {
      throw new InputError(`The scope "${word}" names ${named}, which no user is bound to: name a resource, a group or a user.`);
    }
  }
  return {
    given: words,
    description: described.join('; '),
    includes: (b) => tests.some((t) => t(b)),
  };
}
