/**
 * A `jcgraph serve` replica in a process of its own, for the bench: `node --import tsx bench/serve-child.ts '{"snapshot":"/tmp/large.json"}'`.
 * Loads the snapshot and serves it; emits `{baseUrl, apiKey, loadMs}` once it listens; when its stdin
 * closes it emits its peak RSS, closes and exits. The key is the server's throwaway key.
 */
import { AccessGraph } from '../src/graph/index.ts';
import { startServer } from '../src/serve/index.ts';
import { loadSnapshot } from '../src/snapshot/index.ts';
import { emitResult, peakRssMiB, timedAsync } from './harness.ts';

const { snapshot } = JSON.parse(process.argv[2] ?? '{}') as { snapshot: string };
const { ms: loadMs, value: graph } = await timedAsync(async () => AccessGraph.fromTenant((await loadSnapshot(snapshot)).tenant));
const server = await startServer({ graph, source: `snapshot ${snapshot}` });
emitResult({ baseUrl: server.baseUrl, apiKey: server.apiKey, loadMs });
process.stdin.resume();
process.stdin.on('end', () => {
  emitResult({ peakRssMiB: peakRssMiB() });
  void server.close().then(() => process.exit(0));
});
