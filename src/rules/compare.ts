/**
 * What a change does to a rule file's violations: the ones it adds and the ones it resolves. This is the
 * `CheckNoNewAccess` idea applied to memberships and associations: `whatif --rules` refuses a change that
 * adds a violation, a fix plan is kept only when it adds none, and `review close` and `apply` can ask the
 * same before they act (changeViolations).
 *
 * Only the subjects a change can touch are checked again, in both graphs:
 * - the binding subjects whose bindings the change can alter (the what-if's affected subjects);
 * - the member of every membership added or removed (a change of `member_of`), and when that member is a
 *   resource (a system, a policy), every subject bound to it before or after (its selection changed);
 * - objects added or removed, and every edge of a removed object treated as removed.
 * - a resource whose selection may have changed (a membership of a system or policy, its record set, an
 *   object added or removed): a `require` rule can then be missed by every subject, so its violations
 *   towards that resource are found for every subject the rule picks, from the subjects that reach the
 *   resource (one reverse traversal), without reading every subject's bindings.
 * So the cost of a comparison follows the change, not the organization. A property test compares this
 * with a comparison of two whole checks.
 */
import { BINDING_SUBJECT_TYPES, BINDING_TARGETS, isBindingSubject } from '../analysis/bindings.ts';
import { WhatIfSession, type Change } from '../analysis/whatif.ts';
import { expandRules, needsRules } from '../analysis/rule-effects.ts';
import { bindingsOf, type AccessGraph } from '../graph/index.ts';
import type { EdgeRef } from '../analysis/edges.ts';
import type { TenantDiff } from '../analysis/tenant-diff.ts';
import { isGroupType } from '../model/index.ts';
import {
  RuleEvaluator,
  check,
  checkSubjects,
  violationOrder,
  type CheckOptions,
  type CheckResult,
  type ExcusedViolation,
  type Violation,
} from './evaluate.ts';
import type { RuleFile } from './types.ts';

/** What a change does to the violations of a rule file. */
export interface ViolationChanges {
  /** Violations the change adds, in the check's order. */
  readonly added: readonly Violation[];
  /** Violations the change resolves. */
  readonly resolved: readonly Violation[];
}

/** Which subjects (and which whole rules) a change can alter the violations of. */
export interface RuleScope {
  readonly subjects: ReadonlySet<string>;
  /** Ids of resources whose selection by a rule may have changed (their require violations are found again). */
  readonly resources: ReadonlySet<string>;
}

/** The subjects that reach an object, as integer nodes, by its type (every subject type whose bindings can end on it). */
function nodesReaching(g: AccessGraph, id: string): Int32Array {
  if (!g.hasObject(id)) return new Int32Array(0);
  const type = g.object(id).type;
  const subjectTypes = BINDING_SUBJECT_TYPES.filter((t) => (BINDING_TARGETS[t] ?? []).includes(type));
  if (subjectTypes.length === 0) return new Int32Array(0);
  return bindingsOf(g, id, { targets: subjectTypes }).targets;
}

/** The subjects that reach an object, by id. */
function subjectsReaching(g: AccessGraph, id: string): string[] {
  const ix = g.index;
  return Array.from(nodesReaching(g, id), (n) => ix.idOf(n));
}

const isResourceType = (type: string): boolean => BINDING_SUBJECT_TYPES.some((t) => (BINDING_TARGETS[t] ?? []).includes(type));

/** The scope of `changes` made to `before` giving `after`, given the what-if's affected subjects. */
export function ruleScope(
  before: AccessGraph,
  after: AccessGraph,
  file: RuleFile,
  changes: readonly Change[],
  affected: Iterable<string>,
): RuleScope {
  // Attributes set and objects added act through dynamic groups' rules: the memberships they change count.
  const expanded = needsRules(changes) ? [...expandRules(before, changes).changes, ...changes.filter((c) => c.op === 'set')] : changes;
  return scopeOfChanges(before, after, expanded, affected);
}

/**
 * The scope of the differences between two snapshots of one organization (`diff`, from `before` to
 * `after`), given the subjects whose bindings they can change (`touched`, src/analysis/drift.ts). The
 * memberships dynamic groups' rules changed are already among the differences (the tenant ran them), so
 * no rule is run here. A group added, removed or changed (renamed: `member_of` picks groups by name)
 * counts each of its memberships, before and after, as changed.
 */
export function snapshotScope(before: AccessGraph, after: AccessGraph, diff: TenantDiff, touched: Iterable<string>): RuleScope {
  const changes: Change[] = [
    ...diff.edgesRemoved.map((edge): Change => ({ op: 'remove-edge', edge })),
    ...diff.edgesAdded.map((edge): Change => ({ op: 'add-edge', edge })),
    ...diff.objectsRemoved.map((o): Change => ({ op: 'remove-object', id: o.id })),
    ...diff.objectsAdded.flatMap((o): Change[] => (after.hasObject(o.id) ? [{ op: 'add-object', object: after.object(o.id) }] : [])),
    ...diff.objectsChanged.map((o): Change => ({ op: 'set', id: o.id, fields: {} })),
  ];
  for (const o of [...diff.objectsAdded, ...diff.objectsRemoved, ...diff.objectsChanged]) {
    if (!isGroupType(o.type)) continue;
    for (const g of [before, after]) {
      if (!g.hasObject(o.id)) continue;
      for (const edge of g.edgesOf(o.id)) if (edge.kind === 'membership' && edge.from.id === o.id) changes.push({ op: 'add-edge', edge });
    }
  }
  return scopeOfChanges(before, after, changes, touched);
}

/** The scope of changes whose membership consequences are among them. */
function scopeOfChanges(before: AccessGraph, after: AccessGraph, changes: readonly Change[], affected: Iterable<string>): RuleScope {
  const subjects = new Set<string>(affected);
  const resources = new Set<string>();
  const member = (id: string, type: string): void => {
    if (isBindingSubject(type)) subjects.add(id);
    if (isResourceType(type) && !resources.has(id)) {
      resources.add(id);
      for (const g of [before, after]) for (const s of subjectsReaching(g, id)) subjects.add(s);
    }
  };
  const edge = (e: EdgeRef): void => {
    if (e.kind === 'membership') member(e.to.id, e.to.type);
  };
  for (const c of changes) {
    switch (c.op) {
      case 'remove-edge':
      case 'add-edge':
        edge(c.edge);
        break;
      case 'remove-object': {
        if (!before.hasObject(c.id)) break;
        for (const e of before.edgesOf(c.id)) edge(e);
        member(c.id, before.object(c.id).type);
        break;
      }
      case 'add-object':
        member(c.object.id, c.object.type);
        break;
      case 'set':
        // A record's fields are what `department:`, `os:` and the like select by.
        if (before.hasObject(c.id)) member(c.id, before.object(c.id).type);
        break;
    }
  }
  return { subjects, resources };
}

function byKey(result: CheckResult): Map<string, Violation> {
  return new Map(result.violations.map((v) => [v.key, v]));
}

function difference(before: readonly CheckResult[], after: readonly CheckResult[]): ViolationChanges {
  const old = new Map(before.flatMap((r) => [...byKey(r)]));
  const now = new Map(after.flatMap((r) => [...byKey(r)]));
  return {
    added: [...now.values()].filter((v) => !old.has(v.key)),
    resolved: [...old.values()].filter((v) => !now.has(v.key)),
  };
}

export interface NewViolationsOptions extends CheckOptions {
  /**
   * The changes that made `after` from `before`, with the subjects they affect (a what-if's): only those
   * are checked again.
   * @default none (both graphs checked whole)
   */
  readonly scope?: RuleScope;
  /**
   * The whole check of `before` with the same file and time, when the caller has it (check's fix plans):
   * with a scope, the violations before the change are then picked from it instead of checked again.
   * @default none (checked again)
   */
  readonly before?: CheckResult;
}

/** A whole check's violations by subject id, and its require violations by resource id. */
interface ViolationIndex {
  readonly bySubject: ReadonlyMap<string, readonly Violation[]>;
  readonly requiredResource: ReadonlyMap<string, readonly Violation[]>;
}

const indexes = new WeakMap<CheckResult, ViolationIndex>();

function indexOf(result: CheckResult): ViolationIndex {
  let index = indexes.get(result);
  if (!index) {
    const bySubject = new Map<string, Violation[]>();
    const requiredResource = new Map<string, Violation[]>();
    const add = (map: Map<string, Violation[]>, id: string, v: Violation): void => {
      const list = map.get(id);
      if (list) list.push(v);
      else map.set(id, [v]);
    };
    for (const v of result.violations) {
      if (v.subject) add(bySubject, v.subject.id, v);
      if (v.finding === 'require' && v.resource) add(requiredResource, v.resource.id, v);
    }
    indexes.set(result, (index = { bySubject, requiredResource }));
  }
  return index;
}

/** The violations of a whole check that a scoped re-check would find: those of the scope's subjects and resources. */
function withinScope(result: CheckResult, scope: RuleScope): CheckResult {
  const index = indexOf(result);
  const violations = [
    ...[...scope.subjects].flatMap((id) => index.bySubject.get(id) ?? []),
    ...[...scope.resources].flatMap((id) => index.requiredResource.get(id) ?? []),
  ];
  return { ...result, violations };
}

/** The violations of the scope's subjects, and of the require rules towards the scope's resources (one check result each). */
function runScope(g: AccessGraph, file: RuleFile, scope: RuleScope, now: number): CheckResult[] {
  const out = [checkSubjects(g, file, scope.subjects, { now })];
  const requires: RuleFile = { ...file, rules: file.rules.filter((r) => r.kind === 'require') };
  if (requires.rules.length > 0 && scope.resources.size > 0) {
    const evaluator = new RuleEvaluator(g, requires, now);
    for (const id of [...scope.resources].sort()) {
      if (g.hasObject(id)) evaluator.requireTowards(g.index.nodeOf(id), new Set(nodesReaching(g, id)));
    }
    out.push(evaluator.result());
  }
  return out;
}

/** The violations of `file` that `after` has and `before` has not, and the other way round. */
export function newViolations(
  before: AccessGraph,
  after: AccessGraph,
  file: RuleFile,
  options: NewViolationsOptions = {},
): ViolationChanges {
  const now = options.now ?? Date.now();
  const scope = options.scope;
  if (!scope) return difference([check(before, file, { now })], [check(after, file, { now })]);
  return difference(
    options.before ? [withinScope(options.before, scope)] : runScope(before, file, scope, now),
    runScope(after, file, scope, now),
  );
}

/** Whether an exception of the file passes its end date between two times (so the violations it excused change everywhere). */
function expiryBetween(file: RuleFile, a: number, b: number): boolean {
  const [from, to] = a <= b ? [a, b] : [b, a];
  return file.rules.some((r) => r.exceptions.some((e) => e.expires !== undefined && e.expires.instant > from && e.expires.instant <= to));
}

/** Whether a violation is one a re-check of the scope finds again: its subject's, or a require one towards a resource of the scope. */
function inScope(v: Violation, scope: RuleScope): boolean {
  return (
    (v.subject !== undefined && scope.subjects.has(v.subject.id)) ||
    (v.finding === 'require' && v.resource !== undefined && scope.resources.has(v.resource.id))
  );
}

/**
 * The whole check of `after`, from the whole check `before` of the graph it was made from (the same
 * file) and a check of the scope only (`snapshotScope`, `ruleScope`): the violations and excused ones
 * outside the scope are kept, those inside found again. It is a whole check, made again, when an
 * exception of the file passed its end date between the two checks' times (the violations it excused
 * then change anywhere). `totals` count what was read again. A test compares it with a whole check.
 */
export function recheck(
  before: CheckResult,
  after: AccessGraph,
  file: RuleFile,
  scope: RuleScope,
  options: CheckOptions = {},
): CheckResult {
  const now = options.now ?? Date.now();
  if (expiryBetween(file, Date.parse(before.at), now)) return check(after, file, { now });
  const again = runScope(after, file, scope, now);
  const cmp = violationOrder(file.rules);
  const violations = new Map<string, Violation>();
  for (const v of before.violations) if (!inScope(v, scope)) violations.set(v.key, v);
  for (const v of again.flatMap((r) => r.violations)) violations.set(v.key, v);
  const excused = new Map<string, ExcusedViolation>();
  for (const e of before.excused) if (!inScope(e.violation, scope)) excused.set(e.violation.key, e);
  for (const e of again.flatMap((r) => r.excused)) excused.set(e.violation.key, e);
  // Per rule, in one pass over each list (not one pass per rule).
  const perRule = (list: Iterable<Violation>): Map<string, number> => {
    const n = new Map<string, number>();
    for (const v of list) n.set(v.rule.id, (n.get(v.rule.id) ?? 0) + 1);
    return n;
  };
  const violationCounts = perRule(violations.values());
  const excusedCounts = perRule([...excused.values()].map((e) => e.violation));
  return {
    rules: before.rules.map((r) => ({
      rule: r.rule,
      violations: violationCounts.get(r.rule.id) ?? 0,
      excused: excusedCounts.get(r.rule.id) ?? 0,
    })),
    violations: [...violations.values()].sort(cmp),
    excused: [...excused.values()].sort((a, b) => cmp(a.violation, b.violation)),
    totals: {
      subjects: again.reduce((n, r) => n + r.totals.subjects, 0),
      bindings: again.reduce((n, r) => n + r.totals.bindings, 0),
    },
    at: new Date(now).toISOString(),
  };
}

/**
 * The violations `changes` would add to and resolve in `g` (applied to a copy; `g` is not edited): what
 * `whatif --rules`, and any command about to make changes (`review close`, `apply`), asks.
 */
export function changeViolations(
  g: AccessGraph,
  file: RuleFile,
  changes: readonly Change[],
  options: CheckOptions & { readonly session?: WhatIfSession } = {},
): ViolationChanges {
  const session = options.session ?? new WhatIfSession(g);
  const now = options.now ?? Date.now();
  return session.withChanges(changes, (after, affected) =>
    newViolations(g, after, file, { now, scope: ruleScope(g, after, file, changes, affected.sources()) }),
  );
}
