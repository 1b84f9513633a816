import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFaults } from '../../src/cli/commands/sim.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { canonicalJson, sortTenant } from '../../src/model/index.ts';
import { DEFAULT_FAULT_INTENSITY, generateTenant } from '../../src/simulator/index.ts';
import { getJson } from '../helpers/sim.ts';
import { ROOT, cli, startCli } from './run.ts';

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function parseLines(out: string): { baseUrl: string; apiKey: string } {
  const baseUrl = /^base URL: (\S+)$/m.exec(out)?.[1];
  const apiKey = /^API key: (\S+)$/m.exec(out)?.[1];
  if (!baseUrl || !apiKey) throw new Error(`no base URL / API key lines in ${JSON.stringify(out)}`);
  return { baseUrl, apiKey };
}

describe('jcgraph sim', () => {
  it('prints the base URL and the API key on one line each, serves, and stops on abort', async () => {
    const controller = new AbortController();
    const {
      stdout: out,
      stderr: err,
      done,
      stdoutUntil,
    } = startCli(['sim', '--preset', 'tiny', '--seed', '4', '--orgs', '2'], { signal: controller.signal });
    await stdoutUntil((text) => text.includes('API key:'));
    expect(out().split('\n').filter(Boolean)).toHaveLength(2);
    const target = parseLines(out());
    expect(target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const users = await getJson(target, '/api/systemusers');
    expect(users.status).toBe(200);
    expect(users.body.totalCount).toBe(12);
    expect(users.body.results.map((u: any) => u._id)).toEqual(
      generateTenant({ preset: 'tiny', seed: 4 })
        .objects.filter((o) => o.type === 'user')
        .map((o) => o.id)
        .sort()
        .slice(0, 10),
    );
    expect(err()).toContain('Ctrl-C');
    // The key appears on stdout only, on its line.
    expect(err()).not.toContain(target.apiKey);
    controller.abort();
    expect((await done).code).toBe(0);
    await expect(fetch(`${target.baseUrl}/api/systemusers`)).rejects.toThrow();
  });

  it('prints JSON with --json and writes the tenant with --write-tenant', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jcgraph-sim-cli-'));
    try {
      const controller = new AbortController();
      const { done, stdoutUntil } = startCli(
        [
          'sim',
          '--preset',
          'small',
          '--seed',
          '2',
          '--json',
          '--write-tenant',
          join(dir, 't.json'),
          '--faults',
          'nulls,server-errors=0.5',
          '--rate',
          '100',
        ],
        { signal: controller.signal },
      );
      const info = JSON.parse(await stdoutUntil((text) => text.includes('\n')));
      expect(info).toMatchObject({ baseUrl: expect.stringMatching(/^http:/), apiKey: expect.any(String), orgIds: [expect.any(String)] });
      const written = await readFile(join(dir, 't.json'), 'utf8');
      expect(written).toBe(canonicalJson(sortTenant(generateTenant({ preset: 'small', seed: 2 }))));
      controller.abort();
      expect((await done).code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers usage errors with exit code 2 and a sentence naming the option', async () => {
    const cases: [string[], RegExp][] = [
      [['--preset', 'huge'], /--preset must be tiny, small, large or xl/],
      [['--seed', 'x'], /--seed must be an integer/],
      [['--rate', '0'], /--rate must be a positive number/],
      [['--faults', 'nulls,quake'], /unknown fault "quake"/],
      [['--faults', 'slow=3'], /probability from 0 to 1/],
      [['--orgs', '2', '--write-tenant', 'x.json'], /must contain \{org\}/],
      [['--bogus'], /jcgraph sim: /],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await cli(['sim', ...args]);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
    }
  });

  it('has help text naming every option and fault', async () => {
    const { code, stdout } = await cli(['sim', '--help']);
    expect(code).toBe(0);
    for (const word of [
      '--preset',
      '--seed',
      '--port',
      '--rate',
      '--faults',
      '--orgs',
      '--write-tenant',
      'churn',
      'no-total',
      'write-fails-after',
      'write-lost-ack',
      'read-only-key',
    ])
      expect(stdout).toContain(word);
  });

  it('parses --faults into settings, bare names at their default intensity', () => {
    expect(parseFaults('nulls, slow=0.2,reset=0')).toEqual({ nulls: DEFAULT_FAULT_INTENSITY.nulls, slow: 0.2, reset: 0 });
    expect(() => parseFaults('slow=')).toThrow(UsageError);
  });

  it('parses the write faults: counts with their least values, read-only-key alone', () => {
    expect(parseFaults('write-fails-after=0,write-lost-ack=3,read-only-key')).toEqual({
      'write-fails-after': 0,
      'write-lost-ack': 3,
      'read-only-key': true,
    });
    expect(parseFaults('write-lost-ack')).toEqual({ 'write-lost-ack': 1 });
    expect(() => parseFaults('write-lost-ack=0')).toThrow(/at least 1/);
    expect(() => parseFaults('write-fails-after=-1')).toThrow(UsageError);
    expect(() => parseFaults('read-only-key=1')).toThrow(/takes no value/);
  });

  it('serves from a real process started as `jcgraph sim --preset tiny`, and exits 0 on Ctrl-C', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/jcgraph.mjs'), 'sim', '--preset', 'tiny'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await until(() => out.includes('API key:'), 60_000);
      const target = parseLines(out);
      const groups = await getJson(target, '/api/v2/usergroups', { limit: '100' });
      expect(groups.status).toBe(200);
      expect(groups.body).toHaveLength(12);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
