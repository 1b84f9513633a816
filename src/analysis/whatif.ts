/**
 * What-if: apply hypothetical removals and additions of memberships, associations and whole objects to
 * an in-memory copy of the graph, recompute only the subjects the changes can touch, and report the
 * bindings (see bindings.ts) gained, lost and changed per subject.
 *
 * Each evaluation applies its changes to a copy of the graph, which shares with it everything it does
 * not edit (AccessGraph.clone), so a what-if about one membership costs what the membership touches, not
 * a copy of the tenant. The base graph is never edited.
 *
 * Which subjects to recompute: every path that appears uses an added edge, and at the moment the last of
 * its added edges goes in, the rest of the path is there, so the sources affected by that edge (asked
 * right after adding it) hold the path's source. Every path that disappears uses a removed edge, and just
 * before the first of them goes, the whole path is there, so the sources asked right before each removal
 * hold its source. Removing an object removes its edges first, one by one, the same way. The graph's
 * `affectedSubjects` answers for the binding universe only, each subject with the target types the
 * changed edge can lead it to, so removing a user from "All Staff" re-asks that user about what "All
 * Staff" is bound to, and no one else.
 *
 * Dynamic groups: setting an object's attributes or a group's rule, and adding a user or system, act
 * through the groups' rules (rule-effects.ts): the memberships the rules then add or remove are applied
 * with the changes. Memberships added or removed by hand are taken as given.
 *
 * How a subject is compared: at the level of the index's integers (the copy numbers everything as the
 * base does), only bindings with a path through an edge removed or added, building Binding objects
 * only for what is reported (copyDelta in delta.ts).
 */
import type { JsonObject, TenantObject } from '../model/index.ts';
import { affectedSubjectGroups, bindingsTowards, type AccessGraph, ForwardReads, type SourceBindings } from '../graph/index.ts';
import { AffectedTargets, BINDING_UNIVERSE, isBindingSubject } from './bindings.ts';
import { copyDelta, type SubjectDelta, type SubjectDeltaSample, type WhatIfTotals } from './delta.ts';
import { edgeKey, type EdgeRef } from './edges.ts';
import { expandRules, needsRules } from './rule-effects.ts';

export type Change =
  | { readonly op: 'remove-edge'; readonly edge: EdgeRef }
  | { readonly op: 'add-edge'; readonly edge: EdgeRef; readonly attributes?: JsonObject | null }
  | { readonly op: 'remove-object'; readonly id: string }
  | { readonly op: 'add-object'; readonly object: TenantObject }
  /**
   * Fields of an object's record set: a user's or system's attributes (every dynamic group then
   * re-evaluated for it), or a group's rule (the group re-evaluated). Acts through the rules only.
   */
  | { readonly op: 'set'; readonly id: string; readonly fields: JsonObject };

export interface WhatIfResult {
  /** Subjects whose bindings were recomputed. */
  readonly recomputed: number;
  /** Subjects with any difference, by id. */
  readonly subjects: readonly SubjectDelta[];
  readonly totals: WhatIfTotals;
}

/** What WhatIfSession.evaluateEach returns once every subject's delta has been handed over. */
export interface WhatIfSummary {
  /** Subjects whose bindings were recomputed. */
  readonly recomputed: number;
  /** Subjects with any difference (the deltas handed over). */
  readonly subjects: number;
  readonly totals: WhatIfTotals;
}

interface Applied {
  readonly affected: AffectedTargets;
  readonly changedEdges: ReadonlySet<string>;
  /** The objects (integer ids of the copy's index) the changed edges lead the affected subjects to. */
  readonly ends: ReadonlySet<number>;
  /** A change adds an edge or an object, so paths may appear as well as disappear. */
  readonly adds: boolean;
}

/**
 * Applies changes to a graph (a session's private copy), returning the binding subjects they can affect.
 * For a removal the walk is asked just before the edge goes, for an addition just after it comes.
 */
function applyChanges(g: AccessGraph, changes: readonly Change[]): Applied {
  const affected = new AffectedTargets();
  const changedEdges = new Set<string>();
  const cache = new ForwardReads();
  const ends = new Set<number>();
  let adds = false;
  const note = (edge: EdgeRef): void => {
    changedEdges.add(edgeKey(edge));
    const found = affectedSubjectGroups(g, edge, BINDING_UNIVERSE, { cache });
    for (const [id, types] of found.subjects) affected.add(id, types);
    for (const n of found.ends) ends.add(n);
  };
  const removeEdge = (edge: EdgeRef): void => {
    note(edge);
    g.removeEdge(edge);
  };
  for (const change of changes) {
    switch (change.op) {
      case 'remove-edge':
        g.edgeAttributes(change.edge); // GraphDataError when the graph has no such edge
        removeEdge(change.edge);
        break;
      case 'add-edge': {
        adds = true;
        g.addEdge({ ...change.edge, attributes: change.attributes ?? null });
        cache.clear(); // more is reachable now
        note(change.edge);
        break;
      }
      case 'remove-object':
        for (const edge of g.edgesOf(change.id)) removeEdge(edge);
        affected.add(change.id, undefined);
        g.removeObject(change.id);
        break;
      case 'add-object':
        adds = true;
        g.addObject(change.object);
        affected.add(change.object.id, undefined);
        break;
      case 'set':
        g.object(change.id); // UnknownObjectError when there is no such object; its effect is its rules' (expandRules)
        break;
    }
  }
  return { affected, changedEdges, ends, adds };
}

/** What-if evaluation on one working copy of a graph, reused across many sets of changes (the base is never edited). */
export class WhatIfSession {
  readonly base: AccessGraph;

  /**
   * A session over `base`, which is never edited: each evaluation applies its changes to a copy of it
   * (cheap: a copy shares everything it does not edit) and recomputes only the subjects they touch.
   */
  constructor(base: AccessGraph) {
    this.base = base;
  }

  /** The bindings gained, lost and changed by the changes, recomputing only the subjects they touch. */
  evaluate(changes: readonly Change[]): WhatIfResult {
    const subjects: SubjectDelta[] = [];
    const { recomputed, totals } = this.evaluateEach(changes, (delta) => subjects.push(delta));
    return { recomputed, subjects, totals };
  }

  /**
   * The same answer as `evaluate`, handed over one subject at a time (in id order) as each is computed,
   * so that memory holds one subject's delta rather than all of them: removing "All Staff" from a
   * 100,000-user tenant loses tens of millions of bindings, too many to hold with their paths. `visit`
   * runs while the changes are applied to the session's copy and must not edit it.
   */
  evaluateEach(changes: readonly Change[], visit: (delta: SubjectDelta) => void): WhatIfSummary {
    return this.evaluateSample(changes, Infinity, ({ subject, gained, lost, changed }) => visit({ subject, gained, lost, changed }));
  }

  /**
   * As evaluateEach, with each subject's lists cut to their first `sample` bindings (by target id) and
   * the full counts beside them: what a text report shows. Bindings beyond the sample are counted, never
   * built, which is what makes a change as wide as removing "All Staff" cost about one enumeration of the
   * bindings it touches. `sample` may depend on the subject (an offboarding counts the user's own).
   */
  evaluateSample(
    changes: readonly Change[],
    sample: number | ((subjectId: string) => number),
    visit: (delta: SubjectDeltaSample) => void,
  ): WhatIfSummary {
    return this.apply(changes, (after, { affected, adds, ends }) => {
      const filters = new Map<string, (id: string) => SourceBindings>();
      const towards = (g: AccessGraph, types: readonly string[]): ((id: string) => SourceBindings) => {
        const key = `${g === after ? 'after' : 'base'} ${types.join(',')}`;
        let fn = filters.get(key);
        if (!fn) filters.set(key, (fn = bindingsTowards(g, { targets: types }, ends)));
        return fn;
      };
      const subjects: { id: string; type: string }[] = [];
      for (const id of affected.sources()) {
        const g = after.hasObject(id) ? after : this.base.hasObject(id) ? this.base : undefined;
        const type = g?.object(id).type;
        if (type !== undefined && isBindingSubject(type)) subjects.push({ id, type });
      }
      subjects.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      let differing = 0;
      let gained = 0;
      let lost = 0;
      let changed = 0;
      for (const { id, type } of subjects) {
        const delta = copyDelta(
          this.base,
          after,
          id,
          affected.targetsFor(id, type),
          towards,
          adds,
          typeof sample === 'number' ? sample : sample(id),
        );
        if (!delta) continue;
        differing += 1;
        gained += delta.counts.gained;
        lost += delta.counts.lost;
        changed += delta.counts.changed;
        visit(delta);
      }
      return { recomputed: subjects.length, subjects: differing, totals: { gained, lost, changed } };
    });
  }

  /**
   * Runs `fn` on a copy of the base with the changes applied (the copy is dropped afterwards). `fn` gets
   * the changed graph, the binding subjects the changes can affect with their target types, and the keys
   * of the edges added or removed. The engine's own (revoke plans, findings): left out of the declarations.
   * @internal
   */
  withChanges<T>(
    changes: readonly Change[],
    fn: (after: AccessGraph, affected: AffectedTargets, changedEdges: ReadonlySet<string>) => T,
  ): T {
    return this.apply(changes, (after, { affected, changedEdges }) => fn(after, affected, changedEdges));
  }

  private apply<T>(changes: readonly Change[], fn: (after: AccessGraph, applied: Applied) => T): T {
    // Attributes set and objects added act through the dynamic groups' rules: the memberships they change join the changes.
    const plain = needsRules(changes) ? expandRules(this.base, changes).changes : changes;
    const copy = this.base.clone();
    try {
      return fn(copy, applyChanges(copy, plain));
    } finally {
      copy.release();
    }
  }
}

/** One what-if on its own (use a WhatIfSession for many). */
export function whatIf(g: AccessGraph, changes: readonly Change[]): WhatIfResult {
  return new WhatIfSession(g).evaluate(changes);
}

/** One what-if on its own, each subject's delta handed to `visit` as it is computed (see WhatIfSession.evaluateEach). */
export function whatIfEach(g: AccessGraph, changes: readonly Change[], visit: (delta: SubjectDelta) => void): WhatIfSummary {
  return new WhatIfSession(g).evaluateEach(changes, visit);
}

/** One what-if on its own, each subject's delta cut to a sample with full counts (see WhatIfSession.evaluateSample). */
export function whatIfSample(
  g: AccessGraph,
  changes: readonly Change[],
  sample: number,
  visit: (delta: SubjectDeltaSample) => void,
): WhatIfSummary {
  return new WhatIfSession(g).evaluateSample(changes, sample, visit);
}
