/**
 * Prism mocks for the fetchers' contract test, behind a recording proxy. The shared global setup starts
 * one v2 mock; the fetchers also need the v1 lists (users, systems, applications, commands, RADIUS), so this
 * helper starts its own pair (v1 and v2 specs), each on a free loopback port, and records every answer
 * so the test can check what the fetcher reported against what the mock actually sent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { V1_SPEC_PATH, V2_SPEC_PATH } from '../helpers/spec.ts';

export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function startPrism(spec: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const bin = resolve(import.meta.dirname, '../../node_modules/.bin/prism');
  const child = spawn(bin, ['mock', '-d', '-h', '127.0.0.1', '-p', String(port), spec], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((ok, fail) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`prism did not start within 150 s:\n${log.slice(-2000)}`)), 150_000);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes('Prism is listening')) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`prism exited with ${code}:\n${log.slice(-2000)}`));
    });
  });
  // Keep draining its log so the pipe never fills.
  child.stdout!.resume();
  child.stderr!.resume();
  return { url: `http://127.0.0.1:${port}`, child };
}

/** A loopback proxy in front of a mock, recording every exchange. */
async function recordingProxy(target: string, log: Recorded[]): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
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
  });
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
  const [m1, m2] = await Promise.all([startPrism(V1_SPEC_PATH), startPrism(V2_SPEC_PATH)]);
  const log: Recorded[] = [];
  const [p1, p2] = await Promise.all([recordingProxy(m1.url, log), recordingProxy(m2.url, log)]);
  return {
    v1: p1.url,
    v2: p2.url,
    log,
    async close() {
      for (const child of [m1.child, m2.child]) child.kill('SIGTERM');
      await Promise.all([p1, p2].map((p) => new Promise<void>((r) => p.server.close(() => r()))));
    },
  };
}
