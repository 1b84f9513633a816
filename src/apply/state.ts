/**
 * Reading live what a plan's preconditions name, and nothing more, and saying where each step stands.
 *
 * - A removal's edge is read through an object's own view of its edges (src/fetchers/live, as `--live`
 *   reads them). The views are chosen once for the whole plan, fewest first (a greedy cover: an
 *   offboarding's removals all show in the user's two views), preferring the plan's subject's own views;
 *   reading back one step reads the one view chosen for it. A view whose object answers 404 shows no edge.
 * - An exemption's group and a suspension's user are read as records (`GET /api/v2/usergroups/{id}`,
 *   `/systemgroups/{id}`, v1 `/api/systemusers/{id}`); a 404 means the object is gone.
 *
 * Where a step stands (`standing`), for an apply: its change made, or still as the plan read it (pending),
 * or neither (changed since the plan). For an undo the same with before and after swapped.
 */
import { JcApiError } from '../errors.ts';
import {
  TYPE_INFO,
  canonicalJson,
  edgeKey,
  isGraphType,
  isJsonObject,
  membershipEdge,
  type GraphType,
  type JsonObject,
  type ObjectRef,
  type TenantEdge,
} from '../model/index.ts';
import { readView, viewHolds, viewKey, viewsOf, type ApiClient, type ObjectView } from '../fetchers/index.ts';
import type { PlanFileStep } from '../plan/index.ts';
import type { ApplyRun } from './journal.ts';

/** What the live tenant shows of one step: its edge, or the record its precondition names (undefined: the object is gone). */
export type StepReading =
  | { readonly kind: 'edge'; readonly present: boolean; readonly attributes: JsonObject | null }
  | { readonly kind: 'record'; readonly record: JsonObject | undefined };

/** Where a step stands for a run: its change made (with a note when it is made otherwise than planned), pending, or changed since the plan. */
export type Standing =
  { readonly at: 'made'; readonly detail?: string } | { readonly at: 'pending' } | { readonly at: 'changed'; readonly detail: string };

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

/** The edge a removal's precondition names. */
function edgeOf(step: PlanFileStep): Pick<TenantEdge, 'kind' | 'from' | 'to'> | undefined {
  return step.precondition.kind === 'edge' ? step.precondition.edge : undefined;
}

/** The record a step's precondition names: where to GET it. */
function recordOf(step: PlanFileStep): { api: 'v1' | 'v2'; path: string } | undefined {
  const pre = step.precondition;
  if (pre.kind === 'group-record' && isGraphType(pre.group.type))
    return { api: 'v2', path: `/${TYPE_INFO[pre.group.type].pathPrefix}/${encodeURIComponent(pre.group.id)}` };
  if (pre.kind === 'user-state') return { api: 'v1', path: `/systemusers/${encodeURIComponent(pre.user.id)}` };
  return undefined;
}

/**
 * The edges a plan ends: those its removals name, and the memberships its exemptions end (the group's
 * rule stops producing them). What an offboarded user or a revoke's paths must cross.
 */
export function endedEdges(steps: readonly PlanFileStep[]): Set<string> {
  const out = new Set<string>();
  for (const s of steps) {
    const edge = edgeOf(s);
    if (edge) out.add(edgeKey(edge));
    if (s.change.kind === 'exemption') out.add(edgeKey(membershipEdge(s.change.group, s.change.member)));
  }
  return out;
}

/** Whether `live` holds every field of `expected` as it is there (fields `expected` lacks are not compared). */
function holds(live: JsonObject, expected: JsonObject): boolean {
  return Object.keys(expected).every((k) => canonicalJson(live[k] ?? null) === canonicalJson(expected[k] ?? null));
}

/** The first field of `expected` that `live` holds otherwise, in words. */
function difference(live: JsonObject, expected: JsonObject): string {
  const field = Object.keys(expected).find((k) => canonicalJson(live[k] ?? null) !== canonicalJson(expected[k] ?? null)) ?? '';
  return `its ${field} is now ${JSON.stringify(live[field] ?? null)}, the plan read ${JSON.stringify(expected[field] ?? null)}`;
}

/** What a record step's precondition expects (the state before the step). */
function before(step: PlanFileStep): JsonObject {
  const pre = step.precondition;
  return pre.kind === 'group-record' ? pre.record : pre.kind === 'user-state' ? pre.state : {};
}

/** Where a step stands for a run, from what the tenant shows (see the module doc). */
export function standing(step: PlanFileStep, reading: StepReading, run: ApplyRun): Standing {
  const pre = step.precondition;
  if (reading.kind === 'edge') {
    const attributes = pre.kind === 'edge' ? pre.attributes : null;
    const same = canonicalJson(attributes) === canonicalJson(reading.attributes);
    if (run === 'apply') {
      if (!reading.present) return { at: 'made' };
      return same
        ? { at: 'pending' }
        : {
            at: 'changed',
            detail: `its attributes are now ${JSON.stringify(reading.attributes)}, the plan read ${JSON.stringify(attributes)}`,
          };
    }
    if (!reading.present) return { at: 'pending' };
    return same
      ? { at: 'made' }
      : {
          at: 'made',
          detail: `it is back with attributes ${JSON.stringify(reading.attributes)}, not ${JSON.stringify(attributes)} as the apply removed it`,
        };
  }
  const record = reading.record;
  if (!record)
    return run === 'apply'
      ? { at: 'made', detail: 'the object no longer exists' }
      : { at: 'changed', detail: 'the object no longer exists' };
  const [done, undone] = run === 'apply' ? [step.request.body, before(step)] : [before(step), step.request.body];
  if (holds(record, done)) return { at: 'made' };
  if (holds(record, undone)) return { at: 'pending' };
  return { at: 'changed', detail: difference(record, undone) };
}

/** Reads the live state of a plan's steps through the fewest requests, on one client. */
export class StepReader {
  readonly #steps: readonly PlanFileStep[];
  readonly #client: ApiClient;
  readonly #step: string;
  /** The view chosen for each removal step. */
  readonly #viewOf = new Map<number, ObjectView>();
  /** The subject's own views (read whole each time the whole plan is read). */
  readonly focusViews: readonly ObjectView[];
  /** Every edge the last reads showed, by view. */
  readonly #seen = new Map<string, readonly TenantEdge[]>();

  /**
   * @param focus the plan's subject (an offboarded user): its own views are preferred, and read whole when
   *   the whole plan is read, so that edges the plan does not name show up (extraEdges).
   */
  constructor(client: ApiClient, steps: readonly PlanFileStep[], focus?: ObjectRef, step = 'apply:precondition') {
    this.#client = client;
    this.#steps = steps;
    this.#step = step;
    const focused = focus ? typed(focus) : undefined;
    this.focusViews = focused ? viewsOf(focused).filter((v) => v.endpoint !== 'members') : [];
    const candidates = new Map<number, ObjectView[]>();
    steps.forEach((s, i) => {
      const edge = edgeOf(s);
      if (!edge) return;
      const views = viewsShowing(edge);
      if (views.length === 0) throw new JcApiError(`no view of either end shows the edge of step ${i + 1}`, { endpoint: '(none)' });
      candidates.set(i, views);
    });
    const chosen = new Set(this.focusViews.map(viewKey));
    const assign = (): void => {
      for (const [i, views] of candidates) {
        const v = !this.#viewOf.has(i) ? views.find((c) => chosen.has(viewKey(c))) : undefined;
        if (v) this.#viewOf.set(i, v);
      }
    };
    assign();
    for (;;) {
      // Greedy cover: the view that shows the most steps not yet covered.
      const counts = new Map<string, { view: ObjectView; steps: number }>();
      for (const [i, views] of candidates) {
        if (this.#viewOf.has(i)) continue;
        for (const v of views) {
          const entry = counts.get(viewKey(v)) ?? { view: v, steps: 0 };
          entry.steps += 1;
          counts.set(viewKey(v), entry);
        }
      }
      const best = [...counts.values()].sort((a, b) => b.steps - a.steps || (viewKey(a.view) < viewKey(b.view) ? -1 : 1))[0];
      if (!best) break;
      chosen.add(viewKey(best.view));
      assign();
    }
  }

  /** Reads the steps given (default all, with the subject's own views), at once; what each step's precondition names, as shown. */
  async read(indexes?: readonly number[]): Promise<Map<number, StepReading>> {
    const wanted = indexes ?? this.#steps.map((_, i) => i);
    const views = new Map<string, ObjectView>();
    for (const i of wanted) {
      const v = this.#viewOf.get(i);
      if (v) views.set(viewKey(v), v);
    }
    if (!indexes) for (const v of this.focusViews) views.set(viewKey(v), v);
    const records = new Map<number, JsonObject | undefined>();
    await Promise.all([
      ...[...views.values()].map(async (view) => {
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
      ...wanted.map(async (i) => {
        const where = recordOf(this.#steps[i]!);
        if (!where) return;
        try {
          const body = (await this.#client.get(where.api, where.path, {}, this.#step)).body;
          records.set(i, isJsonObject(body) ? body : {});
        } catch (error) {
          if (!(error instanceof JcApiError) || error.status !== 404) throw error;
          records.set(i, undefined);
        }
      }),
    ]);
    const out = new Map<number, StepReading>();
    for (const i of wanted) {
      const edge = edgeOf(this.#steps[i]!);
      if (!edge) {
        out.set(i, { kind: 'record', record: records.get(i) });
        continue;
      }
      const key = edgeKey(edge);
      const found = (this.#seen.get(viewKey(this.#viewOf.get(i)!)) ?? []).find((e) => edgeKey(e) === key);
      out.set(i, { kind: 'edge', present: found !== undefined, attributes: found?.attributes ?? null });
    }
    return out;
  }

  /** Edges of the subject's own views (as last read) that the plan does not end: access it would leave. */
  extraEdges(): TenantEdge[] {
    const ended = endedEdges(this.#steps);
    const out = new Map<string, TenantEdge>();
    for (const v of this.focusViews) for (const e of this.#seen.get(viewKey(v)) ?? []) if (!ended.has(edgeKey(e))) out.set(edgeKey(e), e);
    return [...out.values()];
  }
}
