/**
 * Adjacency of one tenant, built once from its raw edges: for each object, its associations (both
 * directions, since associations are symmetric), the groups it is a member of (up) and, for a group,
 * its members (down). Nothing else: the reference enumeration walks these lists and nothing more.
 */
import type { JsonObject, ObjectRef, TenantData, TenantObject } from '../../model/index.ts';

export interface Neighbor {
  readonly ref: ObjectRef;
  /** The connecting edge's attributes. */
  readonly attributes: JsonObject | null;
}

export function refKey(ref: ObjectRef): string {
  return `${ref.type}:${ref.id}`;
}

const NONE: readonly Neighbor[] = [];

/**
 * What the reference enumeration walks: the objects a client can see and, for each, its neighbours by
 * kind of step. A TenantIndex is built once from a tenant's edges; the simulator's changing organization
 * keeps one up to date as it changes (src/simulator/changes/live-adjacency.ts).
 */
export interface ReferenceAdjacency {
  object(ref: ObjectRef): TenantObject | undefined;
  associations(ref: ObjectRef): readonly Neighbor[];
  /** The groups `ref` is a direct member of. */
  groupsOf(ref: ObjectRef): readonly Neighbor[];
  /** The direct members of the group `ref` (none when it is not a group). */
  membersOf(ref: ObjectRef): readonly Neighbor[];
}

export class TenantIndex implements ReferenceAdjacency {
  private readonly objects = new Map<string, TenantObject>();
  private readonly associationsOf = new Map<string, Neighbor[]>();
  private readonly groupsOfMember = new Map<string, Neighbor[]>();
  private readonly membersOfGroup = new Map<string, Neighbor[]>();

  constructor(readonly tenant: TenantData) {
    for (const object of tenant.objects) this.objects.set(refKey(object), object);
    for (const edge of tenant.edges) {
      const from: ObjectRef = { type: edge.from.type, id: edge.from.id };
      const to: ObjectRef = { type: edge.to.type, id: edge.to.id };
      if (edge.kind === 'association') {
        add(this.associationsOf, refKey(from), { ref: to, attributes: edge.attributes });
        add(this.associationsOf, refKey(to), { ref: from, attributes: edge.attributes });
      } else {
        add(this.membersOfGroup, refKey(from), { ref: to, attributes: edge.attributes });
        add(this.groupsOfMember, refKey(to), { ref: from, attributes: edge.attributes });
      }
    }
  }

  object(ref: ObjectRef): TenantObject | undefined {
    return this.objects.get(refKey(ref));
  }

  associations(ref: ObjectRef): readonly Neighbor[] {
    return this.associationsOf.get(refKey(ref)) ?? NONE;
  }

  /** The groups `ref` is a direct member of. */
  groupsOf(ref: ObjectRef): readonly Neighbor[] {
    return this.groupsOfMember.get(refKey(ref)) ?? NONE;
  }

  /** The direct members of the group `ref` (none when it is not a group). */
  membersOf(ref: ObjectRef): readonly Neighbor[] {
    return this.membersOfGroup.get(refKey(ref)) ?? NONE;
  }
}

function add(map: Map<string, Neighbor[]>, key: string, neighbor: Neighbor): void {
  const list = map.get(key);
  if (list) list.push(neighbor);
  else map.set(key, [neighbor]);
}

const INDEXES = new WeakMap<TenantData, TenantIndex>();

/** The index of a tenant, built on first use and kept as long as the tenant object lives. */
export function indexOf(tenant: TenantData): TenantIndex {
  let index = INDEXES.get(tenant);
  if (!index) {
    index = new TenantIndex(tenant);
    INDEXES.set(tenant, index);
  }
  return index;
}
