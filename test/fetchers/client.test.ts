import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, checkApiUrl, parseRetryAfter } from '../../src/fetchers/client.ts';
import { ConfigError, JcApiError } from '../../src/errors.ts';

const KEY = 'test-key-0123456789abcdef';

/** A loopback server whose answers are scripted per path: each call takes the next answer. */
let server: Server;
let base: string;
const scripts = new Map<string, ((req: IncomingMessage, res: ServerResponse) => void)[]>();
const seen: { method: string; url: string; key: string | undefined; org: string | undefined }[] = [];

function script(path: string, ...answers: ((req: IncomingMessage, res: ServerResponse) => void)[]): void {
  scripts.set(path, answers);
}
const ok = (body: unknown) => (_: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const status =
  (code: number, headers: Record<string, string> = {}) =>
  (_: IncomingMessage, res: ServerResponse) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ code, message: `echo ${KEY}` }));
  };

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      key: req.headers['x-api-key'] as string | undefined,
      org: req.headers['x-org-id'] as string | undefined,
    });
    const path = (req.url ?? '').split('?')[0]!;
    const answers = scripts.get(path) ?? [];
    const next = answers.length > 1 ? answers.shift()! : answers[0];
    if (next) next(req, res);
    else status(404)(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (extra: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) =>
  new ApiClient({ apiKey: KEY, baseUrl: base, backoffMs: 5, ...extra });

/**
 * Runs `test` with the clock held still (setTimeout and performance.now faked) while sockets stay real, and
 * notes the (fake) time at which the client sends each request. The client's waits are timers, so a wait is
 * shown by what has not been sent before the test moves the clock, never by how long a run took.
 */
async function withHeldClock(test: (sentAt: readonly number[]) => Promise<void>): Promise<void> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  const sentAt: number[] = [];
  const send = globalThis.fetch;
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((...args: Parameters<typeof fetch>) => {
    sentAt.push(performance.now());
    return send(...args);
  });
  try {
    await test(sentAt);
  } finally {
    spy.mockRestore();
    vi.useRealTimers();
  }
}

/** Lets real I/O run (the clock standing still) until `done()` holds. */
async function ioUntil(done: () => boolean): Promise<void> {
  while (!done()) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('checkApiUrl', () => {
  it('accepts the JumpCloud hosts over https and loopback over http', () => {
    for (const url of [
      'https://console.jumpcloud.com',
      'https://console.eu.jumpcloud.com',
      'https://console.in.jumpcloud.com',
      'http://127.0.0.1:4010',
      'http://localhost:1',
      'http://[::1]:8080',
    ]) {
      expect(() => checkApiUrl(url)).not.toThrow();
    }
  });
  it('refuses plain http to any other host, and hosts that are not JumpCloud', () => {
    expect(() => checkApiUrl('http://console.jumpcloud.com')).toThrow(ConfigError);
    expect(() => checkApiUrl('http://10.0.0.1:80')).toThrow(/over https/);
    expect(() => checkApiUrl('https://evil.example.com')).toThrow(/not a JumpCloud API host/);
    expect(() => checkApiUrl('not a url')).toThrow(ConfigError);
  });
  it('refuses a missing key', () => {
    expect(() => new ApiClient({ apiKey: '', baseUrl: base })).toThrow(/No API key/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
  });
});

describe('ApiClient', () => {
  it('sends GET with the key and org headers under /api and /api/v2', async () => {
    script('/api/v2/usergroups', ok([]));
    seen.length = 0;
    const c = client({ orgId: 'org-7' });
    const response = await c.get('v2', '/usergroups', { limit: 100, skip: 0 }, 'list');
    expect(response.body).toEqual([]);
    expect(seen).toEqual([{ method: 'GET', url: '/api/v2/usergroups?limit=100&skip=0', key: KEY, org: 'org-7' }]);
  });

  it('fails at once on 401, naming the request and never the key', async () => {
    script('/api/systemusers', status(401));
    seen.length = 0;
    const error = await client()
      .get('v1', '/systemusers', { limit: 100 }, 'list')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JcApiError);
    expect((error as JcApiError).status).toBe(401);
    expect((error as JcApiError).endpoint).toBe('GET /api/systemusers?limit=100');
    expect((error as Error).message).toMatch(/API key was refused/);
    expect((error as Error).message).not.toContain(KEY);
    expect(seen.length).toBe(1);
  });

  it('honours Retry-After on 429, pausing every request', async () => {
    await withHeldClock(async (sentAt) => {
      script('/api/v2/a', status(429, { 'retry-after': '1' }), ok([1]));
      const c = client();
      const answered = c.get('v2', '/a', {}, 's');
      await ioUntil(() => c.stats.retries === 1); // the 429 is in: the client waits
      await vi.advanceTimersByTimeAsync(999);
      expect(sentAt).toHaveLength(1); // nothing sent 1 ms before the second the server asked for
      await vi.advanceTimersByTimeAsync(1);
      expect((await answered).body).toEqual([1]);
      expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(1000);
      expect(c.stats).toMatchObject({ requests: 2, retries: 1, throttled: 1, byOutcome: { '429': 1, '200': 1 } });
    });
  });

  it('retries 5xx, resets, timeouts and bodies that are not JSON', async () => {
    script(
      '/api/v2/b',
      status(503),
      status(502),
      (_req, res) => res.socket?.destroy(),
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"trunc');
      },
      (_req, res) => setTimeout(() => ok(['late'])(_req, res), 400),
      ok(['fine']),
    );
    const c = client({ timeoutMs: 200, maxAttempts: 10 });
    expect((await c.get('v2', '/b', {}, 's')).body).toEqual(['fine']);
    expect(c.stats.byOutcome).toMatchObject({ '503': 1, '502': 1, network: 1, malformed: 1, timeout: 1, '200': 1 });
  });

  it('times out a body that stalls half way (the timeout covers the whole answer), and retries a body cut short', async () => {
    const stalled: ServerResponse[] = [];
    script(
      '/api/v2/stall',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('[{"id":');
        stalled.push(res); // never ends
      },
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('[{"id":', () => res.socket?.destroy());
      },
      ok(['whole']),
    );
    const c = client({ timeoutMs: 300, maxAttempts: 5 });
    // A stall the timeout did not cover would hold the request for ever (this test's own timeout).
    expect((await c.get('v2', '/stall', {}, 's')).body).toEqual(['whole']);
    expect(c.stats.byOutcome).toMatchObject({ timeout: 1, truncated: 1, '200': 1 });
    for (const res of stalled) res.destroy();
  });

  it('fails at once, without retrying, when the request cannot be made (an API key that is not a header value)', async () => {
    expect(() => client({ apiKey: 'abc\ndef-0123456789' })).toThrow(ConfigError);
    expect(() => client({ apiKey: 'abc\ndef-0123456789' })).toThrow(/line break at character 4 of 18/);
    expect(() => client({ apiKey: 'abc\ndef-0123456789' })).not.toThrow(/abc|def/);
    // A trailing newline (a key file read whole) is not part of the key.
    expect(() => client({ apiKey: `${KEY}\n` })).not.toThrow();
  });

  it('gives up with a JcApiError naming the cause when the retry budget is spent', async () => {
    script('/api/v2/c', status(500));
    const error = await client({ retryBudget: 2 })
      .get('v2', '/c', {}, 's')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JcApiError);
    expect((error as Error).message).toMatch(/GET \/api\/v2\/c failed: HTTP 500.*retry budget of 2/);
    expect((error as Error).message).not.toContain(KEY);
  });

  it('fails other 4xx at once', async () => {
    script('/api/v2/d', status(400));
    seen.length = 0;
    await expect(client().get('v2', '/d', {}, 's')).rejects.toThrow(/HTTP 400/);
    expect(seen.length).toBe(1);
  });

  it('never exceeds the configured rate', async () => {
    await withHeldClock(async (sentAt) => {
      script('/api/v2/e', ok([]));
      const c = client({ rate: 20, concurrency: 8 });
      const all = Promise.all(Array.from({ length: 21 }, () => c.get('v2', '/e', {}, 's')));
      // Twenty are sent and answered at once; the twenty-first waits for the first one's second to pass.
      await ioUntil(() => c.stats.requests === 20);
      await vi.advanceTimersByTimeAsync(999);
      expect(sentAt).toHaveLength(20);
      await vi.advanceTimersByTimeAsync(1);
      await all;
      expect(sentAt).toHaveLength(21);
      expect(sentAt[20]! - sentAt[0]!).toBeGreaterThanOrEqual(1000);
    });
  });
});
