/**
 * Edges as analysis sees them: identified by kind and ends (the model's edgeKey), recovered from the
 * hops of a traversal path, and checked against the model's membership and association rules.
 */
import {
  canAssociate,
  canonicalPair,
  edgeKey,
  groupTypeOf,
  memberTypeOf,
  type EdgeKind,
  type JsonObject,
  type ObjectRef,
  type TenantEdge,
} from '../model/index.ts';
import { InputError } from '../errors.ts';

/** An edge without its attributes. Membership: `from` is the group; association: ends in canonical order. */
export interface EdgeRef {
  readonly kind: EdgeKind;
  readonly from: ObjectRef;
  readonly to: ObjectRef;
}

export { edgeKey };

function ref(o: ObjectRef): ObjectRef {
  return { type: o.type, id: o.id };
}

/**
 * The edge a path hop crosses from `a` to `b`. A member and a group of its group type are joined by
 * membership (such pairs can never be associated: no type lists its own group type as an association
 * target); any other pair by an association.
 */
export function hopEdge(a: ObjectRef, b: ObjectRef): EdgeRef {
  if (groupTypeOf(a.type) === b.type) return { kind: 'membership', from: ref(b), to: ref(a) };
  if (groupTypeOf(b.type) === a.type) return { kind: 'membership', from: ref(a), to: ref(b) };
  const [from, to] = canonicalPair(ref(a), ref(b));
  return { kind: 'association', from, to };
}

/** Why the model's rules allow no edge of `kind` between x and y (group first for a membership), or undefined. */
export function edgeProblem(kind: EdgeKind, x: ObjectRef, y: ObjectRef): string | undefined {
  if (kind === 'membership') {
    if (memberTypeOf(x.type) !== y.type) {
      return `a ${x.type} cannot contain a ${y.type} (groups hold their own member type only: user_group>user, system_group>system, policy_group>policy)`;
    }
    return undefined;
  }
  return canAssociate(x.type, y.type) ? undefined : `a ${x.type} cannot be associated with a ${y.type}`;
}

/**
 * A membership (x the group, y the member) or an association (either order) between two objects, checked
 * by the model's rules; InputError when the types cannot be so joined.
 */
export function makeEdge(kind: EdgeKind, x: ObjectRef, y: ObjectRef): EdgeRef {
  const problem = edgeProblem(kind, x, y);
  if (problem !== undefined) throw new InputError(`No ${kind} can join ${x.type} ${x.id} and ${y.type} ${y.id}: ${problem}.`);
  if (kind === 'membership') return { kind, from: ref(x), to: ref(y) };
  const [from, to] = canonicalPair(ref(x), ref(y));
  return { kind, from, to };
}

export function toTenantEdge(edge: EdgeRef, attributes: JsonObject | null = null): TenantEdge {
  return { kind: edge.kind, from: ref(edge.from), to: ref(edge.to), attributes };
}

/** The end of the edge that is not `id` (the first end when `id` is neither). */
export function otherEnd(edge: EdgeRef, id: string): ObjectRef {
  return edge.from.id === id ? edge.to : edge.from;
}

export function touches(edge: EdgeRef, id: string): boolean {
  return edge.from.id === id || edge.to.id === id;
}
