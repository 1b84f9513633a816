/**
 * Simulator benchmark: `node --import tsx bench/simulator.ts [tiny small large xl] [--seed 1] [--json]`.
 *
 * Prints, for each preset:
 * - generation: time, heap held by the tenant (after a full GC), objects, memberships, associations;
 * - the tenant as canonical JSON (writeTenantJson): time and size;
 * - the reference: the whole user→system inventory with paths (bindings, paths, time), tiny to large;
 * - the server: time to page every list with limit=100, and the largest collection (All Staff's
 *   membership) cold first page and then paged whole; process RSS at the end.
 *
 * `runSimulatorBench(options)` returns the figures for a unified bench.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantData } from '../src/model/index.ts';
import {
  PRESETS,
  generateTenant,
  isPresetName,
  referenceAnswer,
  startSimulator,
  writeTenantJson,
  type PresetName,
} from '../src/simulator/index.ts';
import { LIST_ROUTES } from '../src/simulator/server/routes.ts';

export interface SimulatorBenchFigures {
  readonly preset: PresetName;
  readonly generateMs: number;
  readonly heapMiB: number;
  readonly objects: number;
  readonly memberships: number;
  readonly associations: number;
  readonly jsonMs: number;
  readonly jsonMiB: number;
  readonly inventory?: { readonly bindings: number; readonly paths: number; readonly ms: number };
  readonly listsPagedMs: number;
  readonly listRequests: number;
  readonly largestCollection: { readonly items: number; readonly coldFirstPageMs: number; readonly pagedMs: number };
  readonly rssMiB: number;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const MiB = 2 ** 20;

async function pageAll(baseUrl: string, apiKey: string, path: string): Promise<{ items: number; requests: number }> {
  let items = 0;
  let requests = 0;
  for (let skip = 0; ;) {
    const r = await fetch(`${baseUrl}${path}${path.includes('?') ? '&' : '?'}limit=100&sort=_id&skip=${skip}`, {
      headers: { 'x-api-key': apiKey },
    });
    requests++;
    const body = await r.json();
    const page = Array.isArray(body)
      ? body
      : ((body as { results?: unknown[]; rules?: unknown[] }).results ?? (body as { rules: unknown[] }).rules);
    items += page.length;
    skip += page.length;
    const total = (body as { totalCount?: number }).totalCount ?? Number(r.headers.get('x-total-count') ?? NaN);
    if (page.length === 0 || (Number.isFinite(total) ? skip >= total : page.length < 100)) return { items, requests };
  }
}

function userSystemInventory(tenant: TenantData): { bindings: number; paths: number; ms: number } {
  const t0 = performance.now();
  let bindings = 0;
  let paths = 0;
  for (const o of tenant.objects) {
    if (o.type !== 'user') continue;
    for (const b of referenceAnswer(tenant, `/users/${o.id}/systems`) as { paths: unknown[] }[]) {
      bindings++;
      paths += b.paths.length;
    }
  }
  return { bindings, paths, ms: performance.now() - t0 };
}

export async function runSimulatorBench(options: { preset: PresetName; seed?: number }): Promise<SimulatorBenchFigures> {
  const before = heapUsed();
  const t0 = performance.now();
  const tenant = generateTenant({ preset: options.preset, seed: options.seed ?? 1 });
  const generateMs = performance.now() - t0;
  const heapMiB = (heapUsed() - before) / MiB;

  const dir = await mkdtemp(join(tmpdir(), 'jcgraph-bench-sim-'));
  const t1 = performance.now();
  await writeTenantJson(tenant, join(dir, 'tenant.json'));
  const jsonMs = performance.now() - t1;
  const jsonMiB = (await stat(join(dir, 'tenant.json'))).size / MiB;
  await rm(dir, { recursive: true, force: true });

  const inventory = options.preset === 'xl' ? undefined : userSystemInventory(tenant);

  const sim = await startSimulator({ tenants: [tenant] });
  try {
    const t2 = performance.now();
    let listRequests = 0;
    for (const route of LIST_ROUTES.values()) listRequests += (await pageAll(sim.baseUrl, sim.apiKey, route.path)).requests;
    const listsPagedMs = performance.now() - t2;

    const allStaff = tenant.objects.find((o) => o.type === 'user_group' && o.record['name'] === 'All Staff');
    const path = `/api/v2/usergroups/${allStaff?.id ?? ''}/membership`;
    const t3 = performance.now();
    await fetch(`${sim.baseUrl}${path}?limit=100`, { headers: { 'x-api-key': sim.apiKey } }).then((r) => r.arrayBuffer());
    const coldFirstPageMs = performance.now() - t3;
    const t4 = performance.now();
    const { items } = await pageAll(sim.baseUrl, sim.apiKey, path);
    const pagedMs = performance.now() - t4;

    const count = (kind: string) => tenant.edges.filter((e) => e.kind === kind).length;
    return {
      preset: options.preset,
      generateMs,
      heapMiB,
      objects: tenant.objects.length,
      memberships: count('membership'),
      associations: count('association'),
      jsonMs,
      jsonMiB,
      ...(inventory ? { inventory } : {}),
      listsPagedMs,
      listRequests,
      largestCollection: { items, coldFirstPageMs, pagedMs },
      rssMiB: process.memoryUsage().rss / MiB,
    };
  } finally {
    await sim.close();
  }
}

function line(f: SimulatorBenchFigures): string {
  const n = (x: number, d = 0) => x.toFixed(d);
  return [
    `${f.preset}: generated in ${n(f.generateMs)} ms, ${n(f.heapMiB)} MiB of heap; ${f.objects} objects, ${f.memberships} memberships, ${f.associations} associations`,
    `  canonical JSON: ${n(f.jsonMiB, 1)} MiB written in ${n(f.jsonMs)} ms`,
    f.inventory
      ? `  reference user→system inventory: ${f.inventory.bindings} bindings, ${f.inventory.paths} paths in ${n(f.inventory.ms)} ms`
      : '  reference user→system inventory: skipped for xl',
    `  server: every list paged (limit=100) in ${n(f.listsPagedMs)} ms over ${f.listRequests} requests; All Staff membership ` +
      `(${f.largestCollection.items} items): cold first page ${n(f.largestCollection.coldFirstPageMs)} ms, paged whole in ${n(f.largestCollection.pagedMs)} ms`,
    `  process RSS ${n(f.rssMiB)} MiB`,
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const presets = argv.filter(isPresetName);
  const seedAt = argv.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(argv[seedAt + 1]) : 1;
  const figures: SimulatorBenchFigures[] = [];
  for (const preset of presets.length > 0 ? presets : PRESETS) {
    const f = await runSimulatorBench({ preset, seed });
    figures.push(f);
    if (!argv.includes('--json')) console.log(line(f));
  }
  if (argv.includes('--json')) console.log(JSON.stringify(figures, null, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
