/**
 * The engine against the simulator over HTTP: every graph endpoint for every source object of the
 * `small` preset, and for a seeded sample of sources of `large`. Each answer is paged through
 * (limit=100) and compared with the engine's: targets, paths as sets of hop sequences (with the hops'
 * attributes), compiledAttributes, and the command fields of `…/commands`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pLimit from 'p-limit';
import { GRAPH_ENDPOINTS, canonicalJson, endpointPath, type GraphEndpoint, type TenantData } from '../../src/model/index.ts';
import { generateTenant, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { pageThrough } from '../helpers/sim.ts';

const LIMIT = 100;

/** Every item of a graph endpoint's answer, all pages (limit=100). */
async function fetchAnswer(sim: Simulator, path: string, targets: string | undefined): Promise<unknown[]> {
  return (await pageThrough(sim, `/api/v2${path}`, targets ? { targets } : {}, { limit: LIMIT })).items;
}

/** An answer as comparable data: per target (by id), its fields with paths as a sorted set. */
function normalize(items: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items as Record<string, unknown>[]) {
    const to = item['to'] as { id: string } | undefined;
    const key = to ? to.id : (item['id'] as string);
    const { paths, ...rest } = item as { paths?: unknown[] };
    out[key] = paths === undefined ? rest : { ...rest, paths: paths.map((p) => canonicalJson(p)).sort() };
  }
  return out;
}

interface Query {
  readonly endpoint: GraphEndpoint;
  readonly id: string;
}

/** Asks every query of both sides; returns the differences (empty when all agree). */
async function compare(sim: Simulator, g: AccessGraph, queries: readonly Query[]): Promise<string[]> {
  const limit = pLimit(16);
  const differences: string[] = [];
  await Promise.all(
    queries.map(({ endpoint, id }) =>
      limit(async () => {
        const path = endpointPath(endpoint, id);
        const targets = endpoint.kind === 'associations' ? endpoint.targets.join(',') : undefined;
        const live = normalize(await fetchAnswer(sim, path, targets));
        const engine = normalize(answer(g, path, targets ? { targets } : {}));
        if (canonicalJson(live) !== canonicalJson(engine)) {
          const ids = new Set([...Object.keys(live), ...Object.keys(engine)]);
          const first = [...ids].find((t) => canonicalJson(live[t] ?? null) !== canonicalJson(engine[t] ?? null));
          differences.push(
            `${path}: target ${first}: simulator ${JSON.stringify(live[first!] ?? null)} engine ${JSON.stringify(engine[first!] ?? null)}`,
          );
        }
      }),
    ),
  );
  return differences;
}

function allQueries(tenant: TenantData): Query[] {
  return GRAPH_ENDPOINTS.flatMap((endpoint) =>
    tenant.objects.filter((o) => o.type === endpoint.source).map((o) => ({ endpoint, id: o.id })),
  );
}

/** A seeded sample of `perEndpoint` sources for every endpoint (all of them when there are fewer). */
function sampledQueries(tenant: TenantData, perEndpoint: number, seed: number): Query[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return GRAPH_ENDPOINTS.flatMap((endpoint) => {
    const ids = tenant.objects.filter((o) => o.type === endpoint.source).map((o) => o.id);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    return ids.slice(0, perEndpoint).map((id) => ({ endpoint, id }));
  });
}

describe('engine answers equal the simulator over HTTP', () => {
  describe('small preset, every endpoint × every source', () => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await startSimulator({ preset: 'small', seed: 11 });
    });
    afterAll(() => sim?.close());

    it('agrees on every answer', async () => {
      const tenant = sim.tenant();
      const g = AccessGraph.fromTenant(tenant);
      const queries = allQueries(tenant);
      expect(new Set(queries.map((q) => q.endpoint.operationId)).size).toBe(GRAPH_ENDPOINTS.length);
      expect(await compare(sim, g, queries)).toEqual([]);
    }, 300_000);
  });

  describe('large preset, a seeded sample of sources per endpoint', () => {
    let sim: Simulator;
    let tenant: TenantData;
    beforeAll(async () => {
      tenant = generateTenant({ preset: 'large', seed: 5 });
      sim = await startSimulator({ tenants: [tenant] });
    });
    afterAll(() => sim?.close());

    it('agrees on every sampled answer, including the biggest user', async () => {
      const g = AccessGraph.fromTenant(tenant);
      const queries = sampledQueries(tenant, 6, 2024);
      // the user with the most direct edges: the heaviest answers are the likeliest to differ
      const heaviest = [...g.objects('user')].reduce((a, b) => (g.model.degree(b.id) > g.model.degree(a.id) ? b : a));
      for (const endpoint of GRAPH_ENDPOINTS.filter((e) => e.source === 'user')) queries.push({ endpoint, id: heaviest.id });
      expect(await compare(sim, g, queries)).toEqual([]);
    }, 300_000);
  });
});
