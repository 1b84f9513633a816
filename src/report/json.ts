/**
 * The access review as one JSON document, produced in pieces so that a tenant's million bindings are
 * never held as one string:
 * `{meta, counts, findings, users, resources, groups, bindings, objects}`:
 * - `findings`: the titled sections, every item with its paths (objects named in full);
 * - `bindings`: every binding row in the order given, one per line, compact: `{user, resource, label,
 *   sudo, via, paths}` with `user` and `resource` named, `via` the ids of the groups on the paths and
 *   `paths` lists of object ids, subject first (a hop between a member and a group of its group type
 *   is a membership, any other hop an association);
 * - `objects`: id → `[type, name]` for every object a binding names, written last.
 */
import { deferred, jsonTextChunks, streamedArray } from '../io/json-text.ts';
import type { AccessReview, BindingRow } from './review.ts';

/** The access review as JSON text in pieces: each top-level field on its own line, each binding on its own. */
export function jsonChunks(review: AccessReview, bindings: Iterable<BindingRow>): Iterable<string> {
  const { meta, counts, findings, users, resources, groups } = review;
  const objects = new Map<string, [string, string]>();
  function* compactRows(): Iterable<unknown> {
    for (const row of bindings) {
      for (const p of row.paths) for (const o of p.objects) if (!objects.has(o.id)) objects.set(o.id, [o.type, o.name]);
      const { user, resource, label, sudo } = row;
      yield {
        user,
        resource,
        label,
        sudo: sudo || null,
        via: row.via.map((v) => v.id),
        paths: row.paths.map((p) => p.objects.map((o) => o.id)),
      };
    }
  }
  return jsonTextChunks(
    {
      meta,
      counts,
      findings,
      users,
      resources,
      groups,
      bindings: streamedArray(compactRows()),
      objects: deferred(() => Object.fromEntries(objects)),
    },
    { indent: 1, leafDepth: 1, compactLeaves: true },
  );
}
