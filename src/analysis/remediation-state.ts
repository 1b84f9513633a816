/**
 * The state of a multi-pair cut while it is being chosen: which candidate edges are selected, and what
 * that ends. Every binding that a selection could end is a **class**: its paths, each reduced to the
 * candidate edges on it (a binding with a path off the candidates can never end and is not a class).
 * A class ends exactly when every one of its paths has a selected edge (removing edges only removes
 * paths), so selecting or deselecting an edge updates only the paths through it: the cost of a step of
 * the search is the number of paths the edge is on, not the size of the organization.
 *
 * Classes are of three kinds: `exposed` (every binding of the universe with a path through a candidate,
 * from exposure.ts, several bindings with the same paths counted as one class of that weight), and the
 * decided bindings tracked one by one, `revoke` and `keep`. The exposed classes include the decided
 * bindings, so the bindings nobody decided that the selection ends are the exposed weight ended less the
 * decided bindings ended.
 */

/** What a class stands for. */
export const EXPOSED = 0;
export const REVOKE = 1;
export const KEEP = 2;
export type ClassKind = typeof EXPOSED | typeof REVOKE | typeof KEEP;

/** A class as given: its paths as candidate edge numbers, its weight and kind. */
export interface ClassInput {
  readonly paths: readonly (readonly number[])[];
  readonly weight: number;
  readonly kind: ClassKind;
}

/** Selected edges (each with a count of who selected it) and what they end, kept up to date edge by edge. */
export class CutState {
  /** Per class: kind, weight, first path, path count, paths still unhit. */
  private readonly kind: Uint8Array;
  private readonly weight: Float64Array;
  private readonly firstPath: Int32Array;
  private readonly pathCount: Int32Array;
  private readonly unhit: Int32Array;
  /** Per path: its class, and how many of its edges are selected. */
  private readonly pathClass: Int32Array;
  private readonly hits: Int32Array;
  /** Per edge: the paths it is on (CSR), and how many times it is selected. */
  private readonly onStart: Int32Array;
  private readonly on: Int32Array;
  private readonly count: Int32Array;
  /** Weight ended per kind. */
  private readonly ended = [0, 0, 0];
  private selectedEdges = 0;
  private readonly revokeClasses: number;

  constructor(
    readonly edgeCount: number,
    classes: readonly ClassInput[],
  ) {
    const n = classes.length;
    this.kind = new Uint8Array(n);
    this.weight = new Float64Array(n);
    this.firstPath = new Int32Array(n);
    this.pathCount = new Int32Array(n);
    this.unhit = new Int32Array(n);
    let paths = 0;
    classes.forEach((c, i) => {
      this.kind[i] = c.kind;
      this.weight[i] = c.weight;
      this.firstPath[i] = paths;
      this.pathCount[i] = c.paths.length;
      this.unhit[i] = c.paths.length;
      paths += c.paths.length;
    });
    this.pathClass = new Int32Array(paths);
    this.hits = new Int32Array(paths);
    const degree = new Int32Array(edgeCount + 1);
    let p = 0;
    classes.forEach((c, i) => {
      for (const path of c.paths) {
        this.pathClass[p++] = i;
        for (const e of new Set(path)) degree[e + 1]!++;
      }
    });
    for (let e = 0; e < edgeCount; e++) degree[e + 1]! += degree[e]!;
    this.onStart = degree.slice();
    this.on = new Int32Array(degree[edgeCount]!);
    const fill = degree.slice(0, edgeCount);
    p = 0;
    for (const c of classes)
      for (const path of c.paths) {
        for (const e of new Set(path)) this.on[fill[e]!++] = p;
        p++;
      }
    this.count = new Int32Array(edgeCount);
    this.revokeClasses = classes.filter((c) => c.kind === REVOKE).length;
  }

  /** Bindings nobody decided that the selection ends (the exposed weight ended, less the decided bindings ended). */
  get collateral(): number {
    return this.ended[EXPOSED]! - this.ended[REVOKE]! - this.ended[KEEP]!;
  }

  /** Every binding the selection ends, decided or not (what a single-pair plan's collateral counts, its own binding included). */
  get exposedEnded(): number {
    return this.ended[EXPOSED]!;
  }

  /** Revoked bindings the selection does not end. */
  get openRevokes(): number {
    return this.revokeClasses - this.ended[REVOKE]!;
  }

  /** Kept bindings the selection ends (a feasible selection ends none). */
  get keptEnded(): number {
    return this.ended[KEEP]!;
  }

  /** Distinct edges selected. */
  get size(): number {
    return this.selectedEdges;
  }

  isSelected(e: number): boolean {
    return this.count[e]! > 0;
  }

  /** Whether class c is ended. */
  isEnded(c: number): boolean {
    return this.unhit[c] === 0;
  }

  /** Whether path k (0-based) of class c has a selected edge. */
  isPathHit(c: number, k: number): boolean {
    return this.hits[this.firstPath[c]! + k]! > 0;
  }

  /** Selects edge e once more (an edge selected by two revokes is counted twice and stays until both let it go). */
  select(e: number): void {
    if (this.count[e]!++ > 0) return;
    this.selectedEdges++;
    for (let k = this.onStart[e]!, end = this.onStart[e + 1]!; k < end; k++) {
      const p = this.on[k]!;
      if (this.hits[p]!++ > 0) continue;
      const c = this.pathClass[p]!;
      if (--this.unhit[c]! === 0) this.ended[this.kind[c]!]! += this.weight[c]!;
    }
  }

  /** Undoes one select(e). */
  deselect(e: number): void {
    if (--this.count[e]! > 0) return;
    this.selectedEdges--;
    for (let k = this.onStart[e]!, end = this.onStart[e + 1]!; k < end; k++) {
      const p = this.on[k]!;
      if (--this.hits[p]! > 0) continue;
      const c = this.pathClass[p]!;
      if (this.unhit[c]!++ === 0) this.ended[this.kind[c]!]! -= this.weight[c]!;
    }
  }

  /** The edges selected now, ascending. */
  selection(): number[] {
    const out: number[] = [];
    for (let e = 0; e < this.edgeCount; e++) if (this.count[e]! > 0) out.push(e);
    return out;
  }

  /** The classes of a kind that the selection ends. */
  endedOf(kind: ClassKind): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.kind.length; c++) if (this.kind[c] === kind && this.unhit[c] === 0) out.push(c);
    return out;
  }
}
