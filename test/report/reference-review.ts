/**
 * The review's binding rows and tallies computed the plain way, from the library's API-shaped answers
 * (`inventory` + `bindingFromAnswer`, compiledAttributes from the graph's compile): what buildReview and
 * bindingRows, which work on the integer bindings, must agree with.
 */
import { isGroupType } from '../../src/model/index.ts';
import { inventory, traversalTargetsOf, type AccessGraph } from '../../src/graph/index.ts';
import { bindingFromAnswer, namedRef, reversePath, type AccessPath, type NamedRef } from '../../src/analysis/bindings.ts';
import { sudoOf } from '../../src/analysis/drift.ts';
import { sudoLevel, type BindingRow } from '../../src/report/index.ts';
import { userRef } from '../../src/report/rows.ts';

const USER_TARGETS = traversalTargetsOf('user');

function groupsOn(paths: readonly AccessPath[]): NamedRef[] {
  const seen = new Map<string, NamedRef>();
  for (const p of paths) for (const o of p.objects.slice(1, -1)) if (isGroupType(o.type) && !seen.has(o.id)) seen.set(o.id, o);
  return [...seen.values()];
}

export function referenceRows(g: AccessGraph, by: 'user' | 'resource'): BindingRow[] {
  const rows: BindingRow[] = [];
  if (by === 'user') {
    for (const b of inventory(g, 'user', USER_TARGETS)) {
      const user = userRef(g, b.source.id);
      const binding = bindingFromAnswer(g, user, b.target);
      rows.push({
        user,
        resource: binding.target,
        label: binding.label,
        sudo: sudoLevel(sudoOf(binding.compiledAttributes)),
        via: groupsOn(binding.paths),
        paths: binding.paths,
      });
    }
    return rows;
  }
  for (const type of new Set(USER_TARGETS)) {
    for (const b of inventory(g, type, ['user'])) {
      const resource = namedRef(g, b.source.id);
      const binding = bindingFromAnswer(g, resource, b.target);
      const paths = binding.paths.map(reversePath);
      rows.push({
        user: userRef(g, b.target.id),
        resource,
        label: binding.label,
        sudo: sudoLevel(sudoOf(binding.compiledAttributes)),
        via: groupsOn(paths),
        paths,
      });
    }
  }
  return rows;
}

export interface ReferenceTallies {
  readonly bindings: number;
  readonly paths: number;
  readonly sudoBindings: number;
  readonly usersWithAccess: number;
  /** user id → [bindings, systems, sudoSystems, applications, directories, direct] */
  readonly users: Map<string, number[]>;
  /** resource id → [users, sudoUsers, directUsers, distinct user groups] */
  readonly resources: Map<string, number[]>;
  /** group id → [bindings through, bindings only through] */
  readonly groups: Map<string, number[]>;
  /** Sample keys (user>resource): sudo first, then inactive users', then the rest, at most max. */
  readonly sample: string[];
}

const DIRECTORIES = new Set(['ldap_server', 'active_directory', 'g_suite', 'office_365']);

export function referenceTallies(g: AccessGraph, inactive: ReadonlySet<string>, max: number): ReferenceTallies {
  const users = new Map<string, number[]>();
  const resources = new Map<string, number[]>();
  const userGroups = new Map<string, Set<string>>();
  const groups = new Map<string, number[]>();
  const buckets: string[][] = [[], [], []];
  let paths = 0;
  let sudoBindings = 0;
  const rows = referenceRows(g, 'user');
  for (const row of rows) {
    paths += row.paths.length;
    const direct = row.label !== 'indirect' ? 1 : 0;
    const sudo = row.sudo ? 1 : 0;
    sudoBindings += sudo;
    const u = users.get(row.user.id) ?? [0, 0, 0, 0, 0, 0];
    users.set(row.user.id, u);
    const t = row.resource.type;
    u[0]!++;
    u[1]! += t === 'system' ? 1 : 0;
    u[2]! += t === 'system' ? sudo : 0;
    u[3]! += t === 'application' ? 1 : 0;
    u[4]! += DIRECTORIES.has(t) ? 1 : 0;
    u[5]! += direct;
    const r = resources.get(row.resource.id) ?? [0, 0, 0, 0];
    resources.set(row.resource.id, r);
    r[0]!++;
    r[1]! += sudo;
    r[2]! += direct;
    const ug = userGroups.get(row.resource.id) ?? new Set();
    userGroups.set(row.resource.id, ug);
    for (const v of row.via) {
      if (v.type === 'user_group') ug.add(v.id);
      const x = groups.get(v.id) ?? [0, 0];
      groups.set(v.id, x);
      x[0]!++;
      if (row.paths.every((p) => p.objects.slice(1, -1).some((o) => o.id === v.id))) x[1]!++;
    }
    buckets[sudo ? 0 : inactive.has(row.user.id) ? 1 : 2]!.push(`${row.user.id}>${row.resource.id}`);
  }
  for (const [id, set] of userGroups) resources.get(id)![3] = set.size;
  return {
    bindings: rows.length,
    paths,
    sudoBindings,
    usersWithAccess: users.size,
    users,
    resources,
    groups,
    sample: buckets.flat().slice(0, max),
  };
}
