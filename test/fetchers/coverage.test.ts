/**
 * Coverage instead of all-or-nothing, over real HTTP against the simulator's lossy faults: for each fault
 * alone and in random mixes with the transient ones (fast-check), `jcgraph fetch` writes a snapshot that
 * equals the clean tenant minus exactly what its coverage reports, with exit 3; `--strict` exits 1 and
 * writes nothing. Nothing is lost that is not reported (the snapshot equals clean minus coverage), and
 * nothing is reported that was not lost (each gap's requests really failed on the server, and for the
 * deterministic faults the gaps are exactly the collections the fault names).
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CollectionPlan, LIST_COLLECTIONS, type Collection } from '../../src/fetchers/index.ts';
import { TYPE_INFO, isGraphType, type Coverage, type GraphType, type TenantData } from '../../src/model/index.ts';
import { entryMatches, startSimulator, type FaultSettings, type Simulator } from '../../src/simulator/index.ts';
import { loadSnapshot, type Snapshot } from '../../src/snapshot/index.ts';
import { manualClock, type ManualClock } from '../helpers/clock.ts';
import { getJson } from '../helpers/sim.ts';
import { cli, type CliResult } from '../cli/run.ts';
import { minusCoverage } from './coverage-model.ts';
import { canonical, tenantDiff } from './sim-view.ts';

const dir = mkdtempSync(join(tmpdir(), 'jcgraph-coverage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Few retries, so a collection that always fails is given up on in well under a second. */
const FAST = ['--retries', '2', '--concurrency', '8'];
/** How long drop-after's network stays down, on the simulator's clock (which the tests move). */
const DROP_PAUSE_MS = 1_200;

let n = 0;
const fresh = (stem: string): string => `${stem}-${++n}.json`;

/** Every answer the server gave, by request URL without paging (`GET /api/v2/…?targets=…`). */
class AnswerLog {
  readonly byEndpoint = new Map<string, string[]>();
  record = (url: string, status: string): void => {
    const u = new URL(url, 'http://x');
    u.searchParams.delete('limit');
    u.searchParams.delete('skip');
    const key = `GET ${u.pathname}${u.search.replace(/%2C/g, ',')}`;
    this.byEndpoint.set(key, [...(this.byEndpoint.get(key) ?? []), status]);
  };
}

async function withSim<T>(
  faults: FaultSettings,
  faultSeed: number,
  fn: (sim: Simulator, log: AnswerLog, clock: ManualClock) => Promise<T>,
  preset: 'tiny' | 'small' = 'small',
): Promise<T> {
  const log = new AnswerLog();
  const clock = manualClock();
  const sim = await startSimulator({ preset, seed: 5, faults, faultSeed, dropPauseMs: DROP_PAUSE_MS, onAnswer: log.record, clock });
  try {
    return await fn(sim, log, clock);
  } finally {
    await sim.close();
  }
}

function fetchCli(sim: Simulator, out: string, extra: readonly string[] = []): Promise<CliResult> {
  return cli(['fetch', '--base-url', sim.baseUrl, '--org-id', sim.orgIds[0]!, '--out', out, ...FAST, ...extra], {
    env: { JC_API_KEY: sim.apiKey },
    cwd: dir,
  });
}

/**
 * Fetches as a user would after each lost connection (drop-after), once the server listens again (the
 * simulator's clock moved past the drop pause): with --resume when the fetch kept a journal and says so,
 * again from the start when it was lost before any collection was finished (nothing kept, nothing to resume).
 */
async function fetchToEnd(sim: Simulator, clock: ManualClock, out: string): Promise<{ last: CliResult; interruptions: number }> {
  let last = await fetchCli(sim, out);
  let interruptions = 0;
  while (last.code === 1 && /the connection is lost/.test(last.stderr) && interruptions < 5) {
    interruptions += 1;
    const resumable = /Continue with: jcgraph fetch --resume/.test(last.stderr);
    if (!resumable) expect(existsSync(join(dir, `${out}.partial`))).toBe(false);
    clock.advance(DROP_PAUSE_MS);
    last = await fetchCli(sim, out, resumable ? ['--resume'] : []);
  }
  return { last, interruptions };
}

/** The snapshot equals the clean tenant minus exactly what its coverage reports. */
function expectCleanMinusCoverage(snapshot: Snapshot, clean: TenantData): void {
  const coverage = snapshot.meta.coverage!;
  expect(coverage).toBeDefined();
  expect(coverage.complete).toBe(coverage.gaps.length === 0);
  // Read-in-part collections keep what they read: compared as "nothing extra" only (none is expected here).
  expect(coverage.gaps.filter((g) => g.state === 'incomplete')).toEqual([]);
  const expected = minusCoverage(clean, coverage);
  const same = canonical(snapshot.tenant) === canonical(expected);
  expect(same, same ? '' : tenantDiff(snapshot.tenant, expected)).toBe(true);
}

/** Every planned collection of the fetch that wrote this snapshot (its lists, its plan over its objects). */
function plannedCollections(snapshot: Snapshot): Collection[] {
  const plan = CollectionPlan.fromFigures(snapshot.meta.plan);
  const ids = new Map<GraphType, string[]>();
  for (const o of snapshot.tenant.objects)
    if (isGraphType(o.type) && TYPE_INFO[o.type].lists.length > 0) ids.set(o.type, [...(ids.get(o.type) ?? []), o.id]);
  return [...LIST_COLLECTIONS, ...plan.edgeCollections((t) => ids.get(t) ?? [])];
}

/** Nothing reported that was not lost: every gap's requests failed on the server, none was answered in full. */
function expectGapsReallyFailed(coverage: Coverage, log: AnswerLog): void {
  for (const gap of coverage.gaps) {
    const answers = log.byEndpoint.get(gap.endpoint) ?? [];
    expect(answers.length, gap.endpoint).toBeGreaterThanOrEqual(gap.attempts);
    expect(answers.filter((s) => s !== '200').length, `${gap.endpoint}: ${answers.join(' ')}`).toBeGreaterThanOrEqual(gap.attempts);
  }
}

async function expectStrictFails(sim: Simulator): Promise<void> {
  const out = fresh('strict');
  const strict = await fetchCli(sim, out, ['--strict']);
  expect(strict.code, strict.stderr).toBe(1);
  expect(existsSync(join(dir, out))).toBe(false);
  // One sentence; then, when collections were finished before the gap stopped it, where they are kept.
  const [first, ...rest] = strict.stderr.trim().split('\n');
  expect(first).toMatch(/^jcgraph fetch: GET \/api\/\S+ failed: /);
  const kept = existsSync(join(dir, `${out}.partial`));
  expect(rest.length).toBe(kept ? 2 : 0);
  if (kept) expect(rest[1]).toContain('--resume');
}

describe('fetch records what it cannot read, and goes on', () => {
  const refusals: [string, FaultSettings, number][] = [
    ['forbidden (a key without two scopes)', { forbidden: ['softwareapps', 'system_group'] }, 403],
    ['not-found (health monitoring not enabled)', { 'not-found': ['healthmonitoring'] }, 404],
    [
      'payment-required (directories not in the plan), and a 403 on every user association',
      { 'payment-required': ['directories'], forbidden: ['users'] },
      402,
    ],
  ];
  for (const [what, faults, status] of refusals) {
    it(`${what}: exactly the named collections are gaps, the rest is the clean tenant; exit 3, --strict exit 1`, async () => {
      await withSim(faults, 1, async (sim, log) => {
        const out = fresh('refusal');
        const r = await fetchCli(sim, out);
        expect(r.code, r.stderr).toBe(3);
        const snapshot = await loadSnapshot(join(dir, out));
        expect(snapshot.version).toBe(2);
        expectCleanMinusCoverage(snapshot, sim.tenant());
        const entries = Object.values(faults).flat() as string[];
        const expected = plannedCollections(snapshot)
          .filter((c) =>
            entries.some((e) =>
              entryMatches(e, { path: c.request.path, ...(c.kind === 'list' ? { listTypes: c.types } : { sourceType: c.source.type }) }),
            ),
          )
          .map((c) => c.key)
          .sort();
        expect(snapshot.meta.coverage!.gaps.map((g) => g.collection)).toEqual(expected);
        expect(snapshot.meta.coverage!.gaps.some((g) => g.status === status)).toBe(true);
        // Refusals are not retried: one attempt each.
        for (const g of snapshot.meta.coverage!.gaps) expect(g.attempts).toBe(1);
        expectGapsReallyFailed(snapshot.meta.coverage!, log);
        // The summary on stderr groups the gaps by cause, names endpoints and says how to see them all.
        expect(r.stderr).toContain(`PARTIAL: ${snapshot.meta.coverage!.gaps.length} of ${snapshot.meta.coverage!.planned} collections`);
        expect(r.stderr).toMatch(new RegExp(`HTTP ${status} \\(\\d+\\): GET /api/`));
        expect(r.stderr).toContain(`jcgraph coverage --snapshot ${join(dir, out)}`);
        expect(r.stdout).toContain('PARTIAL');
        await expectStrictFails(sim);
      });
    }, 120_000);
  }

  it('broken-objects: the collections of exactly the broken objects are gaps after their retries', async () => {
    await withSim({ 'broken-objects': 8 }, 3, async (sim, log) => {
      const out = fresh('broken');
      const r = await fetchCli(sim, out);
      expect(r.code, r.stderr).toBe(3);
      const snapshot = await loadSnapshot(join(dir, out));
      expectCleanMinusCoverage(snapshot, sim.tenant());
      const broken = new Set(sim.brokenObjects().map((o) => o.id));
      const expected = plannedCollections(snapshot)
        .filter((c) => c.kind === 'edges' && broken.has(c.source.id))
        .map((c) => c.key)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(snapshot.meta.coverage!.gaps.map((g) => g.collection)).toEqual(expected);
      for (const g of snapshot.meta.coverage!.gaps) expect(g).toMatchObject({ state: 'unread', cause: 'http', status: 500, attempts: 3 });
      expectGapsReallyFailed(snapshot.meta.coverage!, log);
      await expectStrictFails(sim);
    });
  }, 120_000);

  it('truncated: pages cut short on every attempt are gaps (cause truncated), the rest is read through retries', async () => {
    await withSim({ truncated: 0.7 }, 4, async (sim, log) => {
      const out = fresh('truncated');
      const r = await fetchCli(sim, out);
      if (r.code === 1) {
        // Every list cut short three times running: nothing written, one sentence why.
        expect(r.stderr).toMatch(/No list could be read/);
        return;
      }
      expect(r.code, r.stderr).toBe(3);
      const snapshot = await loadSnapshot(join(dir, out));
      expectCleanMinusCoverage(snapshot, sim.tenant());
      expect(snapshot.meta.coverage!.gaps.length).toBeGreaterThan(0);
      for (const g of snapshot.meta.coverage!.gaps) {
        expect(g.cause).toBe('truncated');
        // Three attempts, or fewer once the fetch's retry budget is spent (at this rate of failure, it is).
        expect(g.attempts).toBeLessThanOrEqual(3);
        if (g.attempts < 3) expect(g.message).toMatch(/retry budget of \d+ retries for this fetch is spent/);
      }
      expectGapsReallyFailed(snapshot.meta.coverage!, log);
      expect(sim.stats().byStatus['truncated']).toBeGreaterThan(0);
    });
  }, 120_000);

  it('drop-after: the connection lost mid-fetch stops it (exit 1, journal kept); a resume completes it, nothing missing', async () => {
    await withSim({ 'drop-after': 150 }, 1, async (sim, _log, clock) => {
      const out = fresh('dropped');
      const first = await fetchCli(sim, out);
      expect(first.code, first.stderr).toBe(1);
      expect(first.stderr).toMatch(/connection is lost/);
      expect(first.stderr).toMatch(/collections read so far are kept in .*\.partial/);
      expect(existsSync(join(dir, out))).toBe(false);
      expect(existsSync(join(dir, `${out}.partial`))).toBe(true);
      expect(sim.stats().byStatus['refused'] ?? 0).toBeGreaterThan(0);
      // The network stays down until the simulator's clock passes the pause: refused a millisecond before, served at it.
      clock.advance(DROP_PAUSE_MS - 1);
      await expect(getJson(sim, '/api/systemusers')).rejects.toThrow();
      clock.advance(1);
      const resumed = await fetchCli(sim, out, ['--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(existsSync(join(dir, `${out}.partial`))).toBe(false);
      const snapshot = await loadSnapshot(join(dir, out));
      expect(snapshot.version).toBe(1);
      expect(snapshot.meta.coverage).toMatchObject({ complete: true, gaps: [] });
      expect(snapshot.meta.resumed!.collections).toBeGreaterThan(0);
      expect(canonical(snapshot.tenant) === canonical(sim.tenant())).toBe(true);
    });
  }, 120_000);

  it('in random mixes of lossy and transient faults, the snapshot is clean minus its coverage; exit 3 exactly when it has gaps (fast-check)', async () => {
    const small = fc.option(fc.double({ min: 0, max: 0.15, noNaN: true }), { nil: undefined });
    const endpoints = fc.subarray(
      ['softwareapps', 'healthmonitoring', 'directories', 'policygroups', 'user_group', 'systems', 'commands', 'radiusservers'],
      { minLength: 1, maxLength: 2 },
    );
    const mix = fc.record(
      {
        forbidden: endpoints,
        'not-found': endpoints,
        'payment-required': endpoints,
        'broken-objects': fc.integer({ min: 1, max: 6 }),
        truncated: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
        'drop-after': fc.integer({ min: 20, max: 120 }),
        'server-errors': small,
        reset: small,
        malformed: small,
        nulls: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        'short-page': fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        'no-total': fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(mix, fc.integer({ min: 1, max: 1_000_000 }), async (faults, faultSeed) => {
        const settings = Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)) as FaultSettings;
        await withSim(
          settings,
          faultSeed,
          async (sim, _log, clock) => {
            const out = fresh('mix');
            const { last } = await fetchToEnd(sim, clock, out);
            if (last.code === 1) {
              expect(last.stderr).toMatch(/No list could be read/);
              expect(existsSync(join(dir, out))).toBe(false);
              return;
            }
            const snapshot = await loadSnapshot(join(dir, out));
            expectCleanMinusCoverage(snapshot, sim.tenant());
            expect(last.code, last.stderr).toBe(snapshot.meta.coverage!.complete ? 0 : 3);
            expect(snapshot.version).toBe(snapshot.meta.coverage!.complete ? 1 : 2);
            const strictOut = fresh('mix-strict');
            const strict = await fetchCli(sim, strictOut, ['--strict']);
            if (strict.code === 0)
              expect(canonical((await loadSnapshot(join(dir, strictOut))).tenant) === canonical(sim.tenant())).toBe(true);
            else {
              expect(strict.code, strict.stderr).toBe(1);
              expect(existsSync(join(dir, strictOut))).toBe(false);
            }
          },
          'tiny',
        );
      }),
      {
        numRuns: 12,
        // Found by this property: a list lost to a truncated page before a drop, edges to its type held back
        // from the collections journaled meanwhile, and a resume that read the list but replayed them without.
        examples: [[{ truncated: 0.07751960586756469, 'drop-after': 20 }, 736162]],
      },
    );
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 900_000);
});
