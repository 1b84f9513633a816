/**
 * The answer documents of jcgraph's questions, built in one place so that every face gives the same one:
 * `jcgraph why|access|who|revoke|offboard|whatif|findings --json`, the HTTP API under `/jcgraph/v1/`
 * and the MCP tools. Each takes objects and edges as people name them (an id or `type:name`; edges
 * `GROUP>MEMBER` and `A~B`, see analysis/resolve.ts) and the command's options.
 *
 * Unknown and ambiguous names throw UnknownObjectError with candidates; option values that cannot work
 * throw InputError naming the option; PlanError and QueryError pass through from the analysis.
 */
import { InputError, QueryError } from '../errors.ts';
import { answer, type AccessGraph } from '../graph/index.ts';
import type { Coverage } from '../model/index.ts';
import {
  REVOKE_STRATEGIES,
  WHO_TYPES,
  access,
  findings,
  planOffboard,
  planRevoke,
  resolveChanges,
  resolveEdgeSpec,
  resolveObject,
  expandRules,
  whatIf,
  whatIfEach,
  whoCanAccess,
  why,
  type Binding,
  type Change,
  type ChangeSpec,
  type Findings,
  type NamedRef,
  type OffboardPlan,
  type RevokePlan,
  type RevokeStrategy,
  type RuleMembershipChange,
  type SubjectDelta,
  type WhatIfSummary,
  type WhatIfTotals,
  type WhyAnswer,
} from '../analysis/index.ts';
import { writeJsonWithStreamedArray, type TextSink } from '../io/json-text.ts';

/** `jcgraph access SUBJECT --json`. */
export interface AccessDocument {
  readonly subject: NamedRef;
  readonly bindings: readonly Binding[];
}

/** `jcgraph who RESOURCE --json`. */
export interface WhoDocument {
  readonly resource: NamedRef;
  readonly bindings: readonly Binding[];
}

/** `jcgraph whatif --json`: the changes as resolved, each affected subject's delta, then the totals. */
export interface WhatIfDocument {
  readonly changes: readonly Change[];
  /** What the dynamic groups' rules do after the changes: the memberships they add and remove, and what jcgraph cannot tell. */
  readonly rules: WhatIfRules;
  readonly subjects: readonly SubjectDelta[];
  readonly recomputed: number;
  readonly totals: WhatIfTotals;
}

export interface TypeFilter {
  /** Only bindings to (access) or from (who) objects of these types. */
  readonly types?: readonly string[];
}

export interface RevokeDocumentOptions {
  /**
   * The revoke strategy (REVOKE_STRATEGIES).
   * @default 'fewest-changes'
   */
  readonly strategy?: string;
  /**
   * Edges the plan must not remove, as `GROUP>MEMBER` or `A~B`.
   * @default none
   */
  readonly protect?: readonly string[];
  /**
   * Whether the plan may exempt a member from a dynamic group's rule (`--no-exemptions`: false).
   * @default true
   */
  readonly exemptions?: boolean;
}

export interface OffboardDocumentOptions {
  /**
   * Suspend the user first (`--suspend`), letting rules that stop matching drop memberships by themselves.
   * @default false
   */
  readonly suspend?: boolean;
  /**
   * Whether the plan may exempt the user from dynamic groups' rules (`--no-exemptions`: false).
   * @default true
   */
  readonly exemptions?: boolean;
}

function named(o: NamedRef): NamedRef {
  return { type: o.type, id: o.id, name: o.name };
}

/** The strategy named by `value` (default fewest-changes); InputError naming `option` otherwise. */
export function checkStrategy(value: string | undefined, option = 'strategy'): RevokeStrategy {
  const strategy = value ?? 'fewest-changes';
  if (!(REVOKE_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new InputError(`${option} must be one of ${REVOKE_STRATEGIES.join(', ')}, not "${strategy}"`);
  }
  return strategy as RevokeStrategy;
}

/** The subject types `who` can list; InputError naming `option` for another. */
export function checkWhoTypes(types: readonly string[] | undefined, option = 'type'): readonly string[] | undefined {
  for (const t of types ?? []) {
    if (!WHO_TYPES.includes(t)) throw new InputError(`${option} must be one of ${WHO_TYPES.join(', ')}, not "${t}"`);
  }
  return types;
}

/** `why` between two objects named by id or `type:name`: the document of `jcgraph why --json`. */
export function whyDocument(g: AccessGraph, subject: string, resource: string): WhyAnswer {
  return why(g, resolveObject(g, subject).id, resolveObject(g, resource).id);
}

/** What a subject named by id or `type:name` can reach: the document of `jcgraph access --json`. */
export function accessDocument(g: AccessGraph, subject: string, options: TypeFilter = {}): AccessDocument {
  const s = resolveObject(g, subject);
  return { subject: named(s), bindings: access(g, s.id, options.types ? { types: options.types } : {}) };
}

/** Who can reach a resource named by id or `type:name`: the document of `jcgraph who --json`. */
export function whoDocument(g: AccessGraph, resource: string, options: TypeFilter = {}): WhoDocument {
  const types = checkWhoTypes(options.types);
  const r = resolveObject(g, resource);
  return { resource: named(r), bindings: whoCanAccess(g, r.id, types ? { types } : {}) };
}

/** The revoke plan between two objects named by id or `type:name`: the document of `jcgraph revoke --json`. */
export function revokeDocument(g: AccessGraph, subject: string, resource: string, options: RevokeDocumentOptions = {}): RevokePlan {
  const strategy = checkStrategy(options.strategy);
  const s = resolveObject(g, subject);
  const r = resolveObject(g, resource);
  const protectedEdges = (options.protect ?? []).map((spec) => {
    const edge = resolveEdgeSpec(g, spec);
    if (!g.hasEdge(edge)) throw new InputError(`The protected edge ${spec} names an edge the organization does not have.`);
    return edge;
  });
  return planRevoke(g, s.id, r.id, { strategy, protectedEdges, ...(options.exemptions === false ? { exemptions: false } : {}) });
}

/** The offboarding plan of a user named by id or `type:name`: the document of `jcgraph offboard --json`. */
export function offboardDocument(g: AccessGraph, user: string, options: OffboardDocumentOptions = {}): OffboardPlan {
  return planOffboard(g, resolveObject(g, user).id, {
    ...(options.suspend === true ? { suspend: true } : {}),
    ...(options.exemptions === false ? { exemptions: false } : {}),
  });
}

/** The memberships dynamic groups' rules change after a what-if's changes, and notes (a rule jcgraph cannot evaluate, a removal a rule would undo). */
export interface WhatIfRules {
  readonly memberships: readonly RuleMembershipChange[];
  readonly notes: readonly string[];
}

/** What the rules do after the changes (the what-if applies the same). */
export function whatIfRules(g: AccessGraph, changes: readonly Change[]): WhatIfRules {
  const { ruleChanges, notes } = expandRules(g, changes);
  return { memberships: ruleChanges, notes };
}

function checkedChanges(g: AccessGraph, specs: readonly ChangeSpec[]): Change[] {
  if (specs.length === 0) throw new InputError('whatif needs at least one change.');
  return resolveChanges(g, specs);
}

/** The what-if document, held whole (for a change as wide as removing the largest group, see whatIfWriter). */
export function whatIfDocument(g: AccessGraph, specs: readonly ChangeSpec[]): WhatIfDocument {
  const changes = checkedChanges(g, specs);
  const rules = whatIfRules(g, changes);
  const { subjects, recomputed, totals } = whatIf(g, changes);
  return { changes, rules, subjects, recomputed, totals };
}

/**
 * The what-if document written as it is computed, each subject's delta as soon as it is known and then
 * dropped, the totals last, as `JSON.stringify(whatIfDocument(…), null, 2)` would write it whole. The
 * changes are resolved here, before anything is written (an unknown name throws now); the returned
 * function writes the document and returns the summary.
 */
export function whatIfWriter(
  g: AccessGraph,
  specs: readonly ChangeSpec[],
): (sink: TextSink, after?: Readonly<Record<string, unknown>>) => WhatIfSummary {
  const changes = checkedChanges(g, specs);
  const rules = whatIfRules(g, changes);
  // `after`: fields written after the totals (the CLI's `coverage` of a partial snapshot).
  return (sink, after = {}) => {
    let summary: WhatIfSummary | undefined;
    writeJsonWithStreamedArray(sink, { changes, rules }, 'subjects', (emit) => {
      summary = whatIfEach(g, changes, emit);
      return { recomputed: summary.recomputed, totals: summary.totals, ...after };
    });
    return summary as WhatIfSummary;
  };
}

/** The findings of a graph: the document of `jcgraph findings --json`. */
export function findingsDocument(g: AccessGraph, options: { readonly top?: number; readonly coverage?: Coverage } = {}): Findings {
  return findings(g, {
    ...(options.top !== undefined ? { top: options.top } : {}),
    ...(options.coverage ? { coverage: options.coverage } : {}),
  });
}

/** `https://host/api/v2/users/x/systems?…` → `/api/v2/users/x/systems?…`; other paths as given. */
export function apiPathOf(text: string): string {
  const trimmed = text.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new QueryError(`${trimmed} is not a path or URL jcgraph can read.`);
    }
    return `${url.pathname}${url.search}`;
  }
  return trimmed;
}

/**
 * `jcgraph traverse PATH`: what one of the 88 graph endpoints would answer, all pages merged, for a
 * concrete path (`/users/{id}/systems`, with or without `/api/v2`, or a full URL).
 */
export function traverseDocument(g: AccessGraph, path: string): unknown {
  return answer(g, apiPathOf(path));
}
