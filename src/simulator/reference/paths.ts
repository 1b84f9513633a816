/**
 * The reference enumeration of paths: for each pattern of the grammar (src/model/grammar.ts), extend
 * every partial path by every edge the next step allows, keep the complete paths that never repeat an
 * object and end on a wanted type. No pruning, no cleverness: this is what the engine is checked against.
 */
import type { JsonObject, ObjectRef, PathPattern, Step } from '../../model/index.ts';
import { type Neighbor, type ReferenceAdjacency, refKey } from './tenant-index.ts';

export interface Hop {
  readonly step: Step;
  readonly to: ObjectRef;
  readonly attributes: JsonObject | null;
}

export type Path = readonly Hop[];

/** A target the reference reaches from a source, with every path to it (the graph's and analysis' binding types are their own). */
export interface ReferenceBinding {
  readonly target: ObjectRef;
  /** Sorted: shortest first, then by the ids of their hops. */
  readonly paths: Path[];
}

function neighbors(index: ReferenceAdjacency, step: Step, at: ObjectRef): readonly Neighbor[] {
  switch (step) {
    case 'up':
      return index.groupsOf(at);
    case 'down':
      return index.membersOf(at);
    case 'association':
      return index.associations(at);
  }
}

/** Every path of one pattern from `source`, repeated objects excluded. */
export function pathsOfPattern(index: ReferenceAdjacency, source: ObjectRef, pattern: PathPattern): Path[] {
  let partial: Hop[][] = [[]];
  for (const step of pattern) {
    const longer: Hop[][] = [];
    for (const path of partial) {
      const at = path.length === 0 ? source : (path[path.length - 1] as Hop).to;
      for (const n of neighbors(index, step, at)) longer.push([...path, { step, to: n.ref, attributes: n.attributes }]);
    }
    partial = longer;
  }
  return partial.filter((path) => !repeatsAnObject(source, path));
}

function repeatsAnObject(source: ObjectRef, path: Path): boolean {
  const seen = new Set<string>([refKey(source)]);
  for (const hop of path) {
    const key = refKey(hop.to);
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** The bindings of `source` to objects of `targetTypes` through paths of the given patterns, targets by id. */
export function bindings(
  index: ReferenceAdjacency,
  source: ObjectRef,
  patterns: readonly PathPattern[],
  targetTypes: readonly string[],
): ReferenceBinding[] {
  const wanted = new Set(targetTypes);
  const byTarget = new Map<string, { target: ObjectRef; paths: Path[] }>();
  for (const pattern of patterns) {
    for (const path of pathsOfPattern(index, source, pattern)) {
      const last = (path[path.length - 1] as Hop).to;
      if (!wanted.has(last.type)) continue;
      const key = refKey(last);
      let entry = byTarget.get(key);
      if (!entry) byTarget.set(key, (entry = { target: last, paths: [] }));
      entry.paths.push(path);
    }
  }
  const out = [...byTarget.values()];
  for (const entry of out) entry.paths.sort(comparePaths);
  return out.sort((x, y) => compareRefs(x.target, y.target));
}

export function compareRefs(x: ObjectRef, y: ObjectRef): number {
  if (x.id !== y.id) return x.id < y.id ? -1 : 1;
  return x.type < y.type ? -1 : x.type > y.type ? 1 : 0;
}

/** Shortest first, then hop by hop by the ids reached. */
export function comparePaths(p: Path, q: Path): number {
  if (p.length !== q.length) return p.length - q.length;
  for (let i = 0; i < p.length; i++) {
    const c = compareRefs((p[i] as Hop).to, (q[i] as Hop).to);
    if (c !== 0) return c;
  }
  return 0;
}
