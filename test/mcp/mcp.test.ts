/**
 * `jcgraph mcp` as an MCP client runs it: the real CLI process (bin/jcgraph.mjs, the built code) driven
 * by the official SDK's Client over StdioClientTransport. Lists the tools, calls each one and compares
 * its structured content with the library's document for the same question; pages and bounds say what
 * they leave out; bad arguments and unknown or ambiguous names are tool errors; the process exits by
 * itself when the client closes. Also `--live`, fetching a simulator at start.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccessGraph, answer, formatReference, fetchTenant, saveSnapshot, searchObjects } from '../../src/index.ts';
import {
  accessDocument,
  findingsDocument,
  offboardDocument,
  revokeDocument,
  whatIfDocument,
  whoDocument,
  whyDocument,
  type BindingRow,
} from '../../src/entries/report.ts';
import { generateTenant, startSimulator } from '../../src/entries/simulator.ts';
import { bindingToExplain } from '../../src/report/index.ts';

import { ROOT } from '../cli/run.ts';
import { TenantBuilder } from '../analysis/tenant-builder.ts';

const TOOLS = ['search_objects', 'why', 'access', 'who', 'revoke_plan', 'offboard_plan', 'what_if', 'findings', 'traverse'];

const tenant = generateTenant({ preset: 'small', seed: 3 });
const graph = AccessGraph.fromTenant(tenant);
const row: BindingRow = bindingToExplain(graph)!;
const user = formatReference(row.user);
const resource = formatReference(row.resource);
const group = formatReference(graph.object(row.via.find((v) => v.type === 'user_group')!.id));
/** What a document looks like after the trip through JSON (undefined fields dropped). */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

let dir: string;
let client: Client;
let transport: StdioClientTransport;
let stderr = '';

function connect(args: string[], env: Record<string, string> = {}): { client: Client; transport: StdioClientTransport } {
  const t = new StdioClientTransport({
    command: process.execPath,
    args: [resolve(ROOT, 'bin/jcgraph.mjs'), 'mcp', ...args],
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>), JC_API_KEY: '', JUMPCLOUD_API_KEY: '', ...env },
    stderr: 'pipe',
  });
  t.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return { client: new Client({ name: 'jcgraph-test', version: '1.0.0' }), transport: t };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-mcp-'));
  ({ client, transport } = connect(['--sim', 'small:3']));
  await client.connect(transport);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await rm(dir, { recursive: true, force: true });
});

async function call(name: string, args: Record<string, unknown>): Promise<{ structured: any; text: string; isError: boolean }> {
  const r = (await client.callTool({ name, arguments: args })) as {
    structuredContent?: unknown;
    content: { type: string; text: string }[];
    isError?: boolean;
  };
  return { structured: r.structuredContent, text: r.content.map((c) => c.text).join('\n'), isError: r.isError === true };
}

/** A document without the bounding fields the tools add. */
function unbounded(structured: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...structured };
  expect(rest['truncated']).toBeUndefined();
  delete rest['page'];
  return rest;
}

describe('jcgraph mcp over stdio', () => {
  it('lists the nine tools, each with a description and an input schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeGreaterThan(60);
      expect(t.inputSchema.type).toBe('object');
      expect(t.annotations?.readOnlyHint, t.name).toBe(true);
    }
    const why = tools.find((t) => t.name === 'why')!;
    expect(why.inputSchema.required).toEqual(['subject', 'resource']);
  });

  it('search_objects finds an object by a piece of its name', async () => {
    const r = await call('search_objects', { query: row.user.name });
    expect(r.isError).toBe(false);
    expect(r.structured).toEqual(plain(searchObjects(graph, row.user.name, { limit: 10 })));
    expect(r.structured.hits[0]).toMatchObject({ id: row.user.id, ref: user });
    expect(r.text).toContain(user);
  });

  it("why, revoke_plan and offboard_plan answer the library's documents", async () => {
    const why = await call('why', { subject: user, resource: resource });
    expect(why.structured).toEqual(plain(whyDocument(graph, user, resource)));
    expect(why.text).toMatch(new RegExp(`^${user.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} reaches `));
    for (const strategy of ['fewest-changes', 'least-collateral', 'subject-only']) {
      const plan = await call('revoke_plan', { subject: user, resource: resource, strategy, limit: 1000 });
      expect(plan.structured, strategy).toEqual(plain(revokeDocument(graph, user, resource, { strategy })));
      expect(plan.text).toContain('checked: no path remains');
    }
    const off = await call('offboard_plan', { user: row.user.id, limit: 1000 });
    expect(unbounded(off.structured)).toEqual(plain(offboardDocument(graph, row.user.id)));
  });

  it("access, who, what_if, findings and traverse answer the library's documents, paged", async () => {
    const a = await call('access', { subject: user, limit: 1000 });
    const doc = accessDocument(graph, user);
    expect(unbounded(a.structured)).toEqual(plain(doc));
    expect(a.structured.page).toEqual({ offset: 0, limit: 1000, returned: doc.bindings.length, total: doc.bindings.length });
    const w = await call('who', { resource: resource, type: ['user'], limit: 1000 });
    expect(unbounded(w.structured)).toEqual(plain(whoDocument(graph, resource, { types: ['user'] })));
    const changes = [{ op: 'remove', edge: `${group}>${user}` }];
    const wi = await call('what_if', { changes, limit: 1000 });
    expect(unbounded(wi.structured)).toEqual(plain(whatIfDocument(graph, changes as never)));
    const f = await call('findings', { limit: 1000 });
    expect(f.structured).toEqual(plain(findingsDocument(graph)));
    const path = `/users/${row.user.id}/systems`;
    const t = await call('traverse', { path, limit: 1000 });
    expect(unbounded(t.structured)).toEqual({ path, answer: plain(answer(graph, path)) });
  });

  it('bounds large answers with a clear "first N of M" and the offset of the next page', async () => {
    const doc = accessDocument(graph, user);
    expect(doc.bindings.length).toBeGreaterThan(4);
    const first = await call('access', { subject: user, limit: 2 });
    expect(first.structured.bindings).toEqual(plain(doc.bindings.slice(0, 2)));
    expect(first.structured.page).toEqual({ offset: 0, limit: 2, returned: 2, total: doc.bindings.length, nextOffset: 2 });
    expect(first.text).toContain(`Showing bindings 1–2 of ${doc.bindings.length}. Call access again with offset 2 for more.`);
    const second = await call('access', { subject: user, limit: 2, offset: 2 });
    expect(second.structured.bindings).toEqual(plain(doc.bindings.slice(2, 4)));
    const f = findingsDocument(graph);
    const inactive = await call('findings', { kind: 'inactiveUsers', offset: 1, limit: 2 });
    expect(inactive.structured.inactiveUsers).toEqual(plain(f.inactiveUsers.slice(1, 3)));
    expect(inactive.structured.page.total).toBe(f.inactiveUsers.length);
    // dynamicGroups, an object of five sections, pages as one list whose items say their section.
    const sections = ['addedBack', 'pendingReview', 'staleExemptions', 'errorFlags', 'cannotEvaluate'] as const;
    const dynamicTotal = sections.reduce((n, k) => n + f.dynamicGroups[k].length, 0);
    expect(f.dynamicGroups.cannotEvaluate.length).toBeGreaterThan(0);
    const dynamic = await call('findings', { kind: 'dynamicGroups', limit: 1000 });
    expect(dynamic.structured.page.total).toBe(dynamicTotal);
    const items = dynamic.structured.dynamicGroups as { finding: string }[];
    for (const k of sections)
      expect(
        items.filter((i) => i.finding === k).map((i) => Object.fromEntries(Object.entries(i).filter(([key]) => key !== 'finding'))),
      ).toEqual(plain(f.dynamicGroups[k]));
    expect(dynamic.text).toContain('is computed by a rule jcgraph cannot evaluate');
    expect(dynamic.text).toContain(`dynamicGroups ${dynamicTotal}`);
    // Inner lists are cut too, and said to be: the whole findings with a small limit.
    const small = await call('findings', { limit: 1 });
    expect(small.structured.truncated.length).toBeGreaterThan(0);
    expect(small.text).toMatch(/inner lists? cut to their first items/);
  });

  it('an unknown or ambiguous name, or a bad argument, is a tool error that says what to do', async () => {
    const near = row.user.name.slice(0, -1);
    const unknown = await call('access', { subject: `user:${near}` });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/^UnknownObjectError: No user named/);
    expect(unknown.text).toContain(`Candidates: ${user} (${row.user.id})`);
    for (const [tool, args] of [
      ['why', { subject: user }],
      ['access', { subject: user, limit: 0 }],
      ['revoke_plan', { subject: user, resource, strategy: 'cheapest' }],
      ['revoke_plan', { subject: user, resource, protect: ['user:nobody'] }],
      ['what_if', { changes: [] }],
      ['what_if', { changes: [{ op: 'remove', edge: 'user:nobody' }] }],
      ['traverse', { path: '/nowhere' }],
      ['findings', { kind: 'everything' }],
    ] as const) {
      const r = await call(tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(r.text.length).toBeGreaterThan(10);
    }
  });

  it("serves a snapshot, names an ambiguous name's every match, and exits by itself, cleanly, when the client closes", async () => {
    const b = new TenantBuilder();
    const ann = b.user('ann');
    const web = b.add('system', 'web', {}, 'system-1');
    b.add('system', 'web', {}, 'system-2');
    b.associate(ann, web);
    const sim = await startSimulator({ tenants: [b.build('org-twins')] });
    const file = join(dir, 'tiny.json');
    try {
      const { tenant: fetched, meta } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });
      await saveSnapshot(file, { meta, tenant: fetched });
    } finally {
      await sim.close();
    }
    const c = connect(['--snapshot', file]);
    await c.client.connect(c.transport);
    const answered = (await c.client.callTool({ name: 'findings', arguments: {} })) as unknown as {
      structuredContent: { totals: { subjects: number } };
    };
    expect(answered.structuredContent.totals.subjects).toBeGreaterThan(0);
    const ambiguous = (await c.client.callTool({ name: 'why', arguments: { subject: 'user:ann', resource: 'system:web' } })) as unknown as {
      isError: boolean;
      content: { text: string }[];
    };
    expect(ambiguous.isError).toBe(true);
    expect(ambiguous.content[0]!.text).toMatch(/is ambiguous/);
    expect(ambiguous.content[0]!.text).toContain('Candidates: system:web (system-1); system:web (system-2).');
    const pid = c.transport.pid!;
    // The SDK gives a server 2 s (a timer) to leave after stdin closes, then sends SIGTERM. With its timers
    // held still, close() returns only when the server has exited of itself.
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      await c.client.close();
    } finally {
      vi.useRealTimers();
    }
    expect(() => process.kill(pid, 0)).toThrow();
    expect(stderr).toContain('jcgraph mcp: the client closed; stopped.');
  });
});

describe('jcgraph mcp --live', () => {
  it('fetches the organization at start with the key from the environment, then answers', async () => {
    const sim = await startSimulator({ preset: 'tiny', seed: 5 });
    try {
      const c = connect(['--live', '--base-url', sim.baseUrl], { JC_API_KEY: sim.apiKey });
      await c.client.connect(c.transport);
      const someone = sim.tenant().objects.find((o) => o.type === 'user')!;
      const r = (await c.client.callTool({ name: 'traverse', arguments: { path: `/users/${someone.id}/systems`, limit: 1000 } })) as {
        structuredContent: any;
      };
      const live = await (
        await fetch(`${sim.baseUrl}/api/v2/users/${someone.id}/systems?limit=100`, { headers: { 'x-api-key': sim.apiKey } })
      ).json();
      expect(r.structuredContent.answer).toEqual(live);
      await c.client.close();
      expect(stderr).toMatch(/jcgraph mcp: fetched \d+ objects and \d+ edges with \d+ requests/);
      expect(stderr).not.toContain(sim.apiKey);
    } finally {
      await sim.close();
    }
  });
});
