/**
 * The API key never leaves the process except in `x-api-key`: not on stdout or stderr, not in the
 * snapshot, not in a temporary file, not in an error or progress event. A wrong key fails at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/command.ts';
import { fetchTenant } from '../../src/fetchers/index.ts';
import { loadSnapshot } from '../../src/snapshot/index.ts';
import { withSimulator } from '../helpers/sim.ts';
import { canonical } from './sim-view.ts';

const KEY = 'jcgraph-KEY-SAFETY-7f3a9c21e4b8d605';
const dir = mkdtempSync(join(tmpdir(), 'jcgraph-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function captureIo(env: Record<string, string>, tty = false): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (c: string) => (out += c), isTTY: false },
    stderr: { write: (c: string) => (err += c), isTTY: tty },
    stdin: Readable.from([]),
    env,
    signal: new AbortController().signal,
    cwd: dir,
    out: () => out,
    err: () => err,
  };
}

/** Every file under `root`, gzipped ones also decompressed, as text. */
function allFileText(root: string): string {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => {
      const bytes = readFileSync(join(d.parentPath, d.name));
      return bytes.toString('latin1') + (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : '');
    })
    .join('\n');
}

describe('API key safety', () => {
  it('never writes the key: CLI output, progress, snapshot files and temporary files', async () => {
    await withSimulator({ preset: 'tiny', seed: 4, apiKey: KEY, orgs: 2 }, async (sim) => {
      const io = captureIo({ JC_API_KEY: KEY }, true);
      const code = await main(['fetch', '--base-url', sim.baseUrl, '--org-id', sim.orgIds[0]!, '--org-id', sim.orgIds[1]!, '--out', `${dir}/{org}.json.gz`], io);
      expect(io.err()).not.toMatch(/error/i);
      expect(code).toBe(0);
      // The TTY got the plan and a live line; stdout the summaries.
      expect(io.err()).toContain('first-page requests');
      expect(io.err()).toMatch(/requests · \d+ retries/);
      expect(io.out()).toContain(`Wrote ${dir}/${sim.orgIds[1]}.json.gz`);
      for (const org of sim.orgIds) {
        const snapshot = await loadSnapshot(join(dir, `${org}.json.gz`));
        expect(canonical(snapshot.tenant) === canonical(sim.tenant(org))).toBe(true);
      }
      const json = captureIo({ JUMPCLOUD_API_KEY: KEY });
      expect(await main(['fetch', '--base-url', sim.baseUrl, '--out', 'plain.json', '--json'], json)).toBe(0);
      expect(JSON.parse(json.out()).plan.plannedRequests).toBeGreaterThan(0);
      expect(json.err()).toBe(''); // quiet for scripts

      // The library: result, progress events and errors.
      const events: unknown[] = [];
      const result = await fetchTenant({ apiKey: KEY, baseUrl: sim.baseUrl, onProgress: (p) => events.push(p) });
      const everything = [io.out(), io.err(), json.out(), json.err(), allFileText(dir), JSON.stringify(result), JSON.stringify(events)];
      for (const text of everything) expect(text).not.toContain(KEY);
      // The search is not vacuous: the snapshots and the output hold what a fetch writes.
      expect(allFileText(dir)).toContain(sim.orgIds[1]);
      expect(everything.join('').length).toBeGreaterThan(10_000);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  }, 120_000);

  it('fails at once on a wrong key: one line, exit 1, no retries, no file', async () => {
    await withSimulator({ preset: 'small', seed: 4, apiKey: KEY }, async (sim) => {
      const wrong = `${KEY}-wrong`;
      const io = captureIo({ JC_API_KEY: wrong });
      const t0 = performance.now();
      const code = await main(['fetch', '--base-url', sim.baseUrl, '--out', 'wrong.json'], io);
      expect(code).toBe(1);
      expect(performance.now() - t0).toBeLessThan(3000);
      const lines = io.err().split('\n').filter((l) => l.length > 0);
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(/^jcgraph fetch: GET \/api\S* failed: the API key was refused \(401 Unauthorized\)/);
      expect(io.err() + io.out()).not.toContain(KEY);
      // At most the first wave of list requests, each sent once.
      const stats = sim.stats();
      expect(Object.keys(stats.byStatus)).toEqual(['401']);
      expect(stats.requests).toBeLessThanOrEqual(14);
      expect(readdirSync(dir).some((f) => f.startsWith('wrong') || f.includes('wrong.json'))).toBe(false);
    });
  });

  it('refuses to run without a key, and with several orgs but one output file', async () => {
    const io = captureIo({});
    expect(await main(['fetch', '--out', 'x.json'], io)).toBe(1);
    expect(io.err()).toMatch(/No API key: set JC_API_KEY/);
    const io2 = captureIo({ JC_API_KEY: KEY });
    expect(await main(['fetch', '--out', 'x.json', '--org-id', 'a', '--org-id', 'b'], io2)).toBe(2);
    expect(io2.err()).toMatch(/--out must contain \{org\} or name a directory/);
  });
});
