/**
 * The binding delta: how one subject's bindings differ between two graphs (gained, lost, and kept with
 * other paths or compiled attributes). Drift compares two snapshots' graphs answer by answer
 * (subjectDelta); a what-if session compares a graph with its own copy at the level of the traversal
 * index's integers (copyDelta), building Binding objects only for what is reported.
 */
import { DEFAULT_COMPILE_RULE, canonicalJson, type GraphObjectWithPaths } from '../model/index.ts';
import { compileFromIndex, traverse, type AccessGraph, type TraversalIndex, type SourceBindings } from '../graph/index.ts';
import { BINDING_TARGETS, bindingFromAnswer, bindingFromIndex, type Binding, type NamedRef } from './bindings.ts';

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

/** Bindings gained, lost and changed: one subject's (a sample's full counts), or summed over a what-if. */
export interface WhatIfTotals {
  readonly gained: number;
  readonly lost: number;
  readonly changed: number;
}

/** A subject's delta with each list cut to a sample (its first bindings by target id), and the full counts. */
export interface SubjectDeltaSample extends SubjectDelta {
  readonly counts: WhatIfTotals;
}

/** A binding answer's identity for comparison: its paths (hops with edge attributes) and compiled attributes. */
export function bindingSignature(answer: GraphObjectWithPaths): string {
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
    else if (bindingSignature(previous) !== bindingSignature(answer)) {
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
export function copyDelta(
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
