/**
 * The exact API calls a plan names: the v2 `GraphOperation` POST that removes (or adds) one edge, the
 * group PUT that exempts a member from a dynamic group's rule, and the v1 PUT that suspends a user.
 * Analysis never sends these; plans print them as dry runs, and `src/apply/` is what sends them.
 *
 * - membership: `POST /api/v2/{usergroups|systemgroups|policygroups}/{groupId}/members
 *   {"op":"remove","type":"<member type>","id":"<member id>"}`;
 * - association: `POST /api/v2/{pathPrefix}/{id}/associations {"op":"remove","type":"<other type>","id":"<other id>"}`
 *   sent from an end whose `…/associations` POST accepts the other end's type (ASSOCIATION_TARGETS,
 *   the same enum the spec gives the GraphOperation body). Which end: the first of `preferredEnds` that
 *   can, else the edge's canonical first end, else the second;
 * - exemption: `PUT /api/v2/{usergroups|systemgroups}/{groupId}` with the group's record as read (the
 *   PUT's fields) and `{id, type}` appended to `memberQueryExemptions` (docs/domain.md#dynamic-groups);
 * - suspension: `PUT /api/systemusers/{id} {"state":"SUSPENDED"}` (v1 `systemusers_put`).
 */
import { ASSOCIATION_TARGETS, exemptionBody, isGraphType, TYPE_INFO, type JsonObject, type ObjectRef } from '../model/index.ts';
import { QueryError } from '../errors.ts';
import type { EdgeRef } from './edges.ts';

export interface GraphOperationBody {
  readonly op: 'add' | 'remove';
  readonly type: string;
  readonly id: string;
  readonly attributes?: JsonObject;
}

/** One request a plan names: method, full path (`/api/v2/…`, `/api/…` for v1) and JSON body. */
export interface ApiOperation {
  readonly method: 'POST' | 'PUT';
  /** Full path including `/api/v2` (or `/api` for v1). */
  readonly path: string;
  readonly body: JsonObject;
}

function graphOperationBody(body: GraphOperationBody): JsonObject {
  return { ...body };
}

function prefixOf(type: string): string {
  if (!isGraphType(type)) throw new QueryError(`no API path is known for objects of type ${type}`);
  return TYPE_INFO[type].pathPrefix;
}

function canList(sourceType: string, targetType: string): boolean {
  return isGraphType(sourceType) && ASSOCIATION_TARGETS[sourceType].includes(targetType);
}

/** The operation that adds or removes `edge`; `preferredEnds` are object ids, most preferred first. */
export function edgeOperation(
  op: 'add' | 'remove',
  edge: EdgeRef,
  preferredEnds: readonly string[] = [],
  attributes?: JsonObject | null,
): ApiOperation {
  const extra = op === 'add' && attributes ? { attributes } : {};
  if (edge.kind === 'membership') {
    return {
      method: 'POST',
      path: `/api/v2/${prefixOf(edge.from.type)}/${encodeURIComponent(edge.from.id)}/members`,
      body: graphOperationBody({ op, type: edge.to.type, id: edge.to.id, ...extra }),
    };
  }
  const ends = [edge.from, edge.to];
  const ordered = [...preferredEnds.map((id) => ends.find((e) => e.id === id)).filter((e) => e !== undefined), edge.from, edge.to];
  for (const end of ordered) {
    const other = end === edge.from ? edge.to : edge.from;
    if (canList(end.type, other.type)) {
      return {
        method: 'POST',
        path: `/api/v2/${prefixOf(end.type)}/${encodeURIComponent(end.id)}/associations`,
        body: graphOperationBody({ op, type: other.type, id: other.id, ...extra }),
      };
    }
  }
  throw new QueryError(`neither a ${edge.from.type} nor a ${edge.to.type} can change an association between them through the API`);
}

/** The PUT that exempts `member` from the rule of `group` (a user or system group), whose record as read is `record`. */
export function exemptionOperation(group: ObjectRef, record: JsonObject, member: ObjectRef): ApiOperation {
  return {
    method: 'PUT',
    path: `/api/v2/${prefixOf(group.type)}/${encodeURIComponent(group.id)}`,
    body: exemptionBody(record, { id: member.id, type: member.type }),
  };
}

/** The v1 PUT that suspends a user. */
export function suspendOperation(userId: string): ApiOperation {
  return { method: 'PUT', path: `/api/systemusers/${encodeURIComponent(userId)}`, body: { state: 'SUSPENDED' } };
}

/** `POST /api/v2/usergroups/g1/members {"op":"remove","type":"user","id":"u1"}` */
export function formatOperation(operation: ApiOperation): string {
  return `${operation.method} ${operation.path} ${JSON.stringify(operation.body)}`;
}
