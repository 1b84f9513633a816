/**
 * Findings for access reviews, from one pass over every binding of the universe (../bindings.ts) at the
 * integer level of the graph's index, materializing only what is reported:
 *
 * - **privileged**: user bindings to systems and system groups whose compiled sudo is enabled, grouped
 *   by what grants it: the precedence level that decided it and the elements on the granting paths (the
 *   paths whose value at that level enables sudo) that hold the value (the association hop for the
 *   association levels, the user groups whose own sudo is enabled for `group-own`), with the users, the
 *   count, and one example binding with its granting paths. Plus
 *   users whose own record carries global `sudo` / `passwordless_sudo`.
 * - **inactive users with access**: users suspended (`suspended` or state SUSPENDED), staged (state
 *   STAGED) or locked (`account_locked`) that still have bindings.
 * - **redundant**: bindings reached both directly and through a group (label direct/indirect).
 * - **blast radius**: groups and associations ranked by how many bindings their removal alone would end.
 *   Exact for every candidate: removing an edge (or a group with its edges) removes exactly the paths
 *   through it, so a binding ends exactly when the element is on every one of its paths; the pass counts,
 *   per binding, the elements common to all its paths (a group that is the target counts too). Paths
 *   through each element are the second key.
 * - **directly bound users**: users with a direct user↔resource association that grants access.
 * - **empty groups**: user, system and policy groups with no members.
 * - **unbound resources**: objects of the universe's target types that no binding reaches, and software
 *   apps, IdP routing policies, password manager items and rules with no association at all.
 * - **dynamic groups**: what the rules of dynamic groups say that the memberships do not (members a rule
 *   would add back, error flags, stale exemptions, review-required groups with pending differences, and
 *   the groups jcgraph cannot evaluate); see dynamic-groups.ts.
 *
 * One file per finding beside this one; this file makes the single pass and hands each binding to them.
 */
import { DEFAULT_COMPILE_RULE, type BindingLabel, type CompileRule, type Coverage, type CoverageGap } from '../../model/index.ts';
import { inventoryBindings, type AccessGraph } from '../../graph/index.ts';
import { BINDING_SUBJECT_TYPES, BINDING_TARGETS, namedRef, type NamedRef } from '../bindings.ts';
import { blastRadius, ElementCounter, type BlastRadiusEntry } from './blast-radius.ts';
import { dynamicGroupFindings, type DynamicGroupFindings } from './dynamic-groups.ts';
import type { DirectlyBoundUser } from './directly-bound.ts';
import { emptyGroups } from './empty-groups.ts';
import { inactiveReasons, type InactiveUser } from './inactive.ts';
import { PrivilegedCollector, SUDO_TARGETS, type PrivilegedFindings } from './privileged.ts';
import { redundantBinding, type RedundantBinding } from './redundant.ts';
import { unbound } from './unbound.ts';
import { userSudoOf, type UserSudo } from './user-sudo.ts';

export type { BlastRadiusEntry } from './blast-radius.ts';
export type { DirectlyBoundUser } from './directly-bound.ts';
export type { DynamicGroupFindings } from './dynamic-groups.ts';
export type { InactiveUser } from './inactive.ts';
export type { PrivilegedFindings, PrivilegedGrant, SudoGrant } from './privileged.ts';
export type { RedundantBinding } from './redundant.ts';
export type { UserSudo } from './user-sudo.ts';

export interface Findings {
  readonly totals: { readonly subjects: number; readonly bindings: number; readonly paths: number };
  readonly privileged: PrivilegedFindings;
  readonly userSudo: readonly UserSudo[];
  readonly inactiveUsers: readonly InactiveUser[];
  readonly redundant: readonly RedundantBinding[];
  readonly blastRadius: readonly BlastRadiusEntry[];
  readonly directlyBound: readonly DirectlyBoundUser[];
  readonly emptyGroups: readonly NamedRef[];
  readonly unboundResources: readonly NamedRef[];
  readonly dynamicGroups: DynamicGroupFindings;
  /** What the snapshot could not read (its coverage gaps): present only when it is partial. */
  readonly notRead?: readonly CoverageGap[];
}

export interface FindingsOptions {
  /**
   * How many blast-radius entries to keep.
   * @default 20
   */
  readonly top?: number;
  /**
   * The snapshot's coverage: a partial one adds the `notRead` finding.
   * @default none (a complete snapshot)
   */
  readonly coverage?: Coverage;
  /**
   * The compile rule that says which grants are privileged (sudo).
   * @default DEFAULT_COMPILE_RULE
   */
  readonly rule?: CompileRule;
}

/** The access-review findings of a graph: privileged and sudo grants, inactive users, redundant and direct bindings, blast radius, empty groups, unbound resources, dynamic groups. */
export function findings(g: AccessGraph, options: FindingsOptions = {}): Findings {
  const rule = options.rule ?? DEFAULT_COMPILE_RULE;
  const ix = g.index;
  const groupCodes = new Set(['user_group', 'system_group', 'policy_group'].map((t) => ix.knownTypeCode(t)).filter((c) => c >= 0));
  const elements = new ElementCounter(ix, groupCodes);
  const privileged = new PrivilegedCollector(g, rule);
  const reached = new Set<number>();
  const inactiveUsers: InactiveUser[] = [];
  const redundant: RedundantBinding[] = [];
  const directlyBound: DirectlyBoundUser[] = [];
  const userBindingCount = new Map<string, number>();
  const totals = { subjects: 0, bindings: 0, paths: 0 };
  for (const type of BINDING_SUBJECT_TYPES) {
    for (const b of inventoryBindings(g, type, BINDING_TARGETS[type] ?? [])) {
      if (b.size === 0) continue;
      totals.subjects++;
      totals.bindings += b.size;
      totals.paths += b.pathTotal;
      const subjectId = ix.idOf(b.source);
      const subject = namedRef(g, subjectId);
      const reasons = type === 'user' ? inactiveReasons(g.object(subjectId).record) : [];
      const inactive: { target: NamedRef; label: BindingLabel }[] = [];
      const direct: NamedRef[] = [];
      if (type === 'user') userBindingCount.set(subjectId, b.size);
      for (let i = 0; i < b.size; i++) {
        const targetNode = b.targets[i] as number;
        reached.add(targetNode);
        elements.add(b, i);
        let hasDirect = false;
        let hasIndirect = false;
        for (let p = b.pathStart[i] as number, pe = b.pathStart[i + 1] as number; p < pe; p++) {
          if ((b.hopStart[p + 1] as number) - (b.hopStart[p] as number) === 1) hasDirect = true;
          else hasIndirect = true;
        }
        const label: BindingLabel = hasDirect && hasIndirect ? 'direct/indirect' : hasDirect ? 'direct' : 'indirect';
        if (reasons.length > 0) inactive.push({ target: namedRef(g, ix.idOf(targetNode)), label });
        if (hasDirect && type === 'user') direct.push(namedRef(g, ix.idOf(targetNode)));
        if (label === 'direct/indirect') redundant.push(redundantBinding(g, subject, b, i));
        if (type === 'user' && SUDO_TARGETS.has(ix.typeOf(targetNode))) {
          const found = privileged.sudoOf(b, i);
          if (found?.sudo.enabled) privileged.add(b, i, subject, found);
        }
      }
      if (inactive.length > 0) inactiveUsers.push({ user: subject, reasons, bindings: inactive });
      if (direct.length > 0) directlyBound.push({ user: subject, targets: direct });
    }
  }
  return {
    totals,
    privileged: privileged.result(),
    userSudo: userSudoOf(g, userBindingCount),
    inactiveUsers,
    redundant,
    blastRadius: blastRadius(g, elements, options.top ?? 20),
    directlyBound,
    emptyGroups: emptyGroups(g),
    unboundResources: unbound(g, reached),
    dynamicGroups: dynamicGroupFindings(g),
    ...(options.coverage && !options.coverage.complete ? { notRead: options.coverage.gaps } : {}),
  };
}
