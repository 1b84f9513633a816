/**
 * The clean content of every collection of one organization: list records in id order, graph answers
 * from the reference, each computed once and kept (lists for the server's life, graph answers in a
 * small LRU, since paging one large traversal asks for the same answer many times).
 */
import { type JsonObject, type TenantData, type TenantObject } from '../../model/index.ts';
import { type GraphAnswer, answerEndpoint } from '../reference/answers.ts';
import type { GraphRoute, ListRoute } from './routes.ts';

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

  constructor(readonly tenant: TenantData) {}

  /** The records of a list, ascending by id. */
  listItems(route: ListRoute): readonly JsonObject[] {
    let items = this.lists.get(route.path);
    if (!items) {
      const types: readonly string[] = route.types;
      items = this.tenant.objects.filter((o) => types.includes(o.type)).sort(byId).map((o) => listItem(route, o));
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
      answer = answerEndpoint(this.tenant, route.endpoint, route.id, targets);
      if (this.answers.size >= GRAPH_CACHE_SIZE) {
        const oldest = this.answers.keys().next().value;
        if (oldest !== undefined) this.answers.delete(oldest);
      }
    }
    this.answers.set(key, answer);
    return answer;
  }
}
