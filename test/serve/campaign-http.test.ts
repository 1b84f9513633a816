/**
 * `jcgraph serve --campaign DIR`, read-only: GET /jcgraph/v1/campaign answers the campaign file's items
 * with the decision in force on each, page by page and filtered by decision and reviewer, with the
 * campaign's identity and per-reviewer progress; without a campaign it is a 404 naming the option; the
 * CLI refuses a campaign of another organization and an unreadable directory, in one sentence, exit 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessGraph } from '../../src/graph/index.ts';
import { readCampaign } from '../../src/review/index.ts';
import { startServer, type JcgraphServer } from '../../src/serve/index.ts';
import { cli } from '../cli/run.ts';
import { reviewTenant } from '../review/review-tenant.ts';
import { MARKUP_REASON, writeDecidedCampaign } from './decided-campaign.ts';

let root: string;
let dir: string;
let withCampaign: JcgraphServer;
let without: JcgraphServer;
/** The campaign file as JSON, read apart from jcgraph's reader. */
let file: { id: string; items: any[]; decisions: any[] };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jcgraph-serve-campaign-'));
  dir = await writeDecidedCampaign(root);
  file = JSON.parse(await readFile(join(dir, 'campaign.json'), 'utf8'));
  const graph = AccessGraph.fromTenant(reviewTenant());
  withCampaign = await startServer({ graph, campaign: await readCampaign(dir) });
  without = await startServer({ graph });
});
afterAll(async () => {
  await withCampaign?.close();
  await without?.close();
  await rm(root, { recursive: true, force: true });
});

async function ask(server: JcgraphServer, query: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const url = new URL(`${server.baseUrl}/jcgraph/v1/campaign`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const r = await fetch(url, { headers: { 'x-api-key': server.apiKey! } });
  return { status: r.status, body: await r.json() };
}

/** What the file says of each item: its reviewer and the decision in force, or null. */
function expectedItems(): { id: string; user: string; resource: string; reviewer: string; decision: unknown }[] {
  const inForce = new Map(file.decisions.map((d) => [d.item, d]));
  return file.items.map((item) => {
    const d = inForce.get(item.id);
    return {
      id: item.id,
      user: item.user.id,
      resource: item.resource.id,
      reviewer: item.reviewer.name,
      decision: d ? { decision: d.decision, reviewer: d.reviewer, decidedAt: d.decidedAt, reason: d.reason } : null,
    };
  });
}

function shape(items: any[]): ReturnType<typeof expectedItems> {
  return items.map((i) => ({ id: i.id, user: i.user.id, resource: i.resource.id, reviewer: i.reviewer.name, decision: i.decision }));
}

describe('GET /jcgraph/v1/campaign', () => {
  it("answers the campaign file's items and decisions, page by page, with its identity and progress", async () => {
    const pages: any[] = [];
    for (let skip = 0; ; skip += 3) {
      const r = await ask(withCampaign, { skip: String(skip), limit: '3' });
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(file.items.length);
      expect(r.body.items.length).toBeLessThanOrEqual(3);
      if (r.body.items.length === 0) break;
      pages.push(...r.body.items);
    }
    expect(shape(pages)).toEqual(expectedItems());
    expect(pages[1].decision.reason).toBe(MARKUP_REASON); // verbatim: the explorer shows it as text
    const first = await ask(withCampaign);
    expect(first.body.campaign).toBe(file.id);
    expect(first.body.limit).toBe(100);
    expect(first.body.snapshot.orgId).toBe('org-review');
    expect(first.body.progress.decided).toBe(file.decisions.length);
    expect(first.body.progress.decisions).toEqual({ keep: 2, revoke: 2, flag: 1 });
    const perReviewer = new Map<string, number>();
    for (const item of file.items) perReviewer.set(item.reviewer.name, (perReviewer.get(item.reviewer.name) ?? 0) + 1);
    expect(new Map(first.body.progress.reviewers.map((r: any) => [r.reviewer, r.total]))).toEqual(perReviewer);
  });

  it('filters by decision and by reviewer', async () => {
    const all = expectedItems();
    for (const decision of ['keep', 'revoke', 'flag', 'undecided']) {
      const r = await ask(withCampaign, { decision });
      expect(r.status).toBe(200);
      const want = all.filter((i) => ((i.decision as { decision: string } | null)?.decision ?? 'undecided') === decision);
      expect(shape(r.body.items)).toEqual(want);
      expect(r.body.total).toBe(want.length);
    }
    const reviewer = all[1]!.reviewer;
    const r = await ask(withCampaign, { reviewer, decision: 'revoke' });
    expect(shape(r.body.items)).toEqual(all.filter((i) => i.reviewer === reviewer && (i.decision as any)?.decision === 'revoke'));
    expect(r.body.items.length).toBeGreaterThan(0);
  });

  it('refuses a bad filter or page, naming the parameter', async () => {
    for (const [query, parameter] of [
      [{ decision: 'maybe' }, 'decision'],
      [{ skip: '-1' }, 'skip'],
      [{ limit: '0' }, 'limit'],
      [{ sort: 'name' }, 'sort'],
    ] as const) {
      const r = await ask(withCampaign, query);
      expect(r.status).toBe(400);
      expect(r.body.error.parameter).toBe(parameter);
    }
  });

  it('is a 404 naming --campaign when no campaign is served, and the root says which is served', async () => {
    const r = await ask(without);
    expect(r.status).toBe(404);
    expect(r.body.error.message).toMatch(/--campaign DIR/);
    const rootOf = async (server: JcgraphServer) =>
      (await (await fetch(`${server.baseUrl}/jcgraph/v1`, { headers: { 'x-api-key': server.apiKey! } })).json()) as {
        campaign: string | null;
      };
    const root1 = await rootOf(withCampaign);
    const root2 = await rootOf(without);
    expect(root1.campaign).toBe(file.id);
    expect(root2.campaign).toBeNull();
  });
});

describe('jcgraph serve --campaign', () => {
  it('refuses a campaign of another organization, and an unreadable one, in one sentence with exit 1', async () => {
    const foreign = await cli(['serve', '--sim', 'tiny', '--campaign', dir]);
    expect(foreign.code).toBe(1);
    expect(foreign.stdout).toBe('');
    expect(foreign.stderr).toMatch(
      /^jcgraph serve: The campaign .* is of organization org-review, not of the organization served \([^)]*\)[^\n]*\.\n$/,
    );
    const missing = await cli(['serve', '--snapshot', join(root, 'acme.json'), '--campaign', join(root, 'no-such-dir')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^jcgraph serve: The campaign directory .*no-such-dir has no campaign\.json/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
