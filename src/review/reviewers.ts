/**
 * Who reviews each item.
 *
 * - `manager`: the user's `manager` attribute (the v1 systemuser field, which holds the manager's user
 *   id). When it names a user of the organization, the reviewer is that user's username; any other text
 *   is taken as the reviewer's name as it stands.
 * - an owners file (CSV, a header line with the columns `object` and `reviewer`): each line gives a
 *   resource or a group (by id or `type:name`) and who reviews access to it. An item goes to the owner of
 *   its resource; else to the owner of the first group on its paths (in path order) that has one (a rule
 *   chosen: docs/rules.md#access-review-reviewers).
 * - `--fallback-reviewer`: everything neither gives a reviewer to. Without it, such items are an error.
 *
 * An item whose reviewer is its own user (by id, username or email, letters in any case) is a
 * self-review: its decision needs a reason.
 */
import { isGroupType } from '../model/index.ts';
import type { AccessGraph } from '../graph/index.ts';
import { formatReference, resolveObject, type NamedObject, type NamedRef } from '../analysis/index.ts';
import { USER_TARGETS } from '../report/rows.ts';
import { ReviewError } from '../errors.ts';
import { parseCsv } from './csv.ts';
import type { ItemReviewer, ItemUser } from './format.ts';

/** Assigns the reviewer of a (user, resource) binding; undefined when nothing gives one. */
export interface ReviewerAssigner {
  readonly method: 'manager' | 'owners';
  readonly fallback?: string;
  assign(user: ItemUser, resource: NamedRef, via: readonly NamedRef[]): ItemReviewer | undefined;
}

/** The manager attribute's reviewer. */
export function managerReviewers(g: AccessGraph, fallback?: string): ReviewerAssigner {
  const names = new Map<string, string | undefined>();
  const managerOf = (userId: string): string | undefined => {
    if (names.has(userId)) return names.get(userId);
    const value = g.object(userId).record['manager'];
    let name: string | undefined;
    if (typeof value === 'string' && value.trim() !== '') {
      const text = value.trim();
      name = g.hasObject(text) && g.object(text).type === 'user' ? g.object(text).name : text;
    }
    names.set(userId, name);
    return name;
  };
  return {
    method: 'manager',
    ...(fallback !== undefined ? { fallback } : {}),
    assign(user) {
      const manager = managerOf(user.id);
      if (manager !== undefined) return { name: manager, source: 'manager' };
      return fallback !== undefined ? { name: fallback, source: 'fallback' } : undefined;
    },
  };
}

/** An owners file read against the graph: object id → reviewer, with the line that said so. */
export interface Owners {
  readonly byObject: ReadonlyMap<string, { readonly reviewer: string; readonly object: NamedRef; readonly line: number }>;
}

/** Reads an owners file (its text; `file` names it in errors). ReviewError names the file, line and column of the first problem. */
export function readOwners(g: AccessGraph, file: string, text: string): Owners {
  const csv = parseCsv(text);
  const fail = (line: number, message: string): never => {
    throw new ReviewError(`${file}:${line}: ${message}.`);
  };
  const problem = csv.problems[0];
  if (problem) fail(problem.line, problem.message);
  const [header, ...rows] = csv.records;
  if (!header) fail(1, 'the owners file is empty; it needs a header line with the columns object and reviewer');
  const columns = header!.cells.map((c) => c.trim().toLowerCase());
  const objectColumn = columns.indexOf('object');
  const reviewerColumn = columns.indexOf('reviewer');
  if (objectColumn < 0 || reviewerColumn < 0)
    fail(header!.line, `the header must name the columns object and reviewer (it names ${columns.join(', ')})`);
  const byObject = new Map<string, { reviewer: string; object: NamedRef; line: number }>();
  for (const row of rows) {
    const reference = (row.cells[objectColumn] ?? '').trim();
    const reviewer = (row.cells[reviewerColumn] ?? '').trim();
    if (reference === '') fail(row.line, `column ${objectColumn + 1} (object) is empty`);
    if (reviewer === '') fail(row.line, `column ${reviewerColumn + 1} (reviewer) is empty`);
    const o = ((): NamedObject => {
      try {
        return resolveObject(g, reference);
      } catch (error) {
        return fail(
          row.line,
          `column ${objectColumn + 1} (object): ${error instanceof Error ? error.message.replace(/\.$/, '') : String(error)}`,
        );
      }
    })();
    if (!isGroupType(o.type) && !USER_TARGETS.includes(o.type))
      fail(row.line, `column ${objectColumn + 1} (object): ${formatReference(o)} is neither a group nor a resource users are bound to`);
    const known = byObject.get(o.id);
    if (known && known.reviewer !== reviewer)
      fail(row.line, `${formatReference(o)} already has the reviewer ${known.reviewer} (line ${known.line}); give one reviewer per object`);
    byObject.set(o.id, { reviewer, object: { type: o.type, id: o.id, name: o.name }, line: row.line });
  }
  return { byObject };
}

/** The owners file's reviewer: the resource's owner, else the first group on the paths with one, else the fallback. */
export function ownerReviewers(owners: Owners, fallback?: string): ReviewerAssigner {
  return {
    method: 'owners',
    ...(fallback !== undefined ? { fallback } : {}),
    assign(_user, resource, via) {
      const own = owners.byObject.get(resource.id);
      if (own) return { name: own.reviewer, source: `owner of ${formatReference(own.object)}` };
      for (const group of via) {
        const owner = owners.byObject.get(group.id);
        if (owner) return { name: owner.reviewer, source: `owner of ${formatReference(owner.object)}` };
      }
      return fallback !== undefined ? { name: fallback, source: 'fallback' } : undefined;
    },
  };
}

/** True when `reviewer` names the user itself (id, username or email; letters in any case). */
export function isSelfReview(reviewer: string, user: ItemUser): boolean {
  const r = reviewer.trim().toLowerCase();
  return [user.id, user.name, user.email].some((n) => n !== '' && n.toLowerCase() === r);
}
