/**
 * What the live traversal endpoints say after a plan: for each binding the plan ends, the subject's
 * endpoint towards the target's type no longer lists it; for each binding it keeps, it still does; for
 * an offboarding, the user's traversal endpoints list nothing but what the plan keeps. Each endpoint is
 * read once for all the bindings it answers (every page), through the same client as the writes.
 *
 * Also the check before sending a revoke: the live paths from the subject to the resource, each of which
 * must cross an edge the plan removes (a path that does not is access the plan would leave in place).
 */
import { TRAVERSAL_ENDPOINTS, findEndpoint, type GraphEndpoint, type GraphObjectWithPaths, type ObjectRef } from '../model/index.ts';
import { edgeKey, hopEdge } from '../analysis/edges.ts';
import { readLiveAnswer, type ApiClient } from '../fetchers/index.ts';
import { endedEdges } from './state.ts';
import { describeObject, traversalBinding, type PlanBinding, type PlanFile } from '../plan/index.ts';

/** One way the live tenant differs from what the plan expects. */
export interface VerificationDifference {
  /**
   * `still-bound`: a binding the plan ends is there; `lost`: one it keeps is gone; `unexpected`: a binding of
   * an offboarded user the plan does not keep; `edge`: a step's own change did not hold (its edge is back, or
   * restored with other attributes): `subject` and `target` are then the edge's ends.
   */
  readonly kind: 'still-bound' | 'lost' | 'unexpected' | 'edge';
  readonly subject: ObjectRef & { readonly name?: string };
  readonly target: ObjectRef & { readonly name?: string };
  /** The difference in one sentence. */
  readonly message: string;
}

/** The outcome of a verification: how many bindings it checked and what differed. */
export interface VerificationResult {
  readonly ok: boolean;
  /** Bindings checked (ended, kept, and for an offboarding every binding the user's endpoints listed). */
  readonly checked: number;
  readonly differences: readonly VerificationDifference[];
}

const show = describeObject;

/** The traversal endpoints of a type that, together, list every binding once: multi-type ones (directories) instead of the single types they cover. */
function allTraversals(type: string): GraphEndpoint[] {
  const own = TRAVERSAL_ENDPOINTS.filter((e) => e.source === type);
  const covered = new Set(own.filter((e) => e.targets.length > 1).flatMap((e) => e.targets));
  return own.filter((e) => e.targets.length > 1 || !covered.has(e.targets[0]!));
}

/** A path as the objects it passes, subject first, from an answer's hops. */
function pathObjects(subject: ObjectRef, hops: readonly { readonly to: ObjectRef }[]): ObjectRef[] {
  return [subject, ...hops.map((h) => ({ type: h.to.type, id: h.to.id }))];
}

/** Reads traversal answers, each endpoint of a subject once. */
class TraversalReader {
  readonly #answers = new Map<string, Promise<GraphObjectWithPaths[]>>();
  constructor(
    readonly client: ApiClient,
    readonly step: string,
  ) {}

  answer(endpoint: GraphEndpoint, subjectId: string): Promise<GraphObjectWithPaths[]> {
    const key = `${endpoint.path} ${subjectId}`;
    let answer = this.#answers.get(key);
    if (!answer) this.#answers.set(key, (answer = readLiveAnswer(this.client, endpoint, subjectId, 5, this.step)));
    return answer;
  }
}

/** The endpoint that lists `b` from its subject. */
function endpointOf(b: PlanBinding): GraphEndpoint | undefined {
  return findEndpoint(b.subject.type, 'traverse', [b.target.type]);
}

/**
 * Checks the plan's verification targets against the live traversal endpoints: `ends` gone, `keeps` there,
 * and for an offboarding nothing else. `ends`/`keeps` may be narrowed (an undo checks that what the
 * apply ended is back: it passes them as `keeps`).
 */
export async function verifyLive(
  client: ApiClient,
  targets: { readonly ends: readonly PlanBinding[]; readonly keeps: readonly PlanBinding[]; readonly only?: PlanBinding['subject'] },
  step = 'apply:verify',
): Promise<VerificationResult> {
  const reader = new TraversalReader(client, step);
  const differences: VerificationDifference[] = [];
  const only = targets.only;
  // An offboarded user's endpoints are read whole: every binding they list is checked.
  const onlyAnswers = only
    ? (await Promise.all(allTraversals(only.type).map((e) => reader.answer(e, only.id)))).flat()
    : ([] as GraphObjectWithPaths[]);
  const listed = async (b: PlanBinding): Promise<GraphObjectWithPaths | undefined> => {
    if (only && b.subject.id === only.id) return onlyAnswers.find((t) => t.id === b.target.id);
    const endpoint = endpointOf(b);
    if (!endpoint) return undefined;
    return (await reader.answer(endpoint, b.subject.id)).find((t) => t.id === b.target.id);
  };
  const [ended, kept] = await Promise.all([Promise.all(targets.ends.map(listed)), Promise.all(targets.keeps.map(listed))]);
  targets.ends.forEach((b, i) => {
    const found = ended[i];
    if (!found) return;
    const path = found.paths[0]
      ? pathObjects(b.subject, found.paths[0])
          .map((o) => show(o))
          .join(' → ')
      : '';
    differences.push({
      kind: 'still-bound',
      subject: b.subject,
      target: b.target,
      message: `${show(b.subject)} still reaches ${show(b.target)}${path ? ` (through ${path})` : ''}, which the plan ends.`,
    });
  });
  targets.keeps.forEach((b, i) => {
    if (kept[i]) return;
    differences.push({
      kind: 'lost',
      subject: b.subject,
      target: b.target,
      message: `${show(b.subject)} no longer reaches ${show(b.target)}, which the plan keeps.`,
    });
  });
  let checked = targets.ends.length + targets.keeps.length;
  if (only) {
    const expected = new Set([...targets.ends, ...targets.keeps].filter((b) => b.subject.id === only.id).map((b) => b.target.id));
    for (const t of onlyAnswers) {
      if (expected.has(t.id)) continue;
      checked += 1;
      const target = { type: t.type, id: t.id };
      differences.push({
        kind: 'unexpected',
        subject: only,
        target,
        message: `${show(only)} still reaches ${show(target)}, which the plan does not keep.`,
      });
    }
  }
  return { ok: differences.length === 0, checked, differences };
}

/**
 * The live paths from a revoke's subject to its resource that cross no edge the plan removes: access the
 * plan would leave in place. Empty when the plan cuts every path (or the subject no longer reaches the
 * resource). Other plans have no such question: empty.
 */
export async function uncutPaths(client: ApiClient, plan: PlanFile, step = 'apply:paths'): Promise<ObjectRef[][]> {
  const question = plan.question;
  if (question.kind !== 'revoke') return [];
  const binding = traversalBinding(question.subject, question.resource);
  const endpoint = endpointOf(binding);
  if (!endpoint) return [];
  const cut = endedEdges(plan.steps);
  const target = (await readLiveAnswer(client, endpoint, binding.subject.id, 5, step)).find((t) => t.id === binding.target.id);
  if (!target) return [];
  return target.paths
    .map((hops) => pathObjects(binding.subject, hops))
    .filter((objects) => objects.slice(1).every((o, i) => !cut.has(edgeKey(hopEdge(objects[i]!, o)))));
}

/** Whether a step changes a dynamic group (an exemption: the group's rule recomputes its members afterwards). */
export function touchesDynamicGroup(plan: PlanFile): boolean {
  return plan.steps.some((s) => s.action === 'exempt');
}
