/**
 * The explorer page over HTTP, without a browser: the one-time link traded for a session cookie, the
 * page refused without it, its Content-Security-Policy matching exactly its inline style and script, no
 * URL to anywhere else in it, and what the cookie opens (the analysis API, not the replica).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/index.ts';
import { generateTenant } from '../../src/entries/simulator.ts';
import { startServer, type JcgraphServer } from '../../src/serve/index.ts';

const graph = AccessGraph.fromTenant(generateTenant({ preset: 'tiny', seed: 4 }));
let server: JcgraphServer;

beforeAll(async () => {
  server = await startServer({ graph });
});
afterAll(() => server?.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.baseUrl}${path}`, { headers, redirect: 'manual' });

function hash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

async function session(): Promise<string> {
  const link = new URL(server.explorerLink());
  const r = await get(`${link.pathname}${link.search}`);
  expect(r.status).toBe(303);
  const cookie = r.headers.get('set-cookie')!;
  return cookie.split(';')[0]!;
}

describe('the explorer link and session', () => {
  it("trades the link's one-time token for an HttpOnly, SameSite=Strict cookie and drops the token from the address", async () => {
    const link = new URL(server.explorerLink());
    expect(link.searchParams.get('token')).toMatch(/^[\w-]{20,}$/);
    const r = await get(`/?${link.searchParams.toString()}`);
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/');
    expect(r.headers.get('set-cookie')).toMatch(/^jcgraph_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    const again = await get(`/?${link.searchParams.toString()}`);
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('This link has been used');
  });

  it('refuses the page without a session, and a made-up cookie', async () => {
    for (const headers of [{}, { cookie: 'jcgraph_session=made-up' }] as Record<string, string>[]) {
      const r = await get('/', headers);
      expect(r.status).toBe(401);
      const text = await r.text();
      expect(text).toContain('Open the link jcgraph serve printed');
      expect(text).not.toContain('<script');
    }
  });

  it('the cookie opens the page and the analysis API, not the API replica', async () => {
    const cookie = await session();
    expect((await get('/', { cookie })).status).toBe(200);
    expect((await get('/jcgraph/v1/search?q=a', { cookie })).status).toBe(200);
    expect((await get('/api/systemusers', { cookie })).status).toBe(401);
    expect((await get('/jcgraph/v1/search?q=a')).status).toBe(401);
  });

  it('without authentication the page opens at / directly', async () => {
    const open = await startServer({ graph, apiKey: null });
    try {
      expect(open.explorerLink()).toBe(`${open.baseUrl}/`);
      expect((await fetch(open.explorerLink())).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('the page', () => {
  it('is self-contained: its policy allows exactly its inline style and script, and requests to its own origin only', async () => {
    const r = await get('/', { cookie: await session() });
    const html = await r.text();
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toMatch(/^default-src 'none'; /);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(csp).toContain(`script-src ${hash(scripts[0]!)}`);
    expect(csp).toContain(`style-src ${hash(styles[0]!)}`);
    expect(html).toContain(`content="${csp.replace("; frame-ancestors 'none'", '')}"`);
    // No URL of any kind but data: and the page's own fragments.
    const urls = [...html.matchAll(/\b(?:src|href|action)="([^"]*)"/g)].map((m) => m[1]!);
    expect(urls.every((u) => u.startsWith('#') || u.startsWith('data:'))).toBe(true);
    // The one http:// in it is the SVG namespace name, which is never fetched.
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
  });

  it('other paths and methods are refused', async () => {
    const cookie = await session();
    expect((await get('/explorer.js', { cookie })).status).toBe(404);
    const post = await fetch(`${server.baseUrl}/`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    expect(post.status).toBe(405);
  });
});
