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
 * How a subject is compared: at the level of the index's integers (the copy numbers everything as the
 * base does), only bindings with a path through an edge removed or added, building Binding objects
 * only for what is reported (see copyDelta).
 */
import { createHash } from 'node:crypto';
import { DEFAULT_COMPILE_RULE, canonicalJson, type GraphObjectWithPaths, type JsonObject, type TenantObject } from '../model/index.ts';
import {
  affectedSubjectGroups,
  bindingsTowards,
  compileFromIndex,
  inventory,
  traverse,
  type AccessGraph,
  ForwardReads,
  type TraversalIndex,
  type SourceBindings,
} from '../graph/index.ts';
import {
  AffectedTargets,
  BINDING_SUBJECT_TYPES,
  BINDING_TARGETS,
  BINDING_UNIVERSE,
  bindingFromAnswer,
  bindingFromIndex,
  isBindingSubject,
  type Binding,
  type NamedRef,
} from './bindings.ts';
import { edgeKey, type EdgeRef } from './edges.ts';

export type Change =
  | { readonly op: 'remove-edge'; readonly edge: EdgeRef }
  | { readonly op: 'add-edge'; readonly edge: EdgeRef; readonly attributes?: JsonObject | null }
  | { readonly op: 'remove-object'; readonly id: string }
  | { readonly op: 'add-object'; readonly object: TenantObject };

/** A binding kept through the change whose paths or compiled attributes differ. */
export interface ChangedBinding {
  readonly before: Binding;
  readonly after: Binding;
}

export interface SubjectDelta {
  readonly subject: NamedRef;
  readonly gained: readonly Binding[];
  readonly lost: readonly Binding[];
  readonly changed: readonly ChangedBinding[];
}

export interface WhatIfTotals {
  readonly gained: number;
  readonly lost: number;
  readonly changed: number;
}

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

/** A binding answer's identity for comparison: its paths (hops with edge attributes) and compiled attributes. */
function signature(answer: GraphObjectWithPaths): string {
  return canonicalJson({ paths: answer.paths, compiled: answer.compiledAttributes ?? null });
}

/** The subject's binding answers (to `types`, default all), by target id; empty when the subject is not in the graph. */
function answersOf(g: AccessGraph, subjectId: string, types?: readonly string[]): Map<string, GraphObjectWithPaths> {
  if (!g.hasObject(subjectId)) return new Map();
  const targets = types ?? BINDING_TARGETS[g.object(subjectId).type] ?? [];
  if (targets.length === 0) return new Map();
  return new Map(traverse(g, subjectId, { targets }).map((a) => [a.id, a]));
}

function subjectRef(g: AccessGraph, id: string): NamedRef {
  const o = g.object(id);
  return { type: o.type, id, name: o.name };
}

/**
 * The difference of one subject's binding answers in two graphs (undefined when there is none), towards
 * `types` only when given (the caller knows the others cannot differ). Any two graphs: the what-if
 * session compares a graph with its own copy at the level of the index instead (copyDelta).
 */
export function subjectDelta(
  before: AccessGraph,
  after: AccessGraph,
  subjectId: string,
  types?: readonly string[],
): SubjectDelta | undefined {
  return compareAnswers(before, after, subjectId, answersOf(before, subjectId, types), answersOf(after, subjectId, types));
}

function compareAnswers(
  before: AccessGraph,
  after: AccessGraph,
  subjectId: string,
  old: ReadonlyMap<string, GraphObjectWithPaths>,
  now: ReadonlyMap<string, GraphObjectWithPaths>,
): SubjectDelta | undefined {
  if (old.size === 0 && now.size === 0) return undefined;
  const subjectBefore = old.size > 0 ? subjectRef(before, subjectId) : undefined;
  const subjectAfter = now.size > 0 ? subjectRef(after, subjectId) : undefined;
  const gained: Binding[] = [];
  const lost: Binding[] = [];
  const changed: ChangedBinding[] = [];
  for (const [id, answer] of now) {
    const previous = old.get(id);
    if (!previous) gained.push(bindingFromAnswer(after, subjectAfter as NamedRef, answer));
    else if (signature(previous) !== signature(answer)) {
      changed.push({
        before: bindingFromAnswer(before, subjectBefore as NamedRef, previous),
        after: bindingFromAnswer(after, subjectAfter as NamedRef, answer),
      });
    }
  }
  for (const [id, answer] of old) if (!now.has(id)) lost.push(bindingFromAnswer(before, subjectBefore as NamedRef, answer));
  if (gained.length + lost.length + changed.length === 0) return undefined;
  return { subject: (subjectAfter ?? subjectBefore) as NamedRef, gained, lost, changed };
}

export function collectDeltas(deltas: (SubjectDelta | undefined)[], recomputed: number): WhatIfResult {
  const subjects = deltas
    .filter((d): d is SubjectDelta => d !== undefined)
    .sort((a, b) => (a.subject.id < b.subject.id ? -1 : a.subject.id > b.subject.id ? 1 : 0));
  const sum = (f: (d: SubjectDelta) => number) => subjects.reduce((n, d) => n + f(d), 0);
  return {
    recomputed,
    subjects,
    totals: { gained: sum((d) => d.gained.length), lost: sum((d) => d.lost.length), changed: sum((d) => d.changed.length) },
  };
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
    }
  }
  return { affected, changedEdges, ends, adds };
}

/** A subject's delta with each list cut to a sample (its first bindings by target id), and the full counts. */
export interface SubjectDeltaSample extends SubjectDelta {
  readonly counts: WhatIfTotals;
}

/** The same objects and ids in both graphs? (`after` is a copy of `before`, so integers agree on what both hold.) */
function compareTargets(ix0: TraversalIndex, t0: number, ix1: TraversalIndex, t1: number): number {
  if (t0 === t1) return 0;
  if (t0 < ix0.baseNodeCount && t1 < ix1.baseNodeCount) return t0 - t1; // one store, numbered in id order
  const a = ix0.idOf(t0);
  const b = ix1.idOf(t1);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Binding i of b0 and binding j of b1 list the same paths: the same objects, with the same edge attributes, in order. */
function samePaths(b0: SourceBindings, i: number, b1: SourceBindings, j: number): boolean {
  const ix0 = b0.index;
  const ix1 = b1.index;
  const pe = b0.pathStart[i + 1]!;
  let q = b1.pathStart[j]!;
  if (pe - b0.pathStart[i]! !== b1.pathStart[j + 1]! - q) return false;
  for (let p = b0.pathStart[i]!; p < pe; p++, q++) {
    const he = b0.hopStart[p + 1]!;
    let k = b1.hopStart[q]!;
    if (he - b0.hopStart[p]! !== b1.hopStart[q + 1]! - k) return false;
    for (let h = b0.hopStart[p]!; h < he; h++, k++) {
      const n0 = b0.hopNodes[h]!;
      const n1 = b1.hopNodes[k]!;
      if (n0 !== n1 && ix0.idOf(n0) !== ix1.idOf(n1)) return false;
      const a0 = ix0.attributesOf(b0.hopEdges[h]!);
      const a1 = ix1.attributesOf(b1.hopEdges[k]!);
      if (a0 !== a1 && canonicalJson(a0) !== canonicalJson(a1)) return false;
    }
  }
  return true;
}

/** Whether a path of binding i uses an edge for which `marked` holds. */
function usesMarked(b: SourceBindings, i: number, marked: (edge: number) => boolean): boolean {
  for (let h = b.hopStart[b.pathStart[i]!]!, he = b.hopStart[b.pathStart[i + 1]!]!; h < he; h++) if (marked(b.hopEdges[h]!)) return true;
  return false;
}

/** Paths of binding i that use no marked edge. */
function pathsAvoiding(b: SourceBindings, i: number, marked: (edge: number) => boolean): number {
  let kept = 0;
  for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) {
    let clean = true;
    for (let h = b.hopStart[p]!, he = b.hopStart[p + 1]!; clean && h < he; h++) clean = !marked(b.hopEdges[h]!);
    if (clean) kept++;
  }
  return kept;
}

/**
 * One subject's delta between `base` and `after`, a copy of it with changes applied, towards `types`,
 * at the level of the index's integers: only bindings with a path through an edge removed or added are
 * compared (each graph asked only about the objects the changed edges lead to, `towards`), and Binding
 * objects are built only for the first `sample` of each list. When the changes
 * only remove, the copy's paths are the base's paths that use no removed edge, so one enumeration of
 * the base says which bindings are lost (every path gone) and changed (some gone); with additions both
 * graphs are enumerated and compared.
 */
function copyDelta(
  base: AccessGraph,
  after: AccessGraph,
  subjectId: string,
  types: readonly string[],
  towards: (g: AccessGraph, types: readonly string[]) => (id: string) => SourceBindings,
  adds: boolean,
  sample: number,
): SubjectDeltaSample | undefined {
  if (types.length === 0) return undefined;
  const ix0 = base.index;
  const ix1 = after.index;
  const removed = (e: number): boolean => ix1.edgeAlive[e] !== 1;
  const added = (e: number): boolean => e >= ix0.edgeCount || ix0.edgeAlive[e] !== 1;
  const b0 = base.hasObject(subjectId) ? towards(base, types)(subjectId) : undefined;
  let b1: SourceBindings | undefined;
  const afterBindings = (): SourceBindings | undefined =>
    (b1 ??= after.hasObject(subjectId) ? towards(after, types)(subjectId) : undefined);
  let subjectBefore: NamedRef | undefined;
  let subjectAfter: NamedRef | undefined;
  const before = (): NamedRef => (subjectBefore ??= subjectRef(base, subjectId));
  const now = (): NamedRef => (subjectAfter ??= subjectRef(after, subjectId));
  const gained: Binding[] = [];
  const lost: Binding[] = [];
  const changed: ChangedBinding[] = [];
  const counts = { gained: 0, lost: 0, changed: 0 };
  let inAfter = false;
  const onLost = (i: number): void => {
    if (counts.lost++ < sample) lost.push(bindingFromIndex(base, before(), b0!, i));
  };
  const onGained = (j: number): void => {
    inAfter = true;
    if (counts.gained++ < sample) gained.push(bindingFromIndex(after, now(), b1!, j));
  };
  const onChanged = (i: number, find: () => number): void => {
    inAfter = true;
    if (counts.changed++ >= sample) return;
    const b = afterBindings()!;
    changed.push({ before: bindingFromIndex(base, before(), b0!, i), after: bindingFromIndex(after, now(), b, find()) });
  };
  if (!adds) {
    for (let i = 0; b0 && i < b0.size; i++) {
      const kept = pathsAvoiding(b0, i, removed);
      if (kept === b0.pathCount(i)) continue;
      if (kept === 0) onLost(i);
      else onChanged(i, () => afterBindings()!.find(b0.targets[i]!));
    }
  } else {
    const b = afterBindings();
    const n0 = b0?.size ?? 0;
    const n1 = b?.size ?? 0;
    for (let i = 0, j = 0; i < n0 || j < n1;) {
      const c = i >= n0 ? 1 : j >= n1 ? -1 : compareTargets(ix0, b0!.targets[i]!, ix1, b!.targets[j]!);
      if (c < 0) {
        if (usesMarked(b0!, i, removed)) onLost(i);
        i++;
      } else if (c > 0) {
        if (usesMarked(b!, j, added)) onGained(j);
        j++;
      } else {
        if (usesMarked(b0!, i, removed) || usesMarked(b!, j, added)) {
          inAfter = true;
          const same =
            samePaths(b0!, i, b!, j) &&
            canonicalJson(compileFromIndex(DEFAULT_COMPILE_RULE, b0!, i) ?? null) ===
              canonicalJson(compileFromIndex(DEFAULT_COMPILE_RULE, b!, j) ?? null);
          const at = j;
          if (!same) onChanged(i, () => at);
        }
        i++;
        j++;
      }
    }
  }
  if (counts.gained + counts.lost + counts.changed === 0) return undefined;
  return { subject: inAfter ? now() : before(), gained, lost, changed, counts };
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
   * of the edges added or removed.
   */
  withChanges<T>(
    changes: readonly Change[],
    fn: (after: AccessGraph, affected: AffectedTargets, changedEdges: ReadonlySet<string>) => T,
  ): T {
    return this.apply(changes, (after, { affected, changedEdges }) => fn(after, affected, changedEdges));
  }

  private apply<T>(changes: readonly Change[], fn: (after: AccessGraph, applied: Applied) => T): T {
    const copy = this.base.clone();
    try {
      return fn(copy, applyChanges(copy, changes));
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

/**
 * A graph's binding answers, held compactly: per binding subject (with at least one binding), one digest
 * of its every binding in target order (target id, paths with their edge attributes, compiled attributes:
 * what `signature` covers). Two graphs give a subject the same digest exactly when its answers agree (but
 * for a SHA-256 collision). About a hundred bytes per subject, where the signatures themselves take
 * gigabytes on a 100,000-user tenant.
 */
export interface BindingDigests {
  readonly bySubject: ReadonlyMap<string, string>;
  /** Bindings digested, over every subject. */
  readonly bindings: number;
}

/** Streams every binding subject of `g` with the digest of its bindings; one subject's answers held at a time. */
function forEachSubjectDigest(g: AccessGraph, visit: (subjectId: string, digest: string, bindings: number) => void): void {
  for (const type of BINDING_SUBJECT_TYPES) {
    let subject: string | undefined;
    let hash = createHash('sha256');
    let bindings = 0;
    const flush = (): void => {
      if (subject !== undefined) visit(subject, hash.digest('base64'), bindings);
    };
    for (const b of inventory(g, type, BINDING_TARGETS[type] ?? [])) {
      if (b.source.id !== subject) {
        flush();
        subject = b.source.id;
        hash = createHash('sha256');
        bindings = 0;
      }
      // JSON values one after another: no separator needed for the sequence to be unambiguous.
      hash.update(JSON.stringify(b.target.id));
      hash.update(signature(b.target));
      bindings += 1;
    }
    flush();
  }
}

/** Every binding subject's digest (see BindingDigests): the base a full recompute compares against. */
export function bindingDigests(g: AccessGraph): BindingDigests {
  const bySubject = new Map<string, string>();
  let total = 0;
  forEachSubjectDigest(g, (subject, digest, bindings) => {
    bySubject.set(subject, digest);
    total += bindings;
  });
  return { bySubject, bindings: total };
}

/**
 * The same answer as WhatIfSession.evaluate by recomputing every binding of every subject of the changed
 * graph and comparing each subject with `base` (bindingDigests of the base graph): the reference for tests
 * and the baseline of the bench. Streams one subject at a time, so its memory is the digests, not the
 * bindings; the subjects that differ are then compared binding by binding.
 */
export function whatIfFull(
  session: WhatIfSession,
  changes: readonly Change[],
  base: BindingDigests = bindingDigests(session.base),
): WhatIfResult {
  return session.withChanges(changes, (after) => {
    const differing: string[] = [];
    const seen = new Set<string>();
    forEachSubjectDigest(after, (subject, digest) => {
      seen.add(subject);
      if (base.bySubject.get(subject) !== digest) differing.push(subject);
    });
    for (const subject of base.bySubject.keys()) if (!seen.has(subject)) differing.push(subject);
    return collectDeltas(
      differing.map((id) => subjectDelta(session.base, after, id)),
      seen.size,
    );
  });
}
