/**
 * `jcgraph fetch --since OLD --out NEW`: the summary says how the refresh went (incremental or full and
 * why, events, collections read and carried, the audit and its seed, requests against a full fetch's),
 * NEW is an ordinary snapshot with meta.refresh, and the options that only go with --since are refused
 * without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSnapshot } from '../../src/snapshot/index.ts';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { cli } from './run.ts';

let sim: Simulator;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  sim = await startSimulator({ preset: 'small', seed: 31, churnSeed: 31 });
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-refresh-'));
  env = { JC_API_KEY: sim.apiKey };
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('fetch --since', () => {
  it('refreshes a snapshot incrementally, says what it did, and writes an ordinary snapshot', async () => {
    const old = join(dir, 'old.json');
    const first = await cli(['fetch', '--base-url', sim.baseUrl, '--org-id', sim.orgIds[0]!, '--out', old], { env });
    expect(first.code, first.stderr).toBe(0);
    sim.churn(8);
    const neu = join(dir, 'new.json');
    // --base-url and --org-id default to the snapshot's.
    const r = await cli(['fetch', '--since', old, '--out', neu, '--audit', '5', '--audit-seed', '3'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Refresh: incremental, since the snapshot started /);
    expect(r.stdout).toMatch(/Events from \S+ \(900s before its start\) to \S+: \d+ read, \d+ about the graph\./);
    expect(r.stdout).toMatch(/Edge collections: \d+ read, \d+ carried over; every list read\./);
    expect(r.stdout).toMatch(/Audit of 5 carried-over collections \(--audit-seed 3\): all as carried; /);
    const requests = /Refresh requests: (\d+) \(\d+ for events\); a full fetch would have needed (\d+)\./.exec(r.stdout);
    expect(requests, r.stdout).not.toBeNull();
    expect(Number(requests![1])).toBeLessThan(Number(requests![2]));
    const snapshot = await loadSnapshot(neu);
    expect(snapshot.meta.refresh).toMatchObject({ mode: 'incremental', audit: { size: 5, seed: 3, result: 'same' } });
    expect(snapshot.meta.requests.total).toBe(snapshot.meta.refresh!.requests.total);
    // The refreshed snapshot answers like any other.
    const who = await cli(['findings', '--snapshot', neu, '--json']);
    expect(who.code, who.stderr).toBe(0);

    const json = await cli(['fetch', '--since', neu, '--out', join(dir, 'full.json'), '--full', '--json'], { env });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).refresh).toMatchObject({ mode: 'full', reason: 'a full fetch was asked for (--full)' });
  }, 180_000);

  it('refuses what cannot work, in one sentence', async () => {
    for (const [args, message] of [
      [['--audit', '3'], /--audit goes with --since OLD/],
      [['--full'], /--full goes with --since OLD/],
      [['--since', 'x.json', '--resume'], /--resume .* cannot go with --since/],
      [['--since', 'x.json', '--event-lag', 'soon'], /--event-lag must be a duration/],
      [['--since', join(dir, 'missing.json')], /missing\.json/],
    ] as const) {
      const r = await cli(['fetch', '--out', join(dir, 'x.json'), '--base-url', sim.baseUrl, ...args], { env });
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});
