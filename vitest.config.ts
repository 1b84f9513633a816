import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The test files of the `integration` project: each needs more than the process it runs in. Every other
 * test file is in the `unit` project (`npm run test:unit`), which needs nothing else: no browser, no Prism,
 * no packed package, no spawned process, no simulated tenant fetched over HTTP, no large tenant. A new test
 * that needs one of these is listed here (test/lint/test-projects.test.ts fails on one that is not).
 * `npm test` runs both. test/README.md has the map.
 */
export const INTEGRATION = [
  // Chromium.
  'test/report/html-chromium.test.ts',
  'test/serve/explorer-chromium.test.ts',
  // Prism: the official specs' validating proxy and mock server.
  'test/fetchers/prism-contract.test.ts',
  'test/serve/replica-prism.test.ts',
  'test/simulator/insights.test.ts',
  'test/simulator/prism-contract.test.ts',
  // The packed package installed in a new project, and dist/ as it ships.
  'test/package/pack-install.test.ts',
  'test/library/docs.test.ts',
  // Real jcgraph (or npm, tsx) processes.
  'test/cli/blocking-stdio.test.ts',
  'test/cli/demo.test.ts',
  'test/cli/examples.test.ts',
  'test/cli/heap-bound.test.ts',
  'test/cli/partial.test.ts',
  'test/cli/serve.test.ts',
  'test/cli/sim.test.ts',
  'test/mcp/mcp.test.ts',
  // A simulated organization served over HTTP: fetched, refreshed, broken by faults, changed, compared.
  'test/cli/all-commands.test.ts',
  'test/cli/fetch.test.ts',
  'test/cli/hostile-input.test.ts',
  'test/cli/key-safety.test.ts',
  'test/cli/live.test.ts',
  'test/cli/plan-out.test.ts',
  'test/cli/refresh.test.ts',
  'test/cli/traverse.test.ts',
  'test/docs/readme.test.ts',
  'test/fetchers/collections.test.ts',
  'test/fetchers/coverage.test.ts',
  'test/fetchers/dynamic-groups-fetch.test.ts',
  'test/fetchers/faults.test.ts',
  'test/fetchers/fetch-sim.test.ts',
  'test/fetchers/insights.test.ts',
  'test/fetchers/refresh.test.ts',
  'test/fetchers/resume.test.ts',
  'test/graph/http-equivalence.test.ts',
  'test/library/public-api.test.ts',
  'test/serve/replica-vs-simulator.test.ts',
  'test/simulator/changes.test.ts',
  'test/simulator/faults.test.ts',
  'test/simulator/server.test.ts',
  'test/simulator/rule-reevaluation.test.ts',
  'test/simulator/write-faults.test.ts',
  'test/simulator/writes.test.ts',
  'test/snapshot-index/index.test.ts',
  'test/verify/verify.test.ts',
  'test/verify/dynamic-groups.test.ts',
  'test/apply/dry-run.test.ts',
  'test/apply/faults.test.ts',
  'test/apply/journal-verify.test.ts',
  'test/apply/properties.test.ts',
  'test/apply/writer.test.ts',
  'test/watch/watch.test.ts',
  'test/review/campaign-e2e.test.ts',
  'test/rules/plan-out.test.ts',
  // Large tenants.
  'test/simulator/generator.test.ts',
  // The linter with type information (a TypeScript program of the whole project).
  'test/lint/boundaries.test.ts',
];

/** What both projects share: room for servers and processes on a busy 2-core machine. */
const SHARED = { testTimeout: 60_000, hookTimeout: 180_000, pool: 'forks' } as const;

export default defineConfig({
  test: {
    projects: [
      {
        test: { ...SHARED, name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...INTEGRATION] },
      },
      {
        // The global setup builds dist/ when src/ changed (the real `jcgraph` command runs dist/), resolves
        // Chromium, and starts the shared simulator and, on demand, Prism.
        test: { ...SHARED, name: 'integration', include: INTEGRATION, globalSetup: ['test/global-setup.ts'] },
      },
    ],
  },
});
