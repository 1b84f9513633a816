import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGraph, answer } from '../../src/index.ts';
import { generateTenant, startSimulator, type Simulator } from '../../src/entries/simulator.ts';
import { GRAPH_ENDPOINTS, endpointPath } from '../../src/model/index.ts';
import { fetchAll } from '../helpers/sim.ts';
import { cli } from './run.ts';

const tenant = generateTenant({ preset: 'tiny', seed: 1 });
const g = AccessGraph.fromTenant(tenant);
const ids = (type: string) => tenant.objects.filter((o) => o.type === type).map((o) => o.id);
const [u1, u2] = ids('user') as [string, string];
const [s1] = ids('system') as [string];
const run = (argv: string[], stdin?: string) => cli(argv, { ...(stdin !== undefined ? { stdin } : {}) });

describe('jcgraph traverse', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ preset: 'tiny', seed: 1 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('prints exactly what the live endpoint answers, all pages merged', async () => {
    for (const path of [
      `/users/${u1}/systems`,
      `/systems/${s1}/users`,
      `/systems/${s1}/associations?targets=user,user_group`,
      `/usergroups/${ids('user_group')[0]}/members`,
    ]) {
      const r = await run(['traverse', path, '--sim', 'tiny']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const [bare, query] = path.split('?');
      const live = await fetchAll(sim, `/api/v2${bare}`, Object.fromEntries(new URLSearchParams(query ?? '')));
      expect(JSON.parse(r.stdout)).toEqual(live);
    }
  });

  it('accepts the /api/v2 prefix and full URLs', async () => {
    const want = answer(g, `/users/${u1}/systemgroups`);
    for (const form of [`/api/v2/users/${u1}/systemgroups`, `https://console.jumpcloud.com/api/v2/users/${u1}/systemgroups?limit=5`]) {
      const r = await run(['traverse', form, '--sim', 'tiny:1']);
      expect(JSON.parse(r.stdout)).toEqual(want);
    }
  });

  it('answers several paths as one object keyed by path, one entry per line', async () => {
    const paths = [`/users/${u1}/systems`, `/users/${u2}/applications`, `/systems/${s1}/memberof`];
    const r = await run(['traverse', ...paths, '--sim', 'tiny']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(paths);
    for (const p of paths) expect(doc[p]).toEqual(answer(g, p));
    expect(r.stdout.split('\n')).toHaveLength(paths.length + 3);
  });

  it('reads paths from stdin with -, thousands in one process', async () => {
    const paths = tenant.objects.flatMap((o) =>
      GRAPH_ENDPOINTS.filter((e) => e.source === o.type && e.kind !== 'associations').map((e) => endpointPath(e, o.id)),
    );
    expect(paths.length).toBeGreaterThan(500);
    const dir = await mkdtemp(join(tmpdir(), 'jcgraph-traverse-'));
    try {
      const snapshot = join(dir, 's.json');
      await writeFile(
        snapshot,
        JSON.stringify({
          format: 'jcgraph-snapshot',
          version: 1,
          meta: { orgId: tenant.orgId, apiHost: 'test', fetchedAt: '2024-01-01T00:00:00Z' },
          tenant,
        }),
      );
      const r = await run(['traverse', '-', '--snapshot', snapshot], `# every endpoint of every object\n\n${paths.join('\n')}\n`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(Object.keys(doc)).toEqual(paths);
      for (const p of paths.filter((_, i) => i % 37 === 0)) expect(doc[p]).toEqual(answer(g, p));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps a keyed object with - even for one path', async () => {
    const r = await run(['traverse', '-', '--sim', 'tiny'], `/users/${u1}/systems\n`);
    expect(Object.keys(JSON.parse(r.stdout))).toEqual([`/users/${u1}/systems`]);
  });

  it('answers the good paths and marks the bad ones, exit 1', async () => {
    const good = `/users/${u1}/systems`;
    const r = await run(['traverse', good, '/users/nosuchid/systems', '/users/x/nothing', `/systems/${s1}/associations`, '--sim', 'tiny']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc[good]).toEqual(answer(g, good));
    expect(doc['/users/nosuchid/systems'].error).toEqual({
      name: 'UnknownObjectError',
      message: 'No user with id nosuchid is in the graph (asked by /users/nosuchid/systems).',
    });
    expect(doc['/users/x/nothing'].error.name).toBe('QueryError');
    expect(doc[`/systems/${s1}/associations`].error.message).toContain('needs a targets query parameter');
    expect(r.stderr).toContain('jcgraph traverse: 3 of 4 paths failed');
    expect(r.stderr).toContain('No user with id nosuchid');
  });

  it('fails a single bad path with one line naming it, exit 1', async () => {
    const r = await run(['traverse', `/users/${s1}/systems`, '--sim', 'tiny']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`jcgraph traverse: No user with id ${s1} is in the graph (asked by /users/${s1}/systems).\n`);
  });

  it('is a usage error without a path or an organization', async () => {
    expect((await run(['traverse', '--sim', 'tiny'])).code).toBe(2);
    const r = await run(['traverse', `/users/${u1}/systems`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--snapshot FILE or --sim PRESET[:SEED]');
  });
});
