/**
 * Contract: Prism proxies validating the official v2 and v1 specs sit in front of the shared simulator
 * (test/global-setup.ts). One request of every endpoint kind goes through them (each of the 88 graph GET
 * endpoints with a real source id, every v1 and v2 list) and no response may break the spec.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ASSOCIATION_TARGETS, GRAPH_ENDPOINTS, endpointPath, type GraphType } from '../../src/model/index.ts';
import { generateTenant, referenceAnswer } from '../../src/simulator/index.ts';
import { LIST_ROUTES, V1_ROOT, V2_ROOT } from '../../src/simulator/server/routes.ts';
import { onlyUnmatchedStatus, viaPrism as viaPrismProxy, waitForPrism, type PrismExchange } from '../helpers/prism.ts';
import { objectsOf, pageItems } from '../helpers/sim.ts';

const tenant = generateTenant({ preset: inject('simPreset'), seed: inject('simSeed') });
const apiKey = inject('simApiKey');

beforeAll(async () => {
  const statusFile = inject('prismControlUrl');
  await Promise.all([waitForPrism(statusFile, 'prismV2Proxy'), waitForPrism(statusFile, 'prismV1Proxy')]);
}, 180_000);

const viaPrism = (root: string, path: string, query: Record<string, string>): Promise<PrismExchange> =>
  viaPrismProxy(root, path, query, { 'x-api-key': apiKey });

/** The source of an endpoint with the largest answer in the tenant, so that Prism validates real items. */
function richestSource(path: (id: string) => string, type: GraphType, query: Record<string, string>): { id: string; size: number } {
  let best = { id: '', size: -1 };
  for (const o of objectsOf(tenant, type)) {
    const size = (referenceAnswer(tenant, path(o.id), query) as unknown[]).length;
    if (size > best.size) best = { id: o.id, size };
  }
  return best;
}

describe('simulator responses against the official specs, through Prism proxies', () => {
  it('every one of the 88 graph GET endpoints answers spec-valid items', async () => {
    expect(GRAPH_ENDPOINTS).toHaveLength(88);
    const broken: string[] = [];
    const empty: string[] = [];
    for (const endpoint of GRAPH_ENDPOINTS) {
      const query: Record<string, string> = { limit: '100' };
      if (endpoint.kind === 'associations') query['targets'] = ASSOCIATION_TARGETS[endpoint.source].join(',');
      const source = richestSource((id) => endpointPath(endpoint, id), endpoint.source, query);
      const path = endpointPath(endpoint, source.id);
      const x = await viaPrism(inject('prismV2ProxyUrl'), path, query);
      if (x.status !== 200 || x.violations.length > 0)
        broken.push(`${x.label} (${endpoint.operationId}): ${x.status} ${JSON.stringify(x.violations)}`);
      else expect(x.body, x.label).toEqual(referenceAnswer(tenant, path, query));
      if (source.size <= 0) empty.push(endpoint.operationId);
    }
    expect(broken).toEqual([]);
    // Every endpoint had items for Prism to check.
    expect(empty).toEqual([]);
  }, 120_000);

  it('every v1 and v2 list answers spec-valid pages', async () => {
    const broken: string[] = [];
    for (const route of LIST_ROUTES.values()) {
      const [root, path] =
        route.api === 'v1'
          ? [inject('prismV1ProxyUrl'), route.path.slice(V1_ROOT.length)]
          : [inject('prismV2ProxyUrl'), route.path.slice(V2_ROOT.length)];
      const x = await viaPrism(root, path, { limit: '100', sort: '_id' });
      if (x.status !== 200 || x.violations.length > 0) broken.push(`${route.api} ${x.label}: ${x.status} ${JSON.stringify(x.violations)}`);
      else expect(pageItems(x.body).length, x.label).toBeGreaterThan(0);
    }
    expect(broken).toEqual([]);
  }, 60_000);

  it("error answers have the spec's Error shape where the spec documents them", async () => {
    // v2 lists document a `default` response with the Error schema: a 400 must match it exactly.
    for (const path of ['/usergroups', '/systemgroups', '/policygroups', '/directories']) {
      const x = await viaPrism(inject('prismV2ProxyUrl'), path, { limit: '101' });
      expect(x.status, x.label).toBe(400);
      expect(x.violations, x.label).toEqual([]);
      expect(x.body).toMatchObject({ code: 400, message: expect.any(String) });
    }
    // Spec quirk, recorded rather than skipped: the graph operations and the v1 lists document no error
    // response at all (200 only, plus 401 on some v1 lists), so Prism can only warn that it cannot match
    // the status of a correct 400 or 404. That warning is the one violation allowed here.
    const user = objectsOf(tenant, 'user')[0]!.id;
    for (const [root, path, query, status] of [
      [inject('prismV2ProxyUrl'), `/users/${user}/systems`, { limit: '101' }, 400],
      [inject('prismV2ProxyUrl'), '/users/0123456789abcdef01234567/systems', {}, 404],
      [inject('prismV1ProxyUrl'), '/systemusers', { limit: '101' }, 400],
    ] as const) {
      const x = await viaPrism(root, path, query);
      expect(x.status, x.label).toBe(status);
      expect(onlyUnmatchedStatus(x), `${x.label}: ${JSON.stringify(x.violations)}`).toBe(true);
      expect(x.body).toMatchObject({ code: status, message: expect.any(String) });
    }
  }, 60_000);
});
