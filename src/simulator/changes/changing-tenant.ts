/**
 * An organization that changes while the simulator serves it. It holds objects and edges by key, applies
 * changes (checked as the API would check them: the objects exist, the association kind is allowed,
 * a member's type fits its group), and hands out a TenantData view of the current state, rebuilt only
 * after a change. Ids of new objects are MongoDB-style, time-ordered and unique in the organization.
 */
import {
  GRAPH_TYPES,
  TYPE_INFO,
  associationEdge,
  canAssociate,
  canonicalJson,
  edgeKey,
  isGraphType,
  memberTypeOf,
  membershipEdge,
  objectName,
  type GraphType,
  type JsonObject,
  type ObjectRef,
  type TenantData,
  type TenantEdge,
  type TenantObject,
} from '../../model/index.ts';
import { SimulatorError } from '../errors.ts';
import { ObjectIdFactory } from '../ids.ts';
import { Rng, hash32 } from '../random.ts';
import { type RuleMembershipChange, type RuleView, groupRuleChanges, memberRuleChanges, pairRuleChange } from '../dynamic/rebuild.ts';
import type { AppliedChange, FieldChange, NamedRef, RuleMadeMembership, SimChange } from './changes.ts';
import { newRecord, withId } from './new-records.ts';

function refKey(ref: ObjectRef): string {
  return `${ref.type}:${ref.id}`;
}

function invalid(message: string, reason = 'invalidChange'): SimulatorError {
  return new SimulatorError(message, 400, reason);
}

function isRef(value: unknown): value is ObjectRef {
  if (value === null || typeof value !== 'object') return false;
  const { type, id } = value as Record<string, unknown>;
  return typeof type === 'string' && typeof id === 'string' && id !== '';
}

export class ChangingTenant implements RuleView {
  readonly orgId: string;
  readonly #objects = new Map<string, TenantObject>();
  /** The objects of each type by key, so the rules of dynamic groups find users, systems and groups without a scan. */
  readonly #byType = new Map<string, Map<string, TenantObject>>();
  readonly #edges = new Map<string, TenantEdge>();
  /** Edge keys per object key, so a deletion finds its edges without a scan. */
  readonly #edgesOf = new Map<string, Set<string>>();
  readonly #ids: ObjectIdFactory;
  #created = 0;
  #view: TenantData | undefined;
  /** Bumped by every change that did something. */
  version = 0;

  constructor(tenant: TenantData) {
    this.orgId = tenant.orgId;
    for (const o of tenant.objects) this.#setObject(o);
    for (const e of tenant.edges) this.#addEdge(e);
    // The stream's label is its seed: it keeps the word it was made with, so new ids stay what they were.
    this.#ids = new ObjectIdFactory(new Rng(hash32(`live:${tenant.orgId}`)));
  }

  /**
   * The organization as a client can see it now (the same object until the next change). An IdP routing
   * policy or password manager item has no list: once its last association is gone, the API shows it
   * nowhere, so it is left out (it comes back with its next association).
   */
  get tenant(): TenantData {
    this.#view ??= {
      orgId: this.orgId,
      objects: [...this.#objects.values()].filter((o) => this.#shown(o)),
      edges: [...this.#edges.values()],
    };
    return this.#view;
  }

  #shown(object: TenantObject): boolean {
    return !isGraphType(object.type) || TYPE_INFO[object.type].lists.length > 0 || (this.#edgesOf.get(refKey(object))?.size ?? 0) > 0;
  }

  object(ref: ObjectRef): TenantObject | undefined {
    return this.#objects.get(refKey(ref));
  }

  /** An object as a client can see it now (`tenant` holds exactly these), if it exists. */
  shownObject(ref: ObjectRef): TenantObject | undefined {
    const object = this.#objects.get(refKey(ref));
    return object && this.#shown(object) ? object : undefined;
  }

  /** The edges at an object, in the order they were made (the order `tenant.edges` holds them in). */
  *edgesAt(ref: ObjectRef): Iterable<TenantEdge> {
    for (const key of this.#edgesOf.get(refKey(ref)) ?? []) {
      const edge = this.#edges.get(key);
      if (edge) yield edge;
    }
  }

  hasEdge(edge: Pick<TenantEdge, 'kind' | 'from' | 'to'>): boolean {
    return this.#edges.has(edgeKey(edge));
  }

  /** The edge between these ends, as it is now (its attributes included), if there is one. */
  edge(edge: Pick<TenantEdge, 'kind' | 'from' | 'to'>): TenantEdge | undefined {
    return this.#edges.get(edgeKey(edge));
  }

  /** Applies one change; throws a SimulatorError (400) for a change the API would refuse. */
  apply(change: SimChange, nowMs: number): AppliedChange {
    const applied = this.#apply(change, nowMs);
    if (applied.effect !== 'none') {
      this.version += 1;
      this.#view = undefined;
    }
    return applied;
  }

  #named(ref: ObjectRef, what: string): NamedRef {
    if (!isRef(ref)) throw invalid(`${what} must be an object {type, id}`);
    const object = this.#objects.get(refKey(ref));
    if (!object) throw invalid(`${what} ${ref.type} ${ref.id} does not exist`, 'notFound');
    return { type: object.type, id: object.id, name: objectName(object.type, object.record, object.id) };
  }

  #apply(change: SimChange, nowMs: number): AppliedChange {
    // Changes come from JSON bodies too: check what the types promise.
    const untyped: unknown = change;
    if (untyped === null || typeof untyped !== 'object') throw invalid('unknown change null');
    switch (change.kind) {
      case 'add-member':
      case 'remove-member': {
        const group = this.#named(change.group, 'group');
        const member = this.#named(change.member, 'member');
        const memberType = memberTypeOf(group.type);
        if (memberType === undefined) throw invalid(`${group.type} is not a group type`);
        if (member.type !== memberType) throw invalid(`a ${group.type} holds ${memberType} members, not ${member.type}`);
        const edge = membershipEdge(group, member);
        const add = change.kind === 'add-member';
        if (this.hasEdge(edge) === add) return { effect: 'none', change };
        if (add) this.#addEdge(edge);
        else this.#removeEdge(edgeKey(edge));
        return { effect: 'edge', change, op: add ? 'add' : 'remove', membership: true, from: group, to: member, attributes: null };
      }
      case 'associate':
      case 'dissociate': {
        const a = this.#named(change.a, 'a');
        const b = this.#named(change.b, 'b');
        if (!canAssociate(a.type, b.type)) throw invalid(`${a.type} and ${b.type} cannot be associated`);
        const add = change.kind === 'associate';
        const attributes = add ? (change.attributes ?? null) : null;
        if (attributes !== null && (typeof attributes !== 'object' || Array.isArray(attributes)))
          throw invalid('attributes must be an object or null');
        const key = edgeKey(associationEdge(a, b));
        const existing = this.#edges.get(key);
        if (!add) {
          if (!existing) return { effect: 'none', change };
          this.#removeEdge(key);
          return { effect: 'edge', change, op: 'remove', membership: false, from: a, to: b, attributes: existing.attributes };
        }
        if (existing && canonicalJson(existing.attributes) === canonicalJson(attributes)) return { effect: 'none', change };
        if (existing) this.#removeEdge(key);
        this.#addEdge(associationEdge(a, b, attributes));
        return { effect: 'edge', change, op: 'add', membership: false, from: a, to: b, attributes };
      }
      case 'create': {
        if (!isGraphType(change.type)) throw invalid(`unknown type "${change.type}"; types are ${GRAPH_TYPES.join(', ')}`);
        const type: GraphType = change.type;
        const id = change.id ?? this.#newId(nowMs);
        if (typeof id !== 'string' || !/^[0-9a-f]{24}$/.test(id))
          throw invalid(`the id of a new object must be 24 hex digits, not ${JSON.stringify(id)}`);
        if (this.#objects.has(refKey({ type, id }))) throw invalid(`${type} ${id} already exists`, 'conflict');
        this.#created += 1;
        const base = newRecord(type, id, this.orgId, this.#created, Math.floor(nowMs / 1000));
        const record = withId(type, { ...base, ...(change.record ?? {}) }, id);
        this.#setObject({ type, id, record });
        return { effect: 'create', change, object: { type, id, name: objectName(type, record, id) }, record };
      }
      case 'delete': {
        const object = this.#named(change.ref, 'ref');
        const key = refKey(object);
        const edges = [...(this.#edgesOf.get(key) ?? [])];
        for (const edge of edges) this.#removeEdge(edge);
        this.#objects.delete(key);
        this.#byType.get(object.type)?.delete(key);
        return { effect: 'delete', change, object, edgesRemoved: edges.length };
      }
      case 'update': {
        const named = this.#named(change.ref, 'ref');
        const set: unknown = change.set;
        if (set === null || typeof set !== 'object' || Array.isArray(set)) throw invalid('set must be an object of fields');
        const key = refKey(named);
        const object = this.#objects.get(key)!;
        const unset: unknown = change.unset ?? [];
        if (!Array.isArray(unset) || !unset.every((f) => typeof f === 'string')) throw invalid('unset must be a list of field names');
        const removed = new Set(unset.filter((f) => Object.hasOwn(object.record, f) && !Object.hasOwn(change.set, f)));
        const fields: FieldChange[] = [];
        const record: JsonObject = Object.fromEntries(Object.entries(object.record).filter(([field]) => !removed.has(field)));
        for (const [field, value] of Object.entries(change.set)) {
          if (field === '_id' || field === 'id') throw invalid(`the field ${field} cannot change`);
          if (canonicalJson(record[field]) === canonicalJson(value)) continue;
          fields.push({ field, from: record[field], to: value });
          record[field] = value;
        }
        for (const field of removed) {
          if (field === '_id' || field === 'id') throw invalid(`the field ${field} cannot change`);
          fields.push({ field, from: object.record[field], to: undefined });
        }
        if (fields.length === 0) return { effect: 'none', change };
        this.#setObject({ ...object, record });
        return { effect: 'update', change, object: { ...named, name: objectName(named.type, record, named.id) }, fields };
      }
      default:
        throw invalid(`unknown change ${JSON.stringify((change as { kind?: unknown } | null)?.kind ?? null)}`);
    }
  }

  /**
   * Runs the rules of the dynamic groups a change touches, as JumpCloud recomputes a group's members when
   * the group changes or a user or device is created or edited, and applies what they add or remove:
   * - a membership added or removed by hand: that group's rule, for that member (a rule-made membership
   *   removed comes back unless the member is exempt; an object a DYNAMIC_AUTOMATED rule does not want,
   *   added by hand, goes);
   * - a group created or edited (its rule, exemptions or method among others): that group's rule, whole;
   * - a user or system created or edited (a department move, a suspension): every group's rule, for it.
   * Associations and deletions touch no rule. Rules read records, never memberships, so what they change
   * sets off nothing further. (docs/rules.md#when-the-simulator-runs-the-rules)
   */
  runRules(applied: AppliedChange): RuleMadeMembership[] {
    const changes = this.#ruleChangesAfter(applied);
    const out: RuleMadeMembership[] = [];
    for (const { op, group, member } of changes) {
      const edge = membershipEdge(group, member);
      if (op === 'add') this.#addEdge(edge);
      else this.#removeEdge(edgeKey(edge));
      out.push({ op, group: this.#named(group, 'group'), member: this.#named(member, 'member') });
    }
    if (out.length > 0) {
      this.version += 1;
      this.#view = undefined;
    }
    return out;
  }

  #ruleChangesAfter(applied: AppliedChange): RuleMembershipChange[] {
    switch (applied.effect) {
      case 'edge': {
        if (!applied.membership) return [];
        const group = this.#objects.get(refKey(applied.from));
        const member = this.#objects.get(refKey(applied.to));
        const change = group && member ? pairRuleChange(this, group, member) : undefined;
        return change ? [change] : [];
      }
      case 'create':
      case 'update': {
        const object = this.#objects.get(refKey(applied.object));
        if (!object) return [];
        return object.type === 'user_group' || object.type === 'system_group'
          ? groupRuleChanges(this, object)
          : memberRuleChanges(this, object);
      }
      case 'none':
      case 'delete':
        return [];
    }
  }

  /** Every object of a type (RuleView). */
  objectsOf(type: string): Iterable<TenantObject> {
    return this.#byType.get(type)?.values() ?? [];
  }

  /** Whether `member` is a direct member of `group` (RuleView). */
  isMember(group: ObjectRef, member: ObjectRef): boolean {
    return this.#edges.has(edgeKey(membershipEdge(group, member)));
  }

  /** The direct members of a group (RuleView). */
  *membersOf(group: ObjectRef): Iterable<ObjectRef> {
    for (const edgeKeyOf of this.#edgesOf.get(refKey(group)) ?? []) {
      const edge = this.#edges.get(edgeKeyOf);
      if (edge?.kind === 'membership' && edge.from.id === group.id && edge.from.type === group.type) yield edge.to;
    }
  }

  #setObject(object: TenantObject): void {
    const key = refKey(object);
    this.#objects.set(key, object);
    let ofType = this.#byType.get(object.type);
    if (!ofType) this.#byType.set(object.type, (ofType = new Map<string, TenantObject>()));
    ofType.set(key, object);
  }

  #newId(nowMs: number): string {
    for (;;) {
      const id = this.#ids.next(Math.floor(nowMs / 1000));
      if (!GRAPH_TYPES.some((type) => this.#objects.has(refKey({ type, id })))) return id;
    }
  }

  #addEdge(edge: TenantEdge): void {
    const key = edgeKey(edge);
    this.#edges.set(key, edge);
    for (const end of [edge.from, edge.to]) {
      const k = refKey(end);
      let set = this.#edgesOf.get(k);
      if (!set) this.#edgesOf.set(k, (set = new Set()));
      set.add(key);
    }
  }

  #removeEdge(key: string): void {
    const edge = this.#edges.get(key);
    if (!edge) return;
    this.#edges.delete(key);
    for (const end of [edge.from, edge.to]) this.#edgesOf.get(refKey(end))?.delete(key);
  }
}
