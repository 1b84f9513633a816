/**
 * `jcgraph serve` as a user runs it: the lines it prints, the key it checks, the addresses it refuses,
 * and Ctrl-C (a real process, SIGINT) stopping it cleanly with exit 0.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, startCli, type RunningCli } from './run.ts';
import { getJson } from '../helpers/sim.ts';

/** The first `count` lines of an in-process command's stdout, once it has printed them. */
async function firstLines(run: RunningCli, count: number): Promise<string[]> {
  return (await run.stdoutUntil((out) => out.split('\n').length > count)).split('\n').slice(0, count);
}

describe('jcgraph serve', () => {
  it('prints the base URL, the API key and the explorer link, one line each, and serves until stopped', async () => {
    const stop = new AbortController();
    const run = startCli(['serve', '--sim', 'tiny:2'], { signal: stop.signal });
    const [base, key, explorer] = await firstLines(run, 3);
    expect(base).toMatch(/^base URL: http:\/\/127\.0\.0\.1:\d+$/);
    expect(key).toMatch(/^API key: [0-9a-f]{40}$/);
    const baseUrl = base!.slice('base URL: '.length);
    const apiKey = key!.slice('API key: '.length);
    expect(explorer).toMatch(new RegExp(`^explorer: ${baseUrl.replace(/[.:/]/g, '\\$&')}/\\?token=[\\w-]+$`));
    expect(run.stderr()).toMatch(/^serving simulated tiny:2 \(organization \w+: \d+ objects, \d+ edges\), read-only/);
    expect((await getJson({ baseUrl, apiKey }, '/api/systemusers')).status).toBe(200);
    expect((await getJson({ baseUrl, apiKey: 'nope' }, '/api/systemusers')).status).toBe(401);
    stop.abort();
    const end = await run.done;
    expect(end.code).toBe(0);
    expect(end.stderr).toMatch(/server stopped\n$/);
    await expect(fetch(`${baseUrl}/api/systemusers`)).rejects.toThrow();
  });

  it('--json prints one line; --no-auth serves without a key', async () => {
    const stop = new AbortController();
    const run = startCli(['serve', '--sim', 'tiny', '--no-auth', '--json'], { signal: stop.signal });
    const [line] = await firstLines(run, 1);
    const printed = JSON.parse(line!) as { baseUrl: string; apiKey: string | null; explorerUrl: string };
    expect(printed.apiKey).toBeNull();
    expect(printed.explorerUrl).toBe(`${printed.baseUrl}/`);
    expect(run.stderr()).toContain('no key: anyone on this machine may ask');
    expect((await getJson({ baseUrl: printed.baseUrl, apiKey: '' }, '/api/v2/usergroups', {}, { apiKey: null })).status).toBe(200);
    stop.abort();
    expect((await run.done).code).toBe(0);
  });

  it('refuses a remote address without --allow-remote, and --no-auth with one (exit 2)', async () => {
    const a = await cli(['serve', '--sim', 'tiny', '--host', '0.0.0.0']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^jcgraph serve: --host 0\.0\.0\.0 is not a loopback address; add --allow-remote/);
    const b = await cli(['serve', '--sim', 'tiny', '--host', '0.0.0.0', '--allow-remote', '--no-auth']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--no-auth is for loopback only/);
    const c = await cli(['serve', '--sim', 'tiny', '--port', '70000']);
    expect(c.code).toBe(2);
    const d = await cli(['serve', '--snapshot', 'no-such-file.json']);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/^jcgraph serve: .*no-such-file\.json/);
  });

  it('stops cleanly on SIGINT as a real process, exit 0', async () => {
    const child = spawn(process.execPath, [resolve(ROOT, 'bin/jcgraph.mjs'), 'serve', '--sim', 'tiny'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    // Its three lines are printed once it listens, after both processes (bin/jcgraph.mjs and the one it may
    // relaunch with a heap bound) have their SIGINT handlers: the signal can follow them at once.
    const printed = new Promise<void>((ok, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.split('\n').length > 3) ok();
      });
      child.on('close', () => fail(new Error(`jcgraph serve ended first: ${JSON.stringify(out)} ${err}`)));
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((ok) => child.on('close', (code) => ok(code)));
    await printed;
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(err).toMatch(/server stopped\n$/);
  });
});
