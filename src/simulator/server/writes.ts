/**
 * The API's writes (./write-routes.ts), applied to the organization through the one way it changes
 * (Organizations.apply: logged in Directory Insights as every change is, caches dropped), so that every
 * read, the reference and `fetch --since` see them. Answers as the specs and JumpCloud answer:
 * - members and associations POSTs: 204 with no body; 404 for an unknown object (the path's, or the
 *   body's `{type, id}`); 409 for an `add` of an edge that exists; 404 for a `remove` or an `update` of
 *   one that does not (docs/domain.md "Writing": observed, not documented). `update` replaces the
 *   association's attributes. A membership takes `add` and `remove` only: it has no attributes to update.
 * - group PUTs: 200 with the group's record. The PUT replaces the group: every field of the PUT schema
 *   the body leaves out is removed from the record; fields the schema does not carry (`id`, `type`,
 *   `memberQueryErrorFlags`, …) stay as they were.
 * - the v1 user PUT: 200 with the user's record (see userPut for the fields it sets).
 * The write faults (./faults.ts) number the writes the organization receives. Where the specs are
 * silent these are rules chosen: docs/rules.md#simulator-writes.
 */
import {
  ASSOCIATION_TARGETS,
  associationEdge,
  canAssociate,
  isGraphType,
  membershipEdge,
  type JsonObject,
  type ObjectRef,
} from '../../model/index.ts';
import type { SimChange } from '../changes/changes.ts';
import { SimulatorError } from '../errors.ts';
import type { OrgContent } from './content.ts';
import type { ServerContext } from './context.ts';
import { type Answer, type Step, bodyOf, orgOf } from './exchange.ts';
import { GROUP_PUT_FIELDS, graphOperation, groupPut, userPut } from './write-bodies.ts';
import type { WriteRoute } from './write-routes.ts';

function notFound(what: string): SimulatorError {
  return new SimulatorError(`not found: ${what}`, 404);
}

function existing(org: OrgContent, ref: ObjectRef, what: string): JsonObject {
  const object = isGraphType(ref.type) ? org.object(ref) : undefined;
  if (!object) throw notFound(`${what} ${ref.type} ${ref.id} does not exist`);
  return object.record;
}

const NO_CONTENT: Answer = { status: 204, body: null };

/** What a write does: the changes to apply, and the answer once they are applied. */
interface WritePlan {
  readonly changes: readonly SimChange[];
  readonly answer: (org: OrgContent) => Answer;
}

function membersWrite(route: Extract<WriteRoute, { kind: 'members' }>, body: string, org: OrgContent): WritePlan {
  const operation = graphOperation(body, ['add', 'remove'], [route.memberType]);
  const group = { type: route.group, id: route.id };
  const member = { type: operation.type, id: operation.id };
  existing(org, group, 'group');
  existing(org, member, 'member');
  const exists = org.edge(membershipEdge(group, member)) !== undefined;
  if (operation.op === 'add' && exists)
    throw new SimulatorError(`conflict: ${member.type} ${member.id} is already a member of ${group.id}`, 409);
  if (operation.op === 'remove' && !exists) throw notFound(`${member.type} ${member.id} is not a member of ${group.id}`);
  return { changes: [{ kind: operation.op === 'add' ? 'add-member' : 'remove-member', group, member }], answer: () => NO_CONTENT };
}

function associationsWrite(route: Extract<WriteRoute, { kind: 'associations' }>, body: string, org: OrgContent): WritePlan {
  const operation = graphOperation(body, ['add', 'remove', 'update'], ASSOCIATION_TARGETS[route.source]);
  const source = { type: route.source, id: route.id };
  const target = { type: operation.type, id: operation.id };
  existing(org, source, 'source');
  // A target type the spec allows but the simulator does not model (an application's agent_group) holds no object.
  if (!isGraphType(target.type) || !canAssociate(source.type, target.type)) throw notFound(`${target.type} ${target.id} does not exist`);
  existing(org, target, 'target');
  const edge = org.edge(associationEdge(source, target));
  if (operation.op === 'add') {
    if (edge) throw new SimulatorError(`conflict: ${source.type} ${source.id} is already associated with ${target.type} ${target.id}`, 409);
    return { changes: [{ kind: 'associate', a: source, b: target, attributes: operation.attributes ?? null }], answer: () => NO_CONTENT };
  }
  if (!edge) throw notFound(`${source.type} ${source.id} is not associated with ${target.type} ${target.id}`);
  if (operation.op === 'remove') return { changes: [{ kind: 'dissociate', a: source, b: target }], answer: () => NO_CONTENT };
  if (operation.attributes === undefined) throw new SimulatorError('attributes is required when op is update', 400, 'nullAttributes');
  return { changes: [{ kind: 'associate', a: source, b: target, attributes: operation.attributes }], answer: () => NO_CONTENT };
}

function recordAnswer(ref: ObjectRef): (org: OrgContent) => Answer {
  return (org) => ({ status: 200, body: existing(org, ref, ref.type) });
}

function groupWrite(route: Extract<WriteRoute, { kind: 'group' }>, body: string, org: OrgContent): WritePlan {
  const ref = { type: route.group, id: route.id };
  const record = existing(org, ref, 'group');
  const set = groupPut(body);
  const unset = GROUP_PUT_FIELDS.filter((field) => set[field] === undefined && Object.hasOwn(record, field));
  return { changes: [{ kind: 'update', ref, set, unset }], answer: recordAnswer(ref) };
}

function userWrite(route: Extract<WriteRoute, { kind: 'user' }>, body: string, org: OrgContent): WritePlan {
  const ref = { type: 'user', id: route.id };
  const record = existing(org, ref, 'user');
  return { changes: [{ kind: 'update', ref, set: userPut(body, record) }], answer: recordAnswer(ref) };
}

function writePlan(route: WriteRoute, body: string, org: OrgContent): WritePlan {
  switch (route.kind) {
    case 'members':
      return membersWrite(route, body, org);
    case 'associations':
      return associationsWrite(route, body, org);
    case 'group':
      return groupWrite(route, body, org);
    case 'user':
      return userWrite(route, body, org);
  }
}

function writeRouteOf(x: Parameters<Step>[0]): WriteRoute {
  if (x.target.kind !== 'write') throw new Error(`pipeline order: a write step reached by a ${x.target.kind} request`);
  return x.target.route;
}

/** The organization receives the write: it gets its number (from 1), which the write faults go by. */
export const receiveWrite: Step = (x, ctx) => {
  x.writeNumber = ctx.stats.writeReceived();
  return undefined;
};

/** `read-only-key` (403) and `write-fails-after` (500): the write is refused before it is applied. */
export const writeFaults: Step = (x, ctx) => {
  const refusal = ctx.faults.writeRefusal(x.writeNumber ?? 0);
  if (!refusal) return undefined;
  return refusal.status === 403
    ? x.dialect.error(403, 'forbidden: the API key cannot write (simulated read-only-key)')
    : x.dialect.error(500, 'internal server error (simulated write-fails-after)');
};

/** Applies the write and answers it; under `write-lost-ack` the N-th write is applied and its answer lost. */
export const applyWrite: Step = (x, ctx: ServerContext) => {
  const org = orgOf(x);
  const lost = ctx.faults.losesAck(x.writeNumber ?? 0);
  let answer: Answer;
  try {
    const plan = writePlan(writeRouteOf(x), bodyOf(x), org);
    ctx.orgs.apply(org, plan.changes);
    ctx.stats.writeApplied();
    answer = plan.answer(org);
  } catch (e) {
    if (lost && e instanceof SimulatorError) return { hangUp: 'lost-ack' };
    throw e;
  }
  return lost ? { hangUp: 'lost-ack' } : answer;
};
