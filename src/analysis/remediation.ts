/**
 * One remediation plan for many decisions at once (the access review's close): the removals that end
 * every binding decided `revoke` while every binding decided `keep` keeps at least one path, taking away
 * as few other bindings as possible (collateral), then making as few changes as possible.
 *
 * The problem. Each revoked binding's paths must all lose an edge (a cut of that binding); a kept
 * binding must keep a path; the collateral of a set of removals is every other binding of the universe
 * (bindings.ts) all of whose paths lose an edge. Any set of removals that does the job contains, for each
 * revoked binding, a minimal cut of its paths, and the union of those minimal cuts does the job too with
 * no more collateral and no more changes (removing fewer edges never ends more). So the search is over one
 * minimal cut per revoked binding (mincut.ts enumerates them), scored exactly in a CutState
 * (remediation-state.ts) built from the exposure of the candidate edges (exposure.ts).
 *
 * The search:
 * - **conflicts**: a revoked binding every minimal cut of which ends a kept binding on its own is left
 *   out of the plan and reported with the kept bindings of its least harmful cut and the edges their paths
 *   share; one whose paths need an edge that cannot be removed (`uncuttable`) likewise;
 * - the rest fall into **components** (revoked bindings that share a candidate edge, or a binding with a
 *   path through the candidates of both); each is searched by branch and bound over the choices of cut,
 *   cheapest first (so the first answer is the greedy one), with leaving a binding out as the last choice
 *   of each (the plan leaves out as few as it can), pruned by the order (left out, collateral, changes),
 *   which can only grow as removals are added; within a node budget, exact;
 * - then a local search (each binding's cut chosen again against the others') and a pass that drops
 *   every removal the others make unnecessary;
 * - the single-pair least-collateral plans applied one after the other (what running `revoke
 *   --strategy least-collateral` for each decision in turn would do) are scored too, and win when they
 *   keep every kept binding and do better, so the plan is never worse than they are;
 * - a binding left out because, with the rest of the plan, every one of its cuts ends a kept binding is
 *   tried once more against the final plan, and reported as a conflict `with-plan` otherwise.
 *
 * Dynamic groups (plan-steps.ts, as in revoke.ts): a membership its group's rule produces is cut by an
 * exemption (the group's PUT; in a review-required group followed by the removal, which then holds),
 * never by a removal alone, and is priced as one change: the exemption ends exactly the member's paths
 * through the group, as a removal would. A membership of a group whose rule jcgraph cannot evaluate is a
 * removal that says it may not hold. With `exemptions: false` rule-produced memberships cannot be cut.
 *
 * The plan is then checked by re-traversal (what-if on a copy) of its steps with every rule they set off
 * run again (rule-effects.ts): every revoked binding not in conflict ends, every kept binding survives;
 * the collateral reported is what the re-traversal found.
 */
import { QueryError } from '../errors.ts';
import { bindingsTowards, type AccessGraph } from '../graph/index.ts';
import { BINDING_TARGETS, bindingFromIndex, bindingKey, namedRef, type AccessPath, type Binding } from './bindings.ts';
import { edgeKey, type EdgeRef } from './edges.ts';
import type { MembershipSource } from './dynamic-groups.ts';
import { exposure } from './exposure.ts';
import { minimalCuts, uncuttablePaths, type CutPath } from './mincut.ts';
import {
  applyCut,
  sharedExemptions,
  membershipSources,
  needsExemption,
  ruleSentence,
  stepsForEdge,
  type Collateral,
  type EdgeCutStep,
  type SurvivingBinding,
} from './plan-steps.ts';
import { CutState, EXPOSED, KEEP, REVOKE, type ClassInput } from './remediation-state.ts';
import { formatReference } from './resolve.ts';
import { RuleEffects } from './rule-effects.ts';
import { WhatIfSession, type Change } from './whatif.ts';

/** A binding named by its ends' ids: `subject`'s traversal lists `target`. */
export interface BindingPair {
  readonly subject: string;
  readonly target: string;
}

/** What to end and what to keep. */
export interface RemediationRequest {
  /** Bindings to end. */
  readonly revoke: readonly BindingPair[];
  /** Bindings that must keep a path. */
  readonly keep: readonly BindingPair[];
}

/** How to search. */
export interface RemediationOptions {
  /**
   * Why an edge cannot be cut, or undefined when it can.
   * @default every edge can be cut
   */
  readonly uncuttable?: (edge: EdgeRef) => string | undefined;
  /**
   * Whether a membership a dynamic group's rule produces may be cut by an exemption (false: it cannot be cut).
   * @default true
   */
  readonly exemptions?: boolean;
  /**
   * How many minimal cuts of each revoked binding are enumerated at most.
   * @default 256
   */
  readonly candidateCap?: number;
  /**
   * How many nodes the branch and bound visits in all, at most (each component gets its share, and at
   * least enough for its greedy answer).
   * @default 200000
   */
  readonly searchBudget?: number;
  /**
   * Reuse a what-if session (one clone of the graph) for the re-traversal.
   * @default a new session
   */
  readonly session?: WhatIfSession;
}

/**
 * One step of the plan: a removal, or an exemption (plan-steps.ts). Its `collateral`: `lost` every
 * binding the plan ends with a path through its edge (revoked ones too), `surviving` those that lose a
 * path through it and keep another (none on an exemption a removal follows: the removal ends the edge).
 */
export type RemediationStep = EdgeCutStep & {
  /** The revoked bindings one of whose paths the step's edge cuts (by binding key). */
  readonly revokes: readonly string[];
};

/** A revoked binding left out of the plan, and why. */
export interface RemediationConflict {
  readonly revoke: Binding;
  /**
   * `alone`: every cut of it ends a kept binding; `with-plan`: with the plan's other removals, every cut
   * of it does; `uncuttable`: a path of it is made of edges that cannot be removed.
   */
  readonly kind: 'alone' | 'with-plan' | 'uncuttable';
  /** The kept bindings its least harmful cut would end (none for `uncuttable`). */
  readonly kept: readonly Binding[];
  /** Edges on a path of both the revoked binding and a kept one (`uncuttable`: the edges that cannot be removed). */
  readonly sharedEdges: readonly EdgeRef[];
  /** Why, in one sentence. */
  readonly reason: string;
  /** Every minimal cut was tried (false: the enumeration stopped at its cap, and a cut may exist). */
  readonly exhaustive: boolean;
}

/** The plan and what re-traversal found. */
export interface RemediationPlan {
  readonly steps: readonly RemediationStep[];
  /** The revoked bindings the plan ends. */
  readonly revoked: readonly Binding[];
  /** Pairs decided revoke or keep that the graph has no binding for (nothing to end, nothing to keep). */
  readonly absent: { readonly revoke: readonly BindingPair[]; readonly keep: readonly BindingPair[] };
  readonly conflicts: readonly RemediationConflict[];
  /** `lost`: the bindings nobody decided that the plan ends; `surviving`: every binding that loses a path and keeps another. */
  readonly collateral: Collateral;
  /** Kept bindings the plan ends (none when verified). */
  readonly keptLost: readonly Binding[];
  /** Revoked bindings outside the conflicts that the plan does not end (none when verified). */
  readonly stillReached: readonly BindingPair[];
  /** Re-traversal ended every revoked binding outside the conflicts and no kept one. */
  readonly verified: boolean;
  /** What the steps do to the organization, as what-if changes: the removals, and the memberships the rules' runs change. */
  readonly changes: readonly Change[];
  readonly search: {
    readonly components: number;
    /** Minimal cuts enumerated, over all revoked bindings. */
    readonly candidates: number;
    /** Branch-and-bound nodes visited. */
    readonly nodes: number;
    /** Every component was searched to the end and every enumeration was complete: no plan is better. */
    readonly exhaustive: boolean;
    /** Which start won: the search, or the single-pair plans applied one by one. */
    readonly chosen: 'search' | 'single-pair plans';
  };
}

const DEFAULT_CANDIDATE_CAP = 256;
const DEFAULT_BUDGET = 200_000;
const MINIMAL_CUTS_WORK = 50_000;
/** Cuts of a binding tried at each node of the branch and bound (all of them in the local search). */
const BRANCH_WIDTH = 12;
const LOCAL_SEARCH_ROUNDS = 4;

/** A decided binding with its paths. */
interface Decided {
  readonly pair: BindingPair;
  readonly key: string;
  readonly binding: Binding;
}

/** The bindings of some pairs, read per subject towards its targets only; the pairs the graph has no binding for apart. */
function bindingsOfPairs(g: AccessGraph, pairs: readonly BindingPair[]): { found: Decided[]; absent: BindingPair[] } {
  const bySubject = new Map<string, BindingPair[]>();
  const absent: BindingPair[] = [];
  const seen = new Set<string>();
  for (const pair of pairs) {
    const key = bindingKey(pair.subject, pair.target);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!g.hasObject(pair.subject) || !g.hasObject(pair.target)) {
      absent.push(pair);
      continue;
    }
    const subjectType = g.object(pair.subject).type;
    const targetType = g.object(pair.target).type;
    if (!(BINDING_TARGETS[subjectType] ?? []).includes(targetType))
      throw new QueryError(
        `A ${subjectType} is not bound to a ${targetType}: ${pair.subject} → ${pair.target} is no binding jcgraph counts.`,
      );
    const list = bySubject.get(pair.subject);
    if (list) list.push(pair);
    else bySubject.set(pair.subject, [pair]);
  }
  const found: Decided[] = [];
  const ix = g.index;
  for (const [subject, list] of bySubject) {
    const types = [...new Set(list.map((p) => g.object(p.target).type))].sort();
    const b = bindingsTowards(
      g,
      { targets: types },
      list.map((p) => ix.nodeOf(p.target)),
    )(subject);
    const ref = namedRef(g, subject);
    for (const pair of list) {
      const i = b.find(ix.nodeOf(pair.target));
      if (i < 0) absent.push(pair);
      else found.push({ pair, key: bindingKey(pair.subject, pair.target), binding: bindingFromIndex(g, ref, b, i) });
    }
  }
  return { found, absent };
}

/** A revoked binding under search. */
interface Revoke extends Decided {
  readonly index: number;
  /** Its class in the state. */
  readonly cls: number;
  /** Per path, its candidate edges. */
  readonly paths: readonly (readonly number[])[];
  /** Its minimal cuts that end no kept binding on their own, cheapest first. */
  feasible: number[][];
  /** Every minimal cut found. */
  cuts: number[][];
  exhaustive: boolean;
}

type Score = readonly [number, number, number];

function better(a: Score, b: Score): boolean {
  return a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
}

/** Union-find over revoked bindings. */
class Components {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) x = this.parent[x] = this.parent[this.parent[x]!]!;
    return x;
  }
  union(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }
}

/** The search over one state: candidate edges, the revoked bindings, and the kept ones. */
class Search {
  nodes = 0;
  exhaustive = true;

  constructor(
    readonly state: CutState,
    readonly revokes: readonly Revoke[],
  ) {}

  /** The edges of `cut` that the revoked binding still needs, given the selection: those on a path not yet cut, none redundant. */
  trim(r: Revoke, cut: readonly number[]): number[] {
    const open = r.paths.filter((_, k) => !this.state.isPathHit(r.cls, k));
    let needed = cut.filter((e) => open.some((p) => p.includes(e)));
    for (const e of [...needed]) {
      const rest = needed.filter((x) => x !== e);
      if (open.every((p) => p.some((x) => rest.includes(x)))) needed = rest;
    }
    return needed;
  }

  /** The order the search keeps: revoked bindings not ended, then collateral, then changes. */
  score(): Score {
    return [this.state.openRevokes, this.state.collateral, this.state.size];
  }

  apply(edges: readonly number[]): void {
    for (const e of edges) this.state.select(e);
  }

  undo(edges: readonly number[]): void {
    for (const e of edges) this.state.deselect(e);
  }

  /** The feasible choices of `r` now, cheapest first: each cut trimmed, with the collateral and size it leads to. */
  options(r: Revoke, width: number): { edges: number[]; score: Score }[] {
    const seen = new Set<string>();
    const out: { edges: number[]; score: Score }[] = [];
    for (const cut of r.feasible.slice(0, width)) {
      const edges = this.trim(r, cut);
      const key = edges.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      this.apply(edges);
      if (this.state.keptEnded === 0) out.push({ edges, score: this.score() });
      this.undo(edges);
    }
    return out.sort((a, b) => (better(a.score, b.score) ? -1 : better(b.score, a.score) ? 1 : 0));
  }

  /** Branch and bound over one component (see the module doc); returns each binding's chosen edges, null when left out. */
  component(members: readonly Revoke[], budget: number): Map<Revoke, number[] | null> {
    const order = [...members].sort((a, b) => a.feasible.length - b.feasible.length || a.index - b.index);
    const choice: (number[] | null)[] = new Array<number[] | null>(order.length).fill(null);
    let best: { score: Score; choice: (number[] | null)[] } | undefined;
    let visited = 0;
    const run = { stopped: false };
    // Read through a call: a visit below may have set it.
    const stopped = (): boolean => run.stopped;
    const limit = Math.max(budget, 4 * order.length);
    const visit = (i: number, left: number): void => {
      if (run.stopped) return;
      if (++visited > limit) {
        run.stopped = true;
        return;
      }
      const here: Score = [left, this.state.collateral, this.state.size];
      if (best && !better(here, best.score)) return;
      if (i === order.length) {
        best = { score: here, choice: [...choice] };
        return;
      }
      const r = order[i]!;
      if (this.state.isEnded(r.cls)) {
        choice[i] = [];
        visit(i + 1, left);
        return;
      }
      for (const o of this.options(r, BRANCH_WIDTH)) {
        this.apply(o.edges);
        choice[i] = o.edges;
        visit(i + 1, left);
        this.undo(o.edges);
        if (stopped()) return;
      }
      choice[i] = null;
      visit(i + 1, left + 1);
    };
    visit(0, 0);
    this.nodes += visited;
    if (run.stopped || order.some((r) => r.feasible.length > BRANCH_WIDTH)) this.exhaustive = false;
    const result = new Map<Revoke, number[] | null>();
    order.forEach((r, i) => result.set(r, best ? best.choice[i]! : null));
    return result;
  }

  /** Each binding's cut chosen again against all the others' (left-out ones tried again too), until nothing improves. */
  improve(choices: Map<Revoke, number[] | null>): void {
    for (let round = 0; round < LOCAL_SEARCH_ROUNDS; round++) {
      let improved = false;
      for (const r of this.revokes) {
        if (!choices.has(r)) continue;
        const current = choices.get(r) ?? [];
        const before = this.score();
        this.undo(current);
        const best = this.options(r, Infinity)[0];
        if (best && better(best.score, before)) {
          this.apply(best.edges);
          choices.set(r, best.edges);
          improved = true;
        } else this.apply(current);
      }
      if (!improved) break;
    }
  }
}

/** A revoked binding's paths as the cut enumeration takes them (nodes by id, edges by key). */
function cutPathsOf(binding: Binding): CutPath[] {
  return binding.paths.map((p: AccessPath) => ({ nodes: p.objects.map((o) => o.id), edges: p.edgeKeys }));
}

/** The plan that ends the revoked bindings and keeps the kept ones (see the module doc). Dry run: nothing is sent. */
export function planRemediation(g: AccessGraph, request: RemediationRequest, options: RemediationOptions = {}): RemediationPlan {
  const cap = options.candidateCap ?? DEFAULT_CANDIDATE_CAP;
  const budget = options.searchBudget ?? DEFAULT_BUDGET;
  const revokedRead = bindingsOfPairs(g, request.revoke);
  const revokedKeys = new Set(revokedRead.found.map((d) => d.key));
  const keptRead = bindingsOfPairs(
    g,
    request.keep.filter((p) => !revokedKeys.has(bindingKey(p.subject, p.target))),
  );

  // The candidate edges: every edge on a path of a revoked binding.
  const edgeIds = new Map<string, number>();
  const edges: EdgeRef[] = [];
  for (const d of revokedRead.found) {
    for (const p of d.binding.paths) {
      p.edgeKeys.forEach((k, i) => {
        if (!edgeIds.has(k)) {
          edgeIds.set(k, edges.length);
          edges.push(p.edges[i]!);
        }
      });
    }
  }
  const idsOf = (keys: readonly string[]): number[] => keys.flatMap((k) => (edgeIds.has(k) ? [edgeIds.get(k)!] : []));
  const sources = membershipSources(g, edges);
  const uncuttable = new Map<string, string>();
  for (const e of edges) {
    const source = sources.get(edgeKey(e));
    const why =
      options.uncuttable?.(e) ??
      (options.exemptions === false && source && needsExemption(source)
        ? `${ruleSentence(source, formatReference)}: a removal would not hold, and exemptions are not allowed`
        : undefined);
    if (why !== undefined) uncuttable.set(edgeKey(e), why);
  }

  // Classes: every binding a removal of candidates could end (weighted), then the decided ones one by one.
  const classes: ClassInput[] = [];
  if (edges.length > 0)
    for (const c of exposure(g, edges, undefined).classes) classes.push({ paths: c.paths.map(idsOf), weight: c.count, kind: EXPOSED });
  const revokes: Revoke[] = revokedRead.found.map((d, index) => {
    const paths = d.binding.paths.map((p) => idsOf(p.edgeKeys));
    classes.push({ paths, weight: 1, kind: REVOKE });
    return { ...d, index, cls: classes.length - 1, paths, feasible: [], cuts: [], exhaustive: true };
  });
  const kept: { decided: Decided; cls: number }[] = [];
  const forbidden = new Set<string>();
  for (const d of keptRead.found) {
    const paths = d.binding.paths.map((p) => idsOf(p.edgeKeys));
    if (paths.some((p) => p.length === 0)) continue; // a path off the candidates: no plan can end it
    classes.push({ paths, weight: 1, kind: KEEP });
    kept.push({ decided: d, cls: classes.length - 1 });
    // An edge on every path of a kept binding can never be removed.
    for (const e of paths[0]!) if (paths.every((p) => p.includes(e))) forbidden.add(edgeKey(edges[e]!));
  }
  const state = new CutState(edges.length, classes);
  const search = new Search(state, revokes);
  const keptOfClass = new Map(kept.map((k) => [k.cls, k.decided]));

  // Each revoked binding's minimal cuts, and which of them end no kept binding on their own.
  const conflicts: RemediationConflict[] = [];
  const keptEndedBy = (cut: readonly number[]): number[] => {
    search.apply(cut);
    const ended = state.endedOf(KEEP);
    search.undo(cut);
    return ended;
  };
  const sharedEdges = (r: Revoke, keptClasses: readonly number[]): EdgeRef[] => {
    const mine = new Set(r.paths.flat());
    const theirs = new Set(keptClasses.flatMap((c) => keptOfClass.get(c)!.binding.paths.flatMap((p) => idsOf(p.edgeKeys))));
    return [...mine]
      .filter((e) => theirs.has(e))
      .sort((a, b) => a - b)
      .map((e) => edges[e]!);
  };
  let candidates = 0;
  for (const r of revokes) {
    const cutPaths = cutPathsOf(r.binding);
    const stuck = uncuttablePaths(cutPaths, new Set(uncuttable.keys()));
    if (stuck.length > 0) {
      const blocked = [...new Set(stuck.flatMap((p) => p.edges))].map((k) => edges[edgeIds.get(k)!]!);
      conflicts.push({
        revoke: r.binding,
        kind: 'uncuttable',
        kept: [],
        sharedEdges: blocked,
        reason: [...new Set(stuck.flatMap((p) => p.edges).map((k) => uncuttable.get(k)!))].join('; '),
        exhaustive: true,
      });
      r.feasible = [];
      continue;
    }
    const found = minimalCuts(cutPaths, { protectedEdges: new Set(uncuttable.keys()) }, cap, MINIMAL_CUTS_WORK);
    r.cuts = found.cuts.map(idsOf);
    r.exhaustive = found.exhaustive;
    candidates += r.cuts.length;
    const scored: { cut: number[]; score: Score }[] = [];
    for (const cut of r.cuts) {
      if (cut.some((e) => forbidden.has(edgeKey(edges[e]!)))) continue;
      search.apply(cut);
      if (state.keptEnded === 0) scored.push({ cut, score: [0, state.collateral, state.size] });
      search.undo(cut);
    }
    r.feasible = scored.sort((a, b) => (better(a.score, b.score) ? -1 : better(b.score, a.score) ? 1 : 0)).map((s) => s.cut);
    if (r.feasible.length === 0) {
      const least = r.cuts.map((cut) => keptEndedBy(cut)).sort((a, b) => a.length - b.length)[0] ?? [];
      conflicts.push({
        revoke: r.binding,
        kind: 'alone',
        kept: least.map((c) => keptOfClass.get(c)!.binding),
        sharedEdges: sharedEdges(r, least),
        reason: `every way to end it also ends ${least.length === 1 ? 'a binding' : `${least.length} bindings`} decided keep`,
        exhaustive: r.exhaustive,
      });
    }
  }
  const carried = revokes.filter((r) => r.feasible.length > 0);

  // Components, each searched by branch and bound; then the local search over all.
  const edgeRevokes = new Map<number, number[]>();
  carried.forEach((r, i) => {
    for (const e of new Set(r.paths.flat())) edgeRevokes.set(e, [...(edgeRevokes.get(e) ?? []), i]);
  });
  const components = new Components(carried.length);
  for (const c of classes) {
    let first = -1;
    for (const p of c.paths)
      for (const e of p)
        for (const i of edgeRevokes.get(e) ?? []) {
          if (first < 0) first = i;
          else components.union(first, i);
        }
  }
  const groups = new Map<number, Revoke[]>();
  carried.forEach((r, i) => {
    const root = components.find(i);
    groups.set(root, [...(groups.get(root) ?? []), r]);
  });
  const choices = new Map<Revoke, number[] | null>();
  const share = Math.max(1, Math.floor(budget / Math.max(1, groups.size)));
  for (const members of groups.values()) {
    const chosen = search.component(members, share);
    for (const [r, edgesOf] of chosen) {
      choices.set(r, edgesOf);
      if (edgesOf) search.apply(edgesOf);
    }
  }
  search.improve(choices);
  let selection = state.selection();
  let chosenBy: 'search' | 'single-pair plans' = 'search';
  const leftOut = (): Revoke[] => carried.filter((r) => !state.isEnded(r.cls));
  const best = search.score();

  // The single-pair least-collateral plans one after the other, scored on the same state.
  const reset = (to: readonly number[]): void => {
    for (const e of state.selection()) while (state.isSelected(e)) state.deselect(e);
    search.apply(to);
  };
  reset([]);
  for (const r of carried) {
    if (state.isEnded(r.cls)) continue;
    const open = cutPathsOf(r.binding).filter((_, k) => !state.isPathHit(r.cls, k));
    let pick: { cut: number[]; score: Score; keys: string } | undefined;
    for (const keys of minimalCuts(open, { protectedEdges: new Set(uncuttable.keys()) }, cap, MINIMAL_CUTS_WORK).cuts) {
      const cut = idsOf(keys);
      search.apply(cut);
      // What the single-pair plan minimises: every other binding it ends, decided or not; then its steps,
      // then the first by edge keys (revoke.ts's order).
      const score: Score = [0, state.exposedEnded, state.size];
      search.undo(cut);
      const sorted = [...keys].sort().join('\u0000');
      if (!pick || better(score, pick.score) || (!better(pick.score, score) && sorted < pick.keys)) pick = { cut, score, keys: sorted };
    }
    if (pick) search.apply(pick.cut);
  }
  const sequential = search.score();
  if (state.keptEnded === 0 && better(sequential, best)) {
    selection = state.selection();
    chosenBy = 'single-pair plans';
  }
  reset(selection);

  // Drop every removal the others make unnecessary, the costliest first.
  const costOf = (e: number): number => {
    state.deselect(e);
    const without = state.collateral;
    state.select(e);
    return state.collateral - without;
  };
  for (const e of selection.map((x) => ({ e: x, cost: costOf(x) })).sort((a, b) => b.cost - a.cost || a.e - b.e)) {
    const ended = carried.filter((r) => state.isEnded(r.cls));
    state.deselect(e.e);
    if (ended.some((r) => !state.isEnded(r.cls))) state.select(e.e);
  }
  // A binding left out is tried once more against the final plan.
  for (const r of leftOut()) {
    const o = search.options(r, Infinity)[0];
    if (o) search.apply(o.edges);
  }
  for (const r of leftOut()) {
    const least =
      r.cuts
        .map((cut) => {
          const edgesOf = search.trim(r, cut);
          return keptEndedBy(edgesOf);
        })
        .sort((a, b) => a.length - b.length)[0] ?? [];
    conflicts.push({
      revoke: r.binding,
      kind: 'with-plan',
      kept: least.map((c) => keptOfClass.get(c)!.binding),
      sharedEdges: sharedEdges(r, least),
      reason: `with the plan's other removals, every way to end it also ends ${least.length === 1 ? 'a binding' : `${least.length} bindings`} decided keep`,
      exhaustive: r.exhaustive,
    });
  }
  const cut = state.selection().map((e) => edges[e]!);
  return finish(g, {
    cut,
    revokes,
    conflicts,
    kept: kept.map((k) => k.decided),
    sources,
    absent: { revoke: revokedRead.absent, keep: keptRead.absent },
    search: {
      components: groups.size,
      candidates,
      nodes: search.nodes,
      exhaustive: search.exhaustive && revokes.every((r) => r.exhaustive),
      chosen: chosenBy,
    },
    session: options.session ?? new WhatIfSession(g),
  });
}

/** Re-traversal of the chosen cut (its exemptions and removals, and the rules' runs they set off), and the plan's steps. */
function finish(
  g: AccessGraph,
  input: {
    cut: readonly EdgeRef[];
    revokes: readonly Revoke[];
    conflicts: readonly RemediationConflict[];
    kept: readonly Decided[];
    sources: ReadonlyMap<string, MembershipSource>;
    absent: RemediationPlan['absent'];
    search: RemediationPlan['search'];
    session: WhatIfSession;
  },
): RemediationPlan {
  const cutOf = (edge: EdgeRef) => {
    const key = edgeKey(edge);
    const source = input.sources.get(key);
    return { edge, key, ...(source ? { source } : {}) };
  };
  // What the tenant does: each exemption and removal in order, and the rules' runs they set off.
  const effects = new RuleEffects(g);
  for (const edge of input.cut) applyCut(effects, cutOf(edge));
  const changes = effects.changes;
  const lost: Binding[] = [];
  const surviving: SurvivingBinding[] = [];
  if (changes.length > 0)
    input.session.evaluateEach(changes, (d) => {
      lost.push(...d.lost);
      for (const c of d.changed) {
        const keptPaths = new Set(c.after.paths.map((p) => p.edgeKeys.join('\u0000')));
        surviving.push({
          subject: c.after.subject,
          target: c.after.target,
          paths: c.after.paths,
          lostPaths: c.before.paths.filter((p) => !keptPaths.has(p.edgeKeys.join('\u0000'))),
        });
      }
    });
  const lostKeys = new Set(lost.map((b) => bindingKey(b.subject.id, b.target.id)));
  const inConflict = new Set(input.conflicts.map((c) => bindingKey(c.revoke.subject.id, c.revoke.target.id)));
  const revokedKeys = new Set(input.revokes.map((r) => r.key));
  const keptKeys = new Set(input.kept.map((k) => k.key));
  const stillReached = input.revokes.filter((r) => !inConflict.has(r.key) && !lostKeys.has(r.key)).map((r) => r.pair);
  const keptLost = lost.filter((b) => keptKeys.has(bindingKey(b.subject.id, b.target.id)));
  const revoked = input.revokes.filter((r) => lostKeys.has(r.key)).map((r) => r.binding);
  const collateral = lost.filter((b) => {
    const key = bindingKey(b.subject.id, b.target.id);
    return !revokedKeys.has(key) && !keptKeys.has(key);
  });
  // Per removed edge: the bindings with a path through it (lost, and surviving with a lost path), and the revoked ones.
  const cutKeys = new Set(input.cut.map(edgeKey));
  const through = <T>(items: readonly T[], paths: (item: T) => readonly AccessPath[]): Map<string, T[]> => {
    const by = new Map<string, T[]>();
    for (const item of items) {
      const keys = new Set<string>();
      for (const p of paths(item)) for (const k of p.edgeKeys) if (cutKeys.has(k)) keys.add(k);
      for (const k of keys) {
        const list = by.get(k);
        if (list) list.push(item);
        else by.set(k, [item]);
      }
    }
    return by;
  };
  const lostThrough = through(lost, (b) => b.paths);
  const survivingThrough = through(surviving, (b) => b.lostPaths);
  const revokesThrough = through(input.revokes, (r) => r.binding.paths);
  const ordered = input.cut
    .map((edge) => ({ edge, key: edgeKey(edge), revokes: (revokesThrough.get(edgeKey(edge)) ?? []).map((r) => r.key) }))
    .sort((a, b) => b.revokes.length - a.revokes.length || (a.key < b.key ? -1 : 1));
  // An exemption in a review-required group is followed by its removal: both stay together, in that
  // order; several exemptions from one group each send them all (sharedExemptions).
  const steps: RemediationStep[] = sharedExemptions(
    ordered.flatMap(({ edge, key, revokes }) => {
      // Prefer sending an association from the user's side, then a user group's.
      const ends = [edge.from, edge.to];
      const preferred = [...ends.filter((o) => o.type === 'user'), ...ends.filter((o) => o.type === 'user_group')].map((o) => o.id);
      const collateral = { lost: lostThrough.get(key) ?? [], surviving: survivingThrough.get(key) ?? [] };
      return stepsForEdge(g, cutOf(edge), preferred, collateral).map((s) => ({ ...s, revokes }));
    }),
  );
  return {
    steps,
    revoked,
    absent: input.absent,
    conflicts: input.conflicts,
    collateral: { lost: collateral, surviving },
    keptLost,
    stillReached,
    verified: stillReached.length === 0 && keptLost.length === 0,
    changes,
    search: input.search,
  };
}
