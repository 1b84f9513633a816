/**
 * The reference's adjacency of a changing organization, read from its edges as they are now: what a
 * TenantIndex holds, without rebuilding the whole index after every change (about 0.1 s on large, paid
 * by the first read after each write). Each object's neighbours are gathered on first use and kept until
 * the organization next changes.
 */
import type { ObjectRef, TenantObject } from '../../model/index.ts';
import { type Neighbor, type ReferenceAdjacency, refKey } from '../reference/tenant-index.ts';
import type { ChangingTenant } from './changing-tenant.ts';

interface Neighbors {
  readonly associations: Neighbor[];
  readonly groups: Neighbor[];
  readonly members: Neighbor[];
}

export class LiveAdjacency implements ReferenceAdjacency {
  readonly #org: ChangingTenant;
  readonly #neighbors = new Map<string, Neighbors>();
  /** The organization's version the kept neighbours were read at. */
  #version: number;

  constructor(org: ChangingTenant) {
    this.#org = org;
    this.#version = org.version;
  }

  object(ref: ObjectRef): TenantObject | undefined {
    return this.#org.shownObject(ref);
  }

  associations(ref: ObjectRef): readonly Neighbor[] {
    return this.#of(ref).associations;
  }

  groupsOf(ref: ObjectRef): readonly Neighbor[] {
    return this.#of(ref).groups;
  }

  membersOf(ref: ObjectRef): readonly Neighbor[] {
    return this.#of(ref).members;
  }

  #of(ref: ObjectRef): Neighbors {
    if (this.#version !== this.#org.version) {
      this.#neighbors.clear();
      this.#version = this.#org.version;
    }
    const key = refKey(ref);
    let found = this.#neighbors.get(key);
    if (!found) {
      found = { associations: [], groups: [], members: [] };
      // As TenantIndex reads tenant.edges: an association is a neighbour at both ends, a membership is
      // the member's group and the group's member.
      for (const edge of this.#org.edgesAt(ref)) {
        const atFrom = refKey(edge.from) === key;
        const other = atFrom ? edge.to : edge.from;
        const neighbor: Neighbor = { ref: { type: other.type, id: other.id }, attributes: edge.attributes };
        if (edge.kind === 'association') found.associations.push(neighbor);
        else if (atFrom) found.members.push(neighbor);
        else found.groups.push(neighbor);
      }
      this.#neighbors.set(key, found);
    }
    return found;
  }
}
