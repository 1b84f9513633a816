/**
 * The watch phase of the bench: what a cycle of `jcgraph watch` costs when nothing happened, and how long a
 * change takes to become its JSON line.
 *
 *   node --import tsx bench/phases.ts watch '{"preset":"large","seed":1}'
 *
 * The simulator runs in a process of its own (bench/sim-child.ts), as JumpCloud would be elsewhere: the
 * time it takes to serve the refresh is not the watch's CPU. It shows each Directory Insights event
 * EVENT_LAG_S seconds after its change (its `events-lag` fault), and the watch runs every EVERY_MS with
 * that lag. Changes are posted to its change door, over HTTP. Figures:
 * - watchIdleRequestsPerCycle: the requests of a cycle with no new event (target ≤ 1 + K, K the
 *   collections the rolling audit reads per cycle);
 * - watchDetectSeconds: from a membership posted to the simulator to the Compliance Finding the watch
 *   writes for the violation it opens (target ≤ the interval + the event lag).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchTenant } from '../src/fetchers/index.ts';
import { AccessGraph, answer } from '../src/graph/index.ts';
import { parseRuleFile } from '../src/rules/index.ts';
import type { PresetName } from '../src/simulator/index.ts';
import { saveSnapshot } from '../src/snapshot/index.ts';
import { watch, type WatchLine } from '../src/watch/index.ts';
import { peakRssMiB, startSimChild } from './harness.ts';
import { post } from './refresh.ts';

export interface WatchBenchOptions {
  readonly preset: PresetName;
  readonly seed: number;
}

export interface WatchBenchFigures {
  readonly collections: number;
  readonly auditPerCycle: number;
  /** Requests of a cycle with no new event (target ≤ 1 + auditPerCycle). */
  readonly watchIdleRequestsPerCycle: number;
  readonly idleTarget: number;
  /** From the change to its line, in seconds (target ≤ everySeconds + eventLagSeconds). */
  readonly watchDetectSeconds: number;
  readonly detectTargetSeconds: number;
  readonly everySeconds: number;
  readonly eventLagSeconds: number;
  readonly peakRssMiB: number;
}

const K = 10;
const EVERY_MS = 2_000;
const EVENT_LAG_S = 1;
const USER = 'bbbbbbbbbbbbbbbbbbbb0001';
const GROUP = 'bbbbbbbbbbbbbbbbbbbb0002';

export async function runWatchBench(options: WatchBenchOptions): Promise<WatchBenchFigures> {
  const sim = await startSimChild({
    preset: options.preset,
    seed: options.seed,
    allowChanges: true,
    faults: { 'events-lag': EVENT_LAG_S },
  });
  const change = (changes: unknown[]): Promise<unknown> => post(sim.baseUrl, sim.apiKey, { changes });
  const dir = await mkdtemp(join(tmpdir(), 'jcgraph-bench-watch-'));
  try {
    // A user with no access of its own; the simulator's rules put it in groups (All Staff, its department's).
    await change([{ kind: 'create', type: 'user', id: USER, record: { username: 'bench.watched', email: 'bench@example.com' } }]);
    const path = join(dir, 'watched.json');
    const { tenant, meta } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });
    await saveSnapshot(path, { meta, tenant });
    // A static group bound to a system the user does not reach: adding the user to the group opens a
    // violation of a rule that keeps them apart. The watch's first refresh takes this set-up in.
    const reached = new Set(answer(AccessGraph.fromTenant(tenant), `/users/${USER}/systems`).map((s) => s.id));
    const system = tenant.objects.find((o) => o.type === 'system' && !reached.has(o.id))!;
    await change([
      { kind: 'create', type: 'user_group', id: GROUP, record: { name: 'Bench Watched Group' } },
      { kind: 'associate', a: { type: 'user_group', id: GROUP }, b: { type: 'system', id: system.id } },
    ]);
    const rules = parseRuleFile(
      `version: 1\nrules:\n  - { id: keep-out, title: Keep out, kind: forbid, subjects: { id: "${USER}" }, resources: { id: "${system.id}" } }\n`,
      'bench-watch.yaml',
    );

    const stop = new AbortController();
    let collections = 0;
    let setUp = false;
    let idleRequests: number | undefined;
    let changedAt: number | undefined;
    let detectedAt: number | undefined;
    let failure: Error | undefined;
    const emit = (line: WatchLine): void => {
      if (line['jcgraph'] === 'watching') collections = line['collections'] as number;
      if (line['jcgraph'] === 'cycle' && line['mode'] !== 'idle') setUp = true;
      if (line['jcgraph'] === 'cycle' && line['mode'] === 'idle' && setUp && changedAt === undefined) {
        // The set-up is taken in: nothing new now. The first idle cycle after it is the figure, then the change.
        idleRequests = line['requests'] as number;
        changedAt = performance.now();
        change([{ kind: 'add-member', group: { type: 'user_group', id: GROUP }, member: { type: 'user', id: USER } }]).catch(
          (error: unknown) => {
            failure = error instanceof Error ? error : new Error(String(error));
            stop.abort();
          },
        );
      }
      if (line['class_uid'] === 2003 && changedAt !== undefined && detectedAt === undefined) {
        detectedAt = performance.now();
        stop.abort();
      }
    };
    await watch({
      snapshot: path,
      apiKey: sim.apiKey,
      baseUrl: sim.baseUrl,
      rules,
      everyMs: EVERY_MS,
      eventLagMs: EVENT_LAG_S * 1000,
      auditPerCycle: K,
      signal: stop.signal,
      productVersion: 'bench',
      emit,
    });
    if (failure) throw failure;
    if (idleRequests === undefined || changedAt === undefined || detectedAt === undefined)
      throw new Error('the watch bench saw no idle cycle or no line for its change');
    return {
      collections,
      auditPerCycle: K,
      watchIdleRequestsPerCycle: idleRequests,
      idleTarget: 1 + K,
      watchDetectSeconds: (detectedAt - changedAt) / 1000,
      detectTargetSeconds: EVERY_MS / 1000 + EVENT_LAG_S,
      everySeconds: EVERY_MS / 1000,
      eventLagSeconds: EVENT_LAG_S,
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
