/**
 * The binary index beside a snapshot: answers through it are those of the snapshot read whole (on
 * random tenants); it round-trips; a stale, truncated, foreign, damaged or other-version index is
 * rebuilt with a notice and never used; a copied snapshot keeps its index; fetch writes it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AccessGraph, type GraphNode } from '../../src/graph/index.ts';
import { namesOf, type TenantData } from '../../src/model/index.ts';
import { generateTenant } from '../../src/simulator/index.ts';
import { saveSnapshot } from '../../src/snapshot/index.ts';
import { handMadeMeta } from '../helpers/snapshot.ts';
import { openSnapshotGraph, writeSnapshotIndex, type OpenedSnapshot } from '../../src/snapshot-index/index.ts';
import { HEADER_BYTES, SECTION_ENTRY_BYTES, SECTIONS, indexPathOf, type SectionName } from '../../src/snapshot-index/format.ts';
import { main } from '../../src/cli/main.ts';
import { withSimulator } from '../helpers/sim.ts';
import { allAnswers } from '../graph/helpers.ts';
import { tenantArb } from '../helpers/random-tenant.ts';

const dir = mkdtempSync(join(tmpdir(), 'jcgraph-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function save(tenant: TenantData, path = join(dir, `s${files++}.json`)): Promise<string> {
  await saveSnapshot(path, { meta: handMadeMeta(tenant.orgId), tenant });
  return path;
}

async function open(path: string): Promise<OpenedSnapshot & { notices: string[] }> {
  const notices: string[] = [];
  const opened = await openSnapshotGraph(path, { notice: (m) => notices.push(m) });
  return { ...opened, notices };
}

const node = (o: GraphNode) => ({ id: o.id, type: o.type, name: o.name, record: o.record });

/** Everything a graph answers, for comparing two graphs of one tenant. */
function everything(g: AccessGraph, tenant: TenantData): unknown {
  const names = new Set<string>();
  for (const o of tenant.objects) for (const n of namesOf(o.type, o.record, g.object(o.id).name)) names.add(n).add(n.toUpperCase());
  return {
    answers: [...allAnswers(g, tenant.objects)],
    objects: [...g.objects()].map(node),
    users: [...g.objects('user')].map((o) => o.id),
    edges: [...g.edges()],
    edgesOf: tenant.objects.map((o) => g.edgesOf(o.id)),
    named: [...names].sort().map((n) => [n, g.objectsNamed(n).map((o) => o.id)]),
    tenant: g.toTenant(),
  };
}

/** Overwrites part of a section of an index file. */
function corrupt(indexPath: string, section: SectionName, at = 0): void {
  const file = readFileSync(indexPath);
  const count = file.readUInt32LE(24);
  for (let i = 0; i < count; i++) {
    const entry = HEADER_BYTES + i * SECTION_ENTRY_BYTES;
    if (file.readUInt32LE(entry) !== SECTIONS[section]) continue;
    const offset = Number(file.readBigUInt64LE(entry + 8));
    file[offset + at] = file[offset + at]! ^ 0x5a;
    writeFileSync(indexPath, file);
    return;
  }
  throw new Error(`no ${section} section`);
}

/** Random tenants with names of every kind (the name table lower-cases them). */
const namedTenantArb = tenantArb().chain((tenant) =>
  fc
    .array(fc.string({ unit: 'grapheme', maxLength: 6 }), { minLength: tenant.objects.length, maxLength: tenant.objects.length })
    .map((names): TenantData => ({
      ...tenant,
      objects: tenant.objects.map((o, i) => (names[i] ? { ...o, record: { ...o.record, name: names[i], displayName: names[i] } } : o)),
    })),
);

describe('the binary index of a snapshot', () => {
  it('gives exactly the answers of the snapshot read whole, built and then read back (random tenants)', async () => {
    await fc.assert(
      fc.asyncProperty(namedTenantArb, async (tenant) => {
        const path = await save(tenant);
        const whole = everything(AccessGraph.fromTenant(tenant), tenant);
        const built = await open(path);
        expect(built.read).toBe('built');
        expect(everything(built.graph, tenant)).toEqual(whole);
        const indexed = await open(path);
        expect(indexed.read).toBe('index');
        expect(indexed.notices).toEqual([]);
        expect(everything(indexed.graph, tenant)).toEqual(whole);
        expect(indexed.meta).toEqual(handMadeMeta(tenant.orgId));
      }),
      { numRuns: 60 },
    );
  });

  const small = generateTenant({ preset: 'small', seed: 5 });
  const smallAnswers = JSON.stringify([...allAnswers(AccessGraph.fromTenant(small), small.objects)]);
  const answersOf = (g: AccessGraph) => JSON.stringify([...allAnswers(g, small.objects)]);

  it('round-trips: written beside the snapshot (mode 0600, smaller than it), then read back', async () => {
    const path = await save(small);
    await writeSnapshotIndex(path);
    const index = statSync(indexPathOf(path));
    expect(index.mode & 0o777).toBe(0o600);
    expect(index.size).toBeLessThan(statSync(path).size);
    const opened = await open(path);
    expect(opened.read).toBe('index');
    expect(opened.notices).toEqual([]);
    expect(answersOf(opened.graph)).toBe(smallAnswers);
  });

  it('rebuilds an index that no longer matches its snapshot, with a notice', async () => {
    const path = await save(small);
    await writeSnapshotIndex(path);
    const changed = { ...small, edges: small.edges.slice(1) };
    await save(changed, path);
    const opened = await open(path);
    expect(opened.notices).toEqual([
      expect.stringMatching(/does not match the snapshot \(it changed since the index was written\); rebuilding it/),
    ]);
    expect(opened.read).toBe('built');
    expect(JSON.stringify([...allAnswers(opened.graph, changed.objects)])).toBe(
      JSON.stringify([...allAnswers(AccessGraph.fromTenant(changed), changed.objects)]),
    );
    expect((await open(path)).read).toBe('index');
  });

  it('keeps using the index of a copied snapshot (same bytes, another file) and records the new file', async () => {
    const path = await save(small);
    await writeSnapshotIndex(path);
    const copy = join(dir, `copy${files++}.json`);
    copyFileSync(path, copy);
    copyFileSync(indexPathOf(path), indexPathOf(copy));
    const before = readFileSync(indexPathOf(copy)).subarray(72, 112);
    const opened = await open(copy);
    expect(opened.read).toBe('index');
    expect(opened.notices).toEqual([]);
    expect(answersOf(opened.graph)).toBe(smallAnswers);
    expect(readFileSync(indexPathOf(copy)).subarray(72, 112).equals(before)).toBe(false);
    expect((await open(copy)).read).toBe('index');
  });

  const other = generateTenant({ preset: 'tiny', seed: 9 });
  const breakings: [string, (indexPath: string, path: string) => Promise<void> | void, RegExp][] = [
    ['truncated', (p) => truncateSync(p, Math.floor(statSync(p).size / 2)), /is truncated \(\d+ of \d+ bytes\); rebuilding it/],
    ['emptied', (p) => truncateSync(p, 0), /is truncated \(0 bytes\); rebuilding it/],
    ['not an index', (p) => writeFileSync(p, 'hello, world: not an index at all'), /is not a jcgraph index; rebuilding it/],
    [
      'of another format version',
      (p) => {
        const f = readFileSync(p);
        f.writeUInt32LE(2, 8);
        writeFileSync(p, f);
      },
      /is in index format version 2; this jcgraph reads version 1; rebuilding it/,
    ],
    [
      'damaged in its header',
      (p) => {
        const f = readFileSync(p);
        f[200] = 1;
        writeFileSync(p, f);
      },
      /is damaged \(its header fails its checksum\); rebuilding it/,
    ],
    [
      'damaged in its adjacency',
      (p) => corrupt(p, 'assocNeighbours', 4),
      /is damaged \(its assocNeighbours section fails its checksum\); rebuilding it/,
    ],
    ['damaged in its ids', (p) => corrupt(p, 'idBytes', 3), /is damaged \(its idBytes section fails its checksum\); rebuilding it/],
    [
      'of another snapshot',
      async (p) => {
        const foreign = await save(other);
        await writeSnapshotIndex(foreign);
        copyFileSync(indexPathOf(foreign), p);
      },
      /does not match the snapshot .*; rebuilding it/,
    ],
  ];

  it.each(breakings)('rebuilds an index %s with a notice, never using it', async (_what, breakIt, notice) => {
    const path = await save(small);
    await writeSnapshotIndex(path);
    await breakIt(indexPathOf(path), path);
    const opened = await open(path);
    expect(opened.notices).toEqual([expect.stringMatching(notice)]);
    expect(opened.read).toBe('built');
    expect(answersOf(opened.graph)).toBe(smallAnswers);
    const again = await open(path);
    expect(again.read).toBe('index');
    expect(again.notices).toEqual([]);
  });

  it('never uses a damaged name table: names are looked up without it, and the index is rebuilt next time', async () => {
    const path = await save(small);
    await writeSnapshotIndex(path);
    corrupt(indexPathOf(path), 'nameKeyBytes', 10);
    const opened = await open(path);
    expect(opened.read).toBe('index');
    const user = small.objects.find((o) => o.type === 'user')!;
    const username = user.record['username'];
    const name = typeof username === 'string' ? username : user.id;
    expect(opened.graph.objectsNamed(name.toUpperCase()).map((o) => o.id)).toEqual(
      AccessGraph.fromTenant(small)
        .objectsNamed(name)
        .map((o) => o.id),
    );
    expect(opened.notices).toEqual([
      expect.stringMatching(/name table .* fails its checksum\): names are looked up without it, and the index will be rebuilt next time/),
    ]);
    expect((await open(path)).read).toBe('built');
  });

  it('answers from the snapshot alone, saying so, when the index cannot be written', async () => {
    const path = await save(small);
    mkdirSync(indexPathOf(path));
    const opened = await open(path);
    expect(opened.notices).toEqual([
      expect.stringMatching(/cannot be read \(EISDIR\); rebuilding it/),
      expect.stringMatching(/could not write the index .*; answering from the snapshot alone/),
    ]);
    expect(answersOf(opened.graph)).toBe(smallAnswers);
  });

  it('indexes a snapshot that starts with a byte-order mark (records found where they are)', async () => {
    const path = await save(small);
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(path)]));
    const built = await open(path);
    expect(built.read).toBe('built');
    expect(answersOf(built.graph)).toBe(smallAnswers);
    const indexed = await open(path);
    expect(indexed.read).toBe('index');
    expect(indexed.notices).toEqual([]);
    expect(answersOf(indexed.graph)).toBe(smallAnswers);
    expect([...indexed.graph.objects()].map(node)).toEqual([...AccessGraph.fromTenant(small).objects()].map(node));
  });

  it('reads a gzipped snapshot whole, without an index', async () => {
    const path = await save(small, join(dir, `z${files++}.json.gz`));
    await writeSnapshotIndex(path);
    const opened = await open(path);
    expect(opened.read).toBe('whole');
    expect(answersOf(opened.graph)).toBe(smallAnswers);
    expect(() => statSync(indexPathOf(path))).toThrow();
  });

  it('is written by jcgraph fetch, and the commands read through it', async () => {
    await withSimulator({ preset: 'tiny', seed: 3 }, async (sim) => {
      const out = join(dir, `fetched${files++}.json`);
      let stdout = '';
      let stderr = '';
      const io = {
        stdout: { write: (c: string) => (stdout += c) },
        stderr: { write: (c: string) => (stderr += c) },
        stdin: process.stdin,
        env: { JC_API_KEY: sim.apiKey },
        signal: new AbortController().signal,
        cwd: dir,
      };
      expect(await main(['fetch', '--base-url', sim.baseUrl, '--out', out], io)).toBe(0);
      expect(statSync(indexPathOf(out)).isFile()).toBe(true);
      const opened = await open(out);
      expect(opened.read).toBe('index');
      stdout = '';
      expect(await main(['access', 'user_group:"All Staff"', '--snapshot', out, '--json'], io)).toBe(0);
      expect(stderr).toBe('');
      expect(JSON.parse(stdout).bindings.length).toBeGreaterThan(0);
    });
  });
});
