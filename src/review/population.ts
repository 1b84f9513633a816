/**
 * The population of a campaign: one item per (user, resource) binding in scope, taken from the graph of
 * the campaign's snapshot in one pass over every user's bindings (the access review report's rows,
 * src/report/rows.ts), each with its label, sudo, paths in words, the findings that touch it, the user's
 * last login when the snapshot has it, and its reviewer.
 *
 * Item ids are stable: `i-` and the first 16 hex digits of SHA-256(snapshot hash, user id, resource id),
 * so a worksheet's rows name the same items for as long as the campaign lives, and two campaigns on the
 * same snapshot agree.
 */
import { createHash } from 'node:crypto';
import { inventoryBindings, type AccessGraph } from '../graph/index.ts';
import { formatReference, groupRule, membershipSource, type AccessPath, type NamedRef } from '../analysis/index.ts';
import { inactiveReasons } from '../analysis/findings/inactive.ts';
import { RowFactory, USER_TARGETS, type BindingRow } from '../report/rows.ts';
import { ReviewError } from '../errors.ts';
import type { CampaignItem, ItemUser } from './format.ts';
import { isSelfReview, type ReviewerAssigner } from './reviewers.ts';
import type { Scope } from './scope.ts';

/** A path as the worksheet's picture draws it: the objects, user first, and one letter per hop (u: member of, d: contains, a: associated). */
export interface PathPicture {
  readonly objects: readonly NamedRef[];
  readonly steps: string;
}

/** The items, and each item's path pictures (for the HTML worksheets; not kept in the campaign file). */
export interface Population {
  readonly items: CampaignItem[];
  readonly pictures: ReadonlyMap<string, readonly PathPicture[]>;
}

/** The stable id of the item for a binding of `userId` to `resourceId` on the snapshot whose bytes hash to `snapshotSha256`. */
export function itemId(snapshotSha256: string, userId: string, resourceId: string): string {
  return `i-${createHash('sha256').update(`${snapshotSha256}\0${userId}\0${resourceId}`, 'utf8').digest('hex').slice(0, 16)}`;
}

/** A path in words: the objects between the user and the resource (`direct` when there are none). */
export function pathWords(path: AccessPath): string {
  const middle = path.objects.slice(1, -1);
  return middle.length === 0 ? 'direct' : middle.map(formatReference).join(' → ');
}

/** A digest of a binding's paths (their edges), equal exactly when the binding is reached the same ways. */
export function pathsDigest(paths: readonly AccessPath[]): string {
  const keys = paths.map((p) => p.edgeKeys.join(' ')).sort();
  return createHash('sha256').update(keys.join('\n'), 'utf8').digest('hex').slice(0, 16);
}

function picture(path: AccessPath): PathPicture {
  let steps = '';
  path.edges.forEach((e, i) => {
    if (e.kind === 'association') steps += 'a';
    else steps += e.to.id === path.objects[i]?.id ? 'u' : 'd';
  });
  return { objects: path.objects, steps };
}

/**
 * The findings of one binding: the user inactive (suspended, staged, locked), a direct binding, a
 * redundant path (reached both directly and through a group), sudo (from the paths, or the user's own
 * global sudo on a system), and each dynamic group whose membership is on a path. Whether a group is
 * dynamic is read once per group.
 */
export class ItemFindings {
  private readonly dynamic = new Map<string, boolean>();

  constructor(private readonly g: AccessGraph) {}

  private isDynamic(groupId: string): boolean {
    let known = this.dynamic.get(groupId);
    if (known === undefined) this.dynamic.set(groupId, (known = groupRule(this.g, groupId)?.dynamic === true));
    return known;
  }

  of(row: BindingRow, globalSudo: boolean, inactive: readonly string[]): string[] {
    const out = inactive.map((r) => `${r} user`);
    if (row.label === 'direct' || row.label === 'direct/indirect') out.push('direct binding');
    if (row.label === 'direct/indirect') out.push('redundant path');
    if (row.sudo === 'sudo-nopasswd') out.push('sudo without password');
    else if (row.sudo === 'sudo') out.push('sudo');
    if (globalSudo && row.resource.type === 'system') out.push('global sudo');
    const seen = new Set<string>();
    for (const path of row.paths) {
      for (const edge of path.edges) {
        if (edge.kind !== 'membership' || seen.has(edge.from.id) || !this.isDynamic(edge.from.id)) continue;
        seen.add(edge.from.id);
        const source = membershipSource(this.g, edge);
        const how = source?.origin === 'rule' ? 'rule-produced' : source?.origin === 'hand' ? 'added by hand' : 'rule not readable';
        out.push(`dynamic group ${formatReference(source?.group ?? { type: edge.from.type, name: edge.from.id })} (${how})`);
      }
    }
    return out;
  }
}

/**
 * The user's last login, when the snapshot's record has one: the field `lastLogin` (ISO 8601). The v1
 * systemuser record as the spec documents it has none, so this is empty unless the tenant adds it (a
 * rule chosen: docs/rules.md#access-review-last-login).
 */
export function lastLoginOf(record: Readonly<Record<string, unknown>>): string | undefined {
  const value = record['lastLogin'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Every binding in scope as an item, users by id and each user's resources by id. */
export function buildPopulation(
  g: AccessGraph,
  options: { snapshotSha256: string; scope: Scope; reviewers: ReviewerAssigner },
): Population {
  const rows = new RowFactory(g);
  const findings = new ItemFindings(g);
  const items: CampaignItem[] = [];
  const pictures = new Map<string, readonly PathPicture[]>();
  const unassigned: BindingRow[] = [];
  let unassignedCount = 0;
  for (const b of inventoryBindings(g, 'user', USER_TARGETS)) {
    if (b.size === 0) continue;
    const record = g.object(g.index.idOf(b.source)).record;
    const globalSudo = record['sudo'] === true || record['passwordless_sudo'] === true;
    const inactive = inactiveReasons(record);
    const lastLogin = lastLoginOf(record);
    for (let i = 0; i < b.size; i++) {
      const row = rows.userRow(b, i);
      if (!options.scope.includes({ row, globalSudo })) continue;
      const user: ItemUser = { type: 'user', id: row.user.id, name: row.user.name, email: row.user.email, state: row.user.state };
      const reviewer = options.reviewers.assign(user, row.resource, row.via);
      if (!reviewer) {
        if (unassigned.length < 3) unassigned.push(row);
        unassignedCount++;
        continue;
      }
      const id = itemId(options.snapshotSha256, user.id, row.resource.id);
      items.push({
        id,
        user,
        resource: { type: row.resource.type, id: row.resource.id, name: row.resource.name },
        label: row.label,
        sudo: row.sudo,
        paths: row.paths.map(pathWords),
        pathsDigest: pathsDigest(row.paths),
        findings: findings.of(row, globalSudo, inactive),
        ...(lastLogin !== undefined ? { lastLogin } : {}),
        reviewer,
        selfReview: isSelfReview(reviewer.name, user),
      });
      pictures.set(id, row.paths.map(picture));
    }
  }
  if (unassignedCount > 0) {
    const examples = unassigned.map((r) => `${formatReference(r.user)} → ${formatReference(r.resource)}`).join(', ');
    const how =
      options.reviewers.method === 'manager'
        ? 'their users have no manager attribute'
        : 'neither their resource nor a group on their paths is in the owners file';
    throw new ReviewError(
      `${unassignedCount} ${unassignedCount === 1 ? 'binding has' : 'bindings have'} no reviewer (${examples}${unassignedCount > 3 ? ', …' : ''}): ${how}; name one with --fallback-reviewer NAME.`,
    );
  }
  return { items, pictures };
}
