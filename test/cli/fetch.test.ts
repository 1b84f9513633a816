/** `jcgraph fetch` in-process: output paths for several orgs, Ctrl-C, bad options. */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputPaths } from '../../src/cli/commands/fetch.ts';
import { CancelledError } from '../../src/errors.ts';
import { loadSnapshot } from '../../src/snapshot/index.ts';
import { withSimulator } from '../helpers/sim.ts';
import { canonical } from '../fetchers/sim-view.ts';
import { cli } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'jcgraph-cli-fetch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jcgraph fetch', () => {
  it('writes one snapshot per org into a directory', async () => {
    await withSimulator({ preset: 'tiny', seed: 8, orgs: 2 }, async (sim) => {
      const { code } = await cli(
        ['fetch', '--base-url', sim.baseUrl, '--org-id', sim.orgIds[0]!, '--org-id', sim.orgIds[1]!, '--out', 'snaps/'],
        { env: { JC_API_KEY: sim.apiKey }, cwd: dir },
      );
      expect(code).toBe(0);
      for (const org of sim.orgIds) {
        const snapshot = await loadSnapshot(join(dir, 'snaps', `jcgraph-${org}.json`));
        expect(snapshot.meta.orgId).toBe(org);
        expect(canonical(snapshot.tenant) === canonical(sim.tenant(org))).toBe(true);
      }
    });
  });

  it('stops on Ctrl-C with exit 130 and writes nothing', async () => {
    const controller = new AbortController();
    let answered = 0;
    // Ctrl-C once the simulator has answered 40 requests: the middle of the fetch on any machine (small
    // takes 357), where a timer could fire before the first request or after the last.
    const onAnswer = (): void => {
      if (++answered === 40) controller.abort(new CancelledError('cancelled by Ctrl-C'));
    };
    await withSimulator({ preset: 'small', seed: 8, onAnswer }, async (sim) => {
      const { code, stderr } = await cli(['fetch', '--base-url', sim.baseUrl, '--rate', '50', '--out', 'cancelled.json'], {
        env: { JC_API_KEY: sim.apiKey },
        cwd: dir,
        signal: controller.signal,
      });
      expect(code).toBe(130);
      // One line; then, when collections were finished, where they are kept and how to go on.
      const journal = existsSync(join(dir, 'cancelled.json.partial'));
      expect(stderr).toMatch(
        journal
          ? /^jcgraph fetch: cancelled\n {2}Nothing was written .*\n {2}Continue with: jcgraph fetch --resume .*\n$/
          : /^jcgraph fetch: cancelled\n$/,
      );
      expect(existsSync(join(dir, 'cancelled.json'))).toBe(false);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });

  it('turns bad options into usage errors', async () => {
    const env = { JC_API_KEY: 'k' };
    expect((await cli(['fetch', '--out', 'x.json', '--rate', '0'], { env, cwd: dir })).code).toBe(2);
    expect((await cli(['fetch'], { env, cwd: dir })).code).toBe(2);
    const plain = await cli(['fetch', '--out', 'x.json', '--base-url', 'http://example.com'], { env, cwd: dir });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/only travel over https/);
  });

  it('places several orgs by {org} pattern or directory, and one org where asked', () => {
    expect(outputPaths('out-{org}.json.gz', ['a', 'b'], false, '/w')).toEqual(['/w/out-a.json.gz', '/w/out-b.json.gz']);
    expect(outputPaths('/s/', ['a', 'b'], true, '/w')).toEqual(['/s/jcgraph-a.json.gz', '/s/jcgraph-b.json.gz']);
    expect(outputPaths('one.json', ['a'], false, '/w')).toEqual(['/w/one.json']);
    expect(outputPaths('one.json', [], false, '/w')).toEqual(['/w/one.json']);
  });
});
