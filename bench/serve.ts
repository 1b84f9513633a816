/**
 * The serve bench: `jcgraph serve`'s API replica against the engine in-process, and against the
 * simulator for a script author.
 *
 *   node --import tsx bench/serve.ts [--preset large] [--seed 1] [--rate 200] [--sample 1000] [--json]
 *
 * - `replicaAnswerVsInProcess`: p50 of `GET /api/v2/users/{id}/systems?limit=100` served by the replica
 *   (in a process of its own, over one HTTP keep-alive connection, one request at a time, until the whole
 *   body has arrived) ÷ p50 of `answer()` for the same users in this process. Each measured user is
 *   asked once on each side (the replica keeps recent answers for paging, so a repeat would be a cache
 *   hit), after a warm-up on other users.
 * - `replicaFetchSpeedup`: the whole fetch against the simulator under the bench's rate limit (the
 *   fetch phase's wall time) ÷ the same fetch (same client, concurrency 16) against the replica with no
 *   limit: what serving a snapshot gains a script that crawls the API.
 *
 * `runServeBench({snapshot})` is the unified bench's `serve` phase (bench/phases.ts); run standalone,
 * this file also makes the snapshot with the rate-limited fetch and prints both ratios.
 */
import { request, Agent } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fetchTenant } from '../src/fetchers/index.ts';
import { AccessGraph, answer } from '../src/graph/index.ts';
import { canonicalJson, sortTenant, type TenantData } from '../src/model/index.ts';
import { isPresetName } from '../src/simulator/index.ts';
import { loadSnapshot, saveSnapshot } from '../src/snapshot/index.ts';
import { percentile, peakRssMiB, startMessagingChild, startSimChild, timedAsync } from './harness.ts';

export interface ServeBenchOptions {
  readonly snapshot: string;
  /** Users whose answers are measured (default 1,000; fewer when the tenant has fewer). */
  readonly sample?: number;
  readonly concurrency?: number;
}

export interface ServeBenchFigures {
  readonly answer: {
    readonly path: string;
    readonly sample: number;
    readonly inProcessP50Us: number;
    readonly inProcessP99Us: number;
    readonly httpP50Us: number;
    readonly httpP99Us: number;
    /** Mean body size of the served answers, bytes. */
    readonly meanBytes: number;
    /** httpP50Us ÷ inProcessP50Us. */
    readonly ratio: number;
  };
  readonly fetch: {
    readonly ms: number;
    readonly requests: number;
    readonly requestsPerSecond: number;
    readonly objects: number;
    readonly edges: number;
    /** The tenant fetched from the replica is the snapshot's (objects and edges, canonically). */
    readonly sameTenant: boolean;
  };
  readonly replica: { readonly loadMs: number; readonly peakRssMiB: number };
  readonly peakRssMiB: number;
}

const WARM_UP = 200;

/** A seeded shuffle (LCG), so that every run asks the same users. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = Math.floor((state / 2 ** 32) * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** GET over one keep-alive connection; resolves with the body's size once all of it has arrived. */
function get(agent: Agent, baseUrl: string, apiKey: string, path: string): Promise<number> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, agent, headers: { 'x-api-key': apiKey } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`GET ${path}: ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function sameTenant(a: TenantData, b: TenantData): boolean {
  const body = (t: TenantData) => canonicalJson(sortTenant({ ...t, orgId: '' }));
  return body(a) === body(b);
}

export async function runServeBench(options: ServeBenchOptions): Promise<ServeBenchFigures> {
  const tenant = (await loadSnapshot(options.snapshot)).tenant;
  const graph = AccessGraph.fromTenant(tenant);
  const users = shuffled([...graph.objects('user')].map((u) => u.id));
  const warm = users.slice(0, Math.min(WARM_UP, Math.floor(users.length / 2)));
  const measured = users.slice(warm.length, warm.length + (options.sample ?? 1000));
  const pathOf = (id: string) => `/api/v2/users/${id}/systems?limit=100`;

  for (const id of warm) answer(graph, pathOf(id));
  const inProcess = measured.map((id) => {
    const t0 = performance.now();
    answer(graph, pathOf(id));
    return (performance.now() - t0) * 1000;
  });

  const child = startMessagingChild('serve-child.ts', [JSON.stringify({ snapshot: options.snapshot })]);
  let stopped = false;
  try {
    const ready = (await child.next()) as { baseUrl: string; apiKey: string; loadMs: number };
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (const id of warm) await get(agent, ready.baseUrl, ready.apiKey, pathOf(id));
    const http: number[] = [];
    let bytes = 0;
    for (const id of measured) {
      const t0 = performance.now();
      bytes += await get(agent, ready.baseUrl, ready.apiKey, pathOf(id));
      http.push((performance.now() - t0) * 1000);
    }
    agent.destroy();

    const { ms, value: fetched } = await timedAsync(() =>
      fetchTenant({ apiKey: ready.apiKey, baseUrl: ready.baseUrl, concurrency: options.concurrency ?? 16 }),
    );
    const last = (await child.stop()) as { peakRssMiB: number };
    stopped = true;
    const sortedIn = [...inProcess].sort((a, b) => a - b);
    const sortedHttp = [...http].sort((a, b) => a - b);
    const inP50 = percentile(sortedIn, 0.5);
    const httpP50 = percentile(sortedHttp, 0.5);
    const requests = fetched.meta.requests.total;
    return {
      answer: {
        path: '/api/v2/users/{id}/systems?limit=100',
        sample: measured.length,
        inProcessP50Us: inP50,
        inProcessP99Us: percentile(sortedIn, 0.99),
        httpP50Us: httpP50,
        httpP99Us: percentile(sortedHttp, 0.99),
        meanBytes: bytes / Math.max(1, measured.length),
        ratio: httpP50 / inP50,
      },
      fetch: {
        ms,
        requests,
        requestsPerSecond: requests / (ms / 1000),
        objects: fetched.tenant.objects.length,
        edges: fetched.tenant.edges.length,
        sameTenant: sameTenant(fetched.tenant, tenant),
      },
      replica: { loadMs: ready.loadMs, peakRssMiB: last.peakRssMiB },
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    if (!stopped) await child.stop().catch(() => undefined);
  }
}

/** Standalone: the rate-limited fetch from a simulator makes the snapshot, then the serve bench runs on it. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      sample: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const preset = values.preset ?? 'large';
  if (!isPresetName(preset)) throw new Error(`--preset must be tiny, small, large or xl, not "${preset}"`);
  const seed = Number(values.seed ?? 1);
  const rate = Number(values.rate ?? (preset === 'large' ? 200 : preset === 'xl' ? 300 : 50));
  const dir = await mkdtemp(join(tmpdir(), 'jcgraph-bench-serve-'));
  try {
    const sim = await startSimChild({ preset, seed, rate });
    let simulatorFetchMs: number;
    const snapshot = join(dir, `${preset}.json`);
    try {
      const { ms, value } = await timedAsync(() => fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, rate, concurrency: 16 }));
      simulatorFetchMs = ms;
      await saveSnapshot(snapshot, { meta: value.meta, tenant: value.tenant });
    } finally {
      await sim.stop();
    }
    const figures = await runServeBench({ snapshot, ...(values.sample ? { sample: Number(values.sample) } : {}) });
    const ratios = { replicaAnswerVsInProcess: figures.answer.ratio, replicaFetchSpeedup: simulatorFetchMs / figures.fetch.ms };
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ preset, seed, rate, simulatorFetchMs, ratios, ...figures }, null, 2)}\n`);
      return;
    }
    const a = figures.answer;
    const f = figures.fetch;
    process.stdout.write(
      [
        `${preset} (seed ${seed}):`,
        `  ${a.path}, ${a.sample} users: in-process p50 ${a.inProcessP50Us.toFixed(1)} µs (p99 ${a.inProcessP99Us.toFixed(1)}), served p50 ${a.httpP50Us.toFixed(1)} µs (p99 ${a.httpP99Us.toFixed(1)}), ${Math.round(a.meanBytes)} bytes on average`,
        `  replicaAnswerVsInProcess ${ratios.replicaAnswerVsInProcess.toFixed(2)} (target ≤ 20 on large)`,
        `  fetch: simulator at ${rate}/s ${(simulatorFetchMs / 1000).toFixed(1)} s; replica, no limit, ${(f.ms / 1000).toFixed(1)} s (${f.requests} requests, ${Math.round(f.requestsPerSecond)}/s, ${f.sameTenant ? 'the same tenant' : 'A DIFFERENT TENANT'})`,
        `  replicaFetchSpeedup ${ratios.replicaFetchSpeedup.toFixed(1)}`,
        `  replica process: snapshot loaded in ${(figures.replica.loadMs / 1000).toFixed(1)} s, peak RSS ${Math.round(figures.replica.peakRssMiB)} MiB`,
        '',
      ].join('\n'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();
