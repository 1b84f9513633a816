/**
 * Findings for access reviews, from one pass over every binding of the universe (bindings.ts) at the
 * integer level of the graph's index, materializing only what is reported:
 *
 * - **privileged**: user bindings to systems and system groups whose compiled sudo is enabled, grouped
 *   by what grants it: the precedence level that decided it and the elements on the granting paths (the
 *   paths whose value at that level enables sudo) that hold the value (the association hop for the
 *   association levels, the user groups whose own sudo is enabled for `group-own`), with the users, the
 *   count, and one example binding with its granting paths. Plus
 *   users whose own record carries global `sudo` / `passwordless_sudo`.
 * - **inactive users with access**: users suspended (`suspended` or state SUSPENDED), staged (state
 *   STAGED) or locked (`account_locked`) that still have bindings.
 * - **redundant**: bindings reached both directly and through a group (label direct/indirect).
 * - **blast radius**: groups and associations ranked by how many bindings their removal alone would end.
 *   Exact for every candidate: removing an edge (or a group with its edges) removes exactly the paths
 *   through it, so a binding ends exactly when the element is on every one of its paths; the pass counts,
 *   per binding, the elements common to all its paths (a group that is the target counts too). Paths
 *   through each element are the second key.
 * - **directly bound users**: users with a direct user↔resource association that grants access.
 * - **empty groups**: user, system and policy groups with no members.
 * - **unbound resources**: objects of the universe's target types that no binding reaches, and software
 *   apps, IdP routing policies, password manager items and rules with no association at all.
 *
 * Which level grants a binding's sudo is found with the compile rule itself, narrowed to one level and
 * applied to one path (as in why.ts); the answer depends only on the path's association edge and user
 * groups, so it is computed once per such pair and reused across the tenant.
 */
import { DEFAULT_COMPILE_RULE, isGroupType, type BindingLabel, type CompileRule, type JsonObject, type SudoSource } from '../model/index.ts';
import {
  bindingAnswer,
  compileWithRule,
  inventoryBindings,
  MEMBERSHIP_EDGE,
  type AccessGraph,
  type CompileFn,
  type CompileHop,
  type SourceBindings,
} from '../graph/index.ts';
import { BINDING_SUBJECT_TYPES, BINDING_TARGETS, bindingFromAnswer, namedRef, type AccessPath, type NamedRef } from './bindings.ts';
import { sudoOf, type SudoValue } from './drift.ts';
import type { EdgeRef } from './edges.ts';
import { sudoOnly } from './why.ts';

/** What grants sudo on a path: an association edge, or a user group's own sudo. */
export interface SudoGrant {
  readonly edge?: EdgeRef;
  /** Names of the edge's ends. */
  readonly ends?: readonly [NamedRef, NamedRef];
  readonly group?: NamedRef;
}

export interface PrivilegedGrant {
  readonly level: SudoSource;
  readonly grantedBy: readonly SudoGrant[];
  /** Bindings with enabled sudo granted this way. */
  readonly bindings: number;
  /** Of them, with sudo without password. */
  readonly withoutPassword: number;
  readonly users: readonly NamedRef[];
  /** The first such binding, with the paths that grant its sudo. */
  readonly example: { readonly subject: NamedRef; readonly target: NamedRef; readonly sudo: SudoValue; readonly paths: readonly AccessPath[] };
}

export interface UserSudo {
  readonly user: NamedRef;
  readonly sudo: boolean;
  readonly passwordlessSudo: boolean;
  readonly bindings: number;
}

export interface InactiveUser {
  readonly user: NamedRef;
  readonly reasons: readonly ('suspended' | 'staged' | 'locked')[];
  readonly bindings: readonly { readonly target: NamedRef; readonly label: BindingLabel }[];
}

export interface RedundantBinding {
  readonly subject: NamedRef;
  readonly target: NamedRef;
  readonly direct: readonly AccessPath[];
  readonly indirect: readonly AccessPath[];
}

export interface BlastRadiusEntry {
  readonly kind: 'group' | 'association';
  readonly group?: NamedRef;
  readonly edge?: EdgeRef;
  /** Names of the association's ends. */
  readonly ends?: readonly [NamedRef, NamedRef];
  /** Bindings its removal alone would end. */
  readonly bindingsCut: number;
  /** Paths through it (all bindings). */
  readonly pathsThrough: number;
}

export interface DirectlyBoundUser {
  readonly user: NamedRef;
  /** Resources the user has a direct association with. */
  readonly targets: readonly NamedRef[];
}

export interface Findings {
  readonly totals: { readonly subjects: number; readonly bindings: number; readonly paths: number };
  readonly privileged: { readonly bindings: number; readonly grants: readonly PrivilegedGrant[] };
  readonly userSudo: readonly UserSudo[];
  readonly inactiveUsers: readonly InactiveUser[];
  readonly redundant: readonly RedundantBinding[];
  readonly blastRadius: readonly BlastRadiusEntry[];
  readonly directlyBound: readonly DirectlyBoundUser[];
  readonly emptyGroups: readonly NamedRef[];
  readonly unboundResources: readonly NamedRef[];
}

export interface FindingsOptions {
  /** How many blast-radius entries to keep (default 20). */
  readonly top?: number;
  readonly rule?: CompileRule;
}

const SUDO_TARGETS: ReadonlySet<string> = new Set(['system', 'system_group']);
/** Types with no traversal from a binding subject: unbound when they have no association at all. */
const EDGE_ONLY_TYPES: readonly string[] = ['software_app', 'idp_routing_policy', 'password_manager_item', 'rule'];

function inactiveReasons(record: Readonly<Record<string, unknown>>): InactiveUser['reasons'] {
  const reasons: ('suspended' | 'staged' | 'locked')[] = [];
  if (record['suspended'] === true || record['state'] === 'SUSPENDED') reasons.push('suspended');
  if (record['state'] === 'STAGED') reasons.push('staged');
  if (record['account_locked'] === true) reasons.push('locked');
  return reasons;
}

function byTypeThenId(a: NamedRef, b: NamedRef): number {
  return a.type < b.type ? -1 : a.type > b.type ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The index's code for membership edges, read once (hot loops avoid the re-export's getter). */
const MEMBERSHIP: number = MEMBERSHIP_EDGE;

/**
 * Counts, per element, the bindings it cuts (on every path) and the paths through it. Elements are
 * association edges and group nodes; a path never repeats either, so a binding's single path counts
 * each of its elements once.
 */
class ElementCounter {
  readonly edgeCut: Int32Array;
  readonly edgeThrough: Int32Array;
  readonly nodeCut: Int32Array;
  readonly nodeThrough: Int32Array;
  private readonly isGroup: Uint8Array;
  private readonly seen = new Map<number, number>();

  constructor(ix: SourceBindings['index'], groupCodes: ReadonlySet<number>) {
    this.edgeCut = new Int32Array(ix.edgeCount);
    this.edgeThrough = new Int32Array(ix.edgeCount);
    this.nodeCut = new Int32Array(ix.nodeCount);
    this.nodeThrough = new Int32Array(ix.nodeCount);
    this.isGroup = new Uint8Array(ix.typeNames.length);
    for (const c of groupCodes) this.isGroup[c] = 1;
  }

  add(b: SourceBindings, i: number): void {
    const ix = b.index;
    const pathStart = b.pathStart[i] as number;
    const paths = (b.pathStart[i + 1] as number) - pathStart;
    const seen = this.seen;
    if (paths > 1) seen.clear();
    for (let p = pathStart; p < pathStart + paths; p++) {
      for (let h = b.hopStart[p] as number, he = b.hopStart[p + 1] as number; h < he; h++) {
        const e = b.hopEdges[h] as number;
        if (ix.edgeKind[e] !== MEMBERSHIP) {
          this.edgeThrough[e]!++;
          if (paths === 1) this.edgeCut[e]!++;
          else seen.set(e, (seen.get(e) ?? 0) + 1);
        }
        const n = b.hopNodes[h] as number;
        if (this.isGroup[ix.nodeType[n] as number] === 1) {
          this.nodeThrough[n]!++;
          if (paths === 1) this.nodeCut[n]!++;
          else seen.set(-(n + 1), (seen.get(-(n + 1)) ?? 0) + 1);
        }
      }
    }
    if (paths > 1) {
      for (const [x, c] of seen) {
        if (c !== paths) continue;
        if (x >= 0) this.edgeCut[x]!++;
        else this.nodeCut[-x - 1]!++;
      }
    }
  }
}

/** The sudo value each level holds on a path alone, cached by the path's association edge and user groups. */
class SudoLevels {
  private readonly cache = new Map<string, readonly (SudoValue | null)[]>();
  private readonly narrowed: readonly CompileFn[];
  private readonly g: AccessGraph;
  readonly levels: readonly SudoSource[];

  constructor(g: AccessGraph, rule: CompileRule) {
    this.g = g;
    this.levels = rule.sudo.precedence;
    this.narrowed = this.levels.map((level) => compileWithRule(sudoOnly(rule, level)));
  }

  /** For path p of b (binding i), the sudo value of each level on that path alone (null: none). */
  of(b: SourceBindings, i: number, p: number): readonly (SudoValue | null)[] {
    const ix = b.index;
    const userGroup = ix.knownTypeCode('user_group');
    const parts: number[] = [ix.nodeType[b.source] === userGroup ? b.source : -1];
    for (let h = b.hopStart[p] as number, he = b.hopStart[p + 1] as number; h < he; h++) {
      const e = b.hopEdges[h] as number;
      if (ix.edgeKind[e] !== MEMBERSHIP) parts.push(-(e + 2));
      const n = b.hopNodes[h] as number;
      if (ix.nodeType[n] === userGroup) parts.push(n);
    }
    const key = parts.join(',');
    let found = this.cache.get(key);
    if (!found) {
      const context = this.context(b, i, p);
      found = this.narrowed.map((compile) => sudoOf(compile(context)));
      this.cache.set(key, found);
    }
    return found;
  }

  private context(b: SourceBindings, i: number, p: number): Parameters<CompileFn>[0] {
    const ix = b.index;
    const node = (n: number) => this.g.object(ix.idOf(n));
    const hops: CompileHop[] = [];
    let prev = b.source;
    for (let h = b.hopStart[p] as number, he = b.hopStart[p + 1] as number; h < he; h++) {
      const n = b.hopNodes[h] as number;
      const e = b.hopEdges[h] as number;
      const association = ix.edgeKind[e] !== MEMBERSHIP;
      const step = association ? 'association' : ix.edgeFrom[e] === prev ? 'down' : 'up';
      hops.push({ node: node(n), from: node(prev), kind: association ? 'association' : 'membership', step, attributes: ix.edgeAttributes[e] ?? null });
      prev = n;
    }
    return { source: node(b.source), target: node(b.targets[i] as number), paths: [hops] };
  }
}

interface GrantGroup {
  level: SudoSource;
  grantedBy: SudoGrant[];
  bindings: number;
  withoutPassword: number;
  users: Map<string, NamedRef>;
  example: PrivilegedGrant['example'];
}

/** Collects privileged bindings into grant groups. */
class PrivilegedCollector {
  readonly groups = new Map<string, GrantGroup>();
  count = 0;
  private readonly levels: SudoLevels;
  private readonly g: AccessGraph;

  constructor(g: AccessGraph, rule: CompileRule) {
    this.g = g;
    this.levels = new SudoLevels(g, rule);
  }

  /**
   * The binding's compiled sudo, the level that decided it and the paths holding it: the highest level
   * any path holds a value at, its values merged most-permissively (compile-rule.ts; a test checks this
   * against the graph's compiledAttributes). Undefined when no path holds sudo.
   */
  sudoOf(b: SourceBindings, i: number): { sudo: SudoValue; level: SudoSource; granting: number[] } | undefined {
    const pathStart = b.pathStart[i] as number;
    const pathEnd = b.pathStart[i + 1] as number;
    const perPath: (readonly (SudoValue | null)[])[] = [];
    for (let p = pathStart; p < pathEnd; p++) perPath.push(this.levels.of(b, i, p));
    const levelIndex = this.levels.levels.findIndex((_, l) => perPath.some((v) => v[l]));
    if (levelIndex < 0) return undefined;
    const granting: number[] = [];
    let enabled = false;
    let withoutPassword = false;
    perPath.forEach((values, k) => {
      const value = values[levelIndex];
      if (!value) return;
      // Only paths whose value enables sudo grant it (a group's explicit "sudo off" does not).
      if (value.enabled) granting.push(pathStart + k);
      enabled ||= value.enabled;
      withoutPassword ||= value.enabled && value.withoutPassword;
    });
    return { sudo: { enabled, withoutPassword }, level: this.levels.levels[levelIndex] as SudoSource, granting };
  }

  add(b: SourceBindings, i: number, subject: NamedRef, found: { sudo: SudoValue; level: SudoSource; granting: number[] }): void {
    this.count++;
    const ix = b.index;
    const { sudo, level, granting } = found;
    const pathStart = b.pathStart[i] as number;
    // Granting elements as integers (edges e ≥ 0, user groups -(n+1)); names only for a new group.
    const elements = new Set<number>();
    for (const p of granting) {
      if (level === 'group-own' && hasOwnSudo(ix.records[b.source]) && ix.typeOf(b.source) === 'user_group') elements.add(-(b.source + 1));
      for (let h = b.hopStart[p] as number, he = b.hopStart[p + 1] as number; h < he; h++) {
        const e = b.hopEdges[h] as number;
        const n = b.hopNodes[h] as number;
        if (level !== 'group-own' && ix.edgeKind[e] !== MEMBERSHIP) elements.add(e);
        if (level === 'group-own' && ix.typeOf(n) === 'user_group' && hasOwnSudo(ix.records[n])) elements.add(-(n + 1));
      }
    }
    const sorted = [...elements].sort((x, y) => x - y);
    const key = `${level}|${sorted.join(',')}`;
    let group = this.groups.get(key);
    if (!group) {
      const binding = bindingFromAnswer(this.g, subject, bindingAnswer(this.g, b, i));
      const example = { subject, target: binding.target, sudo, paths: granting.map((p) => binding.paths[p - pathStart] as AccessPath) };
      const grantedBy = sorted.map((x): SudoGrant => {
        if (x < 0) return { group: namedRef(this.g, ix.idOf(-x - 1)) };
        const r = ix.edgeRef(x);
        return { edge: { kind: r.kind, from: r.from, to: r.to }, ends: [namedRef(this.g, r.from.id), namedRef(this.g, r.to.id)] };
      });
      group = { level, grantedBy, bindings: 0, withoutPassword: 0, users: new Map(), example };
      this.groups.set(key, group);
    }
    group.bindings++;
    if (sudo.withoutPassword) group.withoutPassword++;
    group.users.set(subject.id, subject);
  }

  result(): Findings['privileged'] {
    const grants = [...this.groups.values()]
      .map((g): PrivilegedGrant => ({ ...g, users: [...g.users.values()].sort(byTypeThenId) }))
      .sort((a, b) => b.bindings - a.bindings || b.users.length - a.users.length || byTypeThenId(a.example.subject, b.example.subject));
    return { bindings: this.count, grants };
  }
}

/** A user group whose own attributes enable sudo. */
function hasOwnSudo(record: JsonObject | undefined): boolean {
  const attributes = record?.['attributes'];
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) return false;
  return sudoOf({ sudo: attributes['sudo'] ?? null })?.enabled === true;
}

export function findings(g: AccessGraph, options: FindingsOptions = {}): Findings {
  const rule = options.rule ?? DEFAULT_COMPILE_RULE;
  const ix = g.index;
  const groupCodes = new Set(['user_group', 'system_group', 'policy_group'].map((t) => ix.knownTypeCode(t)).filter((c) => c >= 0));
  const elements = new ElementCounter(ix, groupCodes);
  const privileged = new PrivilegedCollector(g, rule);
  const reached = new Set<number>();
  const inactiveUsers: InactiveUser[] = [];
  const redundant: RedundantBinding[] = [];
  const directlyBound: DirectlyBoundUser[] = [];
  const userBindingCount = new Map<string, number>();
  const totals = { subjects: 0, bindings: 0, paths: 0 };
  for (const type of BINDING_SUBJECT_TYPES) {
    for (const b of inventoryBindings(g, type, BINDING_TARGETS[type] ?? [])) {
      if (b.size === 0) continue;
      totals.subjects++;
      totals.bindings += b.size;
      totals.paths += b.pathTotal;
      const subjectId = ix.idOf(b.source);
      const subject = namedRef(g, subjectId);
      const reasons = type === 'user' ? inactiveReasons(g.object(subjectId).record) : [];
      const inactive: { target: NamedRef; label: BindingLabel }[] = [];
      const direct: NamedRef[] = [];
      if (type === 'user') userBindingCount.set(subjectId, b.size);
      for (let i = 0; i < b.size; i++) {
        const targetNode = b.targets[i] as number;
        reached.add(targetNode);
        elements.add(b, i);
        let hasDirect = false;
        let hasIndirect = false;
        for (let p = b.pathStart[i] as number, pe = b.pathStart[i + 1] as number; p < pe; p++) {
          if ((b.hopStart[p + 1] as number) - (b.hopStart[p] as number) === 1) hasDirect = true;
          else hasIndirect = true;
        }
        const label: BindingLabel = hasDirect && hasIndirect ? 'direct/indirect' : hasDirect ? 'direct' : 'indirect';
        if (reasons.length > 0) inactive.push({ target: namedRef(g, ix.idOf(targetNode)), label });
        if (hasDirect && type === 'user') direct.push(namedRef(g, ix.idOf(targetNode)));
        if (label === 'direct/indirect') {
          const binding = bindingFromAnswer(g, subject, bindingAnswer(g, b, i));
          redundant.push({
            subject,
            target: binding.target,
            direct: binding.paths.filter((p) => p.edges.length === 1),
            indirect: binding.paths.filter((p) => p.edges.length > 1),
          });
        }
        if (type === 'user' && SUDO_TARGETS.has(ix.typeOf(targetNode))) {
          const found = privileged.sudoOf(b, i);
          if (found?.sudo.enabled) privileged.add(b, i, subject, found);
        }
      }
      if (inactive.length > 0) inactiveUsers.push({ user: subject, reasons, bindings: inactive });
      if (direct.length > 0) directlyBound.push({ user: subject, targets: direct });
    }
  }
  return {
    totals,
    privileged: privileged.result(),
    userSudo: userSudoOf(g, userBindingCount),
    inactiveUsers,
    redundant,
    blastRadius: blastRadius(g, elements, options.top ?? 20),
    directlyBound,
    emptyGroups: emptyGroups(g),
    unboundResources: unbound(g, reached),
  };
}

function userSudoOf(g: AccessGraph, counts: ReadonlyMap<string, number>): UserSudo[] {
  const out: UserSudo[] = [];
  for (const u of g.objects('user')) {
    const sudo = u.record['sudo'] === true;
    const passwordlessSudo = u.record['passwordless_sudo'] === true;
    if (sudo || passwordlessSudo) out.push({ user: { type: u.type, id: u.id, name: u.name }, sudo, passwordlessSudo, bindings: counts.get(u.id) ?? 0 });
  }
  return out.sort((a, b) => byTypeThenId(a.user, b.user));
}

function blastRadius(g: AccessGraph, counter: ElementCounter, top: number): BlastRadiusEntry[] {
  const ix = g.index;
  const entries: { x: number; cut: number; through: number }[] = [];
  counter.edgeThrough.forEach((through, e) => through > 0 && entries.push({ x: e, cut: counter.edgeCut[e] ?? 0, through }));
  counter.nodeThrough.forEach((through, n) => through > 0 && entries.push({ x: -(n + 1), cut: counter.nodeCut[n] ?? 0, through }));
  const keyOf = (x: number): string => (x < 0 ? `group:${ix.typeOf(-x - 1)}:${ix.idOf(-x - 1)}` : `association:${ix.idOf(ix.edgeFrom[x] as number)}>${ix.idOf(ix.edgeTo[x] as number)}`);
  // Most bindings cut first, then most paths through, then by key (associations before groups) for a stable order.
  entries.sort((a, b) => b.cut - a.cut || b.through - a.through || (keyOf(a.x) < keyOf(b.x) ? -1 : 1));
  return entries.slice(0, top).map(({ x, cut: bindingsCut, through: pathsThrough }) => {
    if (x < 0) return { kind: 'group', group: namedRef(g, ix.idOf(-x - 1)), bindingsCut, pathsThrough };
    const e = ix.edgeRef(x);
    const edge: EdgeRef = { kind: e.kind, from: e.from, to: e.to };
    return { kind: 'association', edge, ends: [namedRef(g, e.from.id), namedRef(g, e.to.id)], bindingsCut, pathsThrough };
  });
}

function emptyGroups(g: AccessGraph): NamedRef[] {
  const out: NamedRef[] = [];
  for (const o of g.objects()) {
    if (!isGroupType(o.type)) continue;
    if (!g.edgesOf(o.id).some((e) => e.kind === 'membership' && e.from.id === o.id)) out.push({ type: o.type, id: o.id, name: o.name });
  }
  return out.sort(byTypeThenId);
}

function unbound(g: AccessGraph, reached: ReadonlySet<number>): NamedRef[] {
  const ix = g.index;
  const targetTypes = new Set(Object.values(BINDING_TARGETS).flat());
  const out: NamedRef[] = [];
  for (const o of g.objects()) {
    const isUnbound = targetTypes.has(o.type) ? !reached.has(ix.nodeOf(o.id)) : EDGE_ONLY_TYPES.includes(o.type) && g.edgesOf(o.id).length === 0;
    if (isUnbound) out.push({ type: o.type, id: o.id, name: o.name });
  }
  return out.sort(byTypeThenId);
}
