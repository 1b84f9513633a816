/**
 * A partial snapshot is honest everywhere it is read: `jcgraph fetch` over HTTP from a simulator with a
 * forbidden list and broken objects writes one (exit 3); then every command that reads it says on stderr
 * that it is partial and whether its own answer could be affected, with a `coverage` field in `--json`;
 * findings add a finding, every report format shows the banner, diff warns, `jcgraph coverage` lists
 * every gap. The same commands on a complete snapshot say nothing and print what they always did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AccessGraph, coverageVerdict, formatReference, loadSnapshot, type Coverage, type TenantData } from '../../src/index.ts';
import { startSimulator, type Simulator } from '../../src/entries/simulator.ts';
import { reachableTypes } from '../../src/analysis/index.ts';
import { ROOT, cli, startCli, type CliResult } from './run.ts';
import { VERIFY_ENDPOINTS, sampleSources } from '../../src/verify/index.ts';

let dir: string;
let sim: Simulator;
let partial: string;
let tenant: TenantData;
let coverage: Coverage;
let graph: AccessGraph;
/** Questions whose answer the gaps could change, and ones they cannot. */
let touched: { subject: string; resource: string };
let untouched: { subject: string; resource: string };

const run = (argv: string[]): Promise<CliResult> => cli(argv, { cwd: dir });
const ref = (id: string): string => {
  const o = graph.object(id);
  return formatReference(o);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-partial-'));
  sim = await startSimulator({ preset: 'small', seed: 7, faults: { forbidden: ['softwareapps'], 'broken-objects': 6 }, faultSeed: 2 });
  const env = { JC_API_KEY: sim.apiKey };
  const fetched = await cli(['fetch', '--base-url', sim.baseUrl, '--out', 'partial.json', '--retries', '1'], { cwd: dir, env });
  expect(fetched.code, fetched.stderr).toBe(3);
  partial = join(dir, 'partial.json');
  const clean = await startSimulator({ preset: 'small', seed: 7 });
  try {
    expect(
      (await cli(['fetch', '--base-url', clean.baseUrl, '--out', 'complete.json'], { cwd: dir, env: { JC_API_KEY: clean.apiKey } })).code,
    ).toBe(0);
  } finally {
    await clean.close();
  }
  const snapshot = await loadSnapshot(partial);
  tenant = snapshot.tenant;
  coverage = snapshot.meta.coverage!;
  graph = AccessGraph.fromTenant(tenant);
  const users = tenant.objects.filter((o) => o.type === 'user');
  const systems = tenant.objects.filter((o) => o.type === 'system');
  const pairs = users.flatMap((u) => systems.slice(0, 20).map((s) => ({ subject: u.id, resource: s.id })));
  touched = pairs.find((q) => coverageVerdict(graph, coverage, q).affected)!;
  untouched = pairs.find((q) => !coverageVerdict(graph, coverage, q).affected)!;
  expect(touched).toBeDefined();
  expect(untouched).toBeDefined();
}, 240_000);

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const PARTIAL_LINE =
  /^jcgraph \w+: the snapshot partial\.json is PARTIAL: \d+ collections were not read; jcgraph coverage --snapshot partial\.json lists them\.$/m;

describe('commands that read a partial snapshot', () => {
  it('why and revoke say whether this answer could be affected, and put a coverage field in --json', async () => {
    for (const command of ['why', 'revoke']) {
      const hit = await run([command, touched.subject, touched.resource, '--snapshot', 'partial.json']);
      expect(hit.stderr).toMatch(PARTIAL_LINE);
      expect(hit.stderr).toMatch(/^ {2}This answer could be affected: /m);
      const miss = await run([command, untouched.subject, untouched.resource, '--snapshot', 'partial.json', '--json']);
      expect(miss.stderr).toMatch(/^ {2}This answer is not affected: nothing that was not read lies on its paths\.$/m);
      const json = JSON.parse(miss.stdout);
      expect(json.coverage).toEqual({ complete: false, gaps: coverage.gaps.length, affected: false, reasons: [] });
      const hitJson = JSON.parse((await run([command, touched.subject, touched.resource, '--snapshot', 'partial.json', '--json'])).stdout);
      expect(hitJson.coverage.affected).toBe(true);
      expect(hitJson.coverage.reasons.length).toBeGreaterThan(0);
    }
  });

  it('access, who, offboard, traverse, whatif, findings and export say so too', async () => {
    const user = touched.subject;
    const system = touched.resource;
    const results = await Promise.all([
      run(['access', user, '--snapshot', 'partial.json', '--json']),
      run(['who', system, '--snapshot', 'partial.json', '--json']),
      run(['offboard', user, '--snapshot', 'partial.json', '--json']),
      run(['whatif', '--remove-object', user, '--snapshot', 'partial.json', '--json']),
      run(['findings', '--snapshot', 'partial.json', '--json']),
      run(['export', '--snapshot', 'partial.json', '--out', 'graph.json', '--json']),
    ]);
    for (const r of results) {
      expect(r.stderr).toMatch(PARTIAL_LINE);
      expect(JSON.parse(r.stdout).coverage).toMatchObject({ complete: false, gaps: coverage.gaps.length });
    }
    // The answers about one object say whether they could be affected; the others cover everything.
    expect(JSON.parse(results[0].stdout).coverage.affected).toBe(coverageVerdict(graph, coverage, { subject: user }).affected);
    for (const r of results.slice(3)) expect(r.stderr).toContain('This answer covers the whole organization: it lacks what was not read.');
    // traverse prints exactly the API's answer: the notice is on stderr only.
    const path = `/users/${user}/${reachableTypes('user').includes('system') ? 'systems' : 'applications'}`;
    const traversed = await run(['traverse', path, '--snapshot', 'partial.json']);
    expect(traversed.stderr).toMatch(PARTIAL_LINE);
    expect(Array.isArray(JSON.parse(traversed.stdout))).toBe(true);
    const many = await run(['traverse', path, `/users/${untouched.subject}/systems`, '--snapshot', 'partial.json']);
    expect(many.stderr).toMatch(/^ {2}\d of these 2 answers could be affected: /m);
    // findings: a finding for the gaps, first.
    const text = await run(['findings', '--snapshot', 'partial.json']);
    expect(text.stdout).toMatch(new RegExp(`^NOT READ BY THE FETCH: .* \\(${coverage.gaps.length}\\):$`, 'm'));
    expect(text.stdout).toMatch(/^ {2}GET \/api\/v2\/softwareapps\?sort=_id: not read \(HTTP 403\)$/m);
    expect(JSON.parse(results[4].stdout).notRead).toEqual(coverage.gaps);
  });

  it('report shows the banner in every format; csv files start with it', async () => {
    for (const [out, check] of [
      [
        'r.html',
        (t: string) =>
          expect(t).toMatch(/<div class="partial" role="alert">PARTIAL: this review is built from a snapshot that lacks \d+ collections/),
      ],
      ['r.md', (t: string) => expect(t).toMatch(/^> \*\*PARTIAL: this review/m)],
      ['r.json', (t: string) => expect(JSON.parse(t).meta.coverage).toMatchObject({ complete: false, gaps: coverage.gaps.length })],
      ['r.csv', (t: string) => expect(t).toMatch(/^# PARTIAL: this review .*\r\nuser_id,user,/)],
    ] as const) {
      const r = await run(['report', '--snapshot', 'partial.json', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(PARTIAL_LINE);
      check(await readFile(join(dir, out), 'utf8'));
    }
    const pack = await run(['report', '--snapshot', 'partial.json', '--out', 'pack/', '--json']);
    expect(JSON.parse(pack.stdout).findings[0]).toMatchObject({ kind: 'not-read', severity: 'high', count: coverage.gaps.length });
    for (const name of ['findings.csv', 'users.csv', 'bindings.csv'])
      expect(await readFile(join(dir, 'pack', name), 'utf8')).toMatch(/^# PARTIAL: /);
    expect(await readFile(join(dir, 'pack', 'findings.csv'), 'utf8')).toContain('not-read,high');
  });

  it('diff warns when either side is partial, in text and --json', async () => {
    const r = await run(['diff', 'complete.json', 'partial.json', '--json']);
    expect(r.stderr).toMatch(PARTIAL_LINE);
    expect(r.stderr).toContain('Differences that touch what was not read may be nothing but that gap.');
    expect(Object.keys(JSON.parse(r.stdout).coverage)).toEqual(['new']);
  });

  it('coverage lists every gap grouped by cause (exit 3), and a complete snapshot as complete (exit 0)', async () => {
    const r = await run(['coverage', '--snapshot', 'partial.json']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(
      new RegExp(`^partial\\.json is PARTIAL: ${coverage.gaps.length} of ${coverage.planned} collections were not read in full\\.$`, 'm'),
    );
    expect(r.stdout).toMatch(/^HTTP 403 \(1\):\n {2}GET \/api\/v2\/softwareapps\?sort=_id {2}\(1 attempt\) no software_app at all$/m);
    expect(r.stdout).toMatch(/^HTTP 500 \(\d+\):$/m);
    for (const gap of coverage.gaps) expect(r.stdout).toContain(gap.endpoint);
    const broken = coverage.gaps.find((g) => g.provides.kind === 'edges')!;
    if (broken.provides.kind === 'edges')
      expect(r.stdout).toContain(`edges of ${ref(broken.provides.source.id)} (${broken.provides.source.id})`);
    const json = await run(['coverage', '--snapshot', 'partial.json', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(coverage);
    const whole = await run(['coverage', '--snapshot', 'complete.json']);
    expect(whole).toMatchObject({ code: 0, stdout: 'complete.json is complete: its fetch read every collection it planned.\n' });
  });

  it('on a complete snapshot, nothing is said and --json is what it always was', async () => {
    const r = await run(['why', untouched.subject, untouched.resource, '--snapshot', 'complete.json', '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).not.toHaveProperty('coverage');
    const f = await run(['findings', '--snapshot', 'complete.json', '--json']);
    expect(f.stderr).toBe('');
    expect(JSON.parse(f.stdout)).not.toHaveProperty('notRead');
  });

  it('serve says so when it starts, and marks every answer of the replica with x-jcgraph-coverage', async () => {
    const stop = new AbortController();
    const serving = startCli(['serve', '--snapshot', 'partial.json', '--json'], { cwd: dir, signal: stop.signal });
    try {
      const printed = await serving.stdoutUntil((text) => text.includes('\n'));
      const { baseUrl, apiKey } = JSON.parse(printed.split('\n')[0]!) as { baseUrl: string; apiKey: string };
      const r = await fetch(`${baseUrl}/api/v2/users/${touched.subject}/systems`, { headers: { 'x-api-key': apiKey } });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-jcgraph-coverage')).toBe(`partial; gaps=${coverage.gaps.length}`);
    } finally {
      stop.abort();
    }
    const done = await serving.done;
    expect(done.stderr).toMatch(PARTIAL_LINE);
  });

  it('mcp says so when it starts, and every tool answer carries the coverage field and a line saying so', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [resolve(ROOT, 'bin/jcgraph.mjs'), 'mcp', '--snapshot', partial],
      cwd: dir,
      env: { ...(process.env as Record<string, string>), JC_API_KEY: '', JUMPCLOUD_API_KEY: '' },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'jcgraph-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect(client.getInstructions()).toMatch(/Its snapshot is PARTIAL: \d+ collections could not be read/);
      const r = (await client.callTool({ name: 'why', arguments: { subject: touched.subject, resource: touched.resource } })) as {
        structuredContent?: { coverage?: unknown };
        content: { text: string }[];
      };
      expect(r.structuredContent?.coverage).toEqual({ complete: false, gaps: coverage.gaps.length });
      expect(r.content.map((c) => c.text).join('\n')).toMatch(
        /The snapshot is PARTIAL: \d+ collections were not read, so this answer may lack access/,
      );
    } finally {
      await client.close();
    }
    expect(stderr).toMatch(/^jcgraph mcp: the snapshot \S+partial\.json is PARTIAL: \d+ collections were not read/m);
  }, 60_000);

  it('verify skips, and lists, the sources whose answer what the fetch missed could change (exit 3)', async () => {
    const r = await cli(['verify', '--base-url', sim.baseUrl, '--sample', '4', '--retries', '1', '--json'], {
      cwd: dir,
      env: { JC_API_KEY: sim.apiKey },
    });
    const report = JSON.parse(r.stdout);
    expect(report.fetch.gaps).toBe(coverage.gaps.length);
    expect(report.agree).toBe(true);
    expect(report.totals.skipped).toBeGreaterThan(0);
    expect(r.code).toBe(3);
    const broken = new Set(sim.brokenObjects().map((o) => o.id));
    for (const e of report.endpoints) {
      for (const s of e.skipped) expect(s.reason).toMatch(/^(the fresh fetch did not read all it needs: |the API did not answer: )/);
      // A broken object in the sample is never compared: its own collections are gaps, its endpoints answer 500.
      const endpoint = VERIFY_ENDPOINTS.find((x) => x.path === e.endpoint)!;
      const sampled = sampleSources(graph, endpoint, 4, 1).ids;
      const skipped = new Set(e.skipped.map((x: { id: string }) => x.id));
      for (const id of sampled.filter((x) => broken.has(x))) expect(skipped.has(id), `${e.endpoint} ${id}`).toBe(true);
    }
    const text = await cli(['verify', '--base-url', sim.baseUrl, '--sample', '4', '--retries', '1'], {
      cwd: dir,
      env: { JC_API_KEY: sim.apiKey },
    });
    expect(text.stdout).toMatch(
      /^Not compared \(\d+\): sources whose answer the gaps of the fresh fetch \(\d+ collections not read\) could change, or that the API did not answer:$/m,
    );
  }, 180_000);
});
