/**
 * The linter's architecture rules fire: each rule is shown a file that breaks it (linted as if it stood at
 * that path in src/) and must report it, and a file that keeps it must pass. Only the boundary rules run
 * here (no type information is needed for them); `npm run lint` runs every rule over the real tree.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const BOUNDARY_RULES = new Set(['jcgraph/layer-imports', 'no-console', 'no-restricted-properties', 'no-restricted-imports']);

const eslint = new ESLint({
  cwd: process.cwd(),
  ruleFilter: ({ ruleId }) => BOUNDARY_RULES.has(ruleId),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

/** The boundary problems ESLint reports for `code` placed at `path`, as `rule: message`. */
async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('import rules between layers (ARCHITECTURE.md)', () => {
  it('the simulator imports only src/model', async () => {
    expect(
      await problems('src/simulator/probe.ts', "import { AccessGraph } from '../graph/index.ts';\nexport const a = AccessGraph;\n"),
    ).toEqual([
      'jcgraph/layer-imports: src/simulator may not import src/graph: the simulator is the independent reference and imports only src/model.',
    ]);
    expect(await problems('src/simulator/server/probe.ts', "export { JcGraphError } from '../../errors.ts';\n")).toEqual([
      'jcgraph/layer-imports: src/simulator may not import src/errors: the simulator is the independent reference and imports only src/model.',
    ]);
    expect(
      await problems(
        'src/simulator/server/probe.ts',
        "import { GRAPH_TYPES } from '../../model/index.ts';\nimport { Rng } from '../random.ts';\nexport const a = [GRAPH_TYPES, Rng];\n",
      ),
    ).toEqual([]);
  });

  it('the model imports nothing else of jcgraph', async () => {
    expect(await problems('src/model/probe.ts', "export type { Snapshot } from '../snapshot/index.ts';\n")).toEqual([
      'jcgraph/layer-imports: src/model may not import src/snapshot: the domain tables import nothing else of jcgraph.',
    ]);
  });

  it('the graph imports neither fetchers, analysis, reports nor the CLI', async () => {
    const code = [
      "import '../fetchers/index.ts';",
      "import '../analysis/index.ts';",
      "import '../report/index.ts';",
      "import '../cli/main.ts';",
      "import '../model/index.ts';",
      "import '../errors.ts';",
      '',
    ].join('\n');
    expect(await problems('src/graph/probe.ts', code)).toEqual([
      'jcgraph/layer-imports: src/graph may not import src/fetchers: the graph knows no HTTP, files, analysis or reports.',
      'jcgraph/layer-imports: src/graph may not import src/analysis: the graph knows no HTTP, files, analysis or reports.',
      'jcgraph/layer-imports: src/graph may not import src/report: the graph knows no HTTP, files, analysis or reports.',
      'jcgraph/layer-imports: src/graph may not import src/cli: the faces call the library; the library never reaches into a face.',
    ]);
  });

  it('analysis imports no fetchers, also through a dynamic import', async () => {
    expect(
      await problems(
        'src/analysis/findings/probe.ts',
        "export const load = () => import('../../fetchers/client.ts');\nimport '../../graph/index.ts';\n",
      ),
    ).toEqual(['jcgraph/layer-imports: src/analysis may not import src/fetchers: analysis works offline on a graph and never fetches.']);
  });

  it('plan files are data and files: src/plan imports no fetchers (it never sends anything)', async () => {
    const code =
      "import '../fetchers/client.ts';\nimport '../io/output.ts';\nimport '../analysis/index.ts';\nimport '../model/index.ts';\n";
    expect(await problems('src/plan/probe.ts', code)).toEqual([
      'jcgraph/layer-imports: src/plan may not import src/fetchers: plan files are data and files: built from analysis plans on a graph, written through src/io, never sent anywhere.',
    ]);
  });

  it('the library never reaches into a face; the faces and the public entry may use it', async () => {
    expect(await problems('src/report/probe.ts', "import { writeJson } from '../cli/format.ts';\nexport const w = writeJson;\n")).toEqual([
      'jcgraph/layer-imports: src/report may not import src/cli: the faces call the library; the library never reaches into a face.',
    ]);
    expect(await problems('src/fetchers/probe.ts', "export * from '../serve/index.ts';\n")).toEqual([
      'jcgraph/layer-imports: src/fetchers may not import src/serve: the faces call the library; the library never reaches into a face.',
    ]);
    expect(
      await problems('src/cli/probe.ts', "import '../analysis/index.ts';\nimport '../fetchers/index.ts';\nimport '../serve/index.ts';\n"),
    ).toEqual([]);
    expect(await problems('src/entries/serve.ts', "export { startServer } from '../serve/index.ts';\n")).toEqual([]);
    expect(await problems('src/index.ts', "export { startServer } from './serve/index.ts';\n")).toEqual([
      'jcgraph/layer-imports: src/index may not import src/serve: the package entry (`jcgraph`) holds fetching, snapshots, the graph, analysis, plan files and applying them; the rest has its own entry.',
    ]);
  });
});

describe('allow-lists for every part (LAYER_RULES)', () => {
  it('the bottom (model, common, errors) imports nothing else of jcgraph', async () => {
    expect(await problems('src/common/probe.ts', "import { JcGraphError } from '../errors.ts';\nexport const e = JcGraphError;\n")).toEqual(
      ['jcgraph/layer-imports: src/common may not import src/errors: the small shared pieces know nothing of jcgraph.'],
    );
    expect(await problems('src/errors.ts', "import { safeText } from './common/safe-text.ts';\nexport const s = safeText;\n")).toEqual([
      'jcgraph/layer-imports: src/errors may not import src/common: the error hierarchy is the root every part throws from.',
    ]);
  });

  it('a part may import only what its row names: the fetchers may not import verify (which imports the fetchers)', async () => {
    expect(
      await problems(
        'src/fetchers/refresh/probe.ts',
        "import { verifyTenant } from '../../verify/index.ts';\nexport const v = verifyTenant;\n",
      ),
    ).toEqual([
      'jcgraph/layer-imports: src/fetchers may not import src/verify: the fetchers read the API into TenantData and its meta; they know no graph.',
    ]);
    expect(
      await problems(
        'src/fetchers/refresh/probe.ts',
        "import { seededSample } from '../../common/seeded-sample.ts';\nexport const s = seededSample;\n",
      ),
    ).toEqual([]);
    expect(
      await problems('src/serve/probe.ts', "import { startSimulator } from '../simulator/index.ts';\nexport const s = startSimulator;\n"),
    ).toEqual([
      'jcgraph/layer-imports: src/serve may not import src/simulator: the replica answers from a graph: it never fetches, and never uses the simulator.',
    ]);
  });

  it('a part with no row is an error, so a new part is placed on purpose', async () => {
    expect(await problems('src/newpart/probe.ts', 'export const x = 1;\n')).toEqual([
      'jcgraph/layer-imports: src/newpart has no allow-list: give the part its row in LAYER_RULES (eslint.config.js) and in ARCHITECTURE.md.',
    ]);
  });

  it('nothing but src/apply, the CLI and the public entry (applyPlan, undoApply) imports src/apply (the one writer)', async () => {
    for (const part of ['analysis', 'plan', 'rules', 'watch', 'review', 'serve', 'mcp', 'fetchers', 'verify']) {
      expect((await problems(`src/${part}/probe.ts`, "import '../apply/index.ts';\n"))[0], part).toMatch(
        new RegExp(`^jcgraph/layer-imports: src/${part} may not import src/apply: writing to a tenant lives in src/apply alone`),
      );
    }
    expect(await problems('src/index.ts', "export { applyPlan } from './apply/index.ts';\n")).toEqual([]);
    expect(await problems('src/cli/commands/probe.ts', "import '../../apply/index.ts';\n")).toEqual([]);
    expect(await problems('src/apply/probe.ts', "import '../plan/index.ts';\nimport '../fetchers/index.ts';\n")).toEqual([]);
  });
});

describe('only the faces print or read the environment', () => {
  const offending = [
    "import { env } from 'node:process';",
    'console.log(env);',
    "process.stdout.write('x');",
    "process.stderr.write('x');",
    'export const key = process.env.JC_API_KEY;',
    '',
  ].join('\n');

  it('the library may not', async () => {
    const found = await problems('src/report/probe.ts', offending);
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'no-restricted-imports',
      'no-console',
      'no-restricted-properties',
      'no-restricted-properties',
      'no-restricted-properties',
    ]);
    expect(found[4]).toMatch(/Only the faces \(src\/cli, src\/serve, src\/mcp\) read the environment/);
  });

  it('the CLI, serve and mcp may', async () => {
    for (const face of ['cli', 'serve', 'mcp']) expect(await problems(`src/${face}/probe.ts`, offending)).toEqual([]);
  });
});

describe('the tree as it is', () => {
  it('keeps every boundary rule', async () => {
    const results = await eslint.lintFiles(['src']);
    const found = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}: ${m.ruleId ?? 'parse'}: ${m.message}`));
    expect(found).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
  }, 120_000);
});
