/**
 * Privileged access: user bindings to systems and system groups whose compiled sudo is enabled, grouped
 * by what grants it: the precedence level that decided it and the elements on the granting paths (the
 * paths whose value at that level enables sudo) that hold the value (the association hop for the
 * association levels, the user groups whose own sudo is enabled for `group-own`), with the users, the
 * count, and one example binding with its granting paths.
 *
 * Which level grants a binding's sudo is found with the compile rule itself, narrowed to one level and
 * applied to one path (as in why.ts); the answer depends only on the path's association edge and user
 * groups, so it is computed once per such pair and reused across the tenant.
 */
import type { CompileRule, JsonObject, SudoSource } from '../../model/index.ts';
import { compileWithRule, type AccessGraph, type CompileFn, type CompileHop, type SourceBindings } from '../../graph/index.ts';
import { bindingFromIndex, namedRef, type AccessPath, type NamedRef } from '../bindings.ts';
import { sudoOf, type SudoValue } from '../drift.ts';
import type { EdgeRef } from '../edges.ts';
import { sudoOnly } from '../why.ts';
import { byTypeThenId, MEMBERSHIP } from './common.ts';

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
  readonly example: {
    readonly subject: NamedRef;
    readonly target: NamedRef;
    readonly sudo: SudoValue;
    readonly paths: readonly AccessPath[];
  };
}

/** The part of the findings about sudo granted through bindings. */
export interface PrivilegedFindings {
  readonly bindings: number;
  readonly grants: readonly PrivilegedGrant[];
}

/** Targets on which a binding can carry sudo. */
export const SUDO_TARGETS: ReadonlySet<string> = new Set(['system', 'system_group']);

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
      hops.push({
        node: node(n),
        from: node(prev),
        kind: association ? 'association' : 'membership',
        step,
        attributes: ix.attributesOf(e),
      });
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
export class PrivilegedCollector {
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
      if (level === 'group-own' && hasOwnSudo(ix.recordOf(b.source)) && ix.typeOf(b.source) === 'user_group') elements.add(-(b.source + 1));
      for (let h = b.hopStart[p] as number, he = b.hopStart[p + 1] as number; h < he; h++) {
        const e = b.hopEdges[h] as number;
        const n = b.hopNodes[h] as number;
        if (level !== 'group-own' && ix.edgeKind[e] !== MEMBERSHIP) elements.add(e);
        if (level === 'group-own' && ix.typeOf(n) === 'user_group' && hasOwnSudo(ix.recordOf(n))) elements.add(-(n + 1));
      }
    }
    const sorted = [...elements].sort((x, y) => x - y);
    const key = `${level}|${sorted.join(',')}`;
    let group = this.groups.get(key);
    if (!group) {
      const binding = bindingFromIndex(this.g, subject, b, i);
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

  result(): PrivilegedFindings {
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
