/** Every association kind the model allows, present at least once (tiny tenants especially). */
import { ASSOCIATION_KINDS } from '../../model/index.ts';
import type { Rng } from '../random.ts';
import type { TenantBuilder } from './builder.ts';

/** Adds one edge of every association kind that the random pass left out. */
export function addMissingAssociationKinds(b: TenantBuilder, rng: Rng): void {
  for (const kind of ASSOCIATION_KINDS) {
    if ((b.assocCount.get(kind.key) ?? 0) > 0) continue;
    const xs = b.refs(kind.a);
    const ys = b.refs(kind.b);
    for (let attempt = 0; attempt < 20 && xs.length > 0 && ys.length > 0; attempt++) {
      if (b.associate(rng.pick(xs), rng.pick(ys))) break;
    }
  }
}
