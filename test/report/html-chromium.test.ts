/**
 * Opens the HTML report in headless Chromium (the one from npm, test/helpers/browser.ts, driven by
 * playwright-core): no console errors, no request leaves the page, tables sort and filter, the path
 * pictures carry the right labels, hostile names stay text. Saves a screenshot to test/artifacts/.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/graph/index.ts';
import { generateTenant } from '../../src/simulator/index.ts';
import { buildReview, renderHtml, type AccessReview, type BindingRow } from '../../src/report/index.ts';
import { HOSTILE_GROUP, HOSTILE_USER, hostileTenant } from './fixture.ts';
import { launchChromium, type LaunchedChromium, recordProblems } from '../helpers/browser.ts';

const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');
let dir: string;
let browser: LaunchedChromium;
let context: BrowserContext;
const problems: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-html-'));
  browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
  context = browser.context;
  // Anything but the report file itself is a failure (and is never let through).
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    problems.push(`request to ${url}`);
    return route.abort();
  });
});

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

async function open(review: AccessReview, name: string): Promise<Page> {
  const path = join(dir, name);
  await writeFile(path, renderHtml(review));
  const page = await context.newPage();
  recordProblems(page, problems);
  await page.goto(pathToFileURL(path).href);
  await page.waitForSelector('html[data-ready="true"]');
  return page;
}

/** The text of column `key` on the table's visible page. */
async function column(page: Page, table: string, key: string): Promise<string[]> {
  const index = await page
    .locator(`table[data-name="${table}"] thead th button`)
    .evaluateAll((bs, k) => bs.findIndex((b) => b.getAttribute('data-key') === k), key);
  return page
    .locator(`table[data-name="${table}"] tbody tr`)
    .evaluateAll((rows, i) => rows.map((r) => r.children[i]!.textContent ?? ''), index);
}

const total = (page: Page, section: string) => page.locator(`#${section} .count`).getAttribute('data-total').then(Number);

function short(name: string): string {
  return name.length > 22 ? `${name.slice(0, 21)}…` : name;
}

describe('the HTML report of a small simulated organization, in Chromium', () => {
  const g = AccessGraph.fromTenant(generateTenant({ preset: 'small', seed: 1 }));
  const review = buildReview(g, { source: 'simulator small:1' });
  let page: Page;

  beforeAll(async () => {
    page = await open(review, 'small.html');
  });

  it('renders every table with its first page, findings first', async () => {
    expect(await page.locator('main > section').evaluateAll((s) => s.map((x) => x.id))).toEqual([
      'summary',
      'findings',
      'users',
      'bindings',
      'resources',
      'groups',
    ]);
    expect(await page.locator('table[data-name="users"] tbody tr').count()).toBe(Math.min(100, review.users.length));
    expect(await total(page, 'users')).toBe(review.users.length);
    expect(await total(page, 'resources')).toBe(review.resources.length);
    expect(await total(page, 'groups')).toBe(review.groups.length);
    expect(await total(page, 'bindings')).toBe(review.sample.length);
    expect(await page.locator('#finding-sudo table tbody tr').count()).toBe(review.findings.find((s) => s.kind === 'sudo')!.items.length);
  });

  it('sorts on a header click: ascending, then descending', async () => {
    const counts = review.users.map((u) => u.bindings);
    const header = page.locator('table[data-name="users"] th button[data-key="bindings"]');
    await header.click();
    const up = (await column(page, 'users', 'bindings')).map(Number);
    expect(up[0]).toBe(Math.min(...counts));
    expect(up).toEqual([...up].sort((a, b) => a - b));
    expect(await page.locator('table[data-name="users"] th[aria-sort="ascending"]').count()).toBe(1);
    await header.click();
    const down = (await column(page, 'users', 'bindings')).map(Number);
    expect(down[0]).toBe(Math.max(...counts));
    expect(down).toEqual([...down].sort((a, b) => b - a));
    expect(down).toEqual([...counts].sort((a, b) => b - a).slice(0, 100));
  });

  it('filters as you type and pages through the rest', async () => {
    const target = review.sample.find((r) => r.resource.type === 'system')!.resource.name;
    const q = target.toLowerCase();
    const words = (r: BindingRow) => [
      r.user.name,
      r.user.state,
      r.resource.type,
      r.resource.name,
      r.label,
      r.sudo,
      ...r.via.map((v) => v.name),
      ...r.paths.flatMap((p) => p.objects.map((o) => o.name)),
    ];
    const expected = review.sample.filter((r) => words(r).some((w) => w.toLowerCase().includes(q))).length;
    await page.locator('#bindings input[type="search"]').fill(target);
    expect(await total(page, 'bindings')).toBe(expected);
    expect(await page.locator('table[data-name="bindings"] tbody tr').count()).toBe(Math.min(expected, 100));
    await page.locator('#bindings input[type="search"]').fill('');
    expect(await total(page, 'bindings')).toBe(review.sample.length);
    await page.locator('#users button.next').click();
    expect(await page.locator('#users .count').textContent()).toMatch(/^Rows 101–200 of /);
  });

  it('draws each path of a binding with its objects as labelled boxes and its hops as arrows', async () => {
    const row = review.sample.find((r) => r.paths.length >= 2 && r.paths.some((p) => p.objects.length === 4))!;
    await page.locator('#bindings input[type="search"]').fill(row.resource.name);
    const tr = page
      .locator('table[data-name="bindings"] tbody tr')
      .filter({ has: page.locator(`td:first-child:text-is("${row.user.name}")`) });
    await expect.poll(() => tr.count()).toBe(1);
    const svg = tr.locator('svg.paths');
    const labels = await svg
      .locator('g.path')
      .evaluateAll((gs) => gs.map((g) => [...g.querySelectorAll('text')].map((t) => t.textContent)));
    expect(labels).toEqual(row.paths.map((p) => p.objects.map((o) => short(o.name))));
    const hops = row.paths.flatMap((p) => p.edges.map((e) => e.kind));
    expect(await svg.locator('line.hop-membership').count()).toBe(hops.filter((k) => k === 'membership').length);
    expect(await svg.locator('line.hop-association').count()).toBe(hops.filter((k) => k === 'association').length);
    expect(await svg.getAttribute('aria-label')).toContain(`user:${row.user.name} → `);
    await tr.scrollIntoViewIfNeeded();
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-bindings.png') });
    await page.locator('#bindings input[type="search"]').fill('');
    await page.mouse.wheel(0, -1e6);
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: false });
  });

  it('logged no console error and sent no request', () => {
    expect(problems).toEqual([]);
  });
});

describe('the HTML report of a tenant with hostile names, in Chromium', () => {
  it('shows them as text and runs none of them', async () => {
    const page = await open(buildReview(AccessGraph.fromTenant(hostileTenant())), 'hostile.html');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    const cells = await page.locator('table[data-name="bindings"] tbody td').allTextContents();
    expect(cells).toContain(HOSTILE_USER);
    const svgText = await page.locator('table[data-name="bindings"] svg text').allTextContents();
    expect(svgText).toContain(short(HOSTILE_GROUP));
    expect(problems).toEqual([]);
  });
});
