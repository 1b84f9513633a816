/**
 * Reading live what a plan's preconditions name, and nothing more: the edge of each removal step, read
 * through an object's own view of its edges (src/fetchers/live, as `--live` reads them). The views are
 * chosen once for the whole plan, fewest first (a greedy cover: an offboarding's steps all show in the
 * user's two views), preferring the plan's subject's own views; reading back one step reads the one view
 * chosen for it. A view whose object answers 404 shows no edge: the object is gone, and so is the edge.
 */
import { JcApiError } from '../errors.ts';
import { edgeKey, isGraphType, type GraphType, type JsonObject, type ObjectRef, type TenantEdge } from '../model/index.ts';
import { readView, viewHolds, viewKey, viewsOf, type ApiClient, type ObjectView } from '../fetchers/index.ts';
import type { PlanFileStep } from '../plan/index.ts';

/** What the live tenant shows of one step's precondition. */
export interface EdgeReading {
  /** Whether the edge exists. */
  readonly present: boolean;
  /** Its attributes when it does. */
  readonly attributes: JsonObject | null;
}

function typed(ref: ObjectRef): { type: GraphType; id: string } | undefined {
  return isGraphType(ref.type) ? { type: ref.type, id: ref.id } : undefined;
}

/** The views of either end that show the edge. */
function viewsShowing(edge: Pick<TenantEdge, 'kind' | 'from' | 'to'>): ObjectView[] {
  return [edge.from, edge.to].flatMap((end) => {
    const t = typed(end);
    return t ? viewsOf(t).filter((v) => viewHolds(v, edge)) : [];
  });
}

/** The edge a step's precondition names (every step of a plan file v1 has one: removals only so far). */
function edgeOf(step: PlanFileStep): Pick<TenantEdge, 'kind' | 'from' | 'to'> {
  const pre = step.precondition;
  if (pre.kind !== 'edge') throw new JcApiError(`the precondition ${pre.kind} cannot be read live by this jcgraph`, { endpoint: '(none)' });
  return pre.edge;
}

/** Reads the live state of a plan's steps through the fewest views, on one client. */
export class StepReader {
  /** The view chosen for each step. */
  readonly #viewOf: ObjectView[];
  readonly #steps: readonly PlanFileStep[];
  readonly #client: ApiClient;
  /** The subject's own views (read whole each time the whole plan is read). */
  readonly focusViews: readonly ObjectView[];
  readonly #step: string;
  /** Every edge the last reads showed, by view. */
  readonly #seen = new Map<string, readonly TenantEdge[]>();

  /**
   * @param focus the plan's subject (an offboarded user): its own views are preferred, and always read whole
   *   so that edges the plan does not name show up (extraEdges).
   */
  constructor(client: ApiClient, steps: readonly PlanFileStep[], focus?: ObjectRef, step = 'apply:precondition') {
    this.#client = client;
    this.#steps = steps;
    this.#step = step;
    const candidates = steps.map((s) => viewsShowing(edgeOf(s)));
    const focusViews = focus && typed(focus) ? viewsOf(typed(focus)!).filter((v) => v.endpoint !== 'members') : [];
    const chosen = new Map<string, ObjectView>(focusViews.map((v) => [viewKey(v), v]));
    const viewOf: (ObjectView | undefined)[] = candidates.map((c) => c.find((v) => chosen.has(viewKey(v))));
    for (;;) {
      const counts = new Map<string, { view: ObjectView; steps: number }>();
      candidates.forEach((c, i) => {
        if (viewOf[i]) return;
        for (const v of c) {
          const entry = counts.get(viewKey(v)) ?? { view: v, steps: 0 };
          entry.steps += 1;
          counts.set(viewKey(v), entry);
        }
      });
      const best = [...counts.values()].sort((a, b) => b.steps - a.steps || (viewKey(a.view) < viewKey(b.view) ? -1 : 1))[0];
      if (!best) break;
      chosen.set(viewKey(best.view), best.view);
      candidates.forEach((c, i) => (viewOf[i] ??= c.find((v) => viewKey(v) === viewKey(best.view))));
    }
    this.#viewOf = viewOf.map((v, i) => {
      if (!v) throw new JcApiError(`no view of either end shows the edge of step ${i + 1}`, { endpoint: '(none)' });
      return v;
    });
    this.focusViews = focusViews;
  }

  /** How many views reading every step takes. */
  get viewCount(): number {
    return new Set([...this.#viewOf.map(viewKey), ...this.focusViews.map(viewKey)]).size;
  }

  /** Reads the views of the given steps (default all, with the subject's own views), at once; the edge of each step as shown. */
  async read(indexes?: readonly number[]): Promise<Map<number, EdgeReading>> {
    const wanted = indexes ?? this.#viewOf.map((_, i) => i);
    const views = new Map<string, ObjectView>();
    for (const i of wanted) views.set(viewKey(this.#viewOf[i]!), this.#viewOf[i]!);
    if (!indexes) for (const v of this.focusViews) views.set(viewKey(v), v);
    await Promise.all(
      [...views.values()].map(async (view) => {
        let edges: readonly TenantEdge[];
        try {
          edges = (await readView(this.#client, view, this.#step)).edges;
        } catch (error) {
          // The object is gone: it has no edges any more.
          if (!(error instanceof JcApiError) || error.status !== 404) throw error;
          edges = [];
        }
        this.#seen.set(viewKey(view), edges);
      }),
    );
    const out = new Map<number, EdgeReading>();
    for (const i of wanted) {
      const key = edgeKey(edgeOf(this.#steps[i]!));
      const found = (this.#seen.get(viewKey(this.#viewOf[i]!)) ?? []).find((e) => edgeKey(e) === key);
      out.set(i, { present: found !== undefined, attributes: found?.attributes ?? null });
    }
    return out;
  }

  /** Edges of the subject's own views (as last read) that no step names: access the plan does not cut. */
  extraEdges(steps: readonly PlanFileStep[]): TenantEdge[] {
    const named = new Set(steps.map((s) => edgeKey(edgeOf(s))));
    const out = new Map<string, TenantEdge>();
    for (const v of this.focusViews) for (const e of this.#seen.get(viewKey(v)) ?? []) if (!named.has(edgeKey(e))) out.set(edgeKey(e), e);
    return [...out.values()];
  }
}
