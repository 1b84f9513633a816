/**
 * The access review as one JSON document, produced in pieces so that a tenant's million bindings are
 * never held as one string:
 * `{meta, counts, findings, users, resources, groups, bindings}`, where `findings` are the titled
 * sections (with every item and its paths) and `bindings` every binding row in the order given.
 */
import type { AccessReview, BindingRow } from './review.ts';

/** A binding row as JSON: paths as object lists with the kind of each hop. */
function bindingJson(row: BindingRow): unknown {
  return {
    user: row.user,
    resource: row.resource,
    label: row.label,
    sudo: row.sudo || null,
    via: row.via,
    paths: row.paths.map((p) => ({ objects: p.objects, edges: p.edges, edgeAttributes: p.edgeAttributes })),
  };
}

export function* jsonChunks(review: AccessReview, bindings: Iterable<BindingRow>): Iterable<string> {
  const { meta, counts, findings, users, resources, groups } = review;
  yield `{"meta":${JSON.stringify(meta)},\n"counts":${JSON.stringify(counts)},\n"findings":${JSON.stringify(findings)},\n`;
  yield `"users":${JSON.stringify(users)},\n"resources":${JSON.stringify(resources)},\n"groups":${JSON.stringify(groups)},\n"bindings":[`;
  let first = true;
  for (const row of bindings) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(bindingJson(row))}`;
    first = false;
  }
  yield '\n]}\n';
}
