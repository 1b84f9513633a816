/**
 * A command's output into a pipe waits for the reader instead of piling up in memory
 * (src/cli/blocking-stdio.ts): a child writes 16 MiB of distinct chunks into a pipe without yielding,
 * then says how much of it is still queued in its memory. With blocking writes nothing is; without them
 * (the control) most of it is. And a reader that goes away (`| head`) ends the command quietly.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from './run.ts';

/** What the child reports: bytes queued after the writes, and what writeBlocking answered. */
async function queuedAfterWrites(blocking: boolean): Promise<{ queued: number; answered: string; received: number }> {
  const module = pathToFileURL(join(ROOT, 'src/cli/blocking-stdio.ts')).href;
  const script = `
    const { writeBlocking } = await import(${JSON.stringify(module)});
    const answered = ${blocking} ? String(writeBlocking(process.stdout)) : 'not asked';
    for (let i = 0; i < 256; i++) process.stdout.write(String(i).padEnd(1 << 16, '.'));
    process.stderr.write(JSON.stringify({ queued: process.stdout.writableLength, answered }));
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let received = 0;
  let said = '';
  child.stdout.on('data', (chunk: Buffer) => (received += chunk.length));
  child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  expect(code, said).toBe(0);
  return { ...(JSON.parse(said) as { queued: number; answered: string }), received };
}

describe('output into a pipe', () => {
  it('waits for the reader once made blocking, where Node would queue it in memory', { timeout: 60_000 }, async () => {
    const blocking = await queuedAfterWrites(true);
    expect(blocking.answered).toBe('true');
    expect(blocking.queued).toBe(0);
    expect(blocking.received).toBe(256 * (1 << 16));
    const control = await queuedAfterWrites(false);
    expect(control.queued).toBeGreaterThan(1 << 20);
    expect(control.received).toBe(256 * (1 << 16));
  });

  it('ends the command quietly, with status 141, when the reader goes away', { timeout: 60_000 }, async () => {
    // findings --json on small is about 270 KB: more than a pipe holds, so the writes meet the closed end.
    const child = spawn(process.execPath, [join(ROOT, 'bin/jcgraph.mjs'), 'findings', '--sim', 'small', '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(said).toBe('');
    expect(code).toBe(141);
  });
});
