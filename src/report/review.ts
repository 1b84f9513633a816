/**
 * The data of an access review, built once from a graph and rendered by the CSV, JSON, Markdown and
 * HTML writers. Access comes from the analysis layer (bindings, findings); nothing here decides what
 * access is.
 *
 * - **bindings**: every user's bindings (the user side of the binding universe, bindings.ts), one row per
 *   (user, resource) with label, compiled sudo, the groups on its paths and the paths themselves.
 *   Streamed (`bindingRows`, rows.ts): a 10,000-user tenant has close to a million, 100,000 users eight
 *   million.
 * - **users / resources / groups**: one summary row per user, per resource a user can be bound to, and
 *   per group, from one pass over the bindings at the graph's integer level (typed arrays per object,
 *   no row per binding), so its memory grows with the objects, not with the bindings or paths.
 * - **findings**: `findings()` of src/analysis, as titled sections.
 * - **sample**: at most `maxBindings` binding rows for the renderers that cannot hold them all
 *   (HTML, Markdown): sudo bindings first, then those of inactive users, then the rest, each in user order.
 *   The pass keeps (user, resource) pairs; rows are built only for the pairs the sample ends up holding.
 */
import { isJsonObject, isGroupType, type Coverage } from '../model/index.ts';
import { inventoryBindings, MEMBERSHIP_EDGE, type AccessGraph, type SourceBindings } from '../graph/index.ts';
import { namedRef, type NamedRef } from '../analysis/bindings.ts';
import { sudoOf } from '../analysis/drift.ts';
import { findings as analyse, type Findings } from '../analysis/findings/index.ts';
import { coverageBanner } from './coverage.ts';
import { findingSections, type FindingSection } from './findings.ts';
import { PairSet } from './pair-set.ts';
import { recordText, RowFactory, sudoLevel, USER_TARGETS, userRef, type BindingRow, type SudoLevel, type UserRef } from './rows.ts';

export { bindingRows, sudoLevel, userRef, type BindingRow, type SudoLevel, type UserRef } from './rows.ts';

export const REVIEW_BY = ['user', 'resource', 'group'] as const;
export type ReviewBy = (typeof REVIEW_BY)[number];

export interface UserRow {
  readonly user: UserRef;
  /** Why findings count the user inactive (suspended, staged, locked), when it has access. */
  readonly inactive: readonly string[];
  /** `sudo` / `passwordless_sudo` set on the user's own record (admin on every device it reaches). */
  readonly globalSudo: SudoLevel;
  readonly groups: number;
  readonly bindings: number;
  readonly systems: number;
  readonly sudoSystems: number;
  readonly applications: number;
  /** LDAP, Active Directory, Google Workspace and Microsoft 365 directories. */
  readonly directories: number;
  /** Bindings with a one-hop path (a user↔resource association). */
  readonly direct: number;
}

export interface ResourceRow {
  readonly resource: NamedRef;
  readonly users: number;
  readonly sudoUsers: number;
  readonly directUsers: number;
  /** Distinct user groups on the paths of its bindings. */
  readonly userGroups: number;
}

export interface GroupRow {
  readonly group: NamedRef;
  readonly members: number;
  /** `membershipMethod` of user groups (STATIC, DYNAMIC_…), else empty. */
  readonly method: string;
  /** The group's own sudo setting (user groups): `sudo`, `sudo-nopasswd`, `off`, or empty when unset. */
  readonly sudo: SudoLevel | 'off';
  /** Objects it is directly associated with. */
  readonly associations: readonly NamedRef[];
  /** User bindings with at least one path through the group. */
  readonly bindingsThrough: number;
  /** User bindings every path of which goes through the group: removing it would end them. */
  readonly bindingsOnlyThrough: number;
}

export interface ReviewCounts {
  readonly objects: Readonly<Record<string, number>>;
  readonly users: number;
  readonly usersWithAccess: number;
  readonly bindings: number;
  readonly paths: number;
  readonly sudoBindings: number;
  readonly groups: number;
  readonly resources: number;
}

export interface ReviewMeta {
  readonly orgId: string;
  /** Set when the snapshot is partial: how many collections it lacks, and the banner every format shows. */
  readonly coverage?: { readonly complete: false; readonly gaps: number; readonly banner: string };
  /** ISO time the review was built. */
  readonly generatedAt: string;
  /** Where the data came from, in words (`snapshot acme.json fetched 2024-…`, `simulator small:1`). */
  readonly source: string;
}

export interface AccessReview {
  readonly meta: ReviewMeta;
  readonly counts: ReviewCounts;
  readonly findings: readonly FindingSection[];
  /** The analysis findings as computed (every entry, full detail). */
  readonly rawFindings: Findings;
  readonly users: readonly UserRow[];
  readonly resources: readonly ResourceRow[];
  readonly groups: readonly GroupRow[];
  /** A bounded, prioritised selection of binding rows (see the module comment). */
  readonly sample: readonly BindingRow[];
  /** True when `sample` holds fewer rows than `counts.bindings`. */
  readonly sampled: boolean;
}

export interface ReviewOptions {
  /**
   * Where the organization came from (`snapshot acme.json`), shown in the report.
   * @default ''
   */
  readonly source?: string;
  /**
   * When the review was made.
   * @default now
   */
  readonly generatedAt?: Date;
  /**
   * Most binding rows kept in `sample`.
   * @default 10000
   */
  readonly maxBindings?: number;
  /**
   * Precomputed findings.
   * @default computed here
   */
  readonly findings?: Findings;
  /**
   * The snapshot's coverage: a partial one adds the "not read" finding and a banner to every format.
   * @default none (a complete snapshot)
   */
  readonly coverage?: Coverage;
}

const DIRECTORY_TYPES: ReadonlySet<string> = new Set(['ldap_server', 'active_directory', 'g_suite', 'office_365']);
export const DEFAULT_MAX_BINDINGS = 10_000;

function groupRow(g: AccessGraph, id: string, through: number, only: number): GroupRow {
  const o = g.object(id);
  let members = 0;
  const associations: NamedRef[] = [];
  for (const e of g.edgesOf(id)) {
    if (e.kind === 'membership') {
      if (e.from.id === id) members++;
    } else associations.push(namedRef(g, e.from.id === id ? e.to.id : e.from.id));
  }
  const attributes = o.record['attributes'];
  const ownSudo = isJsonObject(attributes) ? sudoOf(attributes) : null;
  return {
    group: { type: o.type, id, name: o.name },
    members,
    method: recordText(o.record, 'membershipMethod'),
    sudo: ownSudo ? sudoLevel(ownSudo) || 'off' : '',
    associations: associations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    bindingsThrough: through,
    bindingsOnlyThrough: only,
  };
}

/** What kind of resource a type is, for the per-user counts. */
const SYSTEM = 1;
const APPLICATION = 2;
const DIRECTORY = 3;

/**
 * The sample's three buckets (sudo, inactive user, the rest) as (user, target) node pairs, each kept to
 * the first `max` in user order; rows are built only for the pairs the sample ends up holding.
 */
class SampleBuckets {
  private readonly pairs: Int32Array[];
  private readonly counts = [0, 0, 0];

  constructor(private readonly max: number) {
    this.pairs = [0, 1, 2].map(() => new Int32Array(2 * Math.min(max, 1 << 20)));
  }

  offer(bucket: number, user: number, target: number): void {
    const n = this.counts[bucket]!;
    if (n >= this.max) return;
    let pairs = this.pairs[bucket]!;
    if (2 * n + 2 > pairs.length) {
      const grown = new Int32Array(Math.min(2 * this.max, pairs.length * 2));
      grown.set(pairs);
      this.pairs[bucket] = pairs = grown;
    }
    pairs[2 * n] = user;
    pairs[2 * n + 1] = target;
    this.counts[bucket] = n + 1;
  }

  /** The sample's rows: the sudo bucket, then the inactive one, then the rest, at most `max` in all. */
  rows(rows: RowFactory): BindingRow[] {
    const out: BindingRow[] = [];
    for (let bucket = 0; bucket < 3; bucket++) {
      const pairs = this.pairs[bucket]!;
      let current: SourceBindings | undefined;
      for (let k = 0; k < this.counts[bucket]! && out.length < this.max; k++) {
        const user = pairs[2 * k]!;
        if (current?.source !== user) current = rows.userBindings(user);
        out.push(rows.userRow(current, current.find(pairs[2 * k + 1]!)));
      }
    }
    return out;
  }
}

/** Builds the review: one pass over every user binding at the graph's integer level, plus the analysis findings. */
export function buildReview(g: AccessGraph, options: ReviewOptions = {}): AccessReview {
  const raw = options.findings ?? analyse(g, options.coverage ? { coverage: options.coverage } : {});
  const maxBindings = options.maxBindings ?? DEFAULT_MAX_BINDINGS;
  const rows = new RowFactory(g);
  const ix = rows.index;
  const nodes = ix.nodeCount;
  const inactive = new Map(raw.inactiveUsers.map((u) => [u.user.id, u.reasons]));
  const isInactive = new Uint8Array(nodes);
  for (const id of inactive.keys()) if (ix.nodeOf(id) >= 0) isInactive[ix.nodeOf(id)] = 1;
  const resourceKind = new Uint8Array(ix.typeNames.length);
  ix.typeNames.forEach((t, code) => {
    resourceKind[code] = t === 'system' ? SYSTEM : t === 'application' ? APPLICATION : DIRECTORY_TYPES.has(t) ? DIRECTORY : 0;
  });

  // Per user node, per resource node, per group node.
  const userBindings = new Int32Array(nodes);
  const userSystems = new Int32Array(nodes);
  const userSudoSystems = new Int32Array(nodes);
  const userApplications = new Int32Array(nodes);
  const userDirectories = new Int32Array(nodes);
  const userDirect = new Int32Array(nodes);
  const resourceUsers = new Int32Array(nodes);
  const resourceSudo = new Int32Array(nodes);
  const resourceDirect = new Int32Array(nodes);
  const resourceUserGroups = new Int32Array(nodes);
  const through = new Int32Array(nodes);
  const only = new Int32Array(nodes);
  const userGroupPairs = new PairSet();
  const sample = new SampleBuckets(maxBindings);
  // Groups on the current binding's paths: stamped per binding, with the number of paths through each.
  const stamp = new Int32Array(nodes);
  const pathsThrough = new Int32Array(nodes);
  const groupsHere: number[] = [];
  let binding = 0;
  let usersWithAccess = 0;
  let paths = 0;
  let sudoBindings = 0;
  const { isGroup } = rows;
  const nodeType = ix.nodeType;
  for (const b of inventoryBindings(g, 'user', USER_TARGETS)) {
    const user = b.source;
    if (b.size > 0) usersWithAccess++;
    for (let i = 0; i < b.size; i++) {
      const target = b.targets[i]!;
      const pathStart = b.pathStart[i]!;
      const pathCount = b.pathStart[i + 1]! - pathStart;
      paths += pathCount;
      binding++;
      groupsHere.length = 0;
      let direct = false;
      for (let p = pathStart; p < pathStart + pathCount; p++) {
        const last = b.hopStart[p + 1]! - 1;
        if (last === b.hopStart[p]!) direct = true;
        for (let h = b.hopStart[p]!; h < last; h++) {
          const n = b.hopNodes[h]!;
          if (isGroup[nodeType[n]!] !== 1) continue;
          if (stamp[n] !== binding) {
            stamp[n] = binding;
            pathsThrough[n] = 0;
            groupsHere.push(n);
          }
          pathsThrough[n]!++; // a path never repeats an object: at most once per path
        }
      }
      const sudo = rows.sudo(b, i) !== '';
      userBindings[user]!++;
      if (direct) userDirect[user]!++;
      const kind = resourceKind[nodeType[target]!];
      if (kind === SYSTEM) {
        userSystems[user]!++;
        if (sudo) userSudoSystems[user]!++;
      } else if (kind === APPLICATION) userApplications[user]!++;
      else if (kind === DIRECTORY) userDirectories[user]!++;
      if (sudo) sudoBindings++;
      resourceUsers[target]!++;
      if (sudo) resourceSudo[target]!++;
      if (direct) resourceDirect[target]!++;
      for (const n of groupsHere) {
        through[n]!++;
        if (pathsThrough[n] === pathCount) only[n]!++;
        if (rows.isUserGroupNode(n) && userGroupPairs.add(target, n)) resourceUserGroups[target]!++;
      }
      sample.offer(sudo ? 0 : isInactive[user] === 1 ? 1 : 2, user, target);
    }
  }

  const users: UserRow[] = [];
  const groupCounts = new Int32Array(nodes);
  const userGroup = ix.knownTypeCode('user_group');
  for (let e = 0; e < ix.edgeCount; e++) {
    if (ix.edgeAlive[e] === 1 && ix.edgeKind[e] === MEMBERSHIP_EDGE && nodeType[ix.edgeFrom[e]!] === userGroup)
      groupCounts[ix.edgeTo[e]!]!++;
  }
  for (const o of g.objects('user')) {
    const n = ix.nodeOf(o.id);
    const globalSudo = o.record['sudo'] === true || o.record['passwordless_sudo'] === true;
    users.push({
      user: userRef(g, o.id),
      inactive: userBindings[n]! > 0 ? (inactive.get(o.id) ?? []) : [],
      globalSudo: globalSudo ? (o.record['passwordless_sudo'] === true ? 'sudo-nopasswd' : 'sudo') : '',
      groups: groupCounts[n]!,
      bindings: userBindings[n]!,
      systems: userSystems[n]!,
      sudoSystems: userSudoSystems[n]!,
      applications: userApplications[n]!,
      directories: userDirectories[n]!,
      direct: userDirect[n]!,
    });
  }
  const resourceTypes = new Set(USER_TARGETS);
  const resources: ResourceRow[] = [];
  const groups: GroupRow[] = [];
  const objects: Record<string, number> = {};
  for (const o of g.objects()) {
    objects[o.type] = (objects[o.type] ?? 0) + 1;
    const n = ix.nodeOf(o.id);
    if (resourceTypes.has(o.type)) {
      resources.push({
        resource: { type: o.type, id: o.id, name: o.name },
        users: resourceUsers[n]!,
        sudoUsers: resourceSudo[n]!,
        directUsers: resourceDirect[n]!,
        userGroups: resourceUserGroups[n]!,
      });
    }
    if (isGroupType(o.type)) groups.push(groupRow(g, o.id, through[n]!, only[n]!));
  }
  const byId =
    <T>(key: (x: T) => NamedRef) =>
    (a: T, b: T) =>
      key(a).id < key(b).id ? -1 : key(a).id > key(b).id ? 1 : 0;
  users.sort(byId((r) => r.user));
  resources.sort(byId((r) => r.resource));
  groups.sort(byId((r) => r.group));
  const sampleRows = sample.rows(rows);
  return {
    meta: {
      orgId: g.orgId,
      ...(options.coverage && !options.coverage.complete
        ? { coverage: { complete: false, gaps: options.coverage.gaps.length, banner: coverageBanner(options.coverage) } }
        : {}),
      generatedAt: (options.generatedAt ?? new Date()).toISOString(),
      source: options.source ?? '',
    },
    counts: {
      objects,
      users: users.length,
      usersWithAccess,
      bindings: binding,
      paths,
      sudoBindings,
      groups: groups.length,
      resources: resources.length,
    },
    findings: findingSections(raw),
    rawFindings: raw,
    users,
    resources,
    groups,
    sample: sampleRows,
    sampled: sampleRows.length < binding,
  };
}
