/**
 * The replica against the simulator, the independent reference: a small simulated tenant is fetched
 * over HTTP into a snapshot, `jcgraph serve` serves that snapshot, and for every list and every graph
 * endpoint × every source object both servers are paged through and must answer the same pages (same
 * items in the same order, same totals), with `limit=100` and, for paging itself, with `limit=7`. Then
 * `jcgraph fetch --base-url <replica>` must give back the same tenant and `jcgraph verify --base-url
 * <replica>` must agree everywhere.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_ENDPOINTS, canonicalJson, endpointPath, sortTenant, type TenantData } from '../../src/model/index.ts';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { LIST_ROUTES as SIMULATOR_LISTS } from '../../src/simulator/server/routes.ts';
import { loadSnapshot } from '../../src/snapshot/index.ts';
import { cli, startCli, type RunningCli } from '../cli/run.ts';
import { pageItems, pageThrough, type PagedCollection } from '../helpers/sim.ts';
import { tenantDiff } from '../fetchers/sim-view.ts';

const same = (a: TenantData, b: TenantData): boolean => canonicalJson(sortTenant(a)) === canonicalJson(sortTenant(b));

interface Target {
  readonly baseUrl: string;
  readonly apiKey: string;
}

/** Pages through a collection with `limit`, as the specs' clients do (a total, else a short page, ends it): each page's body and announced total. */
async function pagesOf(
  target: Target,
  path: string,
  query: Record<string, string>,
  limit: number,
): Promise<Omit<PagedCollection, 'items'>> {
  const { pages, totals } = await pageThrough(target, path, query, { limit });
  return { pages, totals };
}

/** The requests to compare: every list of the simulator, and every graph endpoint × source of the tenant. */
function requests(tenant: TenantData): { path: string; query: Record<string, string> }[] {
  const lists = [...SIMULATOR_LISTS.values()].map((route) => ({ path: route.path, query: { sort: '_id' } }));
  const graph = GRAPH_ENDPOINTS.flatMap((endpoint) =>
    tenant.objects
      .filter((o) => o.type === endpoint.source)
      .map((o): { path: string; query: Record<string, string> } => ({
        path: `/api/v2${endpointPath(endpoint, o.id)}`,
        query: endpoint.kind === 'associations' ? { targets: endpoint.targets.join(',') } : {},
      })),
  );
  return [...lists, ...graph];
}

let dir: string;
let sim: Simulator;
let snapshot: string;
let tenant: TenantData;
let server: RunningCli;
const stopServer = new AbortController();
let replica: Target;
/** The size of every graph answer, as the first comparison saw it. */
const sizes: { path: string; query: Record<string, string>; size: number }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-replica-'));
  sim = await startSimulator({ preset: 'small', seed: 4 });
  snapshot = join(dir, 'small.json');
  const fetched = await cli(['fetch', '--base-url', sim.baseUrl, '--out', snapshot], { env: { JC_API_KEY: sim.apiKey }, cwd: dir });
  expect(fetched.code, fetched.stderr).toBe(0);
  tenant = (await loadSnapshot(snapshot)).tenant;
  server = startCli(['serve', '--snapshot', snapshot, '--json'], { signal: stopServer.signal, cwd: dir });
  // Its one line is printed once it listens.
  replica = JSON.parse(await server.stdoutUntil((out) => out.includes('\n'))) as Target;
}, 120_000);

afterAll(async () => {
  stopServer.abort();
  const end = await server?.done;
  expect(end?.code).toBe(0);
  expect(end?.stderr).toMatch(/server stopped\n$/);
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the replica of a fetched small tenant answers exactly what the simulator answers', () => {
  it("the snapshot is the simulator's tenant (a fetch without x-org-id does not learn the id)", () => {
    expect(same(tenant, { ...sim.tenant(), orgId: '' })).toBe(true);
  });

  it('every list and every graph endpoint × every source, paged by 100: same pages, same totals', async () => {
    const all = requests(tenant);
    expect(
      new Set(
        all.filter((r) => r.path.startsWith('/api/v2/') && !SIMULATOR_LISTS.has(r.path)).map((r) => r.path.replace(/[0-9a-f]{24}/, '{id}')),
      ).size,
    ).toBe(GRAPH_ENDPOINTS.length);
    const limit = pLimit(8);
    const differences: string[] = [];
    let nonEmpty = 0;
    await Promise.all(
      all.map(({ path, query }) =>
        limit(async () => {
          const [expected, actual] = await Promise.all([pagesOf(sim, path, query, 100), pagesOf(replica, path, query, 100)]);
          if (canonicalJson(expected) !== canonicalJson(actual))
            differences.push(
              `${path}: simulator ${JSON.stringify(expected).slice(0, 300)} replica ${JSON.stringify(actual).slice(0, 300)}`,
            );
          if (pageItems(expected.pages[0]).length > 0) nonEmpty++;
          if (!SIMULATOR_LISTS.has(path)) sizes.push({ path, query, size: actual.totals[0] ?? 0 });
        }),
      ),
    );
    expect(differences).toEqual([]);
    expect(nonEmpty).toBeGreaterThan(all.length / 3);
  }, 600_000);

  it('pages of 7 over the largest collections, in both directions of sort on the lists: same pages', async () => {
    const lists = [...SIMULATOR_LISTS.values()].flatMap((route) => [
      { path: route.path, query: { sort: '_id' } },
      { path: route.path, query: { sort: '-_id' } },
    ]);
    const graph = [...sizes].sort((a, b) => b.size - a.size).slice(0, 25);
    expect(graph.length).toBe(25);
    expect(graph[0]!.size).toBeGreaterThan(21);
    for (const { path, query } of [...lists, ...graph]) {
      const [expected, actual] = await Promise.all([pagesOf(sim, path, query, 7), pagesOf(replica, path, query, 7)]);
      expect(canonicalJson(actual), `${path}?${new URLSearchParams(query).toString()}`).toBe(canonicalJson(expected));
    }
  }, 300_000);
});

describe('scripts written for JumpCloud, pointed at the replica', () => {
  it('jcgraph fetch --base-url <replica> gives back a canonically identical snapshot', async () => {
    const copy = join(dir, 'copy.json');
    const r = await cli(['fetch', '--base-url', replica.baseUrl, '--out', copy], { env: { JC_API_KEY: replica.apiKey }, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const again = (await loadSnapshot(copy)).tenant;
    expect(same(again, tenant), tenantDiff(again, tenant)).toBe(true);
  }, 120_000);

  it('jcgraph verify --base-url <replica> agrees on every sampled answer', async () => {
    const r = await cli(['verify', '--base-url', replica.baseUrl, '--sample', '5', '--json'], {
      env: { JC_API_KEY: replica.apiKey },
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { totals: { sampled: number; agreeing: number } };
    expect(report.totals.sampled).toBeGreaterThan(50);
    expect(report.totals.agreeing).toBe(report.totals.sampled);
  }, 120_000);
});
