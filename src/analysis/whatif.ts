/**
 * What-if: apply hypothetical removals and additions of memberships, associations and whole objects to
 * an in-memory copy of the graph, recompute only the subjects the changes can touch, and report the
 * bindings (see bindings.ts) gained, lost and changed per subject.
 *
 * A WhatIfSession clones the graph once; each evaluation applies its changes to that copy, recomputes,
 * then undoes them, so many questions about one tenant cost one clone. The base graph is never edited.
 *
 * Which subjects to recompute: every path that appears uses an added edge, and at the moment the last of
 * its added edges goes in, the rest of the path is there, so `affectedSources` of that edge (asked right
 * after adding it) holds the path's source. Every path that disappears uses a removed edge, and just
 * before the first of them goes, the whole path is there, so `affectedSources` asked right before each
 * removal holds its source. Removing an object removes its edges first, one by one, the same way.
 * Each source is recomputed only towards the target types its paths through the changed edges can end
 * at (bindings.ts edgeTargetTypes), so removing "All Staff"'s association with one application
 * re-asks every user about applications only.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type GraphObjectWithPaths, type JsonObject, type TenantEdge, type TenantObject } from '../model/index.ts';
import { affectedSources, bindingAnswer, bindingsOf, inventory, traverse, type AccessGraph, type SourceBindings, type TraversalQuery } from '../graph/index.ts';
import { AffectedTargets, BINDING_SUBJECT_TYPES, BINDING_TARGETS, bindingFromAnswer, edgeTargetTypes, isBindingSubject, type Binding, type NamedRef } from './bindings.ts';
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

/** The subject's answers for only the targets some path of which (in `b`) uses one of the edges. */
function answersUsing(g: AccessGraph, b: SourceBindings | undefined, edges: ReadonlySet<string>, also: ReadonlySet<string>): Map<string, GraphObjectWithPaths> {
  const out = new Map<string, GraphObjectWithPaths>();
  if (!b) return out;
  const ix = b.index;
  for (let i = 0; i < b.size; i++) {
    const target = ix.idOf(b.targets[i] as number);
    let uses = also.has(target);
    for (let h = b.hopStart[b.pathStart[i] as number] as number, he = b.hopStart[b.pathStart[i + 1] as number] as number; !uses && h < he; h++) {
      uses = edges.has(ix.edgeKeys[b.hopEdges[h] as number] as string);
    }
    if (uses) out.set(target, bindingAnswer(g, b, i));
  }
  return out;
}

/** Targets (ids) some path of which uses one of the edges. */
function targetsUsing(b: SourceBindings | undefined, edges: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  if (!b) return out;
  const ix = b.index;
  for (let i = 0; i < b.size; i++) {
    for (let h = b.hopStart[b.pathStart[i] as number] as number, he = b.hopStart[b.pathStart[i + 1] as number] as number; h < he; h++) {
      if (edges.has(ix.edgeKeys[b.hopEdges[h] as number] as string)) {
        out.add(ix.idOf(b.targets[i] as number));
        break;
      }
    }
  }
  return out;
}

/**
 * One query object per graph and target-type list. The graph caches a query's compiled plan by the
 * query object (and its index), so asking with a fresh object per subject recompiled the plan every
 * time: a seventh of the time of a what-if that touches every user.
 */
const queriesByGraph = new WeakMap<AccessGraph, Map<string, TraversalQuery>>();

function queryFor(g: AccessGraph, types: readonly string[]): TraversalQuery {
  let queries = queriesByGraph.get(g);
  if (!queries) queriesByGraph.set(g, (queries = new Map<string, TraversalQuery>()));
  const key = types.join(',');
  let query = queries.get(key);
  if (!query) queries.set(key, (query = { targets: [...types] }));
  return query;
}

function integerBindings(g: AccessGraph, subjectId: string, types: readonly string[]): SourceBindings | undefined {
  return g.hasObject(subjectId) && types.length > 0 ? bindingsOf(g, subjectId, queryFor(g, types)) : undefined;
}

/**
 * The difference of one subject's binding answers in two graphs (undefined when there is none), towards
 * `types` only when given (the caller knows the others cannot differ). With `changedEdges` (the keys of
 * every edge added or removed between the graphs), only the bindings with a path through one of them in
 * either graph are compared: no other binding's paths or attributes can differ when only edges changed.
 */
export function subjectDelta(
  before: AccessGraph,
  after: AccessGraph,
  subjectId: string,
  types?: readonly string[],
  changedEdges?: ReadonlySet<string>,
): SubjectDelta | undefined {
  let old: Map<string, GraphObjectWithPaths>;
  let now: Map<string, GraphObjectWithPaths>;
  if (changedEdges) {
    const typeOf = (g: AccessGraph) => (g.hasObject(subjectId) ? g.object(subjectId).type : undefined);
    const targets = types ?? BINDING_TARGETS[typeOf(after) ?? typeOf(before) ?? ''] ?? [];
    const b0 = integerBindings(before, subjectId, targets);
    const b1 = integerBindings(after, subjectId, targets);
    const candidates = new Set([...targetsUsing(b0, changedEdges), ...targetsUsing(b1, changedEdges)]);
    if (candidates.size === 0) return undefined;
    old = answersUsing(before, b0, changedEdges, candidates);
    now = answersUsing(after, b1, changedEdges, candidates);
  } else {
    old = answersOf(before, subjectId, types);
    now = answersOf(after, subjectId, types);
  }
  return compareAnswers(before, after, subjectId, old, now);
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
      changed.push({ before: bindingFromAnswer(before, subjectBefore as NamedRef, previous), after: bindingFromAnswer(after, subjectAfter as NamedRef, answer) });
    }
  }
  for (const [id, answer] of old) if (!now.has(id)) lost.push(bindingFromAnswer(before, subjectBefore as NamedRef, answer));
  if (gained.length + lost.length + changed.length === 0) return undefined;
  return { subject: (subjectAfter ?? subjectBefore) as NamedRef, gained, lost, changed };
}

export function collectDeltas(deltas: (SubjectDelta | undefined)[], recomputed: number): WhatIfResult {
  const subjects = deltas.filter((d): d is SubjectDelta => d !== undefined).sort((a, b) => (a.subject.id < b.subject.id ? -1 : a.subject.id > b.subject.id ? 1 : 0));
  const sum = (f: (d: SubjectDelta) => number) => subjects.reduce((n, d) => n + f(d), 0);
  return { recomputed, subjects, totals: { gained: sum((d) => d.gained.length), lost: sum((d) => d.lost.length), changed: sum((d) => d.changed.length) } };
}

/** Applies changes to a graph, returning the subjects they can affect and how to undo them. */
function applyChanges(g: AccessGraph, changes: readonly Change[]): { affected: AffectedTargets; changedEdges: Set<string>; undo: () => void } {
  const affected = new AffectedTargets();
  const changedEdges = new Set<string>();
  const undo: (() => void)[] = [];
  const note = (edge: EdgeRef): void => {
    changedEdges.add(edgeKey(edge));
    for (const id of affectedSources(g, edge)) affected.add(id, edgeTargetTypes(edge, id));
  };
  const removeEdge = (edge: TenantEdge): void => {
    note(edge);
    g.removeEdge(edge);
    undo.push(() => g.addEdge(edge));
  };
  try {
    for (const change of changes) {
      switch (change.op) {
        case 'remove-edge':
          removeEdge({ ...change.edge, attributes: g.edgeAttributes(change.edge) });
          break;
        case 'add-edge': {
          const edge: TenantEdge = { ...change.edge, attributes: change.attributes ?? null };
          g.addEdge(edge);
          undo.push(() => g.removeEdge(edge));
          note(edge);
          break;
        }
        case 'remove-object': {
          const o = g.object(change.id);
          for (const edge of g.edgesOf(change.id)) removeEdge(edge);
          affected.add(change.id, undefined);
          g.removeObject(change.id);
          undo.push(() => g.addObject({ type: o.type, id: o.id, record: o.record }));
          break;
        }
        case 'add-object':
          g.addObject(change.object);
          undo.push(() => g.removeObject(change.object.id));
          affected.add(change.object.id, undefined);
          break;
      }
    }
  } catch (error) {
    for (const step of undo.reverse()) step();
    throw error;
  }
  return { affected, changedEdges, undo: () => undo.reverse().forEach((step) => step()) };
}

/** What-if evaluation on one working copy of a graph, reused across many sets of changes (the base is never edited). */
export class WhatIfSession {
  readonly base: AccessGraph;
  private readonly work: AccessGraph;

  /** Clones `base` once; `base` itself is never edited. */
  constructor(base: AccessGraph) {
    this.base = base;
    this.work = base.clone();
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
    return this.withChanges(changes, (after, affected, changedEdges) => {
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
        const delta = subjectDelta(this.base, after, id, affected.targetsFor(id, type), changedEdges);
        if (!delta) continue;
        differing += 1;
        gained += delta.gained.length;
        lost += delta.lost.length;
        changed += delta.changed.length;
        visit(delta);
      }
      return { recomputed: subjects.length, subjects: differing, totals: { gained, lost, changed } };
    });
  }

  /**
   * Runs `fn` on the copy with the changes applied, then undoes them. `fn` gets the changed graph and
   * the sources the changes can affect (of every type, not only binding subjects) with their target
   * types, and the keys of the edges added or removed.
   */
  withChanges<T>(changes: readonly Change[], fn: (after: AccessGraph, affected: AffectedTargets, changedEdges: ReadonlySet<string>) => T): T {
    const { affected, changedEdges, undo } = applyChanges(this.work, changes);
    try {
      return fn(this.work, affected, changedEdges);
    } finally {
      undo();
    }
  }
}

/** One what-if on its own (clones the graph; use a WhatIfSession for many). */
export function whatIf(g: AccessGraph, changes: readonly Change[]): WhatIfResult {
  return new WhatIfSession(g).evaluate(changes);
}

/** One what-if on its own, each subject's delta handed to `visit` as it is computed (see WhatIfSession.evaluateEach). */
export function whatIfEach(g: AccessGraph, changes: readonly Change[], visit: (delta: SubjectDelta) => void): WhatIfSummary {
  return new WhatIfSession(g).evaluateEach(changes, visit);
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
export function whatIfFull(session: WhatIfSession, changes: readonly Change[], base: BindingDigests = bindingDigests(session.base)): WhatIfResult {
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
