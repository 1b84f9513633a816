/**
 * The launcher's heap bound (bin/heap-bound.mjs): when a memory budget is known (a container's limit, or
 * JCGRAPH_MEMORY_MIB) and the user set none, jcgraph relaunches itself with three quarters of it.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module of the launcher, without type declarations
import { heapBoundMiB, MemoryBudgetError, RELAUNCHED_ENV } from '../../bin/heap-bound.mjs';
import { jcgraph, ROOT } from './run.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const facts = { env: {}, execArgv: [], totalBytes: 24 * GiB, constrainedBytes: 2 ** 64, heapLimitBytes: 4144 * MiB };

describe('heapBoundMiB', () => {
  it('leaves Node alone without a budget, and when the user set a bound', () => {
    expect(heapBoundMiB(facts)).toBeUndefined();
    expect(heapBoundMiB({ ...facts, constrainedBytes: 0 })).toBeUndefined();
    const container = { ...facts, constrainedBytes: 2 * GiB, heapLimitBytes: 1048 * MiB };
    expect(heapBoundMiB({ ...container, execArgv: ['--max-old-space-size=900'] })).toBeUndefined();
    expect(heapBoundMiB({ ...container, env: { NODE_OPTIONS: '--enable-source-maps --max-old-space-size=900' } })).toBeUndefined();
    expect(heapBoundMiB({ ...container, env: { [RELAUNCHED_ENV]: '1' } })).toBeUndefined();
  });

  it('gives three quarters of a container limit or of JCGRAPH_MEMORY_MIB, unless that is within a tenth of the current limit', () => {
    // What Node 20 chose in a 2 GiB cgroup on this machine: a 1,048 MiB heap.
    expect(heapBoundMiB({ ...facts, constrainedBytes: 2 * GiB, heapLimitBytes: 1048 * MiB })).toBe(1536);
    expect(heapBoundMiB({ ...facts, env: { JCGRAPH_MEMORY_MIB: '2048' } })).toBe(1536);
    expect(heapBoundMiB({ ...facts, env: { JCGRAPH_MEMORY_MIB: '5500' } })).toBeUndefined(); // 4,125 ≈ 4,144
    expect(heapBoundMiB({ ...facts, env: { JCGRAPH_MEMORY_MIB: ' ' } })).toBeUndefined();
  });

  it('refuses a budget that is not a number of MiB', () => {
    for (const bad of ['abc', '100', '-5', 'Infinity'])
      expect(() => heapBoundMiB({ ...facts, env: { JCGRAPH_MEMORY_MIB: bad } })).toThrow(MemoryBudgetError);
  });
});

/** The children of a process, from Linux's /proc. */
async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
  return text.trim() === '' ? [] : text.trim().split(/\s+/).map(Number);
}

describe('bin/jcgraph.mjs with a memory budget', () => {
  it('answers exactly as without one', async () => {
    const plain = await jcgraph(['findings', '--sim', 'tiny:4', '--json']);
    const bounded = await jcgraph(['findings', '--sim', 'tiny:4', '--json'], { env: { JCGRAPH_MEMORY_MIB: '2048' } });
    expect(plain.code).toBe(0);
    expect(bounded).toEqual(plain);
    const usage = await jcgraph(['findings', '--no-such-flag'], { env: { JCGRAPH_MEMORY_MIB: '2048' } });
    expect(usage.code).toBe(2);
    const bad = await jcgraph(['findings', '--sim', 'tiny'], { env: { JCGRAPH_MEMORY_MIB: 'lots' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('jcgraph: JCGRAPH_MEMORY_MIB must be the memory jcgraph may use, in MiB (at least 256), not "lots".\n');
  }, 60_000);

  it('runs the command in a child with the bound, and passes Ctrl-C on to it', async () => {
    const parent = spawn(process.execPath, [join(ROOT, 'bin/jcgraph.mjs'), 'sim', '--preset', 'tiny'], {
      cwd: ROOT,
      // 8 GiB: its bound (6,144 MiB) is far from any limit Node picks by itself, wherever the tests run.
      env: { ...process.env, JCGRAPH_MEMORY_MIB: '8192', JC_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    parent.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => parent.on('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes('API key:') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain('API key:');
      const [child] = await childrenOf(parent.pid!);
      expect(child).toBeGreaterThan(0);
      const argv = (await readFile(`/proc/${child}/cmdline`, 'utf8')).split('\0');
      expect(argv).toContain('--max-old-space-size=6144');
      expect(argv).toContain('sim');
      parent.kill('SIGINT');
      expect(await exited).toBe(0);
      // The child ended too, and was reaped: its /proc entry is gone.
      const gone = (): Promise<boolean> =>
        readFile(`/proc/${child}/cmdline`, 'utf8').then(
          () => false,
          () => true,
        );
      for (let i = 0; i < 50 && !(await gone()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await gone()).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  }, 90_000);
});
