/**
 * A simulator in a process of its own, for the bench: `node --import tsx bench/sim-child.ts '{"preset":"xl","seed":1,"rate":300}'`.
 * Emits `{baseUrl, apiKey}` once it listens; when its stdin closes it emits its request counts and peak
 * RSS, closes and exits. The key is the simulator's throwaway key, passed to the parent only.
 */
import { startSimulator, type SimulatorOptions } from '../src/simulator/index.ts';

type SimulatorFaults = NonNullable<SimulatorOptions['faults']>;
import { emitResult, peakRssMiB, timedAsync } from './harness.ts';
import type { SimChildOptions } from './harness.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as SimChildOptions;
const { ms: startMs, value: sim } = await timedAsync(() =>
  startSimulator({
    preset: options.preset,
    seed: options.seed,
    ...(options.rate !== undefined ? { rate: options.rate } : {}),
    ...(options.allowChanges ? { allowChanges: true } : {}),
    ...(options.faults ? { faults: options.faults as SimulatorFaults } : {}),
  }),
);
emitResult({ baseUrl: sim.baseUrl, apiKey: sim.apiKey });
process.stdin.resume();
process.stdin.on('end', () => {
  const stats = sim.stats();
  emitResult({ requests: stats.requests, byStatus: stats.byStatus, maxRssMiB: peakRssMiB(), startMs });
  void sim.close().then(() => process.exit(0));
});
