/**
 * The library entry (src/index.ts) exports the API the README documents, and it works end to end:
 * fetch a simulated tenant over HTTP, save and load a snapshot, answer an endpoint, explain and plan.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jcgraph from '../../src/index.ts';

const DOCUMENTED = [
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
  'buildReview',
  'writeReport',
  'writeExport',
  'verifyTenant',
  'startSimulator',
  'generateTenant',
  'JcGraphError',
  'JcApiError',
  'SnapshotError',
  'UnknownObjectError',
  'PlanError',
] as const;

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
  'ReportError',
  'ShapeError',
] as const;

/**
 * Every value the entry exports, and nothing else: a new `export *` or an internal that leaks into the
 * entry (whatIfFull, bindingDigests, unionDag, stepOf, …) fails here. Adding to the public API is a
 * decision: add the name here, document it (TSDoc), and keep README/ARCHITECTURE.md true.
 */
const PUBLIC_VALUES = [
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
  'EXPORT_FORMATS',
  'FAULT_NAMES',
  'GRAPH_ENDPOINTS',
  'GRAPH_TYPES',
  'GraphDataError',
  'InputError',
  'JUMPCLOUD_HOSTS',
  'JcApiError',
  'JcGraphError',
  'JournalError',
  'MEMBERSHIPS',
  'PRESETS',
  'PlanError',
  'PlanFileError',
  'QueryError',
  'REPORT_FORMATS',
  'REVIEW_BY',
  'REVOKE_STRATEGIES',
  'ReportError',
  'RequestError',
  'ShapeError',
  'SimulatorError',
  'SnapshotError',
  'TRAVERSAL_ENDPOINTS',
  'TRAVERSAL_PATTERNS',
  'TYPE_INFO',
  'UnknownObjectError',
  'VERIFY_ENDPOINTS',
  'WhatIfSession',
  'access',
  'accessDocument',
  'affectedSources',
  'answer',
  'associationEdge',
  'bindingsOf',
  'buildReview',
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
  'findingsDocument',
  'formatOperation',
  'formatReference',
  'generateTenant',
  'inventory',
  'isGraphType',
  'isGroupType',
  'bindingLabel',
  'loadSnapshot',
  'makeEdge',
  'openSnapshotGraph',
  'matchEndpoint',
  'membershipEdge',
  'objectName',
  'offboardDocument',
  'planFetch',
  'planOffboard',
  'planRevoke',
  'renderExport',
  'renderHtml',
  'renderMarkdown',
  'refreshTenant',
  'reportChunks',
  'resolveChanges',
  'resolveEdgeSpec',
  'resolveObject',
  'revokeDocument',
  'saveSnapshot',
  'searchObjects',
  'startServer',
  'startSimulator',
  'sudoOf',
  'traverse',
  'traverseDocument',
  'verifyTenant',
  'whatIf',
  'whatIfDocument',
  'whatIfEach',
  'whatIfSample',
  'whoCanAccess',
  'whoDocument',
  'why',
  'whyDocument',
  'writeExport',
  'writeJsonDocument',
  'writeJsonWithStreamedArray',
  'writeReport',
] as const;

const INTERNALS = [
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
  it('exports exactly the curated list of values (no internals)', () => {
    expect(Object.keys(jcgraph).sort()).toEqual([...PUBLIC_VALUES].sort());
    for (const name of INTERNALS) expect(name in jcgraph, name).toBe(false);
  });

  it('exports every error class, each a JcGraphError named as its class', () => {
    for (const name of ERRORS) {
      const ErrorClass = (jcgraph as Record<string, unknown>)[name] as new (message: string, details: object) => Error;
      const error = new ErrorClass('m', { endpoint: 'GET /x', path: 'p', reference: 'r' });
      expect(error, name).toBeInstanceOf(jcgraph.JcGraphError);
      expect(error.name).toBe(name);
    }
    // The simulator's errors are its own (it imports nothing of jcgraph but src/model): not JcGraphErrors.
    expect(() => jcgraph.generateTenant({ preset: 'huge' as never })).toThrow(jcgraph.SimulatorError);
    expect(() => jcgraph.generateTenant({ preset: 'huge' as never })).not.toThrow(jcgraph.JcGraphError);
    const g = jcgraph.AccessGraph.fromTenant({ orgId: 'o', objects: [], edges: [] });
    expect(() => jcgraph.resolveObject(g, 'widget:x')).toThrow(jcgraph.InputError);
  });

  it('exports every function and error class the README documents', () => {
    for (const name of DOCUMENTED) expect(typeof (jcgraph as Record<string, unknown>)[name], name).toBe('function');
  });

  it('fetches a simulated tenant, round-trips a snapshot and answers like the simulator', async () => {
    const sim = await jcgraph.startSimulator({ preset: 'tiny', seed: 3 });
    const dir = await mkdtemp(join(tmpdir(), 'jcgraph-lib-'));
    try {
      const { tenant, meta } = await jcgraph.fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });
      const file = join(dir, 'snap.json.gz');
      await jcgraph.saveSnapshot(file, { format: 'jcgraph-snapshot', version: 1, meta, tenant });
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
      await jcgraph.saveSnapshot(plain, { format: 'jcgraph-snapshot', version: 1, meta, tenant });
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
