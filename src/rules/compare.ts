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
 * A `require` rule is checked whole when a resource may have changed selection (a membership of a
 * system or policy, an object added or removed): that can make every subject miss it. A property test
 * compares this with a comparison of two whole checks.
 */
import { BINDING_SUBJECT_TYPES, BINDING_TARGETS, isBindingSubject } from '../analysis/bindings.ts';
import { WhatIfSession, type Change } from '../analysis/whatif.ts';
import { expandRules, needsRules } from '../analysis/rule-effects.ts';
import { bindingsOf, type AccessGraph } from '../graph/index.ts';
import type { EdgeRef } from '../analysis/edges.ts';
import { check, checkSubjects, type CheckOptions, type CheckResult, type Violation } from './evaluate.ts';
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
  /** Ids of rules to check whole. */
  readonly wholeRules: ReadonlySet<string>;
}

/** The subjects that reach an object, by its type (every subject type whose bindings can end on it). */
function subjectsReaching(g: AccessGraph, id: string): string[] {
  if (!g.hasObject(id)) return [];
  const type = g.object(id).type;
  const subjectTypes = BINDING_SUBJECT_TYPES.filter((t) => (BINDING_TARGETS[t] ?? []).includes(type));
  if (subjectTypes.length === 0) return [];
  const b = bindingsOf(g, id, { targets: subjectTypes });
  const ix = b.index;
  return Array.from(b.targets, (n) => ix.idOf(n));
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
  const subjects = new Set<string>(affected);
  const moved = { resource: false };
  const member = (id: string, type: string): void => {
    if (isBindingSubject(type)) subjects.add(id);
    if (isResourceType(type)) {
      moved.resource = true;
      for (const g of [before, after]) for (const s of subjectsReaching(g, id)) subjects.add(s);
    }
  };
  const edge = (e: EdgeRef): void => {
    if (e.kind === 'membership') member(e.to.id, e.to.type);
  };
  // Attributes set and objects added act through dynamic groups' rules: the memberships they change count.
  for (const c of needsRules(changes) ? expandRules(before, changes).changes : changes) {
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
    }
  }
  const wholeRules = new Set(moved.resource ? file.rules.filter((r) => r.kind === 'require').map((r) => r.id) : []);
  return { subjects, wholeRules };
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
  const partial: RuleFile = { ...file, rules: file.rules.filter((r) => !scope.wholeRules.has(r.id)) };
  const whole: RuleFile = { ...file, rules: file.rules.filter((r) => scope.wholeRules.has(r.id)) };
  const run = (g: AccessGraph): CheckResult[] => [
    checkSubjects(g, partial, scope.subjects, { now }),
    ...(whole.rules.length > 0 ? [check(g, whole, { now })] : []),
  ];
  return difference(run(before), run(after));
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
