/**
 * Once per test run: an incremental build of dist/ when src/ changed since the last one (so that tests which run the real `jcgraph` command
 * run the code under test), the Chromium for browser tests, one simulator (tiny preset, seed 1), and, on
 * demand, Prism proxies validating the v2 and v1 specs in front of it and dynamic Prism mocks of the v2 and
 * v1 specs. Tests read their URLs and the simulator's key with `inject(…)`. A Prism takes tens of seconds
 * of CPU to load its spec, so each starts only when a test first calls
 * `waitForPrism(inject('prismControlUrl'), name)`, which resolves once it listens at its injected URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { buildIfStale } from '../scripts/build.mjs';
import { startSimulator } from '../src/simulator/index.ts';
import { freePort, startPrism, type PrismProcess, type PrismSpec } from './helpers/prism.ts';
import { V1_SPEC_PATH, V2_SPEC_PATH } from './helpers/spec.ts';
import { resolveChromium } from './helpers/chromium.ts';
import { startUpstreamSwitch } from './helpers/upstream-switch.ts';

export const GLOBAL_SIM = { preset: 'tiny', seed: 1 } as const;

const PRISM_NAMES = ['prismV2Proxy', 'prismV1Proxy', 'prismV2Mock', 'prismV1Mock'] as const;
type PrismName = (typeof PRISM_NAMES)[number];

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
    /** Where `waitForPrism(url, name)` asks for a Prism (prismV2Proxy, prismV1Proxy, prismV2Mock, prismV1Mock) to be started. */
    prismControlUrl: string;
    /** The Chromium binary for browser tests (test/helpers/browser.ts). */
    chromiumPath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildIfStale();
  project.provide('chromiumPath', await resolveChromium());
  const sim = await startSimulator({ preset: GLOBAL_SIM.preset, seed: GLOBAL_SIM.seed });
  const upstream = await startUpstreamSwitch(sim.baseUrl);
  const specs: Record<PrismName, PrismSpec> = {
    prismV2Proxy: { mode: 'proxy', spec: V2_SPEC_PATH, upstream: `${upstream.url}/api/v2` },
    prismV1Proxy: { mode: 'proxy', spec: V1_SPEC_PATH, upstream: `${upstream.url}/api` },
    prismV2Mock: { mode: 'mock', spec: V2_SPEC_PATH, dynamic: true },
    prismV1Mock: { mode: 'mock', spec: V1_SPEC_PATH, dynamic: true },
  };
  // Ports are chosen now so that the URLs can be injected before any Prism runs.
  const ports = {} as Record<PrismName, number>;
  for (const name of PRISM_NAMES) ports[name] = await freePort();
  const started = new Map<PrismName, Promise<PrismProcess>>();
  const start = (name: PrismName): Promise<PrismProcess> => {
    let p = started.get(name);
    if (!p) {
      p = startPrism(specs[name], ports[name]);
      started.set(name, p);
    }
    return p;
  };

  const control = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1)) as PrismName;
    if (!PRISM_NAMES.includes(name)) {
      res.writeHead(404).end(`no Prism named ${name}`);
      return;
    }
    start(name)
      .then((p) => p.ready)
      .then(
        () => res.writeHead(200).end('ready'),
        (e: unknown) => res.writeHead(500).end(e instanceof Error ? e.message : String(e)),
      );
  });
  control.requestTimeout = 0;
  await new Promise<void>((ok) => control.listen(0, '127.0.0.1', ok));

  project.provide('simBaseUrl', sim.baseUrl);
  project.provide('simApiKey', sim.apiKey);
  project.provide('simPreset', GLOBAL_SIM.preset);
  project.provide('simSeed', GLOBAL_SIM.seed);
  project.provide('prismV2ProxyUrl', `http://127.0.0.1:${ports.prismV2Proxy}`);
  project.provide('prismV1ProxyUrl', `http://127.0.0.1:${ports.prismV1Proxy}`);
  project.provide('prismV2MockUrl', `http://127.0.0.1:${ports.prismV2Mock}`);
  project.provide('prismV1MockUrl', `http://127.0.0.1:${ports.prismV1Mock}`);
  project.provide('prismControlUrl', `http://127.0.0.1:${(control.address() as AddressInfo).port}`);

  return async () => {
    control.closeAllConnections();
    await new Promise((ok) => control.close(ok));
    const processes = await Promise.allSettled(started.values());
    await Promise.all(processes.map((p) => (p.status === 'fulfilled' ? p.value.stop() : Promise.resolve())));
    await upstream.close();
    await sim.close();
  };
}
