/**
 * The layer picture holds: the parts of src/ import one another without a cycle (a cycle is found and
 * named, shown on a synthetic one), the allow-lists the linter checks (LAYER_RULES in eslint.config.js)
 * form no cycle themselves, and ARCHITECTURE.md's table of them is the same list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { layerOf } from '../../scripts/eslint/layers.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

/** Which parts each part imports (static, type-only, re-exports and dynamic imports alike), from the files' texts by path. */
function partGraph(files: ReadonlyMap<string, string>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [file, text] of files) {
    const from = layerOf(SRC, file);
    if (from === undefined) continue;
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = layerOf(SRC, resolve(dirname(file), fileName));
      if (to !== undefined && to !== from) targets.add(to);
    }
  }
  return graph;
}

/** A cycle in the graph as the parts along it (first and last the same), or undefined when there is none. */
function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (part: string): string[] | undefined => {
    const at = path.indexOf(part);
    if (at >= 0) return [...path.slice(at), part];
    if (done.has(part)) return undefined;
    path.push(part);
    for (const next of [...(graph.get(part) ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(part);
    return undefined;
  };
  for (const part of [...graph.keys()].sort()) {
    const cycle = visit(part);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Every .ts file under src/, by absolute path, with its text. */
function sourceFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.set(path, readFileSync(path, 'utf8'));
    }
  };
  walk(SRC);
  return files;
}

interface LayerRule {
  readonly from: readonly string[];
  readonly only?: readonly string[];
}

/** LAYER_RULES as the linter is configured with them (the options of jcgraph/layer-imports). */
async function layerRules(): Promise<readonly LayerRule[]> {
  const config = (await new ESLint({ cwd: ROOT }).calculateConfigForFile(join(SRC, 'index.ts'))) as {
    rules: Record<string, [unknown, { rules: LayerRule[] }]>;
  };
  return config.rules['jcgraph/layer-imports']![1].rules;
}

/** Each layer's allow-list, from the rules that have one. */
function allowLists(rules: readonly LayerRule[]): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const rule of rules) if (rule.only) for (const layer of rule.from) lists.set(layer, [...rule.only].sort());
  return lists;
}

describe('no cycle between parts', () => {
  it('the parts of src/ import one another without a cycle', () => {
    const graph = partGraph(sourceFiles());
    expect(findCycle(graph)).toBeUndefined();
    // The graph is the real one: the command line reaches the analysis, which reaches the graph.
    expect(graph.get('cli')?.has('analysis')).toBe(true);
    expect(graph.get('analysis')?.has('graph')).toBe(true);
  });

  it('finds and names a cycle, direct or through a third part, also through a type-only or dynamic import', () => {
    const files = new Map([
      [join(SRC, 'graph/a.ts'), "import type { B } from '../analysis/b.ts';\nexport type A = B;\n"],
      [join(SRC, 'analysis/b.ts'), "export const load = () => import('../graph/a.ts');\nexport type B = number;\n"],
    ]);
    expect(findCycle(partGraph(files))).toEqual(['analysis', 'graph', 'analysis']);
    const longer = new Map([
      [join(SRC, 'fetchers/refresh/refresh.ts'), "import { seededSample } from '../../verify/sample.ts';\n"],
      [join(SRC, 'verify/verify.ts'), "import { fetchTenant } from '../fetchers/fetch-tenant.ts';\nimport '../snapshot/index.ts';\n"],
      [join(SRC, 'snapshot/index.ts'), "export * from '../io/output.ts';\n"],
    ]);
    expect(findCycle(partGraph(longer))).toEqual(['fetchers', 'verify', 'fetchers']);
    const three = new Map([
      [join(SRC, 'io/a.ts'), "import '../snapshot/b.ts';\n"],
      [join(SRC, 'snapshot/b.ts'), "import '../graph/c.ts';\n"],
      [join(SRC, 'graph/c.ts'), "export { x } from '../io/a.ts';\n"],
      [join(SRC, 'model/d.ts'), 'export const d = 1;\n'],
    ]);
    expect(findCycle(partGraph(three))).toEqual(['graph', 'io', 'snapshot', 'graph']);
    expect(findCycle(partGraph(new Map([...three].slice(1))))).toBeUndefined();
  });
});

describe('the allow-lists (LAYER_RULES)', () => {
  it('give every part found in src/ its allow-list, and form no cycle themselves', async () => {
    const lists = allowLists(await layerRules());
    for (const part of partGraph(sourceFiles()).keys()) expect(lists.has(part), part).toBe(true);
    expect(findCycle(new Map([...lists].map(([layer, only]) => [layer, new Set(only)])))).toBeUndefined();
  });

  it('are the table in ARCHITECTURE.md, row for row', async () => {
    const lists = allowLists(await layerRules());
    const architecture = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
    const text = architecture.slice(
      architecture.indexOf('## Layers and the linter'),
      architecture.indexOf('\n## ', architecture.indexOf('## Layers and the linter') + 1),
    );
    const table = new Map<string, string[]>();
    // A cell names the parts (`a`, `b`), or says `nothing`, or `every other part but` the parts it names.
    for (const m of text.matchAll(/^\| `([a-z-]+)` \| ([^|]+) \|/gm)) {
      const [layer, cell] = [m[1]!, m[2]!.trim()];
      const named = [...cell.matchAll(/`([a-z-]+)`/g)].map((n) => n[1]!);
      const parts = cell.startsWith('every other part but') ? [...lists.keys()].filter((p) => p !== layer && !named.includes(p)) : named;
      table.set(layer, parts.sort());
    }
    expect(table).toEqual(lists);
  });
});
