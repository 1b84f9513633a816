/**
 * The README stays a short front page (at most 250 lines; the rest lives in docs/), and its tour shows
 * what the commands really print: each output block of the tour is run again in-process (`npm start`'s
 * demo, and every `$ npx jcgraph … --sim …` line) and every line it shows must be a line the command
 * prints, in the same order. A block may leave lines out, and `…` stands for text left out: a line that
 * starts with `…` skips any number of lines, a `…` inside a line any text. Only what differs from run to
 * run is read loosely: the loopback port and how long a fetch took.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, cli } from '../cli/run.ts';

const README = readFileSync(`${ROOT}/README.md`, 'utf8');

/** At most this many lines, so that the README stays the pitch, the tour and the links. */
const MAX_README_LINES = 250;

interface TourBlock {
  /** The command line the block shows, as argv. */
  readonly argv: readonly string[];
  /** The output lines it shows. */
  readonly lines: readonly string[];
}

/** Splits a shell command line into words: spaces separate, single or double quotes group. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** The tour's output blocks: the demo's (under "1. The demo"), and each block run as `$ npx jcgraph … --sim …`. */
function tourBlocks(readme: string): TourBlock[] {
  const blocks: TourBlock[] = [];
  let heading = '';
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) heading = line;
    if (line.trim() !== '```text') continue;
    const end = lines.indexOf('```', i + 1);
    const body = lines.slice(i + 1, end);
    i = end;
    const first = body[0] ?? '';
    if (first.startsWith('$ npx jcgraph ') && first.includes(' --sim ')) {
      blocks.push({ argv: shellWords(first.slice('$ npx jcgraph '.length)), lines: body.slice(1) });
    } else if (heading.endsWith('The demo')) {
      blocks.push({ argv: ['demo'], lines: body });
    }
  }
  return blocks;
}

/** What may differ between two runs of the same command: the simulator's port, and durations. */
function steady(line: string): string {
  return line
    .trimEnd()
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
    .replace(/\b\d+(?:m\d+)?(?:\.\d+)?s\b/g, 'Ns');
}

/** Whether a line the README shows (with `…` for text left out) is the line printed. */
function shows(shown: string, printed: string): boolean {
  const pieces = steady(shown).split('…');
  const line = steady(printed);
  if (pieces.length === 1) return pieces[0] === line;
  if (!line.startsWith(pieces[0]!)) return false;
  let at = pieces[0]!.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = line.indexOf(piece, at);
    if (found < 0) return false;
    at = found + piece.length;
  }
  const last = pieces.at(-1)!;
  return line.length - last.length >= at && line.endsWith(last);
}

/** The lines the README shows that the command did not print (in order); none when the block is true. */
function missingLines(shown: readonly string[], printed: readonly string[]): string[] {
  const missing: string[] = [];
  let next = 0;
  for (const line of shown) {
    if (line.trim().startsWith('…')) continue;
    const at = printed.findIndex((p, k) => k >= next && shows(line, p));
    if (at < 0) missing.push(line);
    else next = at + 1;
  }
  return missing;
}

describe('the README', () => {
  it(`is at most ${MAX_README_LINES} lines: the pitch, the set-up, the tour, the commands, the library and links`, () => {
    // Lines as `wc -l` counts them: the newline that ends the last line opens no line of its own.
    expect(README.replace(/\n$/, '').split('\n').length).toBeLessThanOrEqual(MAX_README_LINES);
  });

  it('keeps the two set-up commands (the CI runs them)', () => {
    expect(README).toContain('npm ci && npm start');
    expect(README).toContain('npm ci && npm test');
  });

  it('reads a line left out, a text left out and a run-to-run difference as intended', () => {
    expect(missingLines(['a', '…', 'c …', 'at 127.0.0.1:1 in 1.0s'], ['a', 'b', 'c d', 'at 127.0.0.1:9 in 2m03s'])).toEqual([]);
    expect(missingLines(['a', 'c'], ['c', 'a'])).toEqual(['c']);
    expect(missingLines(['x … z'], ['x y'])).toEqual(['x … z']);
  });

  const blocks = tourBlocks(README);

  it('has a tour whose output blocks can be run again (the demo, why, revoke, traverse)', () => {
    expect(blocks.map((b) => b.argv[0])).toEqual(expect.arrayContaining(['demo', 'why', 'revoke', 'traverse']));
  });

  for (const block of blocks) {
    it(`shows what \`jcgraph ${block.argv.join(' ')}\` prints`, async () => {
      const result = await cli(block.argv, { env: {} });
      expect(result.code, result.stderr).toBe(0);
      expect(missingLines(block.lines, result.stdout.split('\n'))).toEqual([]);
    });
  }
});
