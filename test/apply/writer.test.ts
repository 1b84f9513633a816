/**
 * The writer client sends nothing but its plan's requests: any other method, URL or body is refused
 * before it leaves (the simulator receives nothing), whether it is asked through `write` or reaches the
 * client's last hook some other way. The read client still refuses every write. A write is retried
 * blindly only when it cannot have taken effect.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, type AttemptFailure, type OutgoingRequest } from '../../src/fetchers/index.ts';
import { WriterClient } from '../../src/apply/index.ts';
import { JcApiError } from '../../src/errors.ts';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import type { PlanRequest } from '../../src/plan/index.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ preset: 'tiny', seed: 3 });
});
afterAll(async () => {
  await sim?.close();
});
beforeEach(() => sim.resetStats());

const ALLOWED: PlanRequest = {
  method: 'POST',
  path: '/api/v2/usergroups/g1/members',
  body: { op: 'remove', type: 'user', id: 'u1' },
};

/** A writer that also lets a test push a request straight at the client's sending path (past `write`'s own check). */
class ProbeWriter extends WriterClient {
  raw(request: OutgoingRequest): Promise<unknown> {
    return this.send(request, `${request.method} ${request.url}`, 'probe');
  }
  policy(request: OutgoingRequest, failure: AttemptFailure): boolean {
    return this.mayRetry(request, failure);
  }
}

/** The read client, pushed the same way. */
class ProbeReader extends ApiClient {
  raw(request: OutgoingRequest): Promise<unknown> {
    return this.send(request, `${request.method} ${request.url}`, 'probe');
  }
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JcApiError);
  return (error as Error).message;
}

describe('the writer client', () => {
  it('refuses, before anything leaves, every request that is not one of the plan’s: method, URL or body', async () => {
    const writer = new ProbeWriter({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, allowed: [ALLOWED] });
    const others: PlanRequest[] = [
      { ...ALLOWED, body: { op: 'remove', type: 'user', id: 'someone-else' } },
      { ...ALLOWED, body: { op: 'add', type: 'user', id: 'u1' } },
      { ...ALLOWED, path: '/api/v2/usergroups/g2/members' },
      { ...ALLOWED, method: 'PUT' },
    ];
    for (const request of others) {
      expect(await refusal(writer.write(request, 'test'))).toMatch(
        /^(POST|PUT) \/api\/v2\/usergroups\/g\d\/members: refused before sending: this request \(with this body\) is not one of the plan's\.$/,
      );
    }
    // Past write's own check, the client's last hook refuses by method and URL.
    const url = `${sim.baseUrl}/api/v2/usergroups/g1/members`;
    for (const request of [
      { method: 'PUT', url },
      { method: 'POST', url: `${sim.baseUrl}/api/v2/systemgroups/g1/members` },
    ] as OutgoingRequest[]) {
      expect(await refusal(writer.raw({ ...request, json: {} }))).toMatch(
        /refused before sending: the writer sends only the plan's requests\.$/,
      );
    }
    expect(sim.stats().requests).toBe(0);
    // The plan's own request does leave (the simulator answers it, whatever it answers), and GETs do.
    await writer.write(ALLOWED, 'test').catch(() => undefined);
    await writer.get('v2', '/usergroups', { limit: 1 }, 'test');
    expect(sim.stats().requests).toBe(2);
  });

  it('the read client keeps refusing every write', async () => {
    const reader = new ProbeReader({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });
    for (const method of ['POST', 'PUT'] as const) {
      expect(await refusal(reader.raw({ method, url: `${sim.baseUrl}/api/v2/usergroups/g1/members`, json: ALLOWED.body }))).toMatch(
        /jcgraph only ever sends GET requests \(and Directory Insights' read-only events query\)\.$/,
      );
    }
    expect(sim.stats().requests).toBe(0);
  });

  it('retries a write blindly only when it cannot have taken effect; reads as the read client does', () => {
    const writer = new ProbeWriter({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, allowed: [ALLOWED] });
    const write: OutgoingRequest = { method: 'POST', url: `${sim.baseUrl}/api/v2/usergroups/g1/members`, json: ALLOWED.body };
    const read: OutgoingRequest = { method: 'GET', url: `${sim.baseUrl}/api/v2/usergroups` };
    const cases: [AttemptFailure, boolean, boolean][] = [
      // failure, write retried, read retried
      [{ outcome: 'network', retryable: true, unsent: true }, true, true],
      [{ outcome: 429, retryable: true }, true, true],
      [{ outcome: 429, retryable: true, retryAfterMs: 1000 }, true, true],
      [{ outcome: 503, retryable: true, retryAfterMs: 1000 }, true, true],
      [{ outcome: 503, retryable: true }, false, true],
      [{ outcome: 500, retryable: true }, false, true],
      [{ outcome: 'network', retryable: true }, false, true],
      [{ outcome: 'timeout', retryable: true }, false, true],
      [{ outcome: 'truncated', retryable: true }, false, true],
      [{ outcome: 404, retryable: false }, false, false],
      [{ outcome: 409, retryable: false }, false, false],
      [{ outcome: 403, retryable: false }, false, false],
    ];
    for (const [failure, writeRetried, readRetried] of cases) {
      expect(writer.policy(write, failure), `write after ${JSON.stringify(failure)}`).toBe(writeRetried);
      expect(writer.policy(read, failure), `read after ${JSON.stringify(failure)}`).toBe(readRetried);
    }
  });
});
