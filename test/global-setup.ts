/**
 * Once per test run: an incremental build of dist/ (so that tests which run the real `jcgraph` command
 * run the code under test), the Chromium for browser tests, one simulator (tiny preset, seed 1), Prism proxies validating the v2 and v1 specs in
 * front of it, and dynamic Prism mocks of the v2 and v1 specs. Tests read their URLs and the simulator's key
 * with `inject(…)`. The Prisms load in the background (tens of seconds) so that test files that do not
 * need them are not held up; a test that does calls `waitForPrism(inject('prismStatusFile'), name)`.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { build } from '../scripts/build.mjs';
import { startSimulator } from '../src/simulator/index.ts';
import { startPrism, type PrismProcess, type PrismStatus } from './helpers/prism.ts';
import { V1_SPEC_PATH, V2_SPEC_PATH } from './helpers/spec.ts';
import { resolveChromium } from './helpers/chromium.ts';
import { startUpstreamSwitch } from './helpers/upstream-switch.ts';

export const GLOBAL_SIM = { preset: 'tiny', seed: 1 } as const;

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared simulator (preset GLOBAL_SIM.preset, seed GLOBAL_SIM.seed): console root URL. */
    simBaseUrl: string;
    /** The shared simulator's throwaway API key. */
    simApiKey: string;
    simPreset: 'tiny';
    simSeed: number;
    /**
     * Prism proxy validating against the v2 spec, upstream `${simBaseUrl}/api/v2` (v2 paths at its root);
     * a request with the UPSTREAM_HEADER of helpers/upstream-switch.ts goes to that server instead.
     */
    prismV2ProxyUrl: string;
    /** Prism proxy validating against the v1 spec, upstream `${simBaseUrl}/api` (v1 paths at its root); UPSTREAM_HEADER as above. */
    prismV1ProxyUrl: string;
    /** `prism mock -d` of the v2 spec (v2 paths at its root). */
    prismV2MockUrl: string;
    /** `prism mock -d` of the v1 spec (v1 paths at its root); it loads in a few seconds. */
    prismV1MockUrl: string;
    /** JSON PrismStatus file: 'starting' | 'ready' | {failed} per name (prismV2Proxy, prismV1Proxy, prismV2Mock, prismV1Mock). */
    prismStatusFile: string;
    /** The Chromium binary for browser tests (test/helpers/browser.ts). */
    chromiumPath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  build({ clean: false });
  project.provide('chromiumPath', await resolveChromium());
  const sim = await startSimulator({ preset: GLOBAL_SIM.preset, seed: GLOBAL_SIM.seed });
  const upstream = await startUpstreamSwitch(sim.baseUrl);
  const dir = await mkdtemp(join(tmpdir(), 'jcgraph-prism-'));
  const statusFile = join(dir, 'status.json');
  const processes: Record<string, PrismProcess> = {
    prismV2Proxy: await startPrism({ mode: 'proxy', spec: V2_SPEC_PATH, upstream: `${upstream.url}/api/v2` }),
    prismV1Proxy: await startPrism({ mode: 'proxy', spec: V1_SPEC_PATH, upstream: `${upstream.url}/api` }),
    prismV2Mock: await startPrism({ mode: 'mock', spec: V2_SPEC_PATH, dynamic: true }),
    prismV1Mock: await startPrism({ mode: 'mock', spec: V1_SPEC_PATH, dynamic: true }),
  };
  const status: PrismStatus = Object.fromEntries(Object.keys(processes).map((name) => [name, 'starting']));
  let writes = writeFile(statusFile, JSON.stringify(status));
  const report = (name: string, state: PrismStatus[string]): void => {
    status[name] = state;
    const text = JSON.stringify(status);
    // Written aside then renamed, so a worker never reads half a file.
    writes = writes.then(() => writeFile(`${statusFile}.tmp`, text)).then(() => rename(`${statusFile}.tmp`, statusFile));
  };
  for (const [name, p] of Object.entries(processes)) {
    p.ready.then(() => report(name, 'ready'), (e: Error) => report(name, { failed: e.message }));
  }
  await writes;

  project.provide('simBaseUrl', sim.baseUrl);
  project.provide('simApiKey', sim.apiKey);
  project.provide('simPreset', GLOBAL_SIM.preset);
  project.provide('simSeed', GLOBAL_SIM.seed);
  project.provide('prismV2ProxyUrl', processes['prismV2Proxy']!.url);
  project.provide('prismV1ProxyUrl', processes['prismV1Proxy']!.url);
  project.provide('prismV2MockUrl', processes['prismV2Mock']!.url);
  project.provide('prismV1MockUrl', processes['prismV1Mock']!.url);
  project.provide('prismStatusFile', statusFile);

  return async () => {
    await Promise.all(Object.values(processes).map((p) => p.stop()));
    await upstream.close();
    await sim.close();
    await writes.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
}
