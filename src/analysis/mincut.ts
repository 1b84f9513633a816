/**
 * Cutting every path of one binding: the core of revoke plans, on plain data (no graph, no JumpCloud).
 *
 * A binding's paths all start at the subject and end at the resource. Under the path grammar
 * (`[up] association [down]`) the objects of these paths fall into layers (subject, groups of the
 * subject, groups holding the resource, resource), so the union of the paths is a small layered DAG
 * whose source–sink paths are exactly the given paths. A set of edges hits every path exactly when it
 * is a source–sink edge cut of that DAG, so a minimum hitting set is a minimum cut: max-flow with unit
 * capacities, protected edges infinite (Menger). Why the union adds no path of its own: every grammar
 * path holds exactly one association hop, whose two ends fix the rest of the path (the subject and the
 * resource being given), so a source–sink path of the union is the listed path that brought its
 * association edge. `unionDag` still checks this (counting source–sink paths); when it fails (another
 * grammar) the functions fall back to an exact branch-and-bound hitting set, so answers stay right.
 */

/** One path: `nodes[i]` → `nodes[i+1]` through `edges[i]`. Nodes and edges are opaque keys. */
export interface CutPath {
  readonly nodes: readonly string[];
  readonly edges: readonly string[];
}

export interface CutOptions {
  /** Edges a cut must not use. */
  readonly protectedEdges?: ReadonlySet<string>;
}

/** A cut, or the paths that are made only of protected edges and so cannot be cut. */
export type CutOutcome =
  { readonly ok: true; readonly edges: readonly string[] } | { readonly ok: false; readonly uncuttable: readonly CutPath[] };

interface DagEdge {
  readonly key: string;
  readonly from: number;
  readonly to: number;
}

/** The union of the paths as an indexed DAG, or null when the union is not faithful to the paths. */
export interface UnionDag {
  readonly nodes: readonly string[];
  readonly source: number;
  readonly sink: number;
  readonly edges: readonly DagEdge[];
  /** Nodes in topological order. */
  readonly order: readonly number[];
}

function pathId(path: CutPath): string {
  return path.edges.join('\u0000');
}

/** Distinct paths (by edge sequence), in their given order. */
export function distinctPaths(paths: readonly CutPath[]): CutPath[] {
  const seen = new Set<string>();
  const out: CutPath[] = [];
  for (const p of paths) {
    const id = pathId(p);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(p);
    }
  }
  return out;
}

/**
 * Builds the union DAG of the paths and checks it is faithful: one source, one sink, each edge key
 * joining the same two nodes everywhere, no cycle, and exactly as many source–sink paths as given paths.
 */
export function unionDag(paths: readonly CutPath[]): UnionDag | null {
  const unique = distinctPaths(paths);
  const first = unique[0];
  if (!first) return null;
  const sourceKey = first.nodes[0];
  const sinkKey = first.nodes[first.nodes.length - 1];
  if (sourceKey === undefined || sinkKey === undefined || sourceKey === sinkKey) return null;
  const index = new Map<string, number>();
  const nodes: string[] = [];
  const nodeIndex = (key: string): number => {
    let i = index.get(key);
    if (i === undefined) {
      i = nodes.length;
      nodes.push(key);
      index.set(key, i);
    }
    return i;
  };
  const edgeByKey = new Map<string, DagEdge>();
  for (const p of unique) {
    if (p.nodes.length !== p.edges.length + 1 || p.nodes[0] !== sourceKey || p.nodes[p.nodes.length - 1] !== sinkKey) return null;
    for (let i = 0; i < p.edges.length; i++) {
      const key = p.edges[i] as string;
      const from = nodeIndex(p.nodes[i] as string);
      const to = nodeIndex(p.nodes[i + 1] as string);
      const known = edgeByKey.get(key);
      if (known && (known.from !== from || known.to !== to)) return null;
      if (!known) edgeByKey.set(key, { key, from, to });
    }
  }
  const edges = [...edgeByKey.values()];
  const order = topologicalOrder(nodes.length, edges);
  if (!order) return null;
  const source = nodeIndex(sourceKey);
  const sink = nodeIndex(sinkKey);
  // Count source–sink paths; more than given means the union holds paths that are not in the list.
  const count = new Array<number>(nodes.length).fill(0);
  count[source] = 1;
  const out = outEdges(nodes.length, edges);
  for (const u of order) for (const e of out[u] ?? []) count[e.to] = (count[e.to] ?? 0) + (count[u] ?? 0);
  if (count[sink] !== unique.length) return null;
  return { nodes, source, sink, edges, order };
}

function outEdges(n: number, edges: readonly DagEdge[]): DagEdge[][] {
  const out: DagEdge[][] = Array.from({ length: n }, () => []);
  for (const e of edges) out[e.from]?.push(e);
  return out;
}

function topologicalOrder(n: number, edges: readonly DagEdge[]): number[] | null {
  const indegree = new Array<number>(n).fill(0);
  for (const e of edges) indegree[e.to] = (indegree[e.to] ?? 0) + 1;
  const out = outEdges(n, edges);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  const order: number[] = [];
  while (queue.length > 0) {
    const u = queue.shift() as number;
    order.push(u);
    for (const e of out[u] ?? []) {
      indegree[e.to] = (indegree[e.to] ?? 0) - 1;
      if (indegree[e.to] === 0) queue.push(e.to);
    }
  }
  return order.length === n ? order : null;
}

/** True when every path uses at least one of the edges. */
export function isCut(paths: readonly CutPath[], edges: Iterable<string>): boolean {
  const cut = new Set(edges);
  return paths.every((p) => p.edges.some((e) => cut.has(e)));
}

/** The paths made only of protected edges (no cut can hit them). */
export function uncuttablePaths(paths: readonly CutPath[], protectedEdges: ReadonlySet<string>): CutPath[] {
  return distinctPaths(paths).filter((p) => p.edges.every((e) => protectedEdges.has(e)));
}

/** Max-flow on a union DAG; capacities by edge key (Infinity allowed). Returns residual capacities. */
interface FlowResult {
  readonly value: number;
  /** Residual adjacency: for each node, [to, residual capacity] arcs including reverse arcs. */
  readonly residual: Map<number, Map<number, number>>;
}

function maxFlow(dag: UnionDag, capacity: (key: string) => number): FlowResult {
  const residual = new Map<number, Map<number, number>>();
  const arc = (u: number, v: number): Map<number, number> => {
    let m = residual.get(u);
    if (!m) residual.set(u, (m = new Map<number, number>()));
    if (!m.has(v)) m.set(v, 0);
    return m;
  };
  for (const e of dag.edges) {
    const m = arc(e.from, e.to);
    m.set(e.to, (m.get(e.to) ?? 0) + capacity(e.key));
    arc(e.to, e.from);
  }
  let value = 0;
  for (;;) {
    // Breadth-first augmenting path (Edmonds–Karp).
    const parent = new Map<number, number>([[dag.source, -1]]);
    const queue = [dag.source];
    while (queue.length > 0 && !parent.has(dag.sink)) {
      const u = queue.shift() as number;
      for (const [v, cap] of residual.get(u) ?? []) {
        if (cap > 0 && !parent.has(v)) {
          parent.set(v, u);
          queue.push(v);
        }
      }
    }
    if (!parent.has(dag.sink)) break;
    let bottleneck = Infinity;
    for (let v = dag.sink; v !== dag.source; v = parent.get(v) as number) {
      const u = parent.get(v) as number;
      bottleneck = Math.min(bottleneck, residual.get(u)?.get(v) ?? 0);
    }
    if (bottleneck === Infinity) return { value: Infinity, residual };
    for (let v = dag.sink; v !== dag.source; v = parent.get(v) as number) {
      const u = parent.get(v) as number;
      const forward = residual.get(u) as Map<number, number>;
      forward.set(v, (forward.get(v) ?? 0) - bottleneck);
      const backward = residual.get(v) as Map<number, number>;
      backward.set(u, (backward.get(u) ?? 0) + bottleneck);
    }
    value += bottleneck;
  }
  return { value, residual };
}

function reachable(start: number, next: (u: number) => Iterable<number>): Set<number> {
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length > 0) {
    const u = stack.pop() as number;
    for (const v of next(u)) {
      if (!seen.has(v)) {
        seen.add(v);
        stack.push(v);
      }
    }
  }
  return seen;
}

function cutOf(dag: UnionDag, sourceSide: ReadonlySet<number>): string[] {
  return dag.edges
    .filter((e) => sourceSide.has(e.from) && !sourceSide.has(e.to))
    .map((e) => e.key)
    .sort();
}

function capacityFn(options: CutOptions, weight?: (key: string) => number): (key: string) => number {
  const protectedEdges = options.protectedEdges ?? new Set<string>();
  return (key) => (protectedEdges.has(key) ? Infinity : (weight?.(key) ?? 1));
}

/**
 * A minimum cut: fewest edges, or least total weight when `weight` is given (positive integers).
 * Protected edges are never used; when every cut would need one, says which paths are all protected.
 */
export function minimumCut(paths: readonly CutPath[], options: CutOptions = {}, weight?: (key: string) => number): CutOutcome {
  const protectedEdges = options.protectedEdges ?? new Set<string>();
  const uncuttable = uncuttablePaths(paths, protectedEdges);
  if (uncuttable.length > 0) return { ok: false, uncuttable };
  if (paths.length === 0) return { ok: true, edges: [] };
  const dag = unionDag(paths);
  if (!dag) return { ok: true, edges: minimumHittingSet(paths, protectedEdges, weight) };
  const flow = maxFlow(dag, capacityFn(options, weight));
  const side = reachable(dag.source, (u) => [...(flow.residual.get(u) ?? [])].filter(([, c]) => c > 0).map(([v]) => v));
  return { ok: true, edges: cutOf(dag, side) };
}

/**
 * Every minimum cut (fewest edges, or least weight), up to `cap`, in a stable order; each is a sorted
 * list of edge keys. Enumerates the closed sets of the max-flow residual graph (Picard–Queyranne).
 * Empty when no cut exists (see minimumCut for why).
 */
export function minimumCuts(paths: readonly CutPath[], options: CutOptions = {}, cap = 256, weight?: (key: string) => number): string[][] {
  const protectedEdges = options.protectedEdges ?? new Set<string>();
  if (uncuttablePaths(paths, protectedEdges).length > 0) return [];
  if (paths.length === 0) return [[]];
  const dag = unionDag(paths);
  if (!dag) return [minimumHittingSet(paths, protectedEdges, weight)];
  const flow = maxFlow(dag, capacityFn(options, weight));
  const succ = (u: number): number[] => [...(flow.residual.get(u) ?? [])].filter(([, c]) => c > 0).map(([v]) => v);
  const pred = new Map<number, number[]>();
  for (const [u, arcs] of flow.residual) {
    for (const [v, c] of arcs) if (c > 0) pred.set(v, [...(pred.get(v) ?? []), u]);
  }
  const forcedIn = reachable(dag.source, succ);
  const forcedOut = reachable(dag.sink, (v) => pred.get(v) ?? []);
  const free = dag.order.filter((v) => !forcedIn.has(v) && !forcedOut.has(v));
  const results = new Map<string, string[]>();
  const choice = new Map<number, boolean>();
  for (const v of forcedIn) choice.set(v, true);
  for (const v of forcedOut) choice.set(v, false);
  const assign = (start: number, value: boolean): number[] | null => {
    // Including a node includes its residual successors; excluding one excludes its residual predecessors.
    const changed: number[] = [];
    const stack = [start];
    while (stack.length > 0) {
      const u = stack.pop() as number;
      const current = choice.get(u);
      if (current === value) continue;
      if (current !== undefined) {
        for (const c of changed) choice.delete(c);
        return null;
      }
      choice.set(u, value);
      changed.push(u);
      stack.push(...(value ? succ(u) : (pred.get(u) ?? [])));
    }
    return changed;
  };
  const visit = (i: number): void => {
    if (results.size >= cap) return;
    if (i === free.length) {
      const side = new Set([...choice].filter(([, inside]) => inside).map(([v]) => v));
      const cut = cutOf(dag, side);
      results.set(cut.join('\u0000'), cut);
      return;
    }
    const v = free[i] as number;
    if (choice.has(v)) return visit(i + 1);
    for (const value of [true, false]) {
      const changed = assign(v, value);
      if (changed) {
        visit(i + 1);
        for (const c of changed) choice.delete(c);
      }
    }
  };
  visit(0);
  return [...results.values()];
}

export interface MinimalCutsResult {
  readonly cuts: string[][];
  /** False when the cap or the work limit stopped the enumeration before every minimal cut was seen. */
  readonly exhaustive: boolean;
}

/**
 * Minimal cuts (no edge can be dropped) that avoid protected edges, up to `cap`. A minimal cut of a DAG
 * whose nodes all lie on source–sink paths is δ⁺(X) for a node set X holding the source, not the sink,
 * with every node of X reachable from the source inside X and every other node reaching the sink
 * outside X; the enumeration walks those sets in topological order.
 */
export function minimalCuts(paths: readonly CutPath[], options: CutOptions = {}, cap = 2_000, workLimit = 200_000): MinimalCutsResult {
  const protectedEdges = options.protectedEdges ?? new Set<string>();
  if (uncuttablePaths(paths, protectedEdges).length > 0) return { cuts: [], exhaustive: true };
  if (paths.length === 0) return { cuts: [[]], exhaustive: true };
  const dag = unionDag(paths);
  if (!dag) return { cuts: [minimumHittingSet(paths, protectedEdges)], exhaustive: false };
  const inEdges = new Map<number, DagEdge[]>();
  const outs = outEdges(dag.nodes.length, dag.edges);
  for (const e of dag.edges) inEdges.set(e.to, [...(inEdges.get(e.to) ?? []), e]);
  const middle = dag.order.filter((v) => v !== dag.source && v !== dag.sink);
  const inside = new Set<number>([dag.source]);
  const results = new Map<string, string[]>();
  let work = 0;
  let stopped = false;
  const reachesSinkOutside = (): boolean => {
    // Every node outside X must reach the sink through nodes outside X (checked backwards from the sink).
    const ok = reachable(dag.sink, (v) => (inEdges.get(v) ?? []).map((e) => e.from).filter((u) => !inside.has(u)));
    return middle.every((v) => inside.has(v) || ok.has(v));
  };
  const visit = (i: number): void => {
    if (results.size >= cap || ++work > workLimit) {
      stopped = true;
      return;
    }
    if (i === middle.length) {
      if (!reachesSinkOutside()) return;
      const cut = cutOf(dag, inside);
      if (cut.some((e) => protectedEdges.has(e))) return;
      results.set(cut.join('\u0000'), cut);
      return;
    }
    const v = middle[i] as number;
    // v may join X only if reachable from X (all its predecessors come earlier in topological order).
    if ((inEdges.get(v) ?? []).some((e) => inside.has(e.from))) {
      inside.add(v);
      visit(i + 1);
      inside.delete(v);
      if (stopped) return;
    }
    // Leaving v outside puts its edges from X into the cut: prune if one of them is protected.
    if (!(inEdges.get(v) ?? []).some((e) => inside.has(e.from) && protectedEdges.has(e.key))) visit(i + 1);
  };
  if ((outs[dag.source] ?? []).length > 0) visit(0);
  return { cuts: [...results.values()], exhaustive: !stopped };
}

/**
 * Exact minimum hitting set by branch and bound (fallback when the union of the paths is not a
 * faithful layered DAG). Picks an unhit path with fewest choices and branches on its edges.
 */
export function minimumHittingSet(
  paths: readonly CutPath[],
  protectedEdges: ReadonlySet<string>,
  weight?: (key: string) => number,
): string[] {
  const sets = distinctPaths(paths).map((p) => [...new Set(p.edges)].filter((e) => !protectedEdges.has(e)));
  const w = (key: string): number => weight?.(key) ?? 1;
  const found: { best: string[] | null } = { best: null };
  let bestCost = Infinity;
  const chosen = new Set<string>();
  const search = (cost: number): void => {
    if (cost >= bestCost) return;
    let target: string[] | null = null;
    for (const s of sets) {
      if (s.some((e) => chosen.has(e))) continue;
      if (!target || s.length < target.length) target = s;
    }
    if (!target) {
      found.best = [...chosen].sort();
      bestCost = cost;
      return;
    }
    for (const e of [...target].sort()) {
      chosen.add(e);
      search(cost + w(e));
      chosen.delete(e);
    }
  };
  search(0);
  return found.best ?? [];
}
