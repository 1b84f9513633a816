/**
 * A recording proxy in front of the shared Prism mocks (test/global-setup.ts starts `prism mock -d` of the
 * v1 and v2 specs once per run): the fetchers need both, v1 for users, systems, applications, commands and
 * RADIUS servers, v2 for the rest. The proxy records every answer so the contract test can check what the
 * fetcher reported against what the mock actually sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { waitForPrism } from '../helpers/prism.ts';
export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

/** A loopback proxy in front of a mock, recording every exchange. */
async function recordingProxy(target: string, log: Recorded[]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => void relay(req, res));
  async function relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host') headers[k] = v;
    let upstream: Response;
    let body: string;
    try {
      upstream = await fetch(target + (req.url ?? ''), { method: req.method ?? 'GET', headers });
      body = await upstream.text();
    } catch {
      // The mock went away (the test is over, or a cancelled crawl left requests behind).
      res.destroy();
      return;
    }
    log.push({ method: req.method ?? '', url: req.url ?? '', status: upstream.status, body });
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (k === 'content-type' || k === 'x-total-count' || k === 'retry-after') out[k] = v;
    });
    res.writeHead(upstream.status, out);
    res.end(body);
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export interface PrismPair {
  readonly v1: string;
  readonly v2: string;
  readonly log: Recorded[];
  close(): Promise<void>;
}

export async function startPrismPair(): Promise<PrismPair> {
  const status = inject('prismControlUrl');
  await Promise.all([waitForPrism(status, 'prismV1Mock'), waitForPrism(status, 'prismV2Mock')]);
  const log: Recorded[] = [];
  const [p1, p2] = await Promise.all([recordingProxy(inject('prismV1MockUrl'), log), recordingProxy(inject('prismV2MockUrl'), log)]);
  return {
    v1: p1.url,
    v2: p2.url,
    log,
    async close() {
      await Promise.all([p1, p2].map((p) => new Promise<void>((r) => p.server.close(() => r()))));
    },
  };
}
