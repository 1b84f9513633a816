import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.ts';
import { ROOT, cli, spawnCli } from './run.ts';

describe('jcgraph demo', () => {
  it('simulates, fetches over HTTP, reviews and explains one revoke plan (tiny, in-process)', async () => {
    const r = await cli(['demo', '--preset', 'tiny', '--seed', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^No JC_API_KEY set: started a simulated organization \(preset tiny, seed 2\) at http:\/\/127\.0\.0\.1:\d+\.$/m,
    );
    expect(r.stdout).toMatch(/^Fetched \d+ objects and \d+ edges over HTTP in [\d.]+s with \d+ requests/m);
    expect(r.stdout).toMatch(/^Access review of organization [0-9a-f]{24}$/m);
    expect(r.stdout).toMatch(/^ {2}Top findings:$/m);
    expect(r.stdout).toMatch(/^Revoke plan: user:\S+ on system:\S+/m);
    expect(r.stdout).toMatch(/^ {7}POST \/api\/v2\/\S+ \{"op":"remove","type":"[a-z_]+","id":"[0-9a-f]{24}"\}$/m);
    expect(r.stdout).toMatch(/^ {2}Checked: after these changes \S+ no longer reaches \S+\.$/m);
  });

  it('prints the same as JSON, with the plan verified', async () => {
    const r = await cli(['demo', '--preset', 'tiny', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.source).toEqual({ simulator: { preset: 'tiny', seed: 1 } });
    expect(doc.fetch.requests).toBeGreaterThan(10);
    expect(doc.review.counts.bindings).toBeGreaterThan(0);
    expect(doc.review.findings.map((f: { kind: string }) => f.kind)).toContain('sudo');
    expect(doc.plan.reached).toBe(true);
    expect(doc.plan.verified).toBe(true);
    expect(doc.plan.steps.length).toBeGreaterThan(0);
    expect(doc.plan.paths.length).toBeGreaterThanOrEqual(2);
  });

  it('draws the fetch progress line on a terminal and clears it', async () => {
    const r = await cli(['demo', '--preset', 'tiny'], { tty: true });
    expect(r.code).toBe(0);
    // eslint-disable-next-line no-control-regex -- the terminal's erase-line sequence is what this checks
    expect(r.stderr).toMatch(/\r\x1b\[Kfetching: .*requests · \d+ retries · [\d.]+ req\/s/);
    expect(r.stderr.endsWith('\r\x1b[K')).toBe(true);
  });

  it('reads the tenant of JC_API_KEY instead, read-only, when the key is set', async () => {
    const sim = await startSimulator({ preset: 'tiny', seed: 9 });
    try {
      const r = await cli(['demo', '--base-url', sim.baseUrl, '--org-id', sim.orgIds[0]!], { env: { JC_API_KEY: sim.apiKey } });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Reading the JumpCloud tenant at ${sim.baseUrl} (org ${sim.orgIds[0]}), read-only.`);
      expect(r.stdout).toContain(`Access review of organization ${sim.orgIds[0]}`);
      expect(r.stdout).not.toContain(sim.apiKey);
      expect(Object.keys(sim.stats().byStatus)).toEqual(['200']);
      const env = await cli(['demo'], { env: { JUMPCLOUD_API_KEY: sim.apiKey, JC_BASE_URL: sim.baseUrl } });
      expect(env.stdout).toContain(`Reading the JumpCloud tenant at ${sim.baseUrl}, read-only.`);
    } finally {
      await sim.close();
    }
  });

  it('refuses a bad preset as a usage error', async () => {
    const r = await cli(['demo', '--preset', 'huge']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--preset must be tiny, small, large or xl, not "huge"');
  });

  it('is what `npm start` runs, and finishes on the small preset as a real process', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe('node bin/jcgraph.mjs demo');
    const r = await spawnCli('npm', ['start', '--silent']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('started a simulated organization (preset small, seed 1)');
    expect(r.stdout).toMatch(/^Revoke plan: /m);
  });
});
