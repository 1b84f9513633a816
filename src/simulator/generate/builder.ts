/**
 * The generator's workbench: a TenantBuilder that collects objects and edges (refusing duplicate edges and
 * association kinds the model does not allow) and the section context every generator section shares.
 */
import {
  associationEdge,
  canAssociate,
  edgeKey,
  membershipEdge,
  type GraphType,
  type JsonObject,
  type ObjectRef,
  type TenantEdge,
  type TenantObject,
} from '../../model/index.ts';
import { EPOCH_SECONDS, type ObjectIdFactory, SPAN_SECONDS } from '../ids.ts';
import type { PresetCounts } from '../presets.ts';
import type { Rng } from '../random.ts';
import type { RecordContext } from '../records.ts';
import { SimulatorError } from '../errors.ts';

/** An edge's or a group's attributes, or none. */
export type Attrs = JsonObject | null;

/** What every section of the generator works with: the builder, the id factory and the preset's counts. */
export interface Generation {
  readonly b: TenantBuilder;
  readonly ids: ObjectIdFactory;
  readonly counts: PresetCounts;
  /** A record context with its own random stream, forked from the root generator under `label`. */
  readonly ctx: (label: string) => RecordContext;
  /**
   * A random stream of its own for `label`, seeded from the tenant's seed without drawing from the root
   * generator, so a section that uses one leaves every other section's draws as they were.
   */
  readonly sideStream: (label: string) => Rng;
}

/** A creation time within the generated span. */
export function created(rng: Rng): number {
  return EPOCH_SECONDS + rng.int(SPAN_SECONDS);
}

/** Collects objects and edges, refusing duplicate edges and association kinds the model does not allow. */
export class TenantBuilder {
  readonly objects: TenantObject[] = [];
  readonly edges: TenantEdge[] = [];
  private readonly edgeKeys = new Set<string>();
  readonly byType = new Map<GraphType, ObjectRef[]>();
  /** Objects of each type that must stay unbound. */
  readonly reservedUnbound = new Set<string>();
  readonly members = new Map<string, ObjectRef[]>();
  readonly groupsOf = new Map<string, ObjectRef[]>();
  readonly assocCount = new Map<string, number>();
  private readonly assocs = new Map<string, ObjectRef[]>();

  private readonly positions = new Map<string, number>();
  /** Positions by the ref objects `add` hands out, so the usual lookup builds no key. */
  private readonly positionsByRef = new WeakMap<ObjectRef, number>();

  add(type: GraphType, id: string, record: JsonObject): ObjectRef {
    const ref: ObjectRef = { type, id };
    this.positions.set(refKey(ref), this.objects.length);
    this.positionsByRef.set(ref, this.objects.length);
    this.objects.push({ type, id, record });
    let list = this.byType.get(type);
    if (!list) this.byType.set(type, (list = []));
    list.push(ref);
    return ref;
  }

  /** The record of an object added earlier. */
  record(ref: ObjectRef): JsonObject {
    const at = this.positionsByRef.get(ref) ?? this.positions.get(refKey(ref));
    if (at === undefined) throw new SimulatorError(`generator: ${refKey(ref)} was never added`);
    return (this.objects[at] as TenantObject).record;
  }

  /** Replaces the record of an object added earlier (a group whose rule is known once its members are). */
  setRecord(ref: ObjectRef, record: JsonObject): void {
    const at = this.positions.get(refKey(ref));
    if (at === undefined) throw new SimulatorError(`generator: ${refKey(ref)} was never added`);
    this.objects[at] = { type: ref.type, id: ref.id, record };
  }

  isMember(group: ObjectRef, member: ObjectRef): boolean {
    return this.edgeKeys.has(edgeKey(membershipEdge(group, member)));
  }

  refs(type: GraphType): ObjectRef[] {
    return this.byType.get(type) ?? [];
  }

  member(group: ObjectRef, member: ObjectRef): void {
    const edge = membershipEdge(group, member);
    const key = edgeKey(edge);
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    this.edges.push(edge);
    push(this.members, refKey(group), member);
    push(this.groupsOf, refKey(member), group);
  }

  /** Adds an association unless it exists, is not allowed, or touches an object reserved as unbound. */
  associate(x: ObjectRef, y: ObjectRef, attributes: Attrs = null): boolean {
    if (!canAssociate(x.type, y.type)) throw new SimulatorError(`generator: ${x.type}↔${y.type} is not an association kind`);
    if (this.reservedUnbound.has(refKey(x)) || this.reservedUnbound.has(refKey(y))) return false;
    const edge = associationEdge(x, y, attributes);
    const key = edgeKey(edge);
    if (this.edgeKeys.has(key)) return false;
    this.edgeKeys.add(key);
    this.edges.push(edge);
    const kind = `${edge.from.type}|${edge.to.type}`;
    this.assocCount.set(kind, (this.assocCount.get(kind) ?? 0) + 1);
    push(this.assocs, refKey(x), y);
    push(this.assocs, refKey(y), x);
    return true;
  }

  membersOf(group: ObjectRef): ObjectRef[] {
    return this.members.get(refKey(group)) ?? [];
  }

  assocOf(ref: ObjectRef): ObjectRef[] {
    return this.assocs.get(refKey(ref)) ?? [];
  }

  groupsOfMember(member: ObjectRef): ObjectRef[] {
    return this.groupsOf.get(refKey(member)) ?? [];
  }
}

export function refKey(ref: ObjectRef): string {
  return `${ref.type}:${ref.id}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function sudo(enabled: boolean, withoutPassword: boolean): JsonObject {
  return { sudo: { enabled, withoutPassword: enabled && withoutPassword } };
}

/** Sudo attributes of a direct user/group↔device association: mostly granted, sometimes explicitly denied, often none. */
export function maybeSudo(rng: Rng, pGrant: number): Attrs {
  const r = rng.float();
  if (r < pGrant) return sudo(true, rng.chance(0.35));
  if (r < pGrant + 0.08) return sudo(false, false);
  return null;
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
