/**
 * Contract: the shared Prism proxies of the official v2 and v1 specs (test/global-setup.ts) validate the
 * replica's answers (through the upstream switch): every one of the 88 graph GET endpoints with its
 * richest source, every list, the records by id, `/groups`, and the errors where the spec documents them.
 * No answer may break the spec.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { GRAPH_ENDPOINTS, endpointPath } from '../../src/model/index.ts';
import { startServer, type JcgraphServer } from '../../src/serve/index.ts';
import { LIST_ROUTES, V1_ROOT, V2_ROOT } from '../../src/serve/replica/routes.ts';
import { generateTenant } from '../../src/simulator/index.ts';
import { notValid200, onlyUnmatchedStatus, viaPrism as viaPrismProxy, waitForPrism, type PrismExchange } from '../helpers/prism.ts';
import { pageItems } from '../helpers/sim.ts';
import { UPSTREAM_HEADER } from '../helpers/upstream-switch.ts';

const tenant = generateTenant({ preset: 'small', seed: 6 });
const graph = AccessGraph.fromTenant(tenant);
let server: JcgraphServer;

beforeAll(async () => {
  server = await startServer({ graph });
  const control = inject('prismControlUrl');
  await Promise.all([waitForPrism(control, 'prismV2Proxy'), waitForPrism(control, 'prismV1Proxy')]);
}, 180_000);

afterAll(() => server?.close());

const viaPrism = (root: string, path: string, query: Record<string, string>): Promise<PrismExchange> =>
  viaPrismProxy(root, path, query, { 'x-api-key': server.apiKey!, [UPSTREAM_HEADER]: server.baseUrl });

const v2 = () => inject('prismV2ProxyUrl');
const v1 = () => inject('prismV1ProxyUrl');

/** The source of an endpoint with the largest answer, so that Prism validates real items. */
function richest(endpoint: (typeof GRAPH_ENDPOINTS)[number], query: Record<string, string>): { id: string; size: number } {
  let best = { id: '', size: -1 };
  for (const o of graph.objects(endpoint.source)) {
    const size = (answer(graph, endpointPath(endpoint, o.id), query) as unknown[]).length;
    if (size > best.size) best = { id: o.id, size };
  }
  return best;
}

describe('replica answers against the official specs, through Prism proxies', () => {
  it("every one of the 88 graph GET endpoints answers spec-valid items, the engine's answer", async () => {
    const broken: string[] = [];
    const empty: string[] = [];
    for (const endpoint of GRAPH_ENDPOINTS) {
      const query: Record<string, string> = { limit: '100' };
      if (endpoint.kind === 'associations') query['targets'] = endpoint.targets.join(',');
      const source = richest(endpoint, query);
      const path = endpointPath(endpoint, source.id);
      const x = await viaPrism(v2(), path, query);
      const problem = notValid200(x, endpoint.operationId);
      if (problem) broken.push(problem);
      else expect(x.body, x.label).toEqual((answer(graph, path, query) as unknown[]).slice(0, 100));
      if (source.size <= 0) empty.push(endpoint.operationId);
    }
    expect(broken).toEqual([]);
    expect(empty).toEqual([]);
  }, 180_000);

  it('every list, and one record of each by id, answers spec-valid pages', async () => {
    const broken: string[] = [];
    for (const route of LIST_ROUTES.values()) {
      const [root, path] = route.api === 'v1' ? [v1(), route.path.slice(V1_ROOT.length)] : [v2(), route.path.slice(V2_ROOT.length)];
      const x = await viaPrism(root, path, { limit: '100', sort: '_id' });
      const problem = notValid200(x, route.api);
      if (problem) broken.push(problem);
      else expect(pageItems(x.body).length, x.label).toBeGreaterThan(0);
      if (route.types.length === 1 && path !== '/groups') {
        const first = [...graph.objects(route.types[0])][0]!;
        const one = notValid200(await viaPrism(root, `${path}/${first.id}`, {}), route.api);
        if (one) broken.push(one);
      }
    }
    expect(broken).toEqual([]);
  }, 120_000);

  it('lists filtered, sorted and paged stay spec-valid', async () => {
    const broken: string[] = [];
    for (const [root, path, query] of [
      [v1(), '/systemusers', { limit: '5', skip: '3', sort: '-username', filter: 'state:$eq:ACTIVATED' }],
      [v1(), '/systems', { limit: '7', sort: 'os -hostname', 'filter[or][0]': 'os:$eq:Ubuntu', 'filter[or][1]': 'os:$eq:Windows' }],
      [v2(), '/usergroups', { limit: '3', sort: '-name', filter: 'name:search:team' }],
      [v2(), '/groups', { limit: '50', filter: 'type:eq:system_group' }],
    ] as const) {
      const x = await viaPrism(root, path, query);
      const problem = notValid200(x);
      if (problem) broken.push(problem);
      else expect(pageItems(x.body).length, x.label).toBeGreaterThan(0);
    }
    expect(broken).toEqual([]);
  }, 60_000);

  it("error answers have the spec's Error shape where the spec documents them", async () => {
    for (const path of ['/usergroups', '/systemgroups', '/policygroups', '/directories', '/groups']) {
      const x = await viaPrism(v2(), path, { limit: '101' });
      expect(x.status, x.label).toBe(400);
      expect(x.violations, x.label).toEqual([]);
      expect(x.body).toMatchObject({ code: 400, message: expect.stringContaining('limit'), status: 'invalidLimit' });
    }
    // The graph operations and the v1 lists document no error response: Prism can only warn about the status.
    const user = [...graph.objects('user')][0]!.id;
    for (const [root, path, query, status] of [
      [v2(), `/users/${user}/systems`, { limit: '101' }, 400],
      [v2(), '/users/0123456789abcdef01234567/systems', {}, 404],
      [v1(), '/systemusers', { limit: '101' }, 400],
      [v1(), '/systemusers', { filter: 'state:$like:x' }, 400],
    ] as const) {
      const x = await viaPrism(root, path, query);
      expect(x.status, x.label).toBe(status);
      expect(onlyUnmatchedStatus(x), `${x.label}: ${JSON.stringify(x.violations)}`).toBe(true);
      expect(x.body).toMatchObject({ code: status, message: expect.any(String) });
    }
  }, 60_000);
});
