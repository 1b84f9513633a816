/**
 * Building plan files from analysis plans: a RevokePlan, an OffboardPlan, or any list of analysis steps
 * (what the access review's close and check's fix plans produce). Each removal step gets its exact
 * request (the analysis's dry-run operation), its precondition (the edge exists with the attributes it
 * has in the graph the plan was made on), its inverse (the same request with `op: add` and those
 * attributes) and the bindings it ends and leaves, from the analysis's collateral.
 */
import { GROUP_PUT_FIELDS, findEndpoint, type JsonObject } from '../model/index.ts';
import type { AccessGraph } from '../graph/index.ts';
import type {
  ApiOperation,
  Binding,
  Collateral,
  EdgeRef,
  ExemptStep,
  NamedRef,
  OffboardPlan,
  RevokePlan,
  SuspendStep,
} from '../analysis/index.ts';
import { planDigest } from './digest.ts';
import {
  PLAN_FORMAT,
  PLAN_VERSION,
  type PlanBinding,
  type PlanFile,
  type PlanFileStep,
  type PlanQuestion,
  type PlanRequest,
  type PlanSnapshot,
  type PlanVerification,
} from './format.ts';

/** Where and when a plan is made. */
export interface PlanContext {
  /** The organization the plan was made on (planSnapshotOf, or the simulator's). */
  readonly snapshot: PlanSnapshot;
  /**
   * When the plan was made (ISO 8601).
   * @default now
   */
  readonly madeAt?: string;
}

/**
 * One step of an analysis plan, as revoke, offboard, the review's close and check's fixes give them:
 * the edge to remove, its ends' names, the dry-run request, and (optionally) the access it takes away.
 */
export interface AnalysisStep {
  /**
   * What the step does; only removals are built for now.
   * @default 'remove'
   */
  readonly action?: 'remove';
  readonly edge: EdgeRef;
  readonly from: NamedRef;
  readonly to: NamedRef;
  readonly operation: ApiOperation;
  /**
   * The bindings the plan ends that this step cuts a path of (`lost`), and those it cuts a path of that survive.
   * @default none
   */
  readonly collateral?: Collateral;
}

/** The snapshot identity of a plan made on a snapshot file. */
export function planSnapshotOf(
  meta: { readonly orgId: string; readonly apiHost: string; readonly startedAt: string },
  sha256: string,
  path: string,
  live = false,
): PlanSnapshot {
  return { kind: 'snapshot', sha256, path, orgId: meta.orgId, apiHost: meta.apiHost, startedAt: meta.startedAt, live };
}

function planBinding(b: { readonly subject: NamedRef; readonly target: NamedRef }): PlanBinding {
  return { subject: named(b.subject), target: named(b.target) };
}

function named(r: NamedRef): NamedRef {
  return { type: r.type, id: r.id, name: r.name };
}

/**
 * The binding between two objects as a traversal endpoint lists it: from `a` when `a`'s type has a
 * traversal towards `b`'s type, else from `b` (a revoke can be asked from either end).
 */
export function traversalBinding(a: NamedRef, b: NamedRef): PlanBinding {
  if (findEndpoint(a.type, 'traverse', [b.type]) || !findEndpoint(b.type, 'traverse', [a.type]))
    return planBinding({ subject: a, target: b });
  return planBinding({ subject: b, target: a });
}

/** Bindings without repeats (by subject and target), in their first order. */
function distinct(bindings: Iterable<PlanBinding>, except: ReadonlySet<string> = new Set()): PlanBinding[] {
  const seen = new Set(except);
  const out: PlanBinding[] = [];
  for (const b of bindings) {
    const key = bindingId(b);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(b);
  }
  return out;
}

function bindingId(b: PlanBinding): string {
  return `${b.subject.id}>${b.target.id}`;
}

function requestOf(operation: ApiOperation): PlanRequest {
  return { method: operation.method, path: operation.path, body: JSON.parse(JSON.stringify(operation.body)) as JsonObject };
}

/** A removal step: the request, the edge as a precondition, the `add` that restores it with its attributes. */
function removalStep(g: AccessGraph, step: AnalysisStep, ends: readonly PlanBinding[], keeps: readonly PlanBinding[]): PlanFileStep {
  const attributes = g.hasEdge(step.edge) ? g.edgeAttributes(step.edge) : null;
  const request = requestOf(step.operation);
  const restore: JsonObject = { ...request.body, op: 'add' };
  delete restore['attributes'];
  if (attributes) restore['attributes'] = attributes;
  return {
    action: 'remove',
    change: { kind: step.edge.kind, from: named(step.from), to: named(step.to), attributes },
    request,
    precondition: {
      kind: 'edge',
      edge: {
        kind: step.edge.kind,
        from: { type: step.edge.from.type, id: step.edge.from.id },
        to: { type: step.edge.to.type, id: step.edge.to.id },
      },
      attributes,
    },
    inverse: { method: request.method, path: request.path, body: restore },
    ends,
    keeps,
  };
}

/** The fields of a group's record a PUT sends back, as read. */
function putFields(record: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const f of GROUP_PUT_FIELDS) if (record[f] !== undefined) out[f] = record[f];
  return out;
}

/** An exemption step: the group's PUT, the record as read as precondition, the PUT of that record as inverse. */
function exemptionStep(step: ExemptStep, ends: readonly PlanBinding[], keeps: readonly PlanBinding[]): PlanFileStep {
  const request = requestOf(step.operation);
  const group = { type: step.edge.from.type, id: step.edge.from.id };
  const record = putFields(step.exemption.record);
  return {
    action: 'exempt',
    change: { kind: 'exemption', group: named(step.exemption.group), member: named(step.exemption.member), rule: step.exemption.rule },
    request,
    precondition: { kind: 'group-record', group, record },
    inverse: { method: 'PUT', path: request.path, body: record },
    ends,
    keeps,
  };
}

/** The suspension step: the user's PUT, its state fields as read as precondition, and their PUT as inverse. */
function suspensionStep(step: SuspendStep, ends: readonly PlanBinding[]): PlanFileStep {
  const request = requestOf(step.operation);
  return {
    action: 'suspend',
    change: { kind: 'user-state', user: named(step.user), before: step.before, after: step.after },
    request,
    precondition: { kind: 'user-state', user: { type: step.user.type, id: step.user.id }, state: step.before },
    inverse: { method: 'PUT', path: request.path, body: { state: 'ACTIVATED', ...step.before } },
    ends,
    keeps: [],
  };
}

function finish(context: PlanContext, question: PlanQuestion, steps: readonly PlanFileStep[], verification: PlanVerification): PlanFile {
  const content = {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    madeAt: context.madeAt ?? new Date().toISOString(),
    snapshot: context.snapshot,
    question,
    steps,
    verification,
  } as const;
  return { ...content, digest: planDigest(content) };
}

/** The plan file of a revoke plan made on `g`; `protect` as the plan's protected edge keys. */
export function planFileFromRevoke(g: AccessGraph, plan: RevokePlan, context: PlanContext): PlanFile {
  const revoked = traversalBinding(plan.subject, plan.resource);
  const lost = plan.collateral.lost.map(planBinding);
  const steps = plan.steps.map((s) => {
    const ends = distinct([revoked, ...s.collateral.lost.map(planBinding)]);
    const keeps = distinct(s.collateral.surviving.map(planBinding));
    return s.action === 'exempt' ? exemptionStep(s, ends, keeps) : removalStep(g, s, ends, keeps);
  });
  const ends = distinct([...(plan.reached ? [revoked] : []), ...lost]);
  return finish(
    context,
    {
      kind: 'revoke',
      subject: named(plan.subject),
      resource: named(plan.resource),
      strategy: plan.strategy,
      protect: [...plan.protectedEdges],
    },
    steps,
    { ends, keeps: distinct(plan.collateral.surviving.map(planBinding), new Set(ends.map(bindingId))) },
  );
}

/** The plan file of an offboarding plan made on `g`: afterwards the user's endpoints show nothing but what remains. */
export function planFileFromOffboard(g: AccessGraph, plan: OffboardPlan, context: PlanContext): PlanFile {
  const user = named(plan.user);
  const remaining = new Set(plan.remaining.map((b) => b.target.id));
  const byTarget = new Map<string, Binding>(plan.bindings.map((b) => [b.target.id, b]));
  const own = (ids: readonly string[], kept: boolean): PlanBinding[] =>
    ids.flatMap((id) => {
      const b = byTarget.get(id);
      return b && remaining.has(id) === kept ? [planBinding(b)] : [];
    });
  const steps = plan.steps.map((s) => {
    const ends = distinct([...own(s.ends, false), ...s.collateral.lost.map(planBinding)]);
    const keeps = distinct([...own(s.ends, true), ...s.collateral.surviving.map(planBinding)]);
    if (s.action === 'suspend') return suspensionStep(s, ends);
    return s.action === 'exempt' ? exemptionStep(s, ends, keeps) : removalStep(g, s, ends, keeps);
  });
  const ends = distinct([
    ...plan.bindings.filter((b) => !remaining.has(b.target.id)).map(planBinding),
    ...plan.collateral.lost.map(planBinding),
  ]);
  return finish(context, { kind: 'offboard', user, suspend: plan.suspend }, steps, {
    ends,
    keeps: distinct([...plan.remaining.map(planBinding), ...plan.collateral.surviving.map(planBinding)], new Set(ends.map(bindingId))),
    only: user,
  });
}

/**
 * The plan file of any list of analysis steps made on `g` (the access review's close, check's fixes),
 * removals and exemptions: `command` and `description` say where they came from. Verification: every binding a step's collateral
 * says is lost must be gone, every one it says survives must remain.
 */
export function planFileFromSteps(
  g: AccessGraph,
  steps: readonly (AnalysisStep | ExemptStep)[],
  context: PlanContext & { readonly command: string; readonly description: string },
): PlanFile {
  const built = steps.map((s) => {
    const ends = distinct((s.collateral?.lost ?? []).map(planBinding));
    const keeps = distinct((s.collateral?.surviving ?? []).map(planBinding));
    // An exemption (check's fix plans cut a rule-made membership so) is built as revoke's are.
    return s.action === 'exempt' ? exemptionStep(s, ends, keeps) : removalStep(g, s, ends, keeps);
  });
  const ends = distinct(built.flatMap((s) => s.ends));
  return finish(context, { kind: 'steps', command: context.command, description: context.description }, built, {
    ends,
    keeps: distinct(
      built.flatMap((s) => s.keeps),
      new Set(ends.map(bindingId)),
    ),
  });
}
