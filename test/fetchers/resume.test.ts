/**
 * Resume: a fetch interrupted at random points (Ctrl-C or the connection dropped after a
 * random number of requests) and resumed with `--resume` yields the same snapshot as an uninterrupted
 * fetch, and the requests of both runs together exceed one full fetch by at most the lists and the
 * collections in flight when it stopped, counted on the server (fast-check). The journal is private, holds
 * no key, and is refused when it belongs to another org, host or format.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CollectionPlan, readJournal, type Collection } from '../../src/fetchers/index.ts';
import { CancelledError } from '../../src/errors.ts';
import { generateTenant, startSimulator, type FaultSettings, type Simulator } from '../../src/simulator/index.ts';
import type { TenantData } from '../../src/model/index.ts';
import { loadSnapshot } from '../../src/snapshot/index.ts';
import { cli, startCli, type CliResult } from '../cli/run.ts';
import { manualClock, type ManualClock } from '../helpers/clock.ts';
import { canonical } from './sim-view.ts';

const dir = mkdtempSync(join(tmpdir(), 'jcgraph-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = 'jcgraph-RESUME-KEY-6a1f0e9d3c2b';
/** How long drop-after's network stays down, on the simulator's clock (which the test moves). */
const DROP_PAUSE_MS = 600;
const CONCURRENCY = 4;
const FAST = ['--retries', '2', '--concurrency', String(CONCURRENCY)];
let n = 0;
const fresh = (stem: string): string => `${stem}-${++n}.json`;

/** 200 answers per request (path and query, without paging), as the server counts them. */
class Answered {
  readonly pages = new Map<string, number>();
  total = 0;
  record = (url: string, status: string): void => {
    if (status !== '200') return;
    const u = new URL(url, 'http://x');
    u.searchParams.delete('limit');
    u.searchParams.delete('skip');
    const key = `${u.pathname}${u.search.replace(/%2C/g, ',')}`;
    this.pages.set(key, (this.pages.get(key) ?? 0) + 1);
    this.total += 1;
  };
  snapshot(): Map<string, number> {
    return new Map(this.pages);
  }
}

/**
 * Ctrl-C once the simulator has answered `count` requests: the middle of the fetch on any machine. A timer
 * in milliseconds was not: a faster machine finished the small tenant before it fired.
 */
function abortAfterAnswers(answeredSoFar: () => number, controller: AbortController, count = 120): NodeJS.Timeout {
  const poll = setInterval(() => {
    if (answeredSoFar() < count) return;
    clearInterval(poll);
    controller.abort(new CancelledError('cancelled by Ctrl-C'));
  }, 5);
  return poll;
}

function requestKey(c: Collection): string {
  const root = c.request.api === 'v1' ? '/api' : '/api/v2';
  const query = new URLSearchParams(c.request.query).toString().replace(/%2C/g, ',');
  return `${root}${c.request.path}${query ? `?${query}` : ''}`;
}

function fetchArgs(sim: Simulator, out: string, extra: readonly string[] = []): string[] {
  return ['fetch', '--base-url', sim.baseUrl, '--org-id', sim.orgIds[0]!, '--out', out, ...FAST, ...extra];
}

function fetchCli(sim: Simulator, out: string, extra: readonly string[] = []): Promise<CliResult> {
  return cli(fetchArgs(sim, out, extra), { env: { JC_API_KEY: KEY }, cwd: dir });
}

async function withSim<T>(faults: FaultSettings, fn: (sim: Simulator, answered: Answered, clock: ManualClock) => Promise<T>): Promise<T> {
  const answered = new Answered();
  const clock = manualClock();
  const sim = await startSimulator({
    preset: 'small',
    seed: 12,
    apiKey: KEY,
    faults,
    dropPauseMs: DROP_PAUSE_MS,
    onAnswer: answered.record,
    clock,
  });
  try {
    return await fn(sim, answered, clock);
  } finally {
    await sim.close();
  }
}

describe('resume an interrupted fetch', () => {
  let full: { requests: number; tenant: string } | undefined;
  const fullFetch = async (): Promise<{ requests: number; tenant: string }> => {
    full ??= await withSim({}, async (sim, answered) => {
      const out = fresh('full');
      expect((await fetchCli(sim, out)).code).toBe(0);
      return { requests: answered.total, tenant: canonical((await loadSnapshot(join(dir, out))).tenant) };
    });
    return full;
  };

  it('after Ctrl-C or a dropped connection at a random point, resuming gives the uninterrupted snapshot, at the cost of the lists and the collections in flight (fast-check)', async () => {
    const clean = await fullFetch();
    const interruption = fc.oneof(
      fc.record({ kind: fc.constant('signal' as const), afterAnswers: fc.integer({ min: 1, max: 340 }) }),
      fc.record({ kind: fc.constant('drop' as const), afterRequests: fc.integer({ min: 5, max: 340 }) }),
    );
    let interrupted = 0;
    await fc.assert(
      fc.asyncProperty(interruption, async (how) => {
        await withSim(how.kind === 'drop' ? { 'drop-after': how.afterRequests } : {}, async (sim, answered, clock) => {
          const out = fresh('interrupted');
          let first: CliResult;
          if (how.kind === 'signal') {
            const controller = new AbortController();
            // Ctrl-C once the server has answered a random number of requests (a moment in milliseconds moves with
            // the machine's load); slowed to 250 requests/s so that few more are answered before it lands.
            const running = startCli(fetchArgs(sim, out, ['--rate', '250']), {
              env: { JC_API_KEY: KEY },
              cwd: dir,
              signal: controller.signal,
            });
            const stopping = abortAfterAnswers(() => answered.total, controller, how.afterAnswers);
            first = await running.done;
            clearInterval(stopping);
          } else first = await fetchCli(sim, out);
          const journal = join(dir, `${out}.partial`);
          if (first.code === 0) {
            // Finished before the interruption came: nothing to resume.
            expect(existsSync(journal)).toBe(false);
            return;
          }
          interrupted += 1;
          expect(first.code, first.stderr).toBe(how.kind === 'signal' ? 130 : 1);
          expect(existsSync(join(dir, out))).toBe(false);
          const firstRun = answered.snapshot();
          const firstTotal = answered.total;
          let finished = new Set<string>();
          let listPages = 0;
          if (existsSync(journal)) {
            expect(statSync(journal).mode & 0o777).toBe(0o600);
            expect(readFileSync(journal, 'utf8')).not.toContain(KEY);
            expect(first.stderr).toContain('Continue with: jcgraph fetch --resume ');
            const content = await readJournal(journal);
            if (content.plan) {
              const plan = CollectionPlan.fromFigures({ steps: content.plan });
              finished = new Set([...content.entries.keys()].map((k) => requestKey(plan.collection(k)!)));
            }
            if (how.kind === 'drop') clock.advance(DROP_PAUSE_MS);
            const second = await fetchCli(sim, out, ['--resume']);
            expect(second.code, second.stderr).toBe(0);
          } else {
            // Stopped before any collection was finished: nothing was kept, a plain fetch starts over.
            if (how.kind === 'drop') clock.advance(DROP_PAUSE_MS);
            const second = await fetchCli(sim, out);
            expect(second.code, second.stderr).toBe(0);
          }
          expect(existsSync(journal)).toBe(false);
          expect(canonical((await loadSnapshot(join(dir, out))).tenant)).toBe(clean.tenant);
          // Wasted by the interruption: the first run's list pages, and the pages of the collections it had
          // begun but not finished (in flight). Everything else is read exactly once over both runs.
          let inFlight = 0;
          let inFlightPages = 0;
          for (const [request, pages] of firstRun) {
            if (!request.includes('/associations') && !request.includes('/members') && !request.includes('/memberof')) listPages += pages;
            else if (!finished.has(request)) {
              inFlight += 1;
              inFlightPages += pages;
            }
          }
          expect(inFlight).toBeLessThanOrEqual(2 * CONCURRENCY);
          expect(answered.total - clean.requests).toBeLessThanOrEqual(listPages + inFlightPages);
          expect(answered.total).toBeGreaterThanOrEqual(clean.requests);
          expect(firstTotal).toBeLessThan(clean.requests + listPages);
        });
      }),
      { numRuns: 10 },
    );
    expect(interrupted).toBeGreaterThan(0);
  }, 600_000);

  it('Ctrl-C keeps the journal and says how to resume; the journal is refused for another org, another host or an older format', async () => {
    await withSim({}, async (sim, answered) => {
      const out = fresh('ctrl-c');
      const controller = new AbortController();
      const running = startCli(fetchArgs(sim, out, ['--rate', '200']), { env: { JC_API_KEY: KEY }, cwd: dir, signal: controller.signal });
      const stopping = abortAfterAnswers(() => answered.total, controller);
      const stopped = await running.done;
      clearInterval(stopping);
      expect(stopped.code).toBe(130);
      const journal = join(dir, `${out}.partial`);
      expect(existsSync(journal)).toBe(true);
      expect(stopped.stderr).toMatch(
        /^jcgraph fetch: cancelled\n {2}Nothing was written to .*; the \d+ collections read so far are kept in .*\.partial\.\n {2}Continue with: jcgraph fetch --resume /,
      );

      const before = readFileSync(journal, 'utf8');
      const otherOrg = await cli(['fetch', '--base-url', sim.baseUrl, '--org-id', 'another-org', '--out', out, '--resume'], {
        env: { JC_API_KEY: KEY },
        cwd: dir,
      });
      expect(otherOrg.code).toBe(1);
      expect(otherOrg.stderr).toMatch(/is of organization .*, not organization another-org/);
      const otherHost = await cli(
        ['fetch', '--base-url', sim.baseUrl.replace('127.0.0.1', 'localhost'), '--org-id', sim.orgIds[0]!, '--out', out, '--resume'],
        { env: { JC_API_KEY: KEY }, cwd: dir },
      );
      expect(otherHost.code).toBe(1);
      expect(otherHost.stderr).toMatch(/is of a fetch from http:\/\/127\.0\.0\.1:\d+, not http:\/\/localhost:\d+/);
      // A refused journal is left as it was.
      expect(readFileSync(journal, 'utf8')).toBe(before);
      writeFileSync(journal, before.replace('"version":1', '"version":0'));
      const older = await fetchCli(sim, out, ['--resume']);
      expect(older.code).toBe(1);
      expect(older.stderr).toMatch(/has format version 0; this jcgraph resumes version 1/);
      writeFileSync(journal, before);
      const resumed = await fetchCli(sim, out, ['--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/Resumed: \d+ collections taken from the journal/);
      expect(canonical((await loadSnapshot(join(dir, out))).tenant)).toBe(canonical(sim.tenant()));
      const nothing = await fetchCli(sim, out, ['--resume']);
      expect(nothing.code).toBe(1);
      expect(nothing.stderr).toMatch(/Nothing to resume/);
    });
  }, 120_000);

  it('re-reads the lists: collections of objects gone are dropped (and those naming them read again), new objects are read', async () => {
    const before = generateTenant({ preset: 'small', seed: 12 });
    const out = fresh('changed');
    const answered = new Answered();
    const first = await startSimulator({ tenants: [before], apiKey: KEY, onAnswer: answered.record });
    const port = Number(new URL(first.baseUrl).port);
    const controller = new AbortController();
    const running = startCli(fetchArgs(first, out, ['--rate', '200']), { env: { JC_API_KEY: KEY }, cwd: dir, signal: controller.signal });
    const stopping = abortAfterAnswers(() => answered.total, controller);
    expect((await running.done).code).toBe(130);
    clearInterval(stopping);
    await first.close();
    const content = await readJournal(join(dir, `${out}.partial`));
    // An object whose own collection was finished goes away, with every edge it had; a new user appears.
    const plan = CollectionPlan.fromFigures({ steps: content.plan! });
    const goneKey = [...content.entries.keys()].find(
      (k) => plan.collection(k)?.kind === 'edges' && content.entries.get(k)!.edges.length > 0,
    );
    expect(goneKey).toBeDefined();
    const gone = (plan.collection(goneKey!) as Extract<Collection, { kind: 'edges' }>).source.id;
    const template = before.objects.find((o) => o.type === 'user')!;
    const after: TenantData = {
      orgId: before.orgId,
      objects: [
        ...before.objects.filter((o) => o.id !== gone),
        {
          type: 'user',
          id: 'ffffffffffffffffffffff01',
          record: { ...template.record, _id: 'ffffffffffffffffffffff01', username: 'new.user', email: 'new.user@example.com' },
        },
      ],
      edges: before.edges.filter((e) => e.from.id !== gone && e.to.id !== gone),
    };
    const second = await startSimulator({ tenants: [after], apiKey: KEY, port });
    try {
      const resumed = await cli(fetchArgs(second, out, ['--resume']), { env: { JC_API_KEY: KEY }, cwd: dir });
      expect(resumed.code, resumed.stderr).toBe(0);
      const snapshot = await loadSnapshot(join(dir, out));
      expect(canonical(snapshot.tenant)).toBe(canonical(after));
      expect(snapshot.meta.resumed!.collections).toBeLessThan(content.entries.size);
    } finally {
      await second.close();
    }
  }, 120_000);
});
