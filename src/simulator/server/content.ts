/**
 * The clean content of every collection of one organization: list records in id order, graph answers
 * from the reference, each computed once and kept (lists until a record changes, graph answers until
 * anything changes, in a small LRU, since paging one large traversal asks for the same answer many
 * times). The organization changes only through `apply`, which runs the dynamic-group rules each change
 * touches and logs each change, with what the rules did, in its Directory Insights log.
 *
 * A change costs what it touches, not the organization's size: the reference walks the changing
 * organization's own adjacency (LiveAdjacency) and a membership or association leaves every list as it
 * was, so a run of writes and the reads between them pay no rebuild (a whole rebuild is ~0.1 s on large).
 */
import { type JsonObject, type ObjectRef, type TenantData, type TenantEdge, type TenantObject } from '../../model/index.ts';
import { SimulatorError } from '../errors.ts';
import { InsightsLog, type InsightsLogOptions } from '../insights/log.ts';
import type { AppliedChange, SimChange } from '../changes/changes.ts';
import { ChangingTenant } from '../changes/changing-tenant.ts';
import { LiveAdjacency } from '../changes/live-adjacency.ts';
import { type GraphAnswer, answerOver } from '../reference/answers.ts';
import { type ReferenceAdjacency, indexOf } from '../reference/tenant-index.ts';
import { LIST_ROUTES, type GraphRoute, type ListRoute } from './routes.ts';

const GRAPH_CACHE_SIZE = 256;

/**
 * The item an object shows in a list. `/directories` lists LDAP servers and Active Directories as
 * `Directory` summaries `{id, name, type}` (their full records come from their own lists); G Suite and
 * Office 365 records are their `/directories` items already.
 */
function listItem(route: ListRoute, object: TenantObject): JsonObject {
  if (route.list.mixedTypes && (object.type === 'ldap_server' || object.type === 'active_directory')) {
    const r = object.record;
    const name = typeof r['name'] === 'string' ? r['name'] : typeof r['domain'] === 'string' ? r['domain'] : object.id;
    return { id: object.id, name, type: object.type };
  }
  return object.record;
}

function byId(x: TenantObject, y: TenantObject): number {
  return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}

export class OrgContent {
  private readonly lists = new Map<string, readonly JsonObject[]>();
  private readonly answers = new Map<string, GraphAnswer>();
  readonly #base: TenantData;
  /** Made at the first change: until then the generated tenant is served as it is. */
  #changing: ChangingTenant | undefined;
  #liveAdjacency: LiveAdjacency | undefined;
  /** The generated tenant's objects by key, until the first change. */
  #baseObjects: Map<string, TenantObject> | undefined;
  readonly insights: InsightsLog;

  constructor(tenant: TenantData, insights: InsightsLogOptions, nowMs: number) {
    this.#base = tenant;
    this.insights = new InsightsLog(tenant.orgId, insights, nowMs);
  }

  /** The organization's id (it never changes; reading it builds nothing, as `tenant` may). */
  get orgId(): string {
    return this.#base.orgId;
  }

  /** The organization as it is now. */
  get tenant(): TenantData {
    return this.#changing?.tenant ?? this.#base;
  }

  /** An object as it is now, if it exists (what a write checks before it acts, what a GET by id answers). */
  object(ref: ObjectRef): TenantObject | undefined {
    if (this.#changing) return this.#changing.object(ref);
    this.#baseObjects ??= new Map(this.#base.objects.map((o) => [`${o.type}:${o.id}`, o]));
    return this.#baseObjects.get(`${ref.type}:${ref.id}`);
  }

  /** An edge as it is now, if it exists. */
  edge(edge: Pick<TenantEdge, 'kind' | 'from' | 'to'>): TenantEdge | undefined {
    return this.#state().edge(edge);
  }

  /** The organization's changing state, made at the first change or write. */
  #state(): ChangingTenant {
    this.#changing ??= new ChangingTenant(this.#base);
    return this.#changing;
  }

  /**
   * Applies changes in order and logs each in the Directory Insights log. A change the API would refuse
   * throws a SimulatorError (400); the changes before it stay applied.
   *
   * Every change the organization sees passes here, whatever sent it (the change door,
   * `Simulator.applyChanges`, churn, the API's writes): what must follow every change (dynamic-group
   * rules re-evaluated) belongs in this loop, after the change is logged.
   */
  apply(changes: readonly SimChange[], nowMs: number): AppliedChange[] {
    const changing = this.#state();
    const out: AppliedChange[] = [];
    try {
      for (const [i, change] of changes.entries()) {
        let applied: AppliedChange;
        try {
          applied = changing.apply(change, nowMs);
        } catch (e) {
          if (e instanceof SimulatorError && changes.length > 1)
            throw new SimulatorError(`change ${i + 1} of ${changes.length}: ${e.message}`, e.status, e.reason);
          throw e;
        }
        // Every change passes here, whatever sent it: the rules of the dynamic groups it touches run now.
        const ruleMade = applied.effect === 'none' ? [] : changing.runRules(applied);
        if (ruleMade.length > 0) applied = { ...applied, ruleMade };
        this.insights.record(applied, nowMs);
        out.push(applied);
      }
    } finally {
      if (out.some((a) => a.effect !== 'none')) this.answers.clear();
      // Lists hold records: a membership or association (even one a rule made) changes none.
      if (out.some((a) => a.effect === 'create' || a.effect === 'delete' || a.effect === 'update')) this.lists.clear();
    }
    return out;
  }

  /**
   * Builds now what the first request after a change would otherwise build (every list, and the index
   * the graph answers come from): seconds on xl, during which a server that builds lazily answers
   * nothing. The change door calls it before it answers, so the organization it reports changed serves
   * its new state at the API's usual pace, as JumpCloud's does.
   */
  warm(): void {
    this.#adjacency();
    for (const route of LIST_ROUTES.values()) this.listItems(route);
  }

  /** The records of a list, ascending by id. */
  listItems(route: ListRoute): readonly JsonObject[] {
    let items = this.lists.get(route.path);
    if (!items) {
      const types: readonly string[] = route.types;
      items = this.#objectsOf(types)
        .sort(byId)
        .map((o) => listItem(route, o));
      this.lists.set(route.path, items);
    }
    return items;
  }

  /** The full reference answer of a graph route (throws a 404 SimulatorError for an unknown source). */
  graphItems(route: GraphRoute, targets: readonly string[]): GraphAnswer {
    const key = `${route.endpoint.path}|${route.id}|${targets.join(',')}`;
    let answer = this.answers.get(key);
    if (answer) {
      this.answers.delete(key);
    } else {
      answer = answerOver(this.#adjacency(), this.orgId, route.endpoint, route.id, targets);
      if (this.answers.size >= GRAPH_CACHE_SIZE) {
        const oldest = this.answers.keys().next().value;
        if (oldest !== undefined) this.answers.delete(oldest);
      }
    }
    this.answers.set(key, answer);
    return answer;
  }

  /** What the reference walks: the generated tenant's index until the first change, then the live adjacency. */
  #adjacency(): ReferenceAdjacency {
    if (!this.#changing) return indexOf(this.#base);
    this.#liveAdjacency ??= new LiveAdjacency(this.#changing);
    return this.#liveAdjacency;
  }

  /** The objects of these types as they are now (types with a list: a client sees every one of them). */
  #objectsOf(types: readonly string[]): TenantObject[] {
    if (!this.#changing) return this.#base.objects.filter((o) => types.includes(o.type));
    const changing = this.#changing;
    return types.flatMap((type) => [...changing.objectsOf(type)]);
  }
}
