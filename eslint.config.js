// ESLint for jcgraph: typescript-eslint's strict type-checked preset (ARCHITECTURE.md says why), plus the
// import rules between layers and the rule that only the faces print or read the environment.
// Every rule turned off or down below says why on its line.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import layers from './scripts/eslint/layers.mjs';

const srcDir = `${import.meta.dirname}/src`;

/** The faces: the only code that prints, reads the environment or is imported by nothing in the library. */
const FACES = ['cli', 'serve', 'mcp'];

/** Which layers of src/ each layer may import (ARCHITECTURE.md, "Layers"); jcgraph/layer-imports checks them. */
const LAYER_RULES = [
  { from: ['model'], only: [], why: 'the domain tables import nothing else of jcgraph' },
  { from: ['simulator'], only: ['model'], why: 'the simulator is the independent reference and imports only src/model' },
  { from: ['graph'], never: ['fetchers', 'analysis', 'report', 'cli'], why: 'the graph knows no HTTP, analysis, reports or command line' },
  { from: ['analysis'], never: ['fetchers'], why: 'analysis works offline on a graph and never fetches' },
  {
    from: ['plan'],
    only: ['model', 'errors', 'io', 'analysis', 'graph'],
    why: 'plan files are data and files: built from analysis plans on a graph, written through src/io, never sent anywhere',
  },
  { from: ['rules'], never: ['fetchers', 'watch', 'simulator'], why: 'rules are checked offline, on a graph, and never fetch' },
  { from: ['*'], except: [...FACES, 'index'], never: FACES, why: 'the faces call the library; the library never reaches into a face' },
];

export default defineConfig(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**'] },
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
