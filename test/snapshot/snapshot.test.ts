import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SnapshotError } from '../../src/errors.ts';
import { associationEdge, canonicalJson, membershipEdge, sortTenant, type TenantData } from '../../src/model/index.ts';
import {
  loadSnapshot,
  saveSnapshot,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type Snapshot,
  type SnapshotMeta,
} from '../../src/snapshot/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'jcgraph-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const meta: SnapshotMeta = {
  orgId: 'org1',
  apiHost: 'http://127.0.0.1:1',
  startedAt: '2024-01-01T00:00:00.000Z',
  fetchedAt: '2024-01-01T00:00:01.000Z',
  durationMs: 1000,
  toolVersion: '0.1.0',
  strict: true,
  counts: { objects: { user: 1 }, edges: { membership: 1, association: 1 } },
  requests: { total: 3, retries: 0, restarts: 0, throttled: 0, byStep: {}, byOutcome: { '200': 3 } },
  plan: { listRequests: 1, steps: [], firstPageRequests: 1, optimumFirstPageRequests: 1, unreachableKinds: [] },
  unknown: { objects: {}, edges: {} },
  warnings: [],
};

const jsonValue = fc.jsonValue() as fc.Arbitrary<any>;
const tenantArb: fc.Arbitrary<TenantData> = fc
  .record({
    users: fc.uniqueArray(fc.string({ unit: fc.constantFrom(...Array.from('abcdef0123456789')), minLength: 4, maxLength: 8 }), {
      maxLength: 8,
    }),
    groups: fc.uniqueArray(fc.string({ unit: fc.constantFrom(...Array.from('abcdef0123456789')), minLength: 4, maxLength: 8 }), {
      maxLength: 4,
    }),
    extra: fc.dictionary(fc.string({ maxLength: 6 }), jsonValue, { maxKeys: 4 }),
    attrs: fc.option(fc.dictionary(fc.string({ maxLength: 6 }), jsonValue, { maxKeys: 3 }), { nil: null }),
  })
  .map(({ users, groups, extra, attrs }) => ({
    orgId: 'org1',
    objects: [
      ...users.map((id) => ({ type: 'user', id, record: { ...extra, _id: id, username: `u${id}` } })),
      ...groups.map((id) => ({ type: 'user_group', id, record: { id, name: `g${id}`, attributes: attrs } })),
    ],
    edges: users.flatMap((u, i) => {
      const g = groups[i % Math.max(1, groups.length)];
      return g
        ? [
            membershipEdge({ type: 'user_group', id: g }, { type: 'user', id: u }),
            associationEdge({ type: 'user', id: u }, { type: 'system', id: `s${i}` }, attrs),
          ]
        : [];
    }),
  }));

const snapshotOf = (tenant: TenantData): Snapshot => ({ format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, meta, tenant });

describe('snapshots', () => {
  it('load back into an identical tenant, plain and gzipped', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(tenantArb, fc.boolean(), async (tenant, gz) => {
        const path = join(dir, `t${n++}.json${gz ? '.gz' : ''}`);
        await saveSnapshot(path, snapshotOf(tenant));
        const loaded = await loadSnapshot(path);
        expect(canonicalJson(sortTenant(loaded.tenant))).toBe(canonicalJson(sortTenant(tenant)));
        expect(loaded.meta).toEqual(meta);
        expect(readFileSync(path)[0] === 0x1f).toBe(gz);
      }),
      { numRuns: 30 },
    );
  });

  it('are written with mode 0600, atomically, leaving no temporary file', async () => {
    const path = join(dir, 'mode.json');
    writeFileSync(path, 'old', { mode: 0o644 });
    await saveSnapshot(path, snapshotOf({ orgId: '', objects: [], edges: [] }), { gzip: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await loadSnapshot(path)).tenant.objects).toEqual([]);
  });

  it('are saved from {meta, tenant}: the format and the version (by the coverage) are filled in', async () => {
    const tenant: TenantData = { orgId: 'o', objects: [], edges: [] };
    const complete = join(dir, 'content.json');
    await saveSnapshot(complete, { meta, tenant });
    const written = JSON.parse(readFileSync(complete, 'utf8')) as Snapshot;
    expect([written.format, written.version]).toEqual([SNAPSHOT_FORMAT, SNAPSHOT_VERSION]);
    expect(Object.keys(written)).toEqual(['format', 'version', 'meta', 'tenant']);
    // A whole Snapshot is saved the same, byte for byte (its own format and version are the ones filled in).
    const whole = join(dir, 'whole.json');
    await saveSnapshot(whole, snapshotOf(tenant));
    expect(readFileSync(whole)).toEqual(readFileSync(complete));
    const partial = join(dir, 'partial.json');
    const gap = {
      collection: 'list:v1:/systems',
      endpoint: 'GET /api/systems',
      state: 'unread',
      cause: 'http',
      status: 403,
      attempts: 1,
      message: 'm',
      provides: { kind: 'objects', types: ['system'] },
    } as const;
    await saveSnapshot(partial, { meta: { ...meta, coverage: { complete: false, planned: 1, gaps: [gap] } }, tenant });
    expect((JSON.parse(readFileSync(partial, 'utf8')) as Snapshot).version).not.toBe(SNAPSHOT_VERSION);
    expect((await loadSnapshot(partial)).meta.coverage?.complete).toBe(false);
  });

  it('fail to write with a SnapshotError naming the file, and leave nothing behind', async () => {
    const path = join(dir, 'no-such-dir', 'x.json');
    await expect(saveSnapshot(path, snapshotOf({ orgId: '', objects: [], edges: [] }))).rejects.toThrow(SnapshotError);
  });

  const bad: [string, () => Buffer | string, RegExp][] = [
    [
      'a truncated gzip file',
      () => gzipSync(JSON.stringify(snapshotOf({ orgId: '', objects: [], edges: [] }))).subarray(0, 30),
      /truncated or corrupt gzip/,
    ],
    ['truncated JSON', () => JSON.stringify(snapshotOf({ orgId: '', objects: [], edges: [] })).slice(0, 40), /not valid JSON/],
    ['another JSON file', () => JSON.stringify({ name: 'package' }), /not a jcgraph snapshot/],
    [
      'a future version',
      () => JSON.stringify({ ...snapshotOf({ orgId: '', objects: [], edges: [] }), version: 3 }),
      /version 3; this jcgraph reads versions 1 and 2/,
    ],
    ['no tenant', () => JSON.stringify({ format: SNAPSHOT_FORMAT, version: 1, meta }), /the field tenant is missing/],
    [
      'an object without id',
      () => JSON.stringify(snapshotOf({ orgId: '', objects: [{ type: 'user', record: {} } as any], edges: [] })),
      /tenant\.objects\[0\]/,
    ],
    [
      'an edge of no kind',
      () => JSON.stringify(snapshotOf({ orgId: '', objects: [], edges: [{ from: { type: 'a', id: 'b' } } as any] })),
      /tenant\.edges\[0\]/,
    ],
    [
      'no meta',
      () => JSON.stringify({ format: SNAPSHOT_FORMAT, version: 1, tenant: { orgId: '', objects: [], edges: [] } }),
      /meta is missing/,
    ],
  ];
  for (const [what, content, message] of bad) {
    it(`refuse ${what} with a SnapshotError naming the file`, async () => {
      const path = join(dir, `bad-${what.replace(/\W+/g, '-')}.json`);
      writeFileSync(path, content());
      const error = await loadSnapshot(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SnapshotError);
      expect((error as SnapshotError).message).toMatch(message);
      expect((error as SnapshotError).message).toContain(path);
      expect((error as SnapshotError).path).toBe(path);
    });
  }

  it('refuse a missing file', async () => {
    await expect(loadSnapshot(join(dir, 'missing.json'))).rejects.toThrow(/does not exist/);
  });
});
