/**
 * How a binding's `compiledAttributes` are built from its paths. Partly documented, partly inferred
 * (docs/domain.md#compiledattributes; the rule chosen: docs/rules.md#compiled-attributes), so the rule is data:
 * the engine and the simulator each interpret it with their own code, and a caller may pass another rule.
 *
 * Default rule, in words:
 * - The *user groups on a path* are the path's hops of type user_group, plus the source when the source
 *   is a user group.
 * - **sudo** is compiled only for bindings between {user, user_group} and {system, system_group}.
 *   A sudo value is an object `{enabled: boolean, withoutPassword: boolean}` found in one of three places,
 *   highest precedence first:
 *   1. `user-association`: the `sudo` attribute of an association hop with a user at one end
 *      (user↔system, user↔system_group): permissions granted directly on the user;
 *   2. `group-own`: the `attributes.sudo` of a user group on the path ("admin on all devices bound
 *      through the group");
 *   3. `group-association`: the `sudo` attribute of an association hop with a user group at one end.
 *   Across all paths of the binding, the highest level that holds any value wins; values on the same
 *   level merge most-permissively: enabled if any is enabled, withoutPassword if any enabled value has it.
 * - **ldapGroups** (union by name), **posixGroups** (union by id and name), **radius.reply** (union by
 *   name and value) and **sambaEnabled** (true if any is true) are gathered from the user groups on the
 *   paths. Lists are sorted (by name; posixGroups by id then name; reply by name then value).
 * - Keys with nothing to compile are left out; a binding with nothing compiled has no
 *   `compiledAttributes` field at all.
 */
import type { GraphType } from './types.ts';

export type SudoSource = 'user-association' | 'group-own' | 'group-association';

export type GroupAttributeKey = 'ldapGroups' | 'posixGroups' | 'radius' | 'sambaEnabled';

export interface CompileRule {
  readonly sudo: {
    /** Sudo is compiled for bindings with one end in each of these sets. */
    readonly between: readonly [readonly GraphType[], readonly GraphType[]];
    /** Where sudo values come from, highest precedence first. */
    readonly precedence: readonly SudoSource[];
    readonly merge: 'most-permissive';
  };
  /** Attributes gathered from the user groups on the paths. */
  readonly groupAttributes: readonly GroupAttributeKey[];
}

export const DEFAULT_COMPILE_RULE: CompileRule = {
  sudo: {
    between: [
      ['user', 'user_group'],
      ['system', 'system_group'],
    ],
    precedence: ['user-association', 'group-own', 'group-association'],
    merge: 'most-permissive',
  },
  groupAttributes: ['ldapGroups', 'posixGroups', 'radius', 'sambaEnabled'],
};

/**
 * Order of answers (the live API's order is unspecified; jcgraph and its simulator both use this one):
 * targets by id ascending; a target's paths shortest first, then by the ids of their hops.
 */
export const ANSWER_ORDER = 'targets by id; paths by length, then hop ids' as const;
