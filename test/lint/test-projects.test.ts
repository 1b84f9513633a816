/**
 * The split of the tests into projects (vitest.config.ts) stays true: every file listed for the integration
 * project exists (a renamed one would otherwise fall silently into the unit project), and no file of the
 * unit project reaches for what only integration tests may use: a browser, Prism, a process, a simulator
 * served over HTTP, a large tenant.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INTEGRATION } from '../../vitest.config.ts';
import { ROOT } from '../cli/run.ts';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [relative(ROOT, join(dir, e.name))] : [],
  );
}

/** What marks a test as an integration test, as it appears in the test's code. */
const INTEGRATION_ONLY: readonly [RegExp, string][] = [
  [/launchChromium|helpers\/browser\.ts/, 'Chromium'],
  [/waitForPrism|prism(V1|V2)(Proxy|Mock)Url/, 'Prism'],
  [/\bspawn(Cli)?\(|\bjcgraph\(\[|StdioClientTransport|execFile/, 'a process'],
  [/\b(startSimulator|withSimulator)\(|inject\('simBaseUrl'\)/, 'a simulator served over HTTP'],
  [/preset: '(large|xl)'|--sim', '(large|xl)/, 'a large tenant'],
];

describe('the test projects (vitest.config.ts)', () => {
  it('lists for the integration project only test files that exist, each once', () => {
    expect(INTEGRATION.filter((f) => !existsSync(join(ROOT, f)))).toEqual([]);
    expect(new Set(INTEGRATION).size).toBe(INTEGRATION.length);
  });

  it('keeps in the unit project only tests that need nothing but their own process', () => {
    const unit = testFiles(join(ROOT, 'test')).filter((f) => !INTEGRATION.includes(f));
    const self = relative(ROOT, fileURLToPath(import.meta.url)); // its patterns name what they look for
    expect(unit.length).toBeGreaterThan(20);
    const misplaced = unit
      .filter((file) => file !== self)
      .flatMap((file) => {
        const code = readFileSync(join(ROOT, file), 'utf8');
        return INTEGRATION_ONLY.filter(([pattern]) => pattern.test(code)).map(([, what]) => `${file} uses ${what}`);
      });
    expect(misplaced).toEqual([]);
  });
});
