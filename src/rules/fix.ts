/**
 * Fix plans: the removals that end a violation of a forbid, exclusive or none rule, as the revoke plans of
 * src/analysis/revoke.ts make them (least collateral first), kept only when, applied to a copy of the
 * graph, they end the violation and add no violation of the rule file (a removal can: taking away an
 * association that says "no sudo" lets a group's sudo through, and a `require` rule can lose a binding).
 *
 * - forbid and none: the least-collateral revoke plan of the binding; when it would add a violation, the
 *   fewest-changes plan, then the subject-only plan.
 * - forbid with `direct`: the binding is allowed through groups; the plan removes its one-hop edges only.
 * - exclusive: the revoke plans of every binding on one side, the side whose plans take less other access.
 * A violation no such plan fixes cleanly gets the reason instead (the first violation it would add).
 *
 * The fix plans of one check share their work (FixShared): a revoke plan asked for twice (the same
 * binding on both sides of two violations) is made once, and what a set of removals does to the whole
 * file (the violations it would add, the bindings it would end) is worked out once per set: the
 * violations of a subject often share one plan (a user's memberships of one group, exempted). And what
 * a set of removals adds is looked for among the rules removals can break only (rulesRemovalsCanBreak).
 */
import { planRevoke, type PlanStep, type RevokePlan, type RevokeStrategy } from '../analysis/revoke.ts';
import { WhatIfSession, type Change } from '../analysis/whatif.ts';
import { bindingKey, namedRef, type Binding } from '../analysis/bindings.ts';
import { edgeOperation } from '../analysis/operations.ts';
import { edgeKey, type EdgeRef } from '../analysis/edges.ts';
import { PlanError } from '../errors.ts';
import type { AccessGraph } from '../graph/index.ts';
import { ruleScope, newViolations } from './compare.ts';
import { checkSubjects, type CheckResult, type Violation } from './evaluate.ts';
import { readsMemberships, selectorsOf } from './selector.ts';
import type { Rule, RuleFile } from './types.ts';

/** How a fix plan was made: a revoke strategy, or the direct edges alone (forbid with `direct`). */
export type FixStrategy = RevokeStrategy | 'direct-edges';

export interface FixPlan {
  readonly strategy: FixStrategy;
  /** For exclusive: the side whose bindings the plan ends. */
  readonly side?: 'left' | 'right';
  /** The removals, each edge once, in the order the revoke plans give them. */
  readonly steps: readonly PlanStep[];
  /** The revoke plans the steps come from (one per binding ended; none for direct-edges). */
  readonly revokes: readonly RevokePlan[];
  /** Bindings other than the ones at fault that the steps end (by re-traversal of a copy). */
  readonly collateral: readonly Binding[];
}

/** A violation's fix: a plan, or why there is none. */
export type Fix = { readonly plan: FixPlan; readonly reason?: undefined } | { readonly plan?: undefined; readonly reason: string };

export interface FixOptions {
  /**
   * The time exceptions are judged at (as the check's).
   * @default Date.now()
   */
  readonly now?: number;
  /**
   * A what-if session over the graph, reused across fixes.
   * @default a new one
   */
  readonly session?: WhatIfSession;
  /**
   * Bindings (`subject>target` keys) that are at fault themselves (other violations of the file): their
   * loss is not counted as collateral.
   * @default none
   */
  readonly atFault?: ReadonlySet<string>;
  /**
   * The whole check of the graph with the same file and time (checkReport has it): what each candidate
   * plan is compared with, instead of checking the subjects it touches again.
   * @default checked again for each candidate
   */
  readonly checked?: CheckResult;
  /**
   * What the fix plans of one check share (made once per check: `new FixShared()`); only read by a
   * planFix of the same graph, file, time and whole check as the first that used it.
   * @default nothing shared
   */
  readonly shared?: FixShared;
}

/** A revoke plan, or the PlanError that says there is none. */
type RevokeOutcome = { readonly plan: RevokePlan } | { readonly error: PlanError };

/**
 * The work the fix plans of one check share: revoke plans by binding and strategy, and by set of
 * removals what they would do to the rule file and which bindings they would end. Every entry is a pure
 * function of the graph, the file, the time, the whole check and its key, so a plan made with it is the
 * plan made without.
 */
export class FixShared {
  private owner: { g: AccessGraph; file: RuleFile; now: number; checked: CheckResult | undefined } | undefined;
  readonly revokes = new Map<string, RevokeOutcome>();
  /** By set of removals: why it is no clean fix of the file (the first violation it would add), or undefined. */
  readonly problems = new Map<string, string | undefined>();
  /** By set of removals: the bindings it ends, by re-traversal. */
  readonly lost = new Map<string, readonly Binding[]>();

  /** Whether this is for the graph, file, time and check given (the first planFix to use it claims it). */
  serves(g: AccessGraph, file: RuleFile, now: number, checked: CheckResult | undefined): boolean {
    this.owner ??= { g, file, now, checked };
    const o = this.owner;
    return o.g === g && o.file === file && o.now === now && o.checked === checked;
  }
}

/**
 * Whether removing edges (nothing else) can add a violation of a rule: a require rule (a binding
 * lost), a rule with sudo (a removal can let sudo through: an association that said "no sudo" gone),
 * or a rule one of whose selectors, or its exceptions', reads memberships (a membership gone changes
 * what `member_of` picks). Any other rule's violations once edges are removed are among those before:
 * bindings and paths only go (a binding, a direct path, a path through no `through` group, a subject
 * on both sides of an exclusive are each there before if after), and types, ids, names and records,
 * all the rest a selector reads, stay.
 */
function removalsCanBreak(file: RuleFile, rule: Rule): boolean {
  if (rule.kind === 'require') return true;
  if ((rule.kind === 'forbid' || rule.kind === 'only_through') && rule.sudo) return true;
  for (const sel of selectorsOf({ ...file, rules: [rule] })) if (readsMemberships(sel)) return true;
  return false;
}

/** The rules of a file that removing edges can add a violation of (the others never gain one from removals). */
export function rulesRemovalsCanBreak(file: RuleFile): RuleFile {
  return { ...file, rules: file.rules.filter((r) => removalsCanBreak(file, r)) };
}

const STRATEGIES: readonly RevokeStrategy[] = ['least-collateral', 'fewest-changes', 'subject-only'];

function unionSteps(plans: readonly RevokePlan[]): PlanStep[] {
  const seen = new Map<string, PlanStep>();
  // By action and edge: an exemption and the removal after it (a review-required group) are both kept.
  for (const p of plans) for (const s of p.steps) if (!seen.has(`${s.action} ${s.edgeKey}`)) seen.set(`${s.action} ${s.edgeKey}`, s);
  return [...seen.values()];
}

/** The steps that remove the one-hop edges of a binding (what a forbid with `direct` objects to). */
function directSteps(g: AccessGraph, binding: Binding): PlanStep[] {
  const out: PlanStep[] = [];
  binding.paths.forEach((p, i) => {
    if (p.edges.length !== 1) return;
    const edge = p.edges[0] as EdgeRef;
    out.push({
      action: 'remove',
      edge,
      edgeKey: p.edgeKeys[0]!,
      from: namedRef(g, edge.from.id),
      to: namedRef(g, edge.to.id),
      operation: edgeOperation('remove', edge, [binding.subject.id]),
      cutsPaths: [i],
      collateral: { lost: [], surviving: [] },
    });
  });
  return out;
}

interface Candidate {
  readonly strategy: FixStrategy;
  readonly side?: 'left' | 'right';
  readonly steps: readonly PlanStep[];
  readonly revokes: readonly RevokePlan[];
  /** Keys (subject>target) of the bindings the plan is meant to end. */
  readonly ends: ReadonlySet<string>;
}

/** The candidates for a violation, best first within each strategy. */
function* candidates(g: AccessGraph, file: RuleFile, v: Violation, session: WhatIfSession, shared?: FixShared): Generator<Candidate[]> {
  const revoke = (b: Binding, strategy: RevokeStrategy): RevokePlan => {
    if (!shared) return planRevoke(g, b.subject.id, b.target.id, { strategy, session });
    const key = `${strategy} ${bindingKey(b.subject.id, b.target.id)}`;
    let outcome = shared.revokes.get(key);
    if (!outcome) {
      try {
        outcome = { plan: planRevoke(g, b.subject.id, b.target.id, { strategy, session }) };
      } catch (error) {
        if (!(error instanceof PlanError)) throw error;
        outcome = { error };
      }
      shared.revokes.set(key, outcome);
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.plan;
  };
  const rule = file.rules.find((r) => r.id === v.rule.id);
  if (rule?.kind === 'forbid' && rule.direct && v.binding?.paths.some((p) => p.edges.length > 1)) {
    // forbid with direct, on a binding that also has paths through groups: only the one-hop paths are at fault.
    yield [{ strategy: 'direct-edges', steps: directSteps(g, v.binding), revokes: [], ends: new Set() }];
  }
  for (const strategy of STRATEGIES) {
    if ((v.finding === 'forbid' || v.finding === 'none') && v.binding) {
      const b = v.binding;
      yield [{ strategy, steps: [], revokes: [revoke(b, strategy)], ends: new Set([bindingKey(b.subject.id, b.target.id)]) }].map((c) => ({
        ...c,
        steps: unionSteps(c.revokes),
      }));
    } else if (v.finding === 'exclusive' && v.sides) {
      const sides = (['left', 'right'] as const).map((side) => {
        const plans = v.sides![side].map((b) => revoke(b, strategy));
        return {
          strategy,
          side,
          steps: unionSteps(plans),
          revokes: plans,
          ends: new Set(v.sides![side].map((b) => bindingKey(b.subject.id, b.target.id))),
        };
      });
      yield sides;
    }
  }
}

/** The bindings a set of removals ends (by re-traversal), once per set when shared. */
function lostBy(session: WhatIfSession, changes: readonly Change[], key: string, shared: FixShared | undefined): readonly Binding[] {
  let lost = shared?.lost.get(key);
  if (!lost) {
    lost = session.evaluate(changes).subjects.flatMap((d) => d.lost);
    shared?.lost.set(key, lost);
  }
  return lost;
}

/**
 * The plan that fixes a violation (forbid, none, exclusive) without adding one of the file's, or the
 * reason there is none. Nothing is written anywhere: plans are dry runs.
 */
export function planFix(g: AccessGraph, file: RuleFile, v: Violation, options: FixOptions = {}): Fix {
  if (v.finding !== 'forbid' && v.finding !== 'none' && v.finding !== 'exclusive')
    return { reason: `a ${v.finding === 'expired-exception' ? 'lapsed exception' : `${v.finding} rule`} is not fixed by removing access.` };
  const session = options.session ?? new WhatIfSession(g);
  const now = options.now ?? Date.now();
  const shared = options.shared?.serves(g, file, now, options.checked) ? options.shared : undefined;
  // A plan only removes edges (an exemption ends a membership as a removal does): the rules it can break.
  const breakable = rulesRemovalsCanBreak(file);
  let firstProblem: string | undefined;
  let tried = 0;
  try {
    for (const group of candidates(g, file, v, session, shared)) {
      let best: { plan: FixPlan; lost: number } | undefined;
      for (const c of group) {
        if (c.steps.length === 0) continue;
        tried++;
        const edges = new Map(c.steps.map((s) => [s.edgeKey, s.edge])); // each edge ends once, exempted or removed
        const changes: Change[] = [...edges.values()].map((edge) => ({ op: 'remove-edge', edge }));
        const changesKey = changes.map((c) => (c.op === 'remove-edge' ? edgeKey(c.edge) : '')).join('\n');
        const outcome = session.withChanges(changes, (after, affected) => {
          const subject = v.subject!.id;
          const still = checkSubjects(after, { ...file, rules: file.rules.filter((r) => r.id === v.rule.id) }, [subject], { now });
          if (still.violations.some((x) => x.key === v.key)) return { problem: `it would not end the violation` };
          // What the removals do to the whole file does not depend on the violation: once per set.
          if (shared?.problems.has(changesKey)) return { problem: shared.problems.get(changesKey) };
          const scope = ruleScope(g, after, file, changes, affected.sources());
          const added =
            breakable.rules.length === 0
              ? []
              : newViolations(g, after, breakable, { now, scope, ...(options.checked ? { before: options.checked } : {}) }).added;
          const problem = added.length > 0 ? `it would add a violation: ${added[0]!.message}` : undefined;
          shared?.problems.set(changesKey, problem);
          return { problem };
        });
        if (outcome.problem) {
          firstProblem ??= `the ${c.strategy} plan${c.side ? ` (ending the ${c.side} side)` : ''} ${outcome.problem}`;
          continue;
        }
        // One revoke plan has measured what its removals end already; a union of several is measured here.
        const lost = c.revokes.length === 1 ? [...c.revokes[0]!.collateral.lost] : [...lostBy(session, changes, changesKey, shared)];
        const atFault = options.atFault;
        const collateral = lost.filter(
          (b) => !c.ends.has(bindingKey(b.subject.id, b.target.id)) && !atFault?.has(bindingKey(b.subject.id, b.target.id)),
        );
        if (c.strategy === 'direct-edges') {
          // The binding itself may be lost if its only paths were direct; it is then not collateral.
          const own = bindingKey(v.subject!.id, v.resource!.id);
          collateral.splice(0, collateral.length, ...collateral.filter((b) => bindingKey(b.subject.id, b.target.id) !== own));
        }
        const plan: FixPlan = { strategy: c.strategy, ...(c.side ? { side: c.side } : {}), steps: c.steps, revokes: c.revokes, collateral };
        if (!best || collateral.length < best.lost || (collateral.length === best.lost && plan.steps.length < best.plan.steps.length))
          best = { plan, lost: collateral.length };
      }
      if (best) return { plan: best.plan };
    }
  } catch (error) {
    if (error instanceof PlanError) return { reason: error.message };
    throw error;
  }
  return { reason: tried === 0 ? 'no removal can end it.' : `no plan fixes it cleanly: ${firstProblem ?? 'none was found'}.` };
}
