/**
 * What-if changes as people write them (edge specs and references, resolve.ts) turned into Changes on
 * ids. Changes are resolved in order against the graph as it would be after the earlier ones, so an
 * object added by one change can be named by the next, and a removed one cannot.
 *
 * A change spec is one of:
 *   {"op": "remove", "edge": "user_group:Engineering>user:jdoe"}
 *   {"op": "add", "edge": "user_group:Engineering~system:web-01", "attributes": {"sudo": {"enabled": true, "withoutPassword": false}}}
 *   {"op": "remove-object", "object": "user_group:Contractors"}
 *   {"op": "add-object", "type": "system", "name": "web-99", "id": "optional id", "record": {optional record fields}}
 *   {"op": "set", "object": "user:jdoe", "attributes": {"department": "Sales"}}
 *   {"op": "set-rule", "group": "user_group:Engineering", "memberQuery": {…}, "membershipMethod": "optional", "memberQueryExemptions": [optional]}
 *
 * `set` changes a user's or a system's record fields (`userState` may be given as a rule names it:
 * active, staged, suspended); `set-rule` a user or system group's rule. Both act through the dynamic
 * groups' rules (rule-effects.ts), as does `add-object` of a user or system: a joiner's day-one access.
 */
import { UnknownObjectError, InputError } from '../errors.ts';
import {
  RULE_GROUP_MEMBERS,
  USER_STATE_VALUES,
  isJsonObject,
  isGraphType,
  TYPE_INFO,
  type JsonObject,
  type JsonValue,
} from '../model/index.ts';
import type { AccessGraph } from '../graph/index.ts';
import { resolveEdgeSpec, resolveObject, type NamedObject, type ObjectDirectory } from './resolve.ts';
import type { Change } from './whatif.ts';

export type ChangeSpec =
  | { readonly op: 'remove'; readonly edge: string }
  | { readonly op: 'add'; readonly edge: string; readonly attributes?: JsonObject | null }
  | { readonly op: 'remove-object'; readonly object: string }
  | { readonly op: 'add-object'; readonly type: string; readonly name: string; readonly id?: string; readonly record?: JsonObject }
  | { readonly op: 'set'; readonly object: string; readonly attributes: JsonObject }
  | { readonly op: 'set-rule'; readonly group: string; readonly rule: JsonObject };

/** The rule fields `set-rule` may give: the group's rule, method and exemptions. */
const RULE_SPEC_FIELDS = ['memberQuery', 'membershipMethod', 'memberQueryExemptions'] as const;

/** A user's record state from a rule's userState value (`suspended` → `SUSPENDED`). */
const STATE_OF_USER_STATE: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(USER_STATE_VALUES).map(([state, value]) => [value, state]),
);

/** Attributes as a record holds them: a rule's `userState` becomes the record's `state`. */
function recordFields(type: string, attributes: JsonObject): JsonObject {
  if (type !== 'user' || attributes['userState'] === undefined) return attributes;
  const { userState, ...rest } = attributes;
  const state = typeof userState === 'string' ? STATE_OF_USER_STATE[userState] : undefined;
  if (state === undefined)
    throw new InputError(`"userState" must be one of ${Object.keys(STATE_OF_USER_STATE).join(', ')}, not ${JSON.stringify(userState)}.`);
  return { ...rest, state, suspended: state === 'SUSPENDED' };
}

/** The graph's objects, with the objects added and removed by earlier changes. */
class PendingDirectory implements ObjectDirectory {
  readonly added = new Map<string, NamedObject>();
  readonly removed = new Set<string>();
  constructor(private readonly g: AccessGraph) {}

  hasObject(id: string): boolean {
    return this.added.has(id) || (!this.removed.has(id) && this.g.hasObject(id));
  }

  object(id: string): NamedObject {
    return this.added.get(id) ?? this.g.object(id);
  }

  *objects(type?: string): Iterable<NamedObject> {
    for (const o of this.g.objects(type)) if (!this.removed.has(o.id)) yield o;
    for (const o of this.added.values()) if (type === undefined || o.type === type) yield o;
  }

  *objectsNamed(name: string, type?: string): Iterable<NamedObject> {
    for (const o of this.g.objectsNamed(name, type)) if (!this.removed.has(o.id)) yield o;
    for (const o of this.added.values()) if (type === undefined || o.type === type) yield o;
  }
}

/** Checks one parsed JSON item of a changes file; `where` names it in errors. */
export function checkChangeSpec(item: JsonValue, where: string): ChangeSpec {
  if (!isJsonObject(item)) throw new InputError(`${where} is not an object with an "op".`);
  const text = (field: string): string => {
    const v = item[field];
    if (typeof v !== 'string' || v.length === 0) throw new InputError(`${where} needs "${field}" as a non-empty string.`);
    return v;
  };
  switch (item['op']) {
    case 'remove':
      return { op: 'remove', edge: text('edge') };
    case 'add': {
      const attributes = item['attributes'];
      if (attributes !== undefined && attributes !== null && !isJsonObject(attributes))
        throw new InputError(`${where}: "attributes" must be an object.`);
      return { op: 'add', edge: text('edge'), attributes: attributes ?? null };
    }
    case 'remove-object':
      return { op: 'remove-object', object: text('object') };
    case 'add-object': {
      const record = item['record'];
      if (record !== undefined && !isJsonObject(record)) throw new InputError(`${where}: "record" must be an object.`);
      const id = item['id'];
      if (id !== undefined && typeof id !== 'string') throw new InputError(`${where}: "id" must be a string.`);
      return { op: 'add-object', type: text('type'), name: text('name'), ...(id ? { id } : {}), ...(record ? { record } : {}) };
    }
    case 'set': {
      const attributes = item['attributes'];
      if (!isJsonObject(attributes) || Object.keys(attributes).length === 0)
        throw new InputError(`${where} needs "attributes" as an object of record fields, e.g. {"department": "Sales"}.`);
      return { op: 'set', object: text('object'), attributes };
    }
    case 'set-rule': {
      const rule: JsonObject = {};
      for (const field of RULE_SPEC_FIELDS) if (item[field] !== undefined) rule[field] = item[field];
      if (!isJsonObject(rule['memberQuery']) && rule['membershipMethod'] === undefined && rule['memberQueryExemptions'] === undefined)
        throw new InputError(`${where} needs "memberQuery" (an object), "membershipMethod" or "memberQueryExemptions".`);
      return { op: 'set-rule', group: text('group'), rule };
    }
    default:
      throw new InputError(
        `${where} has op ${JSON.stringify(item['op'] ?? null)}; ops are remove, add, remove-object, add-object, set and set-rule.`,
      );
  }
}

/** Resolves specs in order into Changes. InputError / UnknownObjectError name the change at fault. */
export function resolveChanges(g: AccessGraph, specs: readonly ChangeSpec[]): Change[] {
  const directory = new PendingDirectory(g);
  return specs.map((spec, i): Change => {
    try {
      switch (spec.op) {
        case 'remove':
          return { op: 'remove-edge', edge: resolveEdgeSpec(directory, spec.edge) };
        case 'add':
          return { op: 'add-edge', edge: resolveEdgeSpec(directory, spec.edge), attributes: spec.attributes ?? null };
        case 'remove-object': {
          const o = resolveObject(directory, spec.object);
          directory.removed.add(o.id);
          directory.added.delete(o.id);
          return { op: 'remove-object', id: o.id };
        }
        case 'add-object': {
          if (!isGraphType(spec.type)) throw new InputError(`"${spec.type}" is not an object type.`);
          const info = TYPE_INFO[spec.type];
          const id = spec.id ?? `whatif-${spec.type}-${i + 1}`;
          if (directory.hasObject(id)) throw new InputError(`an object with id ${id} already exists.`);
          const record: JsonObject = { [info.idField]: id, [info.nameFields[0] ?? 'name']: spec.name, ...(spec.record ?? {}) };
          const object = { type: spec.type, id, name: spec.name, record };
          directory.added.set(id, object);
          return { op: 'add-object', object: { type: spec.type, id, record } };
        }
        case 'set': {
          const o = resolveObject(directory, spec.object);
          if (o.type !== 'user' && o.type !== 'system')
            throw new InputError(
              `set changes a user's or a system's attributes; ${o.type}s are not what rules read (a group's rule: set-rule).`,
            );
          return { op: 'set', id: o.id, fields: recordFields(o.type, spec.attributes) };
        }
        case 'set-rule': {
          const o = resolveObject(directory, spec.group);
          if (!RULE_GROUP_MEMBERS[o.type]) throw new InputError(`set-rule is for user and system groups; ${o.type}s have no rule.`);
          return { op: 'set', id: o.id, fields: spec.rule };
        }
      }
    } catch (error) {
      const where = `Change ${i + 1} (${spec.op})`;
      if (error instanceof InputError) throw new InputError(`${where}: ${error.message}`);
      if (error instanceof UnknownObjectError)
        throw new UnknownObjectError(`${where}: ${error.message}`, { reference: error.reference, candidates: error.candidates });
      throw error;
    }
  });
}
