/**
 * Which rules a partial snapshot could be hiding violations of. A gap (src/model/coverage.ts) hides objects
 * of some types or edges of some kinds; a violation of a rule lies on bindings between its subjects and its
 * resources, whose paths (`[up] association [down]`) are made of: the subjects' memberships in their
 * groups, an association between a subject or one of its groups and a resource or one of its groups, and
 * the resources' memberships. A gap that hides objects of one of those types or edges of one of those
 * kinds could hide a violation (or, for `require`, a subject that misses a resource); other gaps cannot.
 */
import { associationKindKey, groupTypeOf, membershipKindKey, type Coverage, type CoverageGap } from '../model/index.ts';
import { BINDING_TARGETS } from '../analysis/bindings.ts';
import { ruleRef, type RuleRef } from './evaluate.ts';
import { typesAmong } from './selector.ts';
import type { Rule, RuleFile } from './types.ts';

/** A rule some gaps of a partial snapshot could be hiding violations of. */
export interface RuleGaps {
  readonly rule: RuleRef;
  /** The gaps, in the coverage record's order. */
  readonly gaps: readonly CoverageGap[];
}

/** The object types and edge kinds a rule's violations can lie on. */
function footprint(rule: Rule): { types: Set<string>; kinds: Set<string> } {
  const subjects = typesAmong('subjects' in rule ? rule.subjects : undefined, Object.keys(BINDING_TARGETS));
  const sels = rule.kind === 'exclusive' ? [rule.left, rule.right] : 'resources' in rule ? [rule.resources] : [undefined];
  const types = new Set<string>(subjects);
  const kinds = new Set<string>();
  const withGroup = (t: string): string[] => {
    const g = groupTypeOf(t);
    if (g) kinds.add(membershipKindKey(g, t));
    return g ? [t, g] : [t];
  };
  for (const s of subjects) {
    const resources = [...new Set(sels.flatMap((sel) => typesAmong(sel, BINDING_TARGETS[s] ?? [])))];
    const left = withGroup(s);
    for (const r of resources) {
      const right = withGroup(r);
      for (const t of [...left, ...right]) types.add(t);
      for (const a of left) for (const b of right) kinds.add(associationKindKey(a, b));
    }
  }
  return { types, kinds };
}

/** The rules of the file that gaps of `coverage` could hide violations of (none for a complete snapshot). */
export function rulesAffectedByGaps(file: RuleFile, coverage: Coverage | undefined): RuleGaps[] {
  if (!coverage || coverage.complete) return [];
  const out: RuleGaps[] = [];
  for (const rule of file.rules) {
    const { types, kinds } = footprint(rule);
    const gaps = coverage.gaps.filter((g) =>
      g.provides.kind === 'objects' ? g.provides.types.some((t) => types.has(t)) : g.provides.edgeKinds.some((k) => kinds.has(k)),
    );
    if (gaps.length > 0) out.push({ rule: ruleRef(rule), gaps });
  }
  return out;
}
