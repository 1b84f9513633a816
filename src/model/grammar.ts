/**
 * The path grammar of the traversal endpoints (docs/domain.md#path-grammar: inferred, so kept as data;
 * the rule chosen: docs/rules.md#path-grammar):
 * a path from source S to a target of type T is `[up] association [down]`, an optional hop from S to a
 * group it is a member of, exactly one association hop, and an optional hop from a group down to one of
 * its members; it ends on an object of type T and never repeats an object.
 *
 * `memberof` answers are paths of the single pattern [up]; `membership` answers, [down].
 */
import type { EndpointKind } from './endpoints.ts';

/** One step of a path: up (member → its group), association (either direction), down (group → member). */
export type Step = 'up' | 'association' | 'down';

export type PathPattern = readonly Step[];

/** Patterns of a traversal path, shortest first (the order in which paths of a binding are listed). */
export const TRAVERSAL_PATTERNS: readonly PathPattern[] = [
  ['association'],
  ['up', 'association'],
  ['association', 'down'],
  ['up', 'association', 'down'],
];

export const PATTERNS_BY_KIND: { readonly [K in Exclude<EndpointKind, 'associations' | 'members'>]: readonly PathPattern[] } = {
  traverse: TRAVERSAL_PATTERNS,
  memberof: [['up']],
  membership: [['down']],
};

/**
 * Labels of a binding, as the official PowerShell module uses them: `direct` when one of its paths has
 * one hop, `indirect` when one has more, `direct/indirect` when both.
 */
export type BindingLabel = 'direct' | 'indirect' | 'direct/indirect';

/** A binding's label from the lengths (hops) of its paths. */
export function labelOfPathLengths(pathLengths: Iterable<number>): BindingLabel {
  let direct = false;
  let indirect = false;
  for (const n of pathLengths) {
    if (n === 1) direct = true;
    else indirect = true;
  }
  return direct && indirect ? 'direct/indirect' : direct ? 'direct' : 'indirect';
}
