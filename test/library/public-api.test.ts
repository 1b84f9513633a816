/**
 * The library entry (src/index.ts) exports the API the README documents, and it works end to end:
 * fetch a simulated tenant over HTTP, save and load a snapshot, answer an endpoint, explain and plan.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jcgraph from '../../src/index.ts';
import * as report from '../../src/entries/report.ts';
import * as serve from '../../src/entries/serve.ts';
import * as simulator from '../../src/entries/simulator.ts';
import { ROOT } from '../cli/run.ts';

/** The functions and error classes the README and docs/library.md document, by entry. */
const DOCUMENTED = {
  jcgraph: [
    'fetchTenant',
    'fetchTenants',
    'saveSnapshot',
    'loadSnapshot',
    'AccessGraph',
    'answer',
    'traverse',
    'inventory',
    'why',
    'access',
    'whoCanAccess',
    'planRevoke',
    'planOffboard',
    'whatIf',
    'drift',
    'findings',
    'resolveObject',
    'verifyTenant',
    'JcGraphError',
    'JcApiError',
    'SnapshotError',
    'UnknownObjectError',
    'PlanError',
  ],
  'jcgraph/report': ['buildReview', 'writeReport', 'writeExport'],
  'jcgraph/serve': ['startServer'],
  'jcgraph/simulator': ['startSimulator', 'generateTenant'],
} as const;

const ERRORS = [
  'JcGraphError',
  'JcApiError',
  'SnapshotError',
  'UnknownObjectError',
  'QueryError',
  'PlanError',
  'PlanFileError',
  'ConfigError',
  'InputError',
  'CancelledError',
  'GraphDataError',
  'ConcurrentEditError',
  'ShapeError',
] as const;

/**
 * Every value each entry exports, and nothing else: a new `export *` or an internal that leaks into an
 * entry (whatIfFull, bindingDigests, unionDag, stepOf, …) fails here. Adding to the public API is a
 * decision: add the name here, document it (TSDoc), and keep docs/library.md and ARCHITECTURE.md true.
 */
/** `jcgraph`: fetching, snapshots, the graph and analysis. */
const MAIN_VALUES = [
  'PLAN_FORMAT',
  'PLAN_VERSION',
  'applyPlan',
  'planFileFromOffboard',
  'planFileFromRevoke',
  'planFileFromSteps',
  'readApplyJournal',
  'readPlanFile',
  'undoApply',
  'writePlanFile',
  'ASSOCIATION_KINDS',
  'ASSOCIATION_TARGETS',
  'AccessGraph',
  'CancelledError',
  'ConcurrentEditError',
  'ConfigError',
  'ConnectionLostError',
  'DEFAULT_BASE_URL',
  'DEFAULT_COMPILE_RULE',
  'GRAPH_ENDPOINTS',
  'GRAPH_TYPES',
  'GraphDataError',
  'InputError',
  'JUMPCLOUD_HOSTS',
  'JcApiError',
  'JcGraphError',
  'JournalError',
  'MEMBERSHIPS',
  'PlanError',
  'PlanFileError',
  'QueryError',
  'REVOKE_STRATEGIES',
  'ShapeError',
  'SnapshotError',
  'TRAVERSAL_ENDPOINTS',
  'TRAVERSAL_PATTERNS',
  'TYPE_INFO',
  'UnknownObjectError',
  'VERIFY_ENDPOINTS',
  'WhatIfSession',
  'access',
  'affectedSources',
  'answer',
  'associationEdge',
  'bindingLabel',
  'canAssociate',
  'compileWithRule',
  'confirmLive',
  'coverageVerdict',
  'defaultCompile',
  'describePath',
  'diffTenants',
  'drift',
  'explain',
  'fetchTenant',
  'fetchTenants',
  'findings',
  'formatOperation',
  'formatReference',
  'inventory',
  'isGraphType',
  'isGroupType',
  'loadSnapshot',
  'makeEdge',
  'matchEndpoint',
  'membershipEdge',
  'objectName',
  'openSnapshotGraph',
  'planFetch',
  'planOffboard',
  'planRevoke',
  'refreshTenant',
  'resolveChanges',
  'resolveEdgeSpec',
  'resolveObject',
  'saveSnapshot',
  'searchObjects',
  'sudoOf',
  'traverse',
  'verifyTenant',
  'whatIf',
  'whatIfEach',
  'whatIfSample',
  'whoCanAccess',
  'why',
] as const;

/** `jcgraph/report`: reports, exports and the answer documents. */
const REPORT_VALUES = [
  'EXPORT_FORMATS',
  'REPORT_FORMATS',
  'REVIEW_BY',
  'ReportError',
  'accessDocument',
  'buildReview',
  'findingsDocument',
  'offboardDocument',
  'renderExport',
  'renderHtml',
  'renderMarkdown',
  'reportChunks',
  'revokeDocument',
  'traverseDocument',
  'whatIfDocument',
  'whoDocument',
  'whyDocument',
  'writeExport',
  'writeJsonDocument',
  'writeJsonWithStreamedArray',
  'writeReport',
] as const;

/** `jcgraph/serve`: the API replica server. */
const SERVE_VALUES = ['RequestError', 'startServer'] as const;

/** `jcgraph/simulator`: the simulated organization. */
const SIMULATOR_VALUES = ['FAULT_NAMES', 'PRESETS', 'SimulatorError', 'generateTenant', 'startSimulator'] as const;

const ENTRIES = [
  ['jcgraph', jcgraph, MAIN_VALUES],
  ['jcgraph/report', report, REPORT_VALUES],
  ['jcgraph/serve', serve, SERVE_VALUES],
  ['jcgraph/simulator', simulator, SIMULATOR_VALUES],
] as const;

const INTERNALS = [
  'bindingsOf',
  'whatIfFull',
  'bindingDigests',
  'unionDag',
  'stepOf',
  'minimumCuts',
  'driftFull',
  'isJsonObject',
  'bindingToExplain',
] as const;

describe('public library API', () => {
  it.each(ENTRIES)('%s exports exactly its curated list of values (no internals)', (_name, entry, values) => {
    expect(Object.keys(entry).sort()).toEqual([...values].sort());
    for (const name of INTERNALS) expect(name in entry, name).toBe(false);
  });

  it('names each entry in package.json, pointing at its built module and declarations', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const source = {
      '.': 'src/index.ts',
      './report': 'src/entries/report.ts',
      './serve': 'src/entries/serve.ts',
      './simulator': 'src/entries/simulator.ts',
    };
    const built = (file: string) => file.replace(/^src\//, './dist/').replace(/\.ts$/, '');
    expect(pkg.exports).toEqual({
      ...Object.fromEntries(
        Object.entries(source).map(([key, file]) => [key, { types: `${built(file)}.d.ts`, import: `${built(file)}.js` }]),
      ),
      './package.json': './package.json',
    });
  });

  it('exports every error class, each a JcGraphError named as its class', () => {
    for (const name of ERRORS) {
      const ErrorClass = (jcgraph as Record<string, unknown>)[name] as new (message: string, details: object) => Error;
      const error = new ErrorClass('m', { endpoint: 'GET /x', path: 'p', reference: 'r' });
      expect(error, name).toBeInstanceOf(jcgraph.JcGraphError);
      expect(error.name).toBe(name);
    }
    // The simulator's errors are its own (it imports nothing of jcgraph but src/model): not JcGraphErrors.
    expect(() => simulator.generateTenant({ preset: 'huge' as never })).toThrow(simulator.SimulatorError);
    expect(() => simulator.generateTenant({ preset: 'huge' as never })).not.toThrow(jcgraph.JcGraphError);
    expect(new report.ReportError('m')).toBeInstanceOf(jcgraph.JcGraphError);
    expect(new serve.RequestError(400, 'm')).toBeInstanceOf(jcgraph.JcGraphError);
    const g = jcgraph.AccessGraph.fromTenant({ orgId: 'o', objects: [], edges: [] });
    expect(() => jcgraph.resolveObject(g, 'widget:x')).toThrow(jcgraph.InputError);
  });

  it('exports every function and error class the README documents', () => {
    for (const [name, entry] of ENTRIES) {
      for (const value of DOCUMENTED[name]) expect(typeof (entry as Record<string, unknown>)[value], `${name}: ${value}`).toBe('function');
    }
  });

  it('fetches a simulated tenant, round-trips a snapshot and answers like the simulator', async () => {
    const sim = await simulator.startSimulator({ preset: 'tiny', seed: 3 });
    const dir = await mkdtemp(join(tmpdir(), 'jcgraph-lib-'));
    try {
      const { tenant, meta } = await jcgraph.fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });
      const file = join(dir, 'snap.json.gz');
      await jcgraph.saveSnapshot(file, { meta, tenant });
      const loaded = await jcgraph.loadSnapshot(file);
      const g = jcgraph.AccessGraph.fromTenant(loaded.tenant);

      const user = [...g.objects('user')].find(
        (u) =>
          jcgraph.answer(g, `/users/${u.id}/systems`) instanceof Array &&
          (jcgraph.answer(g, `/users/${u.id}/systems`) as unknown[]).length > 0,
      )!;
      const path = `/api/v2/users/${user.id}/systems`;
      const live = await (await fetch(`${sim.baseUrl}${path}?limit=100`, { headers: { 'x-api-key': sim.apiKey } })).json();
      expect(jcgraph.answer(g, path)).toEqual(live);

      const system = (jcgraph.answer(g, path) as { id: string }[])[0]!;
      const plan = jcgraph.planRevoke(g, user.id, system.id, { strategy: 'fewest-changes' });
      expect(plan.steps.length).toBeGreaterThan(0);
      const after = g.clone();
      for (const step of plan.steps) after.removeEdge(step.edge);
      expect((jcgraph.answer(after, path) as { id: string }[]).some((t) => t.id === system.id)).toBe(false);

      // The same snapshot uncompressed, opened through its index as the CLI does: built on first use, then read.
      const plain = join(dir, 'snap.json');
      await jcgraph.saveSnapshot(plain, { meta, tenant });
      const notices: string[] = [];
      const built = await jcgraph.openSnapshotGraph(plain, { notice: (m, kind) => notices.push(`${kind}: ${m}`) });
      expect(built.read).toBe('built');
      expect(notices).toEqual([expect.stringMatching(/^first: indexing the snapshot /)]);
      const indexed = await jcgraph.openSnapshotGraph(plain);
      expect(indexed.read).toBe('index');
      expect(indexed.meta.orgId).toBe(meta.orgId);
      expect(jcgraph.answer(indexed.graph, path)).toEqual(live);
    } finally {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
