/** Empty groups: user, system and policy groups with no members. */
import { isGroupType } from '../../model/index.ts';
import type { AccessGraph } from '../../graph/index.ts';
import type { NamedRef } from '../bindings.ts';
import { byTypeThenId } from './common.ts';

/** Every group with no members, by type then id. */
export function emptyGroups(g: AccessGraph): NamedRef[] {
  const out: NamedRef[] = [];
  for (const o of g.objects()) {
    if (!isGroupType(o.type)) continue;
    if (!g.edgesOf(o.id).some((e) => e.kind === 'membership' && e.from.id === o.id)) out.push({ type: o.type, id: o.id, name: o.name });
  }
  return out.sort(byTypeThenId);
}
