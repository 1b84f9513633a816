/**
 * Dynamic-group findings: what the rules of the tenant's dynamic groups (docs/rules.md#dynamic-groups)
 * say that its memberships do not.
 *
 * - **added back**: objects a rule would add (it matches, they are not members, not exempt): a manual
 *   removal that did not hold, or a run of the rule pending;
 * - **error flags**: groups the tenant flags in error (`memberQueryErrorFlags`);
 * - **stale exemptions**: exemptions of users who are suspended, and of objects no longer in the organization;
 * - **pending review**: review-required groups with differences, objects the rule would add and members it
 *   does not match (added by hand, or a suggestion to remove awaiting review);
 * - **cannot evaluate**: every dynamic group whose rule jcgraph cannot evaluate, with the sentence that says so.
 */
import type { AccessGraph } from '../../graph/index.ts';
import { namedRef, type NamedRef } from '../bindings.ts';
import { cannotEvaluateNote, ruleMemberships } from '../dynamic-groups.ts';
import { inactiveReasons } from './inactive.ts';

export interface DynamicGroupFindings {
  /** Objects a dynamic group's rule would add back (it matches them; they are not members and not exempt). */
  readonly addedBack: readonly { readonly group: NamedRef; readonly rule: string; readonly members: readonly NamedRef[] }[];
  /** Groups whose rule the tenant flags in error. */
  readonly errorFlags: readonly { readonly group: NamedRef; readonly flags: readonly string[] }[];
  /** Exemptions of suspended users, and of objects no longer in the organization (named by id). */
  readonly staleExemptions: readonly { readonly group: NamedRef; readonly exempt: NamedRef; readonly reason: 'suspended' | 'gone' }[];
  /** Review-required groups whose rule and members differ. */
  readonly pendingReview: readonly {
    readonly group: NamedRef;
    readonly rule: string;
    /** Objects the rule would add. */
    readonly additions: readonly NamedRef[];
    /** Members the rule does not match: added by hand, or a suggestion to remove awaiting review. */
    readonly removals: readonly NamedRef[];
  }[];
  /** Dynamic groups jcgraph cannot evaluate: `membership of GROUP is computed by a rule jcgraph cannot evaluate (…)`. */
  readonly cannotEvaluate: readonly { readonly group: NamedRef; readonly reason: string }[];
}

/** The dynamic-group findings of a graph. */
export function dynamicGroupFindings(g: AccessGraph): DynamicGroupFindings {
  const addedBack: DynamicGroupFindings['addedBack'][number][] = [];
  const errorFlags: DynamicGroupFindings['errorFlags'][number][] = [];
  const staleExemptions: DynamicGroupFindings['staleExemptions'][number][] = [];
  const pendingReview: DynamicGroupFindings['pendingReview'][number][] = [];
  const cannotEvaluate: DynamicGroupFindings['cannotEvaluate'][number][] = [];
  for (const m of ruleMemberships(g)) {
    const { group, rule } = m;
    if (rule.errorFlags.length > 0) errorFlags.push({ group, flags: rule.errorFlags });
    for (const e of rule.exemptions) {
      if (!g.hasObject(e.id))
        staleExemptions.push({ group, exempt: { type: e.type || rule.memberType, id: e.id, name: e.id }, reason: 'gone' });
      else if (rule.memberType === 'user' && inactiveReasons(g.object(e.id).record).includes('suspended'))
        staleExemptions.push({ group, exempt: namedRef(g, e.id), reason: 'suspended' });
    }
    if (m.given === undefined) {
      cannotEvaluate.push({ group, reason: cannotEvaluateNote(group, rule) });
      continue;
    }
    if (m.missing.length > 0) addedBack.push({ group, rule: rule.text, members: m.missing });
    if (rule.method === 'DYNAMIC_REVIEW_REQUIRED' && m.missing.length + m.notGiven.length > 0)
      pendingReview.push({ group, rule: rule.text, additions: m.missing, removals: m.notGiven });
  }
  return { addedBack, errorFlags, staleExemptions, pendingReview, cannotEvaluate };
}
