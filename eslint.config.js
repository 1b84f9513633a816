// ESLint for jcgraph: typescript-eslint's strict type-checked preset (ARCHITECTURE.md says why), plus the
// import rules between layers and the rule that only the faces print or read the environment.
// Every rule turned off or down below says why on its line.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import layers from './scripts/eslint/layers.mjs';

const srcDir = `${import.meta.dirname}/src`;

/** The faces: the only code that prints or reads the environment, and that nothing in the library imports. */
const FACES = ['cli', 'serve', 'mcp'];

/** The bottom of the picture, which every part but the simulator may import. */
const BASE = ['model', 'errors', 'common'];

/** Every part of the library: the layers of src/ but the faces and the public entries. */
const LIBRARY = [
  ...BASE,
  'io',
  'graph',
  'snapshot',
  'snapshot-index',
  'fetchers',
  'analysis',
  'documents',
  'report',
  'verify',
  'plan',
  'apply',
  'rules',
  'watch',
  'review',
  'simulator',
];

/**
 * Which layers of src/ each layer may import (ARCHITECTURE.md, "Layers": the table there is this list and a
 * test keeps them the same); jcgraph/layer-imports checks them, and test/lint/layers.test.ts that the
 * parts import one another without a cycle. Every layer has its allow-list (`only`).
 */
export const LAYER_RULES = [
  // Checked first, so that a broken one is the reason given.
  {
    from: ['*'],
    except: [...FACES, 'index', 'entries'],
    never: FACES,
    why: 'the faces call the library; the library never reaches into a face',
  },
  {
    from: ['*'],
    except: ['apply', 'cli', 'index'],
    never: ['apply'],
    why: 'writing to a tenant lives in src/apply alone: only the command line and the public entry (applyPlan, undoApply) reach it',
  },
  { from: ['model'], only: [], why: 'the domain tables import nothing else of jcgraph' },
  { from: ['common'], only: [], why: 'the small shared pieces know nothing of jcgraph' },
  { from: ['errors'], only: [], why: 'the error hierarchy is the root every part throws from' },
  { from: ['simulator'], only: ['model'], why: 'the simulator is the independent reference and imports only src/model' },
  { from: ['io'], only: BASE, why: 'files and text out know nothing of the engine' },
  { from: ['graph'], only: BASE, why: 'the graph knows no HTTP, files, analysis or reports' },
  { from: ['snapshot'], only: [...BASE, 'io'], why: 'snapshot files hold TenantData and are written through src/io' },
  { from: ['snapshot-index'], only: [...BASE, 'io', 'snapshot', 'graph'], why: 'the snapshot index is read from a snapshot into a graph' },
  { from: ['fetchers'], only: [...BASE, 'snapshot'], why: 'the fetchers read the API into TenantData and its meta; they know no graph' },
  { from: ['analysis'], only: [...BASE, 'graph'], why: 'analysis works offline on a graph and never fetches' },
  { from: ['documents'], only: [...BASE, 'io', 'graph', 'analysis'], why: 'the answer documents are the analysis written out' },
  { from: ['report'], only: [...BASE, 'io', 'graph', 'analysis'], why: 'reports and exports are written from the graph and its analysis' },
  {
    from: ['verify'],
    only: [...BASE, 'snapshot', 'fetchers', 'graph', 'analysis'],
    why: 'verify compares the graph with what the API reads now',
  },
  {
    from: ['plan'],
    only: [...BASE, 'io', 'analysis', 'graph'],
    why: 'plan files are data and files: built from analysis plans on a graph, written through src/io, never sent anywhere',
  },
  {
    from: ['apply'],
    only: [...BASE, 'io', 'snapshot', 'fetchers', 'graph', 'analysis', 'plan'],
    why: 'apply sends a plan with its own writer client, reading through the fetchers',
  },
  { from: ['rules'], only: [...BASE, 'io', 'graph', 'analysis', 'plan'], why: 'rules are checked offline, on a graph, and never fetch' },
  {
    from: ['watch'],
    only: [...BASE, 'io', 'snapshot', 'snapshot-index', 'fetchers', 'graph', 'analysis', 'rules'],
    why: 'the watch loop refreshes a snapshot and checks rules on it',
  },
  {
    from: ['review'],
    only: [...BASE, 'io', 'snapshot', 'snapshot-index', 'graph', 'analysis', 'documents', 'report', 'plan'],
    why: 'access reviews work offline on a snapshot and end in plans',
  },
  {
    from: ['serve'],
    only: [...BASE, 'io', 'graph', 'analysis', 'documents', 'report', 'review'],
    why: 'the replica answers from a graph: it never fetches, and never uses the simulator',
  },
  { from: ['mcp'], only: [...BASE, 'io', 'graph', 'analysis', 'documents'], why: 'the MCP tools answer with the documents, from a graph' },
  { from: ['cli'], only: [...LIBRARY, 'serve', 'mcp'], why: 'the command line calls every part; nothing calls it' },
  {
    from: ['index'],
    only: ['errors', 'model', 'common', 'fetchers', 'snapshot', 'snapshot-index', 'graph', 'analysis', 'verify', 'plan', 'apply'],
    why: 'the package entry (`jcgraph`) holds fetching, snapshots, the graph, analysis, plan files and applying them; the rest has its own entry',
  },
  {
    from: ['entries'],
    only: ['errors', 'model', 'report', 'documents', 'serve', 'simulator'],
    why: 'the subpath entries (`jcgraph/report`, `/serve`, `/simulator`) re-export those parts, never the command line',
  },
];

/** The scripts that run in a browser: the HTML report's (paths.js first) and the explorer page's. */
const BROWSER_SCRIPTS = ['src/report/html/paths.js', 'src/report/html/report.js', 'src/serve/explorer/explorer.js'];

/**
 * The browser's globals those scripts use, named one by one (no-undef flags any other): a new one is added
 * here on purpose, and nothing of Node's is among them.
 */
const BROWSER_GLOBALS = {
  document: 'readonly',
  window: 'readonly',
  location: 'readonly',
  fetch: 'readonly',
  URLSearchParams: 'readonly',
  Element: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};

export default defineConfig(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**'] },
  {
    // Plain scripts, as the pages run them (tsconfig.browser.json type-checks them): ESLint's recommended rules.
    files: BROWSER_SCRIPTS,
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2023, sourceType: 'script', globals: BROWSER_GLOBALS },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    // paths.js, which each page runs first, defines JcgraphPaths for the page's own script.
    files: BROWSER_SCRIPTS.filter((f) => !f.endsWith('/paths.js')),
    languageOptions: { globals: { JcgraphPaths: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Down: noUncheckedIndexedAccess types every typed-array read `number | undefined`; the hot loops index
      // within bounds they have just checked, and `!` says so at no run-time cost.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Down: numbers print unambiguously in messages; objects, nullish values and the rest stay forbidden.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Down: `return send(res, …)` in a void function and `() => resolve()` are idioms, not a misused value;
      // using a void call's value anywhere else is still an error.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
    },
  },
  {
    // Off in tests, bench and examples only: they read JSON that commands print and bodies off the wire
    // into `any` and assert on it; a wrong shape fails the assertion, which is the check that matters there.
    files: ['test/**', 'bench/**', 'examples/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Off in tests: afterAll cleans up what a failed beforeAll may not have made, so `sim?.close()` is right
      // although the variable's declared type says it is always set.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Off in tests: fakes implement async interfaces (a page fetcher) without needing to await anything.
      '@typescript-eslint/require-await': 'off',
      // Off in tests: graphology's parsers build the graph class they are handed, which the rule cannot see.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { jcgraph: layers },
    rules: { 'jcgraph/layer-imports': ['error', { srcDir, rules: LAYER_RULES }] },
  },
  {
    // Only the faces print or read the environment: the library returns values and takes options.
    files: ['src/**/*.ts'],
    ignores: FACES.map((f) => `src/${f}/**`),
    rules: {
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Only the faces (src/cli, src/serve, src/mcp) read the environment; take an option instead.',
        },
        { object: 'process', property: 'stdout', message: 'Only the faces print; return the text or take a stream.' },
        { object: 'process', property: 'stderr', message: 'Only the faces print; report through a callback or an error.' },
      ],
      'no-restricted-imports': [
        'error',
        { name: 'node:process', importNames: ['env', 'stdout', 'stderr'], message: 'Only the faces print or read the environment.' },
        { name: 'process', importNames: ['env', 'stdout', 'stderr'], message: 'Only the faces print or read the environment.' },
      ],
    },
  },
);
