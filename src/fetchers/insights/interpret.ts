/**
 * What one Directory Insights event says about the graph: which edges or objects it touches, or that it
 * touches nothing, or that jcgraph cannot tell. The refresh turns these effects into collections to
 * read again; it never replays an event (re-reading the current state makes repeated, late and
 * out-of-order events harmless, and an event about an object deleted since is simply moot).
 *
 * Rules (the tables are ./event-types.ts):
 * - `association_change` between two modelled objects: the edge (a membership when the pair is a group and
 *   its member type, else an association) whatever `op` says (add, remove, or a changed attribute).
 *   When one end is of a type jcgraph does not model or does not know, the modelled end's edges: `edges`.
 *   When no end is modelled: unknown.
 * - Lifecycle events with `resource: {id, type}`: `create`, `delete`, `record` (a changed record, which the
 *   lists read again anyway) or, for an update of a user, a system or a group, `edges` (a dynamic group's
 *   rule or a member's attributes may have changed who is in which group).
 * - `user_admin_granted` / `user_admin_revoked`: the user's `edges` (sudo on its associations).
 * - Known types that change nothing: ignored. Any other type: if it names a modelled object, that
 *   object's `edges`; a modelled type without an id, every object of the type (`type`); else unknown.
 * Type names and event types are compared in lower case (DI lower-cases what it stores).
 */
import { isJsonObject, isGroupType, memberTypeOf, canAssociate, type GraphType } from '../../model/index.ts';
import {
  LIFECYCLE_ACTIONS,
  LIFECYCLE_OBJECTS,
  NO_GRAPH_CHANGE,
  NO_GRAPH_CHANGE_PREFIXES,
  SUDO_EVENT_TYPES,
  TYPE_ALIASES,
  UNMODELLED_TYPES,
} from './event-types.ts';

export interface TypedRef {
  readonly type: GraphType;
  readonly id: string;
}

export type EventEffect =
  /** An edge between two modelled objects was added, removed or changed. */
  | { readonly kind: 'edge'; readonly membership: boolean; readonly a: TypedRef; readonly b: TypedRef }
  /**
   * An object: created, deleted, its record changed (`record`), or its edges changed in ways the event
   * does not spell out (`edges`).
   */
  | { readonly kind: 'object'; readonly ref: TypedRef; readonly change: 'create' | 'delete' | 'record' | 'edges' }
  /** Edges of any object of the type may have changed. */
  | { readonly kind: 'type'; readonly type: GraphType }
  /** jcgraph cannot tell what the event changed. */
  | { readonly kind: 'unknown'; readonly reason: string };

export interface InterpretedEvent {
  /** The event type in lower case, or `(none)`. */
  readonly eventType: string;
  readonly id: string | undefined;
  /** Empty when the event changes nothing in the graph. */
  readonly effects: readonly EventEffect[];
  /** False for an event type jcgraph does not know (its effects are then what the event names, read in full). */
  readonly known: boolean;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A type name as DI writes it → jcgraph's type, `unmodelled`, or undefined when unknown. */
function typeOf(name: unknown): GraphType | 'unmodelled' | undefined {
  const t = text(name)?.toLowerCase();
  if (t === undefined) return undefined;
  return TYPE_ALIASES[t] ?? (UNMODELLED_TYPES.has(t) ? 'unmodelled' : undefined);
}

/** A connection end `{object_id, type}` or a resource `{id, type}`. */
function endOf(
  value: unknown,
  idField: 'object_id' | 'id',
): { type: GraphType | 'unmodelled' | undefined; rawType: string; id: string | undefined } | undefined {
  if (!isJsonObject(value)) return undefined;
  return { type: typeOf(value['type']), rawType: text(value['type']) ?? '(none)', id: text(value[idField]) };
}

function associationChange(event: Record<string, unknown>): EventEffect[] {
  const association = event['association'];
  const connection = isJsonObject(association) ? association['connection'] : undefined;
  const from = isJsonObject(connection) ? endOf(connection['from'], 'object_id') : undefined;
  const to = isJsonObject(connection) ? endOf(connection['to'], 'object_id') : undefined;
  if (!from || !to) return [{ kind: 'unknown', reason: 'an association_change without association.connection.from and .to' }];
  const modelled = [from, to].filter(
    (e): e is { type: GraphType; rawType: string; id: string } => e.type !== undefined && e.type !== 'unmodelled' && e.id !== undefined,
  );
  const [a, b] = modelled;
  if (a && b) {
    const membership = (isGroupType(a.type) && memberTypeOf(a.type) === b.type) || (isGroupType(b.type) && memberTypeOf(b.type) === a.type);
    if (membership || canAssociate(a.type, b.type))
      return [{ kind: 'edge', membership, a: { type: a.type, id: a.id }, b: { type: b.type, id: b.id } }];
    // Two modelled types that jcgraph knows no edge between: whatever it was, look at both ends.
    return modelled.map((e) => ({ kind: 'object', ref: { type: e.type, id: e.id }, change: 'edges' }));
  }
  if (a) return [{ kind: 'object', ref: { type: a.type, id: a.id }, change: 'edges' }];
  if (from.type === 'unmodelled' && to.type === 'unmodelled') return [];
  const names = [from, to].filter((e) => e.type !== 'unmodelled').map((e) => `${e.rawType}${e.id === undefined ? ' (no object_id)' : ''}`);
  return [{ kind: 'unknown', reason: `an association_change between objects jcgraph cannot place: ${names.join(' and ')}` }];
}

/** `<object>_<action>` → its parts when both are known. */
function lifecycle(eventType: string): { object: GraphType | 'group'; action: 'create' | 'update' | 'delete' } | undefined {
  for (const [suffix, action] of Object.entries(LIFECYCLE_ACTIONS)) {
    if (!eventType.endsWith(`_${suffix}`)) continue;
    const object = LIFECYCLE_OBJECTS[eventType.slice(0, -suffix.length - 1)];
    if (object) return { object, action };
  }
  return undefined;
}

const GROUP_TYPES: readonly GraphType[] = ['user_group', 'system_group', 'policy_group'];

function objectEvent(
  event: Record<string, unknown>,
  eventType: string,
  object: GraphType | 'group',
  action: 'create' | 'update' | 'delete',
): EventEffect[] {
  const resource = endOf(event['resource'], 'id');
  const declared = resource?.type;
  let type: GraphType | undefined;
  if (declared !== undefined && declared !== 'unmodelled' && (object === 'group' ? isGroupType(declared) : declared === object))
    type = declared;
  else if (object !== 'group') type = object;
  if (type === undefined) {
    // A group event that does not say which kind of group: every group type.
    return action === 'update' ? GROUP_TYPES.map((t) => ({ kind: 'type', type: t })) : [];
  }
  const edgesMayMove = type === 'user' || type === 'system' || isGroupType(type);
  if (resource?.id === undefined) {
    // Creations and deletions show in the lists, which are always read again; an update of an unnamed
    // user, system or group could have moved memberships anywhere in its type.
    return action === 'update' && edgesMayMove ? [{ kind: 'type', type }] : [];
  }
  const change = action === 'update' ? (edgesMayMove ? 'edges' : 'record') : action;
  return [{ kind: 'object', ref: { type, id: resource.id }, change }];
}

function unknownType(event: Record<string, unknown>, eventType: string): EventEffect[] {
  const resource = endOf(event['resource'], 'id');
  if (resource?.type === 'unmodelled') return [];
  if (resource?.type !== undefined && resource.id !== undefined)
    return [{ kind: 'object', ref: { type: resource.type, id: resource.id }, change: 'edges' }];
  if (resource?.type !== undefined) return [{ kind: 'type', type: resource.type }];
  const prefix = LIFECYCLE_OBJECTS[eventType.split('_')[0] ?? ''];
  if (prefix !== undefined)
    return prefix === 'group' ? GROUP_TYPES.map((t) => ({ kind: 'type', type: t })) : [{ kind: 'type', type: prefix }];
  return [{ kind: 'unknown', reason: `an event of type ${eventType}, which jcgraph does not know, naming no object it can place` }];
}

export function interpretEvent(raw: unknown): InterpretedEvent {
  if (!isJsonObject(raw))
    return {
      eventType: '(none)',
      id: undefined,
      known: false,
      effects: [{ kind: 'unknown', reason: 'an event that is not a JSON object' }],
    };
  const id = text(raw['id']);
  const eventType = text(raw['event_type'])?.toLowerCase();
  if (eventType === undefined)
    return { eventType: '(none)', id, known: false, effects: [{ kind: 'unknown', reason: 'an event without an event_type' }] };
  const service = text(raw['service'])?.toLowerCase();
  if (service !== undefined && service !== 'directory') return { eventType, id, known: true, effects: [] };
  let known = true;
  const effects = ((): EventEffect[] => {
    if (eventType === 'association_change') return associationChange(raw);
    if (SUDO_EVENT_TYPES.has(eventType)) return objectEvent(raw, eventType, 'user', 'update');
    if (NO_GRAPH_CHANGE.has(eventType) || NO_GRAPH_CHANGE_PREFIXES.some((p) => eventType.startsWith(p))) return [];
    const parts = lifecycle(eventType);
    if (parts) return objectEvent(raw, eventType, parts.object, parts.action);
    known = false;
    return unknownType(raw, eventType);
  })();
  return { eventType, id, known, effects };
}
