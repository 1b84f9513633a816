/**
 * Unbound resources: objects of the universe's target types that no binding reaches, and software apps,
 * IdP routing policies, password manager items and rules with no association at all.
 */
import type { AccessGraph } from '../../graph/index.ts';
import { BINDING_TARGETS, type NamedRef } from '../bindings.ts';
import { byTypeThenId } from './common.ts';

/** Types with no traversal from a binding subject: unbound when they have no association at all. */
const EDGE_ONLY_TYPES: readonly string[] = ['software_app', 'idp_routing_policy', 'password_manager_item', 'rule'];

/** Every resource no binding reaches (`reached`: the index's nodes that some binding targets). */
export function unbound(g: AccessGraph, reached: ReadonlySet<number>): NamedRef[] {
  const ix = g.index;
  const targetTypes = new Set(Object.values(BINDING_TARGETS).flat());
  const out: NamedRef[] = [];
  for (const o of g.objects()) {
    const isUnbound = targetTypes.has(o.type)
      ? !reached.has(ix.nodeOf(o.id))
      : EDGE_ONLY_TYPES.includes(o.type) && g.edgesOf(o.id).length === 0;
    if (isUnbound) out.push({ type: o.type, id: o.id, name: o.name });
  }
  return out.sort(byTypeThenId);
}
