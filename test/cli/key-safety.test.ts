/**
 * The API key never leaves the process except in `x-api-key`: not on stdout or stderr, not in the
 * snapshot, not in a temporary file, not in an error or progress event. A wrong key fails at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fetchTenant } from '../../src/fetchers/index.ts';
import { loadSnapshot } from '../../src/snapshot/index.ts';
import { withSimulator } from '../helpers/sim.ts';
import { canonical } from '../fetchers/sim-view.ts';
import { cli } from './run.ts';

const KEY = 'jcgraph-KEY-SAFETY-7f3a9c21e4b8d605';
const dir = mkdtempSync(join(tmpdir(), 'jcgraph-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
      const io = await cli(
        ['fetch', '--base-url', sim.baseUrl, '--org-id', sim.orgIds[0]!, '--org-id', sim.orgIds[1]!, '--out', `${dir}/{org}.json.gz`],
        { env: { JC_API_KEY: KEY }, tty: true, cwd: dir },
      );
      expect(io.stderr).not.toMatch(/error/i);
      expect(io.code).toBe(0);
      // The TTY got the plan and a live line; stdout the summaries.
      expect(io.stderr).toContain('first-page requests');
      expect(io.stderr).toMatch(/requests · \d+ retries/);
      expect(io.stdout).toContain(`Wrote ${dir}/${sim.orgIds[1]}.json.gz`);
      for (const org of sim.orgIds) {
        const snapshot = await loadSnapshot(join(dir, `${org}.json.gz`));
        expect(canonical(snapshot.tenant) === canonical(sim.tenant(org))).toBe(true);
      }
      const json = await cli(['fetch', '--base-url', sim.baseUrl, '--out', 'plain.json', '--json'], {
        env: { JUMPCLOUD_API_KEY: KEY },
        cwd: dir,
      });
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout).plan.plannedRequests).toBeGreaterThan(0);
      expect(json.stderr).toBe(''); // quiet for scripts

      // The library: result, progress events and errors.
      const events: unknown[] = [];
      const result = await fetchTenant({ apiKey: KEY, baseUrl: sim.baseUrl, onProgress: (p) => events.push(p) });
      const everything = [io.stdout, io.stderr, json.stdout, json.stderr, allFileText(dir), JSON.stringify(result), JSON.stringify(events)];
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
      const io = await cli(['fetch', '--base-url', sim.baseUrl, '--out', 'wrong.json'], { env: { JC_API_KEY: wrong }, cwd: dir });
      expect(io.code).toBe(1);
      const lines = io.stderr.split('\n').filter((l) => l.length > 0);
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(/^jcgraph fetch: GET \/api\S* failed: the API key was refused \(401 Unauthorized\)/);
      expect(io.stderr + io.stdout).not.toContain(KEY);
      // At most the first wave of list requests, each sent once.
      const stats = sim.stats();
      expect(Object.keys(stats.byStatus)).toEqual(['401']);
      expect(stats.requests).toBeLessThanOrEqual(14);
      expect(readdirSync(dir).some((f) => f.startsWith('wrong') || f.includes('wrong.json'))).toBe(false);
    });
  });

  it('refuses to run without a key, and with several orgs but one output file', async () => {
    const io = await cli(['fetch', '--out', 'x.json'], { cwd: dir });
    expect(io.code).toBe(1);
    expect(io.stderr).toMatch(/No API key: set JC_API_KEY/);
    const io2 = await cli(['fetch', '--out', 'x.json', '--org-id', 'a', '--org-id', 'b'], { env: { JC_API_KEY: KEY }, cwd: dir });
    expect(io2.code).toBe(2);
    expect(io2.stderr).toMatch(/--out must contain \{org\} or name a directory/);
  });
});
