/**
 * A forwarding hop between the shared Prism proxies (test/global-setup.ts) and what they validate: by
 * default the shared simulator, or, for a request carrying `x-jcgraph-test-upstream: http://127.0.0.1:PORT`,
 * that loopback server instead. Prism passes request headers upstream, so one pair of proxies (the v2 spec
 * takes tens of seconds to load) can validate any server a test starts, such as a `jcgraph serve` replica.
 *
 *   fetch(`${inject('prismV2ProxyUrl')}/usergroups`, { headers: { 'x-api-key': key, [UPSTREAM_HEADER]: replica.baseUrl } })
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const UPSTREAM_HEADER = 'x-jcgraph-test-upstream';

export interface UpstreamSwitch {
  /** `http://127.0.0.1:PORT`: give Prism `${url}/api/v2` (or `/api`) as its upstream. */
  readonly url: string;
  close(): Promise<void>;
}

function origin(value: string | string[] | undefined, fallback: string): URL | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const url = new URL(text ?? fallback);
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost') ? url : undefined;
}

export async function startUpstreamSwitch(defaultOrigin: string): Promise<UpstreamSwitch> {
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const target = origin(req.headers[UPSTREAM_HEADER], defaultOrigin);
    if (!target) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`${UPSTREAM_HEADER} must be a loopback http origin`);
      return;
    }
    const headers = Object.fromEntries(Object.entries({ ...req.headers, host: target.host }).filter(([name]) => name !== UPSTREAM_HEADER));
    const out = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream ${target.origin} failed: ${e.message}`);
    });
    req.pipe(out);
  };
  const server = createServer(forward);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok, fail) => {
        server.close((e) => (e ? fail(e) : ok()));
        server.closeAllConnections();
      }),
  };
}
