/**
 * Binding rows built straight from the graph's integer bindings (SourceBindings, src/graph), without
 * going through the API's answer shape: the review's tallies need only integers, and the rows that are
 * written (CSV, JSON, the sample) name each object and edge through a per-graph cache, so a tenant with
 * millions of bindings creates one NamedRef per object rather than one per hop.
 *
 * The rows are exactly those of the analysis layer (bindings.ts): `sudo` is the default compile rule's
 * sudo (src/model/compile-rule.ts) computed from the same paths (a test compares both), `via` the groups
 * on the paths, `paths` subject first as `bindingFromAnswer` builds them.
 */
import {
  labelOfPathLengths,
  DEFAULT_COMPILE_RULE,
  isGroupType,
  type BindingLabel,
  type CompileRule,
  type JsonObject,
} from '../model/index.ts';
import {
  AttributeCompiler,
  bindingsOf,
  compileFromIndex,
  inventoryBindings,
  MEMBERSHIP_EDGE,
  traversalTargetsOf,
  type AccessGraph,
  type TraversalIndex,
  type SourceBindings,
  type TraversalQuery,
} from '../graph/index.ts';
import { BINDING_TARGETS, type AccessPath, type NamedRef } from '../analysis/bindings.ts';
import { sudoOf, type SudoValue } from '../analysis/drift.ts';
import type { EdgeRef } from '../analysis/edges.ts';

/** Sudo as one word for tables: `sudo`, `sudo-nopasswd`, or empty. */
export type SudoLevel = '' | 'sudo' | 'sudo-nopasswd';

export function sudoLevel(sudo: SudoValue | null): SudoLevel {
  if (!sudo?.enabled) return '';
  return sudo.withoutPassword ? 'sudo-nopasswd' : 'sudo';
}

export interface UserRef extends NamedRef {
  readonly email: string;
  /** The record's `state` (ACTIVATED, STAGED, SUSPENDED), or SUSPENDED when only `suspended` says so. */
  readonly state: string;
  readonly locked: boolean;
}

export interface BindingRow {
  readonly user: UserRef;
  readonly resource: NamedRef;
  readonly label: BindingLabel;
  readonly sudo: SudoLevel;
  /** Distinct groups on its paths, in path order. */
  readonly via: readonly NamedRef[];
  /** From the user to the resource, shortest first. */
  readonly paths: readonly AccessPath[];
}

/** A string field of a record, or empty. */
export function recordText(record: JsonObject, field: string): string {
  const v = record[field];
  return typeof v === 'string' ? v : '';
}

export function userRef(g: AccessGraph, id: string): UserRef {
  const o = g.object(id);
  const state = recordText(o.record, 'state') || (o.record['suspended'] === true ? 'SUSPENDED' : '');
  return { type: o.type, id, name: o.name, email: recordText(o.record, 'email'), state, locked: o.record['account_locked'] === true };
}

/** The user side of the binding universe: every type a user's traversal endpoints reach. */
export const USER_TARGETS: readonly string[] = BINDING_TARGETS['user'] ?? traversalTargetsOf('user');

/** One shared query object, so its plan is cached. */
const USER_QUERY: TraversalQuery = { targets: USER_TARGETS };

/** The default rule's sudo alone (its group attributes are not needed for a table's sudo column). */
const SUDO_RULE: CompileRule = { ...DEFAULT_COMPILE_RULE, groupAttributes: [] };

/** A binding's path lengths (hops), for labelOfPathLengths. */
function pathLengths(b: SourceBindings, i: number): number[] {
  const out: number[] = [];
  for (let p = b.pathStart[i]!, end = b.pathStart[i + 1]!; p < end; p++) out.push(b.hopStart[p + 1]! - b.hopStart[p]!);
  return out;
}

/**
 * Names objects and edges of one graph's index by integer id, each built once and then shared (the
 * graph must not be edited while it is in use: integer ids are those of `index`).
 */
export class RowFactory {
  readonly g: AccessGraph;
  readonly index: TraversalIndex;
  private readonly named: (NamedRef | undefined)[] = [];
  private readonly users: (UserRef | undefined)[] = [];
  private readonly edges: (EdgeRef | undefined)[] = [];
  /** Per type code: 1 for the three group types. */
  readonly isGroup: Uint8Array;
  private readonly userGroupCode: number;
  /** Per (source type code, target type code): whether the rule compiles sudo between them. */
  private readonly sudoPairs = new Map<number, boolean>();

  constructor(g: AccessGraph) {
    this.g = g;
    this.index = g.index;
    const names = this.index.typeNames;
    this.isGroup = new Uint8Array(names.length);
    names.forEach((t, code) => {
      if (isGroupType(t)) this.isGroup[code] = 1;
    });
    this.userGroupCode = this.index.knownTypeCode('user_group');
  }

  object(n: number): NamedRef {
    let ref = this.named[n];
    if (!ref) {
      const o = this.g.object(this.index.idOf(n));
      this.named[n] = ref = { type: o.type, id: o.id, name: o.name };
    }
    return ref;
  }

  user(n: number): UserRef {
    let ref = this.users[n];
    if (!ref) this.users[n] = ref = userRef(this.g, this.index.idOf(n));
    return ref;
  }

  /** The edge as a path names it: kind and ends (membership: group first; association: canonical order). */
  edge(e: number): EdgeRef {
    let ref = this.edges[e];
    if (!ref) {
      const ix = this.index;
      const from = ix.edgeFrom[e]!;
      const to = ix.edgeTo[e]!;
      this.edges[e] = ref = {
        kind: ix.edgeKind[e] === MEMBERSHIP_EDGE ? 'membership' : 'association',
        from: { type: ix.typeOf(from), id: ix.idOf(from) },
        to: { type: ix.typeOf(to), id: ix.idOf(to) },
      };
    }
    return ref;
  }

  /**
   * The compiled sudo of binding i of b under the default rule, as a table word: the graph's integer
   * fast path (compileFromIndex) with a rule that leaves out the group attributes, which the review does
   * not need for every binding of the tenant; pairs of types that carry no sudo are skipped outright.
   */
  sudo(b: SourceBindings, i: number): SudoLevel {
    const ix = this.index;
    const target = b.targets[i]!;
    const pair = ix.nodeType[b.source]! * 4096 + ix.nodeType[target]!;
    let active = this.sudoPairs.get(pair);
    if (active === undefined) {
      active = new AttributeCompiler(SUDO_RULE, ix.typeOf(b.source), ix.typeOf(target)).wantsAssociations;
      this.sudoPairs.set(pair, active);
    }
    if (!active) return '';
    return sudoLevel(sudoOf(compileFromIndex(SUDO_RULE, b, i)));
  }

  /** Path p of b, from `first` (b's source) to the target. */
  private path(b: SourceBindings, p: number, first: NamedRef): AccessPath {
    const ix = this.index;
    const objects: NamedRef[] = [first];
    const edges: EdgeRef[] = [];
    const edgeKeys: string[] = [];
    const edgeAttributes: (JsonObject | null)[] = [];
    for (let h = b.hopStart[p]!, he = b.hopStart[p + 1]!; h < he; h++) {
      const e = b.hopEdges[h]!;
      objects.push(this.object(b.hopNodes[h]!));
      edges.push(this.edge(e));
      edgeKeys.push(ix.edgeKeyOf(e));
      edgeAttributes.push(ix.attributesOf(e));
    }
    return { objects, edges, edgeKeys, edgeAttributes };
  }

  /** Every binding of one user (by node), as the inventory lists them. */
  userBindings(user: number): SourceBindings {
    return bindingsOf(this.g, this.index.idOf(user), USER_QUERY);
  }

  /** Binding i of b (b's source a user) as a row. */
  userRow(b: SourceBindings, i: number): BindingRow {
    const user = this.user(b.source);
    const paths: AccessPath[] = [];
    for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) paths.push(this.path(b, p, user));
    return {
      user,
      resource: this.object(b.targets[i]!),
      label: labelOfPathLengths(pathLengths(b, i)),
      sudo: this.sudo(b, i),
      via: groupsOn(paths),
      paths,
    };
  }

  /** Binding i of b (b's source a resource, its target a user) as a row read from the user. */
  resourceRow(b: SourceBindings, i: number): BindingRow {
    const resource = this.object(b.source);
    const user = this.user(b.targets[i]!);
    const paths: AccessPath[] = [];
    for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) {
      const path = this.path(b, p, resource);
      paths.push({
        objects: path.objects.slice().reverse(),
        edges: path.edges.slice().reverse(),
        edgeKeys: path.edgeKeys.slice().reverse(),
        edgeAttributes: path.edgeAttributes.slice().reverse(),
      });
    }
    return { user, resource, label: labelOfPathLengths(pathLengths(b, i)), sudo: this.sudo(b, i), via: groupsOn(paths), paths };
  }

  /** True when node n is a user group, system group or policy group. */
  isGroupNode(n: number): boolean {
    return this.isGroup[this.index.nodeType[n]!] === 1;
  }

  isUserGroupNode(n: number): boolean {
    return this.index.nodeType[n] === this.userGroupCode;
  }
}

/** The groups on a binding's paths (between its ends), each once, in order of first appearance. */
function groupsOn(paths: readonly AccessPath[]): NamedRef[] {
  const seen: NamedRef[] = [];
  for (const p of paths) {
    for (let k = 1; k < p.objects.length - 1; k++) {
      const o = p.objects[k]!;
      if (isGroupType(o.type) && !seen.includes(o)) seen.push(o);
    }
  }
  return seen;
}

/** Every user's bindings as rows, users by id, each user's resources by id. Streamed. */
function* rowsByUser(g: AccessGraph): Iterable<BindingRow> {
  const rows = new RowFactory(g);
  for (const b of inventoryBindings(g, 'user', USER_TARGETS)) for (let i = 0; i < b.size; i++) yield rows.userRow(b, i);
}

/** The same rows asked from each resource's side (its `…/users` traversal), resources by type then id. */
function* rowsByResource(g: AccessGraph): Iterable<BindingRow> {
  const rows = new RowFactory(g);
  for (const type of new Set(USER_TARGETS)) {
    for (const b of inventoryBindings(g, type, ['user'])) for (let i = 0; i < b.size; i++) yield rows.resourceRow(b, i);
  }
}

/**
 * Every user binding as a row: `by: 'user'` in user order (users by id), `by: 'resource'` in resource
 * order (by type, then id), read from the resource's side. Streamed: one source's bindings at a time.
 */
export function bindingRows(g: AccessGraph, by: 'user' | 'resource' = 'user'): Iterable<BindingRow> {
  return by === 'user' ? rowsByUser(g) : rowsByResource(g);
}
