/**
 * Plan files (src/plan): built from revoke and offboarding plans and from plain analysis steps, each
 * step's request, precondition and inverse checked by acting them out on the tenant (an interpreter of
 * the v2 member/association POSTs written here, independent of the builder), and the verification
 * targets checked against a fresh traversal of the tenant after the requests. Then the file: written
 * 0600 and atomically, read back equal, and every kind of bad file refused with one sentence naming the
 * file and the field; an edited plan refused by its digest.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { planOffboard, planRevoke, REVOKE_STRATEGIES } from '../../src/analysis/index.ts';
import { bindingKey, subjectBindings } from '../../src/analysis/bindings.ts';
import {
  GRAPH_TYPES,
  TYPE_INFO,
  canonicalJson,
  edgeKey,
  findEndpoint,
  endpointPath,
  sortTenant,
  associationEdge,
  membershipEdge,
  type GraphObjectWithPaths,
  type TenantData,
} from '../../src/model/index.ts';
import {
  PLAN_FORMAT,
  planDigest,
  planFileFromOffboard,
  planFileFromRevoke,
  planFileFromSteps,
  readPlanFile,
  writePlanFile,
  type PlanBinding,
  type PlanFile,
  type PlanRequest,
  type PlanSnapshot,
} from '../../src/plan/index.ts';
import { PlanFileError } from '../../src/errors.ts';
import { generateTenant } from '../../src/simulator/index.ts';
import { randomTenant } from '../helpers/random-tenant.ts';

const dir = mkdtempSync(join(tmpdir(), 'jcgraph-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SNAPSHOT: PlanSnapshot = {
  kind: 'snapshot',
  sha256: 'a'.repeat(64),
  path: 'acme.json',
  orgId: 'org1',
  apiHost: 'http://127.0.0.1:1',
  startedAt: '2026-01-01T00:00:00.000Z',
  live: false,
};

const typeOfPrefix = new Map(GRAPH_TYPES.map((t) => [TYPE_INFO[t].pathPrefix, t]));

/** Acts out a v2 members/associations POST on a tenant, as the API documents them (an interpreter independent of src/plan). */
function act(tenant: TenantData, request: PlanRequest): TenantData {
  const m = /^\/api\/v2\/([a-z0-9-]+)\/([^/]+)\/(members|associations)$/.exec(request.path);
  if (!m || request.method !== 'POST') throw new Error(`not a graph operation: ${request.method} ${request.path}`);
  const source = { type: typeOfPrefix.get(m[1]!)!, id: decodeURIComponent(m[2]!) };
  const other = { type: request.body['type'] as string, id: request.body['id'] as string };
  const attributes = (request.body['attributes'] as TenantData['edges'][number]['attributes'] | undefined) ?? null;
  const edge = m[3] === 'members' ? membershipEdge(source, other, attributes) : associationEdge(source, other, attributes);
  const rest = tenant.edges.filter((e) => edgeKey(e) !== edgeKey(edge));
  if (request.body['op'] === 'remove') {
    expect(rest.length, `${request.path} removes an edge the tenant has`).toBe(tenant.edges.length - 1);
    return { ...tenant, edges: rest };
  }
  expect(request.body['op']).toBe('add');
  return { ...tenant, edges: [...rest, edge] };
}

/** Whether the live-shaped traversal answer of the binding's subject lists its target. */
function holds(tenant: TenantData, b: PlanBinding): boolean {
  const endpoint = findEndpoint(b.subject.type, 'traverse', [b.target.type]);
  expect(endpoint, `${b.subject.type} → ${b.target.type}`).toBeDefined();
  const listed = answer(AccessGraph.fromTenant(tenant), endpointPath(endpoint!, b.subject.id)) as GraphObjectWithPaths[];
  return listed.some((t) => t.id === b.target.id);
}

/** The plan's requests acted out in order, then checked against its verification targets; then its inverses, newest first. */
function actOut(tenant: TenantData, plan: PlanFile): void {
  for (const step of plan.steps) {
    const pre = step.precondition;
    expect(pre.kind).toBe('edge');
    if (pre.kind !== 'edge') return;
    const held = tenant.edges.find((e) => edgeKey(e) === edgeKey(pre.edge));
    expect(held?.attributes ?? null, 'the precondition names the edge with its attributes').toEqual(pre.attributes);
  }
  const after = plan.steps.reduce((t, s) => act(t, s.request), tenant);
  for (const b of plan.verification.ends) expect(holds(after, b), `${b.subject.name} → ${b.target.name} ended`).toBe(false);
  for (const b of plan.verification.keeps) expect(holds(after, b), `${b.subject.name} → ${b.target.name} kept`).toBe(true);
  for (const step of plan.steps) {
    for (const b of step.ends) expect(plan.verification.ends).toContainEqual(b);
    for (const b of step.keeps) expect([...plan.verification.ends, ...plan.verification.keeps]).toContainEqual(b);
  }
  const only = plan.verification.only;
  if (only) {
    // Offboarding: every traversal endpoint of the user lists nothing but the kept bindings.
    const g = AccessGraph.fromTenant(after);
    const left = subjectBindings(g, only.id).map((b) => bindingKey(b.subject.id, b.target.id));
    expect(left.sort()).toEqual(
      plan.verification.keeps
        .filter((b) => b.subject.id === only.id)
        .map((b) => bindingKey(b.subject.id, b.target.id))
        .sort(),
    );
  }
  const restored = [...plan.steps].reverse().reduce((t, s) => act(t, s.inverse), after);
  expect(canonicalJson(sortTenant(restored))).toBe(canonicalJson(sortTenant(tenant)));
}

describe('plan files from analysis plans', () => {
  it('revoke: the requests end exactly what the plan says, keep what it says, and the inverses restore the tenant with its attributes', () => {
    fc.assert(
      fc.property(
        randomTenant().chain((rt) => {
          const g = AccessGraph.fromTenant(rt.tenant);
          const pairs = rt.objects.user.flatMap((u) => subjectBindings(g, u.id).map((b) => [u.id, b.target.id] as const));
          return fc.record({
            rt: fc.constant(rt),
            pair: pairs.length > 0 ? fc.constantFrom(...pairs) : fc.constant(null),
            strategy: fc.constantFrom(...REVOKE_STRATEGIES),
          });
        }),
        ({ rt, pair, strategy }) => {
          if (!pair) return;
          const g = AccessGraph.fromTenant(rt.tenant);
          const plan = planFileFromRevoke(g, planRevoke(g, pair[0], pair[1], { strategy }), { snapshot: SNAPSHOT });
          expect(plan.steps.length).toBeGreaterThan(0);
          expect(plan.verification.ends[0]).toMatchObject({ subject: { id: pair[0] }, target: { id: pair[1] } });
          expect(plan.question).toMatchObject({ kind: 'revoke', strategy });
          expect(plan.digest).toBe(planDigest(plan));
          actOut(rt.tenant, plan);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('offboard: afterwards the user is bound to nothing, and the inverses bring every edge back', () => {
    fc.assert(
      fc.property(randomTenant(), (rt) => {
        const g = AccessGraph.fromTenant(rt.tenant);
        const user = rt.objects.user[0]!;
        const plan = planFileFromOffboard(g, planOffboard(g, user.id), { snapshot: SNAPSHOT, madeAt: '2026-01-02T00:00:00.000Z' });
        expect(plan.verification.only).toMatchObject({ id: user.id });
        expect(plan.madeAt).toBe('2026-01-02T00:00:00.000Z');
        expect(plan.steps.length).toBe(rt.tenant.edges.filter((e) => e.from.id === user.id || e.to.id === user.id).length);
        actOut(rt.tenant, plan);
      }),
      { numRuns: 40 },
    );
  });

  it('plain analysis steps (what review close and check fixes give): one step per edge, verification from their collateral', () => {
    const tenant = generateTenant({ preset: 'tiny', seed: 3 });
    const g = AccessGraph.fromTenant(tenant);
    const user = tenant.objects.find((o) => o.type === 'user' && g.edgesOf(o.id).length > 2)!;
    const steps = planOffboard(g, user.id)
      .steps.flatMap((s) => (s.action === 'remove' ? [s] : []))
      .slice(0, 2);
    const plan = planFileFromSteps(g, steps, {
      snapshot: SNAPSHOT,
      command: 'review close',
      description: 'two removals a reviewer asked for',
    });
    expect(plan.question).toEqual({ kind: 'steps', command: 'review close', description: 'two removals a reviewer asked for' });
    expect(plan.steps.map((s) => s.request)).toEqual(steps.map((s) => s.operation));
    // Its precondition names the edge, its inverse adds it back at the same path.
    for (const [i, s] of plan.steps.entries()) {
      expect(s.precondition).toMatchObject({ kind: 'edge', edge: steps[i]!.edge });
      expect(s.inverse).toMatchObject({ method: 'POST', path: s.request.path, body: { op: 'add', id: s.request.body['id'] } });
    }
    const after = plan.steps.reduce((t, s) => act(t, s.request), tenant);
    const restored = [...plan.steps].reverse().reduce((t, s) => act(t, s.inverse), after);
    expect(canonicalJson(sortTenant(restored))).toBe(canonicalJson(sortTenant(tenant)));
  });

  it('a revoke that finds no access makes a plan of zero steps', () => {
    const tenant = generateTenant({ preset: 'tiny', seed: 3 });
    const g = AccessGraph.fromTenant(tenant);
    const user = tenant.objects.find((o) => o.type === 'user')!;
    const reached = new Set(subjectBindings(g, user.id).map((b) => b.target.id));
    const system = tenant.objects.find((o) => o.type === 'system' && !reached.has(o.id))!;
    const plan = planFileFromRevoke(g, planRevoke(g, user.id, system.id), { snapshot: SNAPSHOT });
    expect(plan.steps).toEqual([]);
    expect(plan.verification.ends).toEqual([]);
  });
});

describe('plan files on disk', () => {
  const tenant = generateTenant({ preset: 'tiny', seed: 5 });
  const g = AccessGraph.fromTenant(tenant);
  const user = tenant.objects.find((o) => o.type === 'user' && g.edgesOf(o.id).length > 1)!;
  const plan = planFileFromOffboard(g, planOffboard(g, user.id), { snapshot: SNAPSHOT });

  /** Writes `content` (an object written as JSON, or raw text) and returns what readPlanFile throws. */
  async function refusal(name: string, content: unknown): Promise<PlanFileError> {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    const error = await readPlanFile(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlanFileError);
    expect((error as PlanFileError).path).toBe(path);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message.split(/\.\s/).length, 'one sentence').toBe(1);
    return error as PlanFileError;
  }

  it('is written 0600 and atomically, and read back equal', async () => {
    const path = join(dir, 'plan.json');
    await writePlanFile(path, plan);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(JSON.parse(readFileSync(path, 'utf8')).format).toBe(PLAN_FORMAT);
    expect(await readPlanFile(path)).toEqual(plan);
  });

  it('refuses a missing, broken, foreign or newer file, naming it', async () => {
    await expect(readPlanFile(join(dir, 'none.json'))).rejects.toThrow(/^The plan \S+none\.json does not exist\.$/);
    expect((await refusal('cut.json', JSON.stringify(plan).slice(0, 300))).message).toMatch(/is not valid JSON/);
    expect((await refusal('snap.json', { format: 'jcgraph-snapshot', version: 1 })).message).toMatch(/is not a jcgraph plan\.$/);
    expect((await refusal('v2.json', { ...plan, version: 2 })).message).toMatch(/has format version 2; this jcgraph reads version 1\.$/);
  });

  it('names the field that is missing or malformed', async () => {
    // The first step's action decides which precondition it must carry (a plan may open with an exemption).
    const action = plan.steps[0]!.action;
    const precondition = { remove: 'edge', exempt: 'group-record', suspend: 'user-state' }[action];
    const cases: [string, (p: any) => void, RegExp][] = [
      ['no-path', (p) => delete p.steps[0].request.path, /steps\[0\]\.request\.path must be a string\.$/],
      ['method', (p) => (p.steps[0].request.method = 'DELETE'), /steps\[0\]\.request\.method must be one of "POST", "PUT"\.$/],
      ['action', (p) => (p.steps[0].action = 'delete'), /steps\[0\]\.action must be one of "remove", "exempt", "suspend"\.$/],
      ['sha', (p) => (p.snapshot.sha256 = 'xyz'), /snapshot\.sha256 must be 64 hex digits\.$/],
      ['ends', (p) => (p.verification.ends = [{ subject: { id: 'u' } }]), /verification\.ends\[0\]\.subject\.type must be a string\.$/],
      [
        'pre',
        (p) => (p.steps[0].precondition.kind = action === 'suspend' ? 'edge' : 'user-state'),
        new RegExp(`steps\\[0\\]\\.precondition\\.kind must be ${precondition} for the action ${action}\\.$`),
      ],
      ['digest', (p) => delete p.digest, /the plan \S+ is invalid: digest must be a string\.$/i],
    ];
    for (const [name, edit, message] of cases) {
      const copy = JSON.parse(JSON.stringify(plan));
      edit(copy);
      expect((await refusal(`${name}.json`, copy)).message).toMatch(message);
    }
  });

  it('refuses a plan edited by hand: its content no longer matches its digest', async () => {
    const copy = JSON.parse(JSON.stringify(plan));
    copy.steps[0].request.body.id = 'someone-else';
    const error = await refusal('edited.json', copy);
    expect(error.message).toMatch(
      /was changed after jcgraph wrote it: its field digest says sha256:[0-9a-f]{12}… but its content hashes to sha256:[0-9a-f]{12}…/,
    );
    // Reformatting is not an edit: the digest is over the canonical JSON.
    writeFileSync(join(dir, 'compact.json'), JSON.stringify(plan));
    expect(await readPlanFile(join(dir, 'compact.json'))).toEqual(plan);
  });
});
