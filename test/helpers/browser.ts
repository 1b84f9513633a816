/**
 * Headless Chromium for browser tests, driven by playwright-core. The binary is resolved once per run by
 * the global setup (test/helpers/chromium.ts) and injected as `chromiumPath`.
 *
 *   const browser = await launchChromium();
 *   const page = await browser.context.newPage();
 *   …
 *   await browser.close();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

/**
 * Flags for a headless run on a closed network: without the background-networking ones Chromium keeps
 * trying to reach Google's hosts, and those refused connections show up as failed requests.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface LaunchedChromium {
  /** A persistent context with a fresh, empty profile. */
  readonly context: BrowserContext;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<LaunchedChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'jcgraph-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: inject('chromiumPath'),
      args: [...CHROMIUM_ARGS],
      viewport: options.viewport ?? { width: 1400, height: 1000 },
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

/** Records on `problems` every console error or warning, uncaught page error, dialog and failed request of a page. */
export function recordProblems(page: Page, problems: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
}
