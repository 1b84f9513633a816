/**
 * Which collections the events of a window make stale, in the units of the earlier snapshot's plan
 * (../collections.ts). The rules, chosen where JumpCloud's documentation is silent (docs/rules.md#stale-collections):
 * - An edge added, removed or re-attributed: the one collection the plan reads that edge from.
 * - An object created: all of its planned collections (they are read anyway: the earlier snapshot has
 *   none of them). An object deleted: nothing to read (the lists show it gone, and its edges leave with
 *   it), unless its type has no list (idp_routing_policy, password_manager_item): then every collection
 *   that held one of its edges.
 * - A changed record: nothing (every list is read again).
 * - Edges of an object changed in ways the event does not spell out (an update of a user, a system or a
 *   group, sudo granted or revoked, an unknown event naming the object): its own planned collections, and
 *   every collection that held one of its edges in the earlier snapshot. An edge it gained in another
 *   object's collection is logged by JumpCloud as an `association_change` of its own.
 * - Edges of any object of a type (an event that names a type but no object): every collection of every
 *   step that reads an edge kind with that type at one end, with a note saying why.
 * - An event jcgraph cannot place at all: no guess, a full fetch, and the event named as the reason.
 */
import { associationEdge, isGroupType, type TenantData, type TenantEdge } from '../../model/index.ts';
import type { CollectionPlan } from '../collections.ts';
import type { EventEffect, InterpretedEvent, TypedRef } from '../insights/interpret.ts';

/** Notes kept about unknown events naming objects (the first ones; the rest are alike). */
const MAX_NOTES = 20;

export interface StaleCollections {
  /** Collection keys to read again. */
  readonly keys: Set<string>;
  /** Step names whose every collection is read again. */
  readonly steps: Set<string>;
  /** One sentence per type-wide re-read, saying which events caused it. */
  readonly notes: string[];
  /** Set when an event cannot be placed: the refresh becomes a full fetch, for this reason. */
  fullReason: string | undefined;
  /** Events that said something about the graph. */
  used: number;
}

/** The earlier snapshot's edges of some objects, to find the collections that held them. */
export class EdgesByObject {
  readonly #byObject = new Map<string, TenantEdge[]>();

  /** `wanted`: the objects (`type:id`) whose edges will be asked for; the others are not indexed. */
  constructor(tenant: TenantData, wanted: ReadonlySet<string>) {
    if (wanted.size === 0) return;
    for (const edge of tenant.edges) {
      for (const end of [edge.from, edge.to]) {
        const key = `${end.type}:${end.id}`;
        if (!wanted.has(key)) continue;
        const list = this.#byObject.get(key);
        if (list) list.push(edge);
        else this.#byObject.set(key, [edge]);
      }
    }
  }

  of(ref: TypedRef): readonly TenantEdge[] {
    return this.#byObject.get(`${ref.type}:${ref.id}`) ?? [];
  }
}

function edgeOf(effect: Extract<EventEffect, { kind: 'edge' }>): TenantEdge {
  if (!effect.membership) return associationEdge(effect.a, effect.b, null);
  const [group, member] = isGroupType(effect.a.type) ? [effect.a, effect.b] : [effect.b, effect.a];
  return { kind: 'membership', from: group, to: member, attributes: null };
}

function addEdgesOf(stale: StaleCollections, plan: CollectionPlan, edges: EdgesByObject, ref: TypedRef): void {
  for (const c of plan.ofObject(ref)) stale.keys.add(c.key);
  for (const e of edges.of(ref)) {
    const c = plan.ofEdge(e);
    if (c) stale.keys.add(c.key);
  }
}

/** The collections that `events` make stale under `plan`, given the earlier snapshot. */
export function staleCollections(
  events: readonly InterpretedEvent[],
  plan: CollectionPlan,
  old: TenantData,
  unlisted: (type: string) => boolean,
): StaleCollections {
  const needsEdges = (effect: EventEffect): effect is Extract<EventEffect, { kind: 'object' }> =>
    effect.kind === 'object' && (effect.change === 'edges' || (effect.change === 'delete' && unlisted(effect.ref.type)));
  const wanted = new Set(events.flatMap((e) => e.effects.filter(needsEdges).map((f) => `${f.ref.type}:${f.ref.id}`)));
  const edges = new EdgesByObject(old, wanted);
  const stale: StaleCollections = { keys: new Set(), steps: new Set(), notes: [], fullReason: undefined, used: 0 };
  const typeWide = new Map<string, { steps: string[]; events: Set<string> }>();
  for (const event of events) {
    if (event.effects.length > 0) stale.used += 1;
    for (const effect of event.effects) {
      switch (effect.kind) {
        case 'edge': {
          const c = plan.ofEdge(edgeOf(effect));
          if (c) stale.keys.add(c.key); // else a kind the plan does not read (no listable side sees it)
          break;
        }
        case 'object':
          if (!event.known && stale.notes.length < MAX_NOTES) {
            stale.notes.push(
              `${event.eventType}, an event type jcgraph does not know, named ${effect.ref.type} ${effect.ref.id}: its collections were read again.`,
            );
          }
          if (effect.change === 'create') for (const c of plan.ofObject(effect.ref)) stale.keys.add(c.key);
          else if (needsEdges(effect)) addEdgesOf(stale, plan, edges, effect.ref);
          break;
        case 'type': {
          const steps = plan.steps.filter((s) => s.source === effect.type || s.targets.includes(effect.type)).map((s) => s.name);
          for (const s of steps) stale.steps.add(s);
          const entry = typeWide.get(effect.type) ?? { steps, events: new Set<string>() };
          entry.events.add(event.eventType);
          typeWide.set(effect.type, entry);
          break;
        }
        case 'unknown':
          stale.fullReason ??= `the event ${event.id ?? '(no id)'} (${event.eventType}) cannot be placed: ${effect.reason}`;
          break;
      }
    }
  }
  for (const [type, { steps, events: types }] of typeWide) {
    stale.notes.push(
      `${[...types].sort().join(', ')} named ${type} objects without saying which: every collection of ${steps.length > 0 ? steps.join(', ') : '(no step)'} was read again.`,
    );
  }
  return stale;
}
