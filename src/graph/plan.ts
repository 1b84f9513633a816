/**
 * Rules as data: a traversal query (an endpoint of GRAPH_ENDPOINTS, or targets + path patterns + allowed
 * intermediate types) is turned into a plan over the index's type codes. The patterns come from the
 * grammar table (PATTERNS_BY_KIND / TRAVERSAL_PATTERNS); no endpoint has code of its own.
 */
import {
  PATTERNS_BY_KIND,
  TRAVERSAL_PATTERNS,
  groupTypeOf,
  isGraphType,
  memberTypeOf,
  type GraphEndpoint,
  type PathPattern,
  type Step,
} from '../model/index.ts';
import { QueryError } from '../errors.ts';
import { ASSOC, DOWN, UP, type TraversalIndex, type Relation } from './traversal-index.ts';

/** A custom traversal: which types to reach, along which patterns (default: the traversal grammar), through which types. */
export interface CustomQuery {
  readonly targets: readonly string[];
  /** Path patterns to follow; default TRAVERSAL_PATTERNS (`[up] association [down]`). */
  readonly patterns?: readonly PathPattern[];
  /** Types allowed for the objects between source and target; default any. */
  readonly via?: readonly string[];
}

export type TraversalQuery = GraphEndpoint | CustomQuery;

export function isEndpoint(query: TraversalQuery): query is GraphEndpoint {
  return typeof (query as GraphEndpoint).operationId === 'string';
}

/** The query with the endpoint resolved into targets and patterns. */
export interface ResolvedQuery {
  readonly targets: readonly string[];
  readonly patterns: readonly PathPattern[];
  readonly via: readonly string[] | undefined;
  /** The source type the query is defined for (endpoints), when there is one. */
  readonly sourceType: string | undefined;
  readonly withCommandFields: boolean;
}

const STEPS: ReadonlySet<string> = new Set<Step>(['up', 'association', 'down']);

export function resolveQuery(query: TraversalQuery): ResolvedQuery {
  if (isEndpoint(query)) {
    if (query.kind === 'associations' || query.kind === 'members') {
      throw new QueryError(`${query.path} answers direct connections, not paths; ask it through answer().`);
    }
    return {
      targets: query.targets,
      patterns: PATTERNS_BY_KIND[query.kind],
      via: undefined,
      sourceType: query.source,
      withCommandFields: query.withCommandFields === true,
    };
  }
  if (!Array.isArray(query.targets) || query.targets.length === 0)
    throw new QueryError('A traversal query needs at least one target type.');
  const patterns = query.patterns ?? TRAVERSAL_PATTERNS;
  if (patterns.length === 0) throw new QueryError('A traversal query needs at least one path pattern.');
  for (const pattern of patterns) {
    if (pattern.length === 0 || pattern.some((s) => !STEPS.has(s))) {
      throw new QueryError(`Path pattern [${pattern.join(', ')}] is not a non-empty list of up, association and down steps.`);
    }
  }
  return { targets: query.targets, patterns, via: query.via, sourceType: undefined, withCommandFields: false };
}

export interface PlanPattern {
  readonly rels: readonly Relation[];
  /** Per position, the type codes a node there may have (to iterate CSRs by neighbour type). */
  readonly allowed: readonly (readonly number[])[];
  /** Per position, a membership table over type codes (for overlay neighbours). */
  readonly allowedSet: readonly Uint8Array[];
}

export interface TraversalPlan {
  /** Patterns sorted by length (stable), so the shortest paths are found first. */
  readonly patterns: readonly PlanPattern[];
  readonly maxLength: number;
  /** Type codes of the targets. */
  readonly targetCodes: readonly number[];
}

const REL_OF: { readonly [S in Step]: Relation } = { up: UP, down: DOWN, association: ASSOC };

/** Can an object of type x take step `rel` to some type in `next`? Memberships are typed by MEMBERSHIPS; associations by the data. */
function canStep(rel: Relation, x: string, next: ReadonlySet<string>): boolean {
  if (rel === UP) {
    const g = groupTypeOf(x);
    return g !== undefined && next.has(g);
  }
  if (rel === DOWN) {
    const m = memberTypeOf(x);
    return m !== undefined && next.has(m);
  }
  return true;
}

/** Builds the plan of a resolved query against the index's current type codes. */
export function buildPlan(index: TraversalIndex, q: ResolvedQuery): TraversalPlan {
  const typeNames = index.typeNames;
  for (const t of [...q.targets, ...(q.via ?? [])]) {
    if (!isGraphType(t) && index.knownTypeCode(t) < 0) throw new QueryError(`${t} is not an object type jcgraph knows or the graph holds.`);
  }
  const via = q.via ? new Set(q.via) : undefined;
  const targetSet = new Set(q.targets);
  const patterns = [...q.patterns]
    .map((pattern) => {
      const rels = pattern.map((s) => REL_OF[s]);
      const allowedNames: ReadonlySet<string>[] = new Array<ReadonlySet<string>>(rels.length);
      allowedNames[rels.length - 1] = targetSet;
      for (let i = rels.length - 2; i >= 0; i--) {
        const next = allowedNames[i + 1]!;
        allowedNames[i] = new Set(typeNames.filter((t) => (via === undefined || via.has(t)) && canStep(rels[i + 1]!, t, next)));
      }
      const allowed = allowedNames.map((names) => typeNames.flatMap((t, code) => (names.has(t) ? [code] : [])));
      const allowedSet = allowed.map((codes) => {
        const set = new Uint8Array(typeNames.length);
        for (const c of codes) set[c] = 1;
        return set;
      });
      return { rels, allowed, allowedSet };
    })
    .sort((a, b) => a.rels.length - b.rels.length);
  return {
    patterns,
    maxLength: Math.max(...patterns.map((s) => s.rels.length)),
    targetCodes: q.targets.map((t) => index.knownTypeCode(t)).filter((c) => c >= 0),
  };
}

const planCache = new WeakMap<object, { readonly index: TraversalIndex; readonly typeCount: number; readonly plan: TraversalPlan }>();
/** Plans of custom queries by what they ask (targets, patterns, via), per index: callers build a fresh query object per question. */
interface KnownPlan {
  readonly typeCount: number;
  readonly plan: TraversalPlan;
}
const customPlans = new WeakMap<TraversalIndex, Map<string, KnownPlan>>();

/**
 * The plan of a query, built once per query (endpoints by object, custom queries by what they ask)
 * and index, so every call after the first reuses it: valid while the index has the same type codes.
 */
export function planFor(index: TraversalIndex, query: TraversalQuery, resolved: ResolvedQuery): TraversalPlan {
  const typeCount = index.typeNames.length;
  const hit = planCache.get(query);
  if (hit && hit.index === index && hit.typeCount === typeCount) return hit.plan;
  let byKey = customPlans.get(index);
  if (!byKey) customPlans.set(index, (byKey = new Map<string, KnownPlan>()));
  const key = JSON.stringify([resolved.targets, resolved.patterns, resolved.via ?? null]);
  const known = byKey.get(key);
  const plan = known && known.typeCount === typeCount ? known.plan : buildPlan(index, resolved);
  if (!known || known.plan !== plan) byKey.set(key, { typeCount, plan });
  planCache.set(query, { index, typeCount, plan });
  return plan;
}
