/**
 * The explorer in a real Chromium (test/helpers/browser.ts): opened from the link jcgraph serve prints,
 * it trades the one-time token for a session cookie; search by keyboard, open a user, filter what it
 * reaches, open a binding's paths (the picture and where each attribute comes from), show the revoke
 * plans and the offboarding plan, and the findings, all checked against the library's answers. Every
 * request must stay on the server's origin, nothing may log an error, and hostile names (markup, quotes,
 * right-to-left marks, very long names) must show as text. Screenshots go to test/artifacts/.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGraph, access, findings, formatOperation, formatReference, planOffboard, planRevoke } from '../../src/index.ts';
import { type BindingRow } from '../../src/entries/report.ts';
import { generateTenant } from '../../src/entries/simulator.ts';
import { bindingToExplain } from '../../src/report/index.ts';
import { startServer, type JcgraphServer } from '../../src/serve/index.ts';
import { dynamicTenant } from '../analysis/dynamic-tenant.ts';
import { TenantBuilder, SUDO } from '../analysis/tenant-builder.ts';
import { launchChromium, recordProblems, type LaunchedChromium } from '../helpers/browser.ts';
import { HOSTILE_GROUP, HOSTILE_USER } from '../report/fixture.ts';
import { readCampaign, type Campaign } from '../../src/review/index.ts';
import { reviewTenant } from '../review/review-tenant.ts';
import { MARKUP_REASON, writeDecidedCampaign } from './decided-campaign.ts';

const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');
const RTL_NAME = 'invoice\u202Egpj.exe\u202C';
const LONG_NAME = `very-long-${'x'.repeat(400)}-end`;

let browser: LaunchedChromium;
const problems: string[] = [];
let allowedOrigin = '';

beforeAll(async () => {
  browser = await launchChromium();
  // Anything but the server under test is a failure, and is never let through.
  await browser.context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowedOrigin && url.startsWith(`${allowedOrigin}/`)) return route.continue();
    problems.push(`request to ${url}`);
    return route.abort();
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function open(server: JcgraphServer): Promise<Page> {
  allowedOrigin = server.baseUrl;
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  recordProblems(page, problems);
  const response = await page.goto(server.explorerLink());
  expect(response?.status()).toBe(200);
  expect(new URL(page.url()).search).toBe(''); // the token is gone from the address bar
  expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'.*connect-src 'self'/);
  await page.waitForSelector('html[data-ready="true"]');
  await page.waitForSelector('#view[data-ready="home"]');
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: false });
}

describe('the explorer of a small simulated organization, in Chromium', () => {
  const graph = AccessGraph.fromTenant(generateTenant({ preset: 'small', seed: 1 }));
  let server: JcgraphServer;
  let page: Page;
  let row: BindingRow;

  beforeAll(async () => {
    server = await startServer({ graph, source: 'simulated small:1' });
    row = bindingToExplain(graph)!;
    page = await open(server);
  }, 120_000);
  afterAll(() => server?.close());

  it('finds a user by keyboard: / focuses the search box, arrows pick a match, Enter opens it', async () => {
    await page.keyboard.press('/');
    expect(await page.locator('#search').evaluate((input) => input === input.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.type(row.user.name.slice(0, 6));
    await page.waitForSelector('#search-results [role="option"]');
    const options = await page.locator('#search-results [role="option"]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-id')));
    const index = options.indexOf(row.user.id);
    expect(index).toBeGreaterThanOrEqual(0);
    for (let i = 0; i <= index; i++) await page.keyboard.press('ArrowDown');
    expect(await page.locator('#search').getAttribute('aria-activedescendant')).toBe(`hit-${index}`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#view[data-ready="object"]');
    expect(new URL(page.url()).hash).toBe(`#/object/${encodeURIComponent(row.user.id)}`);
    expect(await page.locator('#view h1 .name').textContent()).toBe(row.user.name);
  });

  it('shows what the user reaches, with labels and sudo, and filters it', async () => {
    const bindings = access(graph, row.user.id);
    const table = page.locator('table[data-name="reaches"]');
    const count = page.locator('section[data-end="target"] .count');
    expect(Number(await count.getAttribute('data-total'))).toBe(bindings.length);
    expect(await table.locator('tbody tr:not(.detail)').count()).toBe(Math.min(50, bindings.length));
    await page.locator('section[data-end="target"] select[aria-label="Type"]').selectOption('system');
    expect(Number(await count.getAttribute('data-total'))).toBe(bindings.filter((b) => b.target.type === 'system').length);
    await page.locator('section[data-end="target"] input[type="checkbox"]').check();
    const withSudo = bindings.filter(
      (b) => b.target.type === 'system' && (b.compiledAttributes?.['sudo'] as { enabled?: boolean } | undefined)?.enabled,
    );
    expect(Number(await count.getAttribute('data-total'))).toBe(withSudo.length);
    await page.locator('section[data-end="target"] input[type="search"]').fill(row.resource.name);
    expect(Number(await count.getAttribute('data-total'))).toBe(1);
    const cells = await table.locator(`tbody tr[data-id="${row.resource.id}"] td`).allTextContents();
    const binding = bindings.find((b) => b.target.id === row.resource.id)!;
    const sudo = binding.compiledAttributes?.['sudo'] as { enabled: boolean; withoutPassword: boolean };
    expect(cells.slice(0, 5)).toEqual([
      'system',
      formatReference(row.resource),
      binding.label,
      String(binding.paths.length),
      sudo.withoutPassword ? 'yes, no password' : 'yes',
    ]);
  });

  it('opens a binding to its paths, drawn, and where each compiled attribute comes from', async () => {
    const tr = page.locator(`tr[data-id="${row.resource.id}"]`);
    await tr.locator('button.explain').focus();
    await page.keyboard.press('Enter');
    expect(await tr.locator('button.explain').getAttribute('aria-expanded')).toBe('true');
    const detail = page.locator('tr.detail:not([hidden])');
    await detail.locator('.why[data-ready="true"]').waitFor();
    const short = (name: string) => (name.length > 22 ? `${name.slice(0, 21)}…` : name);
    const labels = await detail
      .locator('svg.paths g.path')
      .evaluateAll((gs) => gs.map((g) => [...g.querySelectorAll('text')].map((t) => t.textContent)));
    expect(labels).toEqual(row.paths.map((p) => p.objects.map((o) => short(o.name))));
    const hops = row.paths.flatMap((p) => p.edges.map((e) => e.kind));
    expect(await detail.locator('line.hop-association').count()).toBe(hops.filter((k) => k === 'association').length);
    expect(await detail.locator('line.hop-membership').count()).toBe(hops.filter((k) => k === 'membership').length);
    expect(await detail.locator('dl.provenance dt').allTextContents()).toContain('sudo');
    expect(await detail.locator('ol.paths-list li').count()).toBe(row.paths.length);
    await screenshot(page, 'explorer-binding.png');
  });

  it('shows the revoke plan of each strategy with the exact API calls and the collateral', async () => {
    const detail = page.locator('tr.detail:not([hidden])');
    await detail.locator('button.revoke-button').click();
    await detail.locator('.revoke[data-ready="true"]').waitFor();
    for (const strategy of ['fewest-changes', 'least-collateral', 'subject-only'] as const) {
      const plan = planRevoke(graph, row.user.id, row.resource.id, { strategy });
      const section = detail.locator(`.plan[data-strategy="${strategy}"]`);
      expect(await section.locator('code.api-call').allTextContents()).toEqual(plan.steps.map((s) => formatOperation(s.operation)));
      expect(await section.textContent()).toContain(`${plan.collateral.lost.length} other binding`);
      expect(await section.locator('.ok').textContent()).toMatch(/^Checked: after the plan/);
    }
    await detail.locator('.revoke').scrollIntoViewIfNeeded();
    await screenshot(page, 'explorer-revoke.png');
  });

  it('shows the offboarding plan of a user', async () => {
    await page.locator('button.offboard-button').click();
    await page.locator('.offboard[data-ready="true"]').waitFor();
    const plan = planOffboard(graph, row.user.id);
    expect(await page.locator('.offboard code.api-call').allTextContents()).toEqual(plan.steps.map((s) => formatOperation(s.operation)));
    expect(await page.locator('.offboard .ok').textContent()).toMatch(/has no binding left/);
  });

  it('lists the findings with links to the objects, and a link opens one', async () => {
    await page.goto(`${server.baseUrl}/#/findings`);
    await page.waitForSelector('#view[data-ready="findings"]');
    const f = findings(graph);
    expect(await page.locator('#finding-sudo li').count()).toBe(Math.min(25, f.privileged.grants.length));
    expect(await page.locator('#finding-inactive .badge').textContent()).toBe(String(f.inactiveUsers.length));
    await screenshot(page, 'explorer-findings.png');
    const link = page.locator('#finding-inactive li a.obj').first();
    const href = await link.getAttribute('href');
    await link.click();
    await page.waitForSelector('#view[data-ready="object"]');
    expect(new URL(page.url()).hash).toBe(href);
  });

  it('a resource page shows who reaches it', async () => {
    await page.goto(`${server.baseUrl}/#/object/${row.resource.id}`);
    await page.waitForSelector('#view[data-ready="object"]');
    const reachedBy = page.locator('section[data-end="subject"] .count');
    expect(Number(await reachedBy.getAttribute('data-total'))).toBeGreaterThan(0);
    expect(await page.locator('section[data-end="subject"] h2').textContent()).toMatch(/^Reached by \(\d+\)$/);
  });

  it('made no request outside the server and logged no error', () => {
    expect(problems).toEqual([]);
  });
});

describe('the explorer of an organization with hostile names, in Chromium', () => {
  let server: JcgraphServer;

  beforeAll(async () => {
    const b = new TenantBuilder();
    const evil = b.user(HOSTILE_USER, { email: 'evil@example.com' });
    const rtl = b.user(RTL_NAME, { email: 'rtl@example.com' });
    const group = b.userGroup(HOSTILE_GROUP, { sudo: { enabled: true, withoutPassword: true } });
    const long = b.system(LONG_NAME);
    const quoted = b.system(`"quoted" 'name' & <b>bold</b>`);
    b.member(group, evil).member(group, rtl);
    b.associate(group, long);
    b.associate(evil, quoted, SUDO);
    server = await startServer({ graph: AccessGraph.fromTenant(b.build('org-hostile')) });
  });
  afterAll(() => server?.close());

  it('shows every name as text, runs none of them, and makes no outside request', async () => {
    const page = await open(server);
    await page.locator('#search').fill('<img');
    await page.waitForSelector('#search-results [role="option"]');
    expect(await page.locator('#search-results .hit-name').allTextContents()).toEqual([HOSTILE_USER]);
    await page.goto(`${server.baseUrl}/#/object/user-${HOSTILE_USER.replace(/[^A-Za-z0-9_-]/g, '_')}`);
    await page.waitForSelector('#view[data-ready="object"]');
    expect(await page.locator('#view h1 .name').textContent()).toBe(HOSTILE_USER);
    const names = await page.locator('table[data-name="reaches"] a.obj').allTextContents();
    expect(names).toContain(`system:${LONG_NAME}`);
    expect(names).toContain(`system:${JSON.stringify(`"quoted" 'name' & <b>bold</b>`)}`);
    await page.locator('tr[data-id^="system-very-long"] button.explain').click();
    await page.locator('tr.detail:not([hidden]) .why[data-ready="true"]').waitFor();
    expect(await page.locator('tr.detail:not([hidden]) ol.paths-list').textContent()).toContain(
      `user_group:${JSON.stringify(HOSTILE_GROUP)}`,
    );
    await page.goto(`${server.baseUrl}/#/object/user-${RTL_NAME.replace(/[^A-Za-z0-9_-]/g, '_')}`);
    await page.waitForSelector('#view[data-ready="object"]');
    // The override shows as [U+202E] instead of turning the name round ("invoiceexe.jpg").
    expect(await page.locator('#view h1 .name').textContent()).toBe('invoice[U+202E]gpj.exe[U+202C]');
    expect(await page.locator('dl.record dd').first().textContent()).toBe('invoice[U+202E]gpj.exe[U+202C]');
    expect(await page.locator('img, b, iframe, object, embed').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    await screenshot(page, 'explorer-hostile.png');
    expect(problems).toEqual([]);
  });
});

describe('the explorer of an organization with dynamic groups, in Chromium', () => {
  let server: JcgraphServer;
  const t = dynamicTenant();
  beforeAll(async () => {
    server = await startServer({ graph: AccessGraph.fromTenant(t.tenant) });
  });
  afterAll(() => server?.close());

  it("a group's page shows its rule and exemptions in words, and says when jcgraph cannot evaluate it", async () => {
    const page = await open(server);
    await page.goto(`${server.baseUrl}/#/object/${t.eng.id}`);
    await page.waitForSelector('#view[data-ready="object"]');
    expect(await page.locator('.rule code').textContent()).toBe('department eq "Engineering"');
    expect(await page.locator('.rule p').first().textContent()).toMatch(/^The rule adds whoever it matches \(review required\)/);
    expect(await page.locator('.rule a.obj').allTextContents()).toEqual(['user:omar']);
    await page.goto(`${server.baseUrl}/#/object/${t.allStaff.id}`);
    await page.waitForSelector('#view[data-ready="object"] .rule');
    expect(await page.locator('.rule p').nth(1).textContent()).toBe(
      'Exempt from the rule: user:sue, user user-deleted (no longer in the organization)',
    );
    await page.goto(`${server.baseUrl}/#/object/${t.legacy.id}`);
    await page.waitForSelector('#view[data-ready="object"] .rule');
    expect(await page.locator('.rule .warning').textContent()).toMatch(
      /^membership of user_group:Legacy is computed by a rule jcgraph cannot evaluate \(its queryType "Search"/,
    );
    await screenshot(page, 'explorer-dynamic-group.png');
    expect(problems).toEqual([]);
  });
});

describe('the explorer of a served review campaign, in Chromium', () => {
  let root: string;
  let campaign: Campaign;
  let server: JcgraphServer;
  let page: Page;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'jcgraph-explorer-campaign-'));
    campaign = await readCampaign(await writeDecidedCampaign(root));
    server = await startServer({ graph: AccessGraph.fromTenant(reviewTenant()), source: 'snapshot acme.json', campaign });
    page = await open(server);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('lists the items with their decisions, reasons as text, and filters them by decision', async () => {
    await page.locator('#campaign-link').click();
    await page.waitForSelector('#view[data-ready="campaign"]');
    const rows = page.locator('table[data-name="campaign"] tbody tr');
    expect(await rows.count()).toBe(Math.min(campaign.items.length, 50));
    const decided = new Map(campaign.decisions.map((d) => [d.item, d]));
    for (const item of campaign.items.slice(0, 6)) {
      const cells = await page.locator(`tr[data-item="${item.id}"] td`).allTextContents();
      const d = decided.get(item.id);
      expect(cells[4]).toBe(d ? d.decision : 'undecided');
      expect(cells[7]).toBe(d ? d.reason : '');
    }
    expect(await page.locator('#view img').count()).toBe(0); // the markup reason stayed text
    expect(await page.locator('#view').textContent()).toContain(MARKUP_REASON);
    await page.locator('select[name="decision"]').selectOption('revoke');
    await page.waitForFunction("location.hash === '#/campaign?decision=revoke'");
    await page.waitForSelector('#view[data-ready="campaign"]');
    const revoked = campaign.decisions.filter((d) => d.decision === 'revoke').map((d) => d.item);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-item')))).toEqual(
      campaign.items.filter((i) => revoked.includes(i.id)).map((i) => i.id),
    );
    await screenshot(page, 'explorer-campaign.png');
    expect(problems).toEqual([]);
  });
});
