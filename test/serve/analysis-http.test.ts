/**
 * Analysis over HTTP under /jcgraph/v1: every route answers, byte for byte, what the CLI command prints
 * with --json for the same arguments (the same library function builds both), and bad requests are
 * refused plainly: 400 naming the parameter or the body, 404 with candidates for an unknown object, 405,
 * 401 without the key, 422 when no plan is possible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, AccessGraph } from '../../src/graph/index.ts';
import { formatReference } from '../../src/index.ts';
import { type BindingRow } from '../../src/entries/report.ts';
import { generateTenant } from '../../src/entries/simulator.ts';
import { bindingToExplain } from '../../src/report/index.ts';
import { startServer, type JcgraphServer } from '../../src/serve/index.ts';
import { cli } from '../cli/run.ts';
import { TenantBuilder } from '../analysis/tenant-builder.ts';

const SIM = 'small:3';
const tenant = generateTenant({ preset: 'small', seed: 3 });
const graph = AccessGraph.fromTenant(tenant);
let server: JcgraphServer;
let row: BindingRow;

beforeAll(async () => {
  server = await startServer({ graph, source: `simulated ${SIM}` });
  row = bindingToExplain(graph)!;
});
afterAll(() => server?.close());

interface Reply {
  readonly status: number;
  readonly text: string;
  readonly body: any;
  readonly headers: Headers;
}

async function ask(route: string, query: [string, string][] = [], init: RequestInit & { key?: string | null } = {}): Promise<Reply> {
  const url = new URL(`${server.baseUrl}/jcgraph/v1${route}`);
  for (const [k, v] of query) url.searchParams.append(k, v);
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set('x-api-key', init.key ?? server.apiKey!);
  const r = await fetch(url, { ...init, headers });
  const text = await r.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: r.status, text, body, headers: r.headers };
}

/** The CLI's --json output for the same question. */
async function cliJson(argv: string[]): Promise<string> {
  const r = await cli([...argv, '--sim', SIM, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

const user = () => formatReference(row.user);
const resource = () => formatReference(row.resource);
const group = () => formatReference(graph.object(row.via.find((v) => v.type === 'user_group')!.id));

describe("each route answers the CLI command's --json, byte for byte", () => {
  it('why', async () => {
    const r = await ask('/why', [
      ['subject', user()],
      ['resource', resource()],
    ]);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.text).toBe(await cliJson(['why', user(), resource()]));
    expect(r.body.paths.length).toBe(row.paths.length);
  });

  it('access, with and without types; who, with and without types', async () => {
    expect((await ask('/access', [['subject', row.user.id]])).text).toBe(await cliJson(['access', row.user.id]));
    expect(
      (
        await ask('/access', [
          ['subject', user()],
          ['type', 'system'],
          ['type', 'application'],
        ])
      ).text,
    ).toBe(await cliJson(['access', user(), '--type', 'system', '--type', 'application']));
    expect((await ask('/who', [['resource', resource()]])).text).toBe(await cliJson(['who', resource()]));
    expect(
      (
        await ask('/who', [
          ['resource', resource()],
          ['type', 'user'],
        ])
      ).text,
    ).toBe(await cliJson(['who', resource(), '--type', 'user']));
  });

  it('revoke, with every strategy, and with a protected edge', async () => {
    for (const strategy of ['fewest-changes', 'least-collateral', 'subject-only']) {
      const r = await ask('/revoke', [
        ['subject', user()],
        ['resource', resource()],
        ['strategy', strategy],
      ]);
      expect(r.text).toBe(await cliJson(['revoke', user(), resource(), '--strategy', strategy]));
      expect(r.body.verified).toBe(true);
    }
    const edge = `${group()}>${user()}`;
    const protectedPlan = await ask('/revoke', [
      ['subject', user()],
      ['resource', resource()],
      ['protect', edge],
    ]);
    expect(protectedPlan.text).toBe(await cliJson(['revoke', user(), resource(), '--protect', edge]));
    expect(protectedPlan.body.protectedEdges).toHaveLength(1);
  });

  it('offboard and findings', async () => {
    expect((await ask('/offboard', [['user', user()]])).text).toBe(await cliJson(['offboard', user()]));
    expect((await ask('/findings')).text).toBe(await cliJson(['findings']));
    expect((await ask('/findings', [['top', '3']])).text).toBe(await cliJson(['findings', '--top', '3']));
  });

  it('whatif, from query flags (GET) and from a JSON body (POST), streamed as the CLI streams it', async () => {
    const edge = `${group()}>${user()}`;
    const get = await ask('/whatif', [
      ['remove', edge],
      ['remove-object', resource()],
    ]);
    expect(get.status).toBe(200);
    expect(get.text).toBe(await cliJson(['whatif', '--remove', edge, '--remove-object', resource()]));
    const changes = [
      { op: 'remove', edge },
      { op: 'add', edge: `${group()}~${resource()}`, attributes: { sudo: { enabled: true, withoutPassword: true } } },
    ];
    const post = await ask('/whatif', [], {
      method: 'POST',
      body: JSON.stringify(changes),
      headers: { 'content-type': 'application/json' },
    });
    expect(post.status).toBe(200);
    const wrapped = await ask('/whatif', [], { method: 'POST', body: JSON.stringify({ changes }) });
    expect(wrapped.text).toBe(post.text);
    expect(post.body.changes).toHaveLength(2);
    expect(Number(post.body.totals.lost) + Number(post.body.totals.gained) + Number(post.body.totals.changed)).toBeGreaterThan(0);
  });
});

describe('routes for the explorer and for people', () => {
  it('search finds objects by a piece of a name or by id, best first', async () => {
    const exact = await ask('/search', [['q', row.user.name]]);
    expect(exact.body.hits[0]).toEqual({ type: 'user', id: row.user.id, name: row.user.name, ref: user() });
    const byId = await ask('/search', [['q', row.resource.id]]);
    expect(byId.body.hits[0].id).toBe(row.resource.id);
    const piece = row.user.name.slice(1, 5);
    const some = await ask('/search', [
      ['q', piece.toUpperCase()],
      ['type', 'user'],
      ['limit', '3'],
    ]);
    expect(some.body.hits.length).toBeLessThanOrEqual(3);
    expect(some.body.total).toBeGreaterThanOrEqual(some.body.hits.length);
    for (const h of some.body.hits) {
      expect(h.type).toBe('user');
      expect(String(h.name).toLowerCase() + (graph.object(String(h.id)).record['email'] as string)).toContain(piece.toLowerCase());
    }
  });

  it('object gives the record, the groups and the edge counts', async () => {
    const r = await ask('/object', [['ref', user()]]);
    expect(r.body).toMatchObject({
      type: 'user',
      id: row.user.id,
      name: row.user.name,
      ref: user(),
      record: graph.object(row.user.id).record,
    });
    expect(r.body.groups.map((g: any) => g.id).sort()).toEqual(
      graph
        .edgesOf(row.user.id)
        .filter((e) => e.kind === 'membership')
        .map((e) => e.from.id)
        .sort(),
    );
  });

  it('traverse answers a graph endpoint path as jcgraph traverse does', async () => {
    const path = `/users/${row.user.id}/systems`;
    const r = await ask('/traverse', [['path', path]]);
    expect(r.body).toEqual(JSON.parse(JSON.stringify(answer(graph, path))));
  });

  it('the root names the organization and every route', async () => {
    const r = await ask('');
    expect(r.body.organization).toEqual({
      orgId: tenant.orgId,
      source: `simulated ${SIM}`,
      objects: tenant.objects.length,
      edges: tenant.edges.length,
    });
    expect(r.body.routes.map((x: any) => x.path)).toEqual(
      ['why', 'access', 'who', 'revoke', 'offboard', 'whatif', 'findings', 'search', 'object', 'traverse', 'campaign'].map(
        (n) => `/jcgraph/v1/${n}`,
      ),
    );
  });
});

describe('refusals', () => {
  it('400 naming a missing, repeated, unknown or malformed parameter', async () => {
    const cases: [string, [string, string][], string][] = [
      ['/why', [['subject', user()]], 'resource'],
      [
        '/why',
        [
          ['subject', user()],
          ['subject', user()],
          ['resource', resource()],
        ],
        'subject',
      ],
      [
        '/why',
        [
          ['subject', user()],
          ['resource', resource()],
          ['sudo', 'yes'],
        ],
        'sudo',
      ],
      [
        '/who',
        [
          ['resource', resource()],
          ['type', 'application'],
        ],
        'type',
      ],
      [
        '/access',
        [
          ['subject', user()],
          ['type', 'planet'],
        ],
        'type',
      ],
      [
        '/revoke',
        [
          ['subject', user()],
          ['resource', resource()],
          ['strategy', 'cheapest'],
        ],
        'strategy',
      ],
      [
        '/revoke',
        [
          ['subject', user()],
          ['resource', resource()],
          ['protect', 'user:nobody'],
        ],
        'protect',
      ],
      [
        '/revoke',
        [
          ['subject', user()],
          ['resource', resource()],
          ['protect', `${user()}~${group()}`],
        ],
        'protect',
      ],
      ['/findings', [['top', '0']], 'top'],
      ['/search', [['q', '']], 'q'],
      [
        '/why',
        [
          ['subject', 'planet:mars'],
          ['resource', resource()],
        ],
        'subject',
      ],
      ['/whatif', [], 'remove'],
      ['/traverse', [['path', '/nowhere']], 'path'],
    ];
    for (const [route, query, parameter] of cases) {
      const r = await ask(route, query);
      expect(r.status, `${route} ${JSON.stringify(query)}: ${r.text}`).toBe(400);
      expect(r.body.error.parameter, `${route} ${JSON.stringify(query)}`).toBe(parameter);
      expect(r.body.error.message).toEqual(expect.any(String));
    }
  });

  it('404 for an unknown object, naming the parameter and the near matches; an ambiguous name lists every match', async () => {
    const near = row.user.name.slice(0, -1);
    const r = await ask('/access', [['subject', `user:${near}`]]);
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ name: 'UnknownObjectError', parameter: 'subject' });
    expect(r.body.error.candidates.join(' ')).toContain(row.user.id);
    const missing = await ask('/offboard', [['user', '0123456789abcdef01234567']]);
    expect(missing.status).toBe(404);
    expect(missing.body.error.parameter).toBe('user');
    expect((await ask('/nothing')).status).toBe(404);
    const b = new TenantBuilder();
    b.add('system', 'web', {}, 'system-1');
    b.add('system', 'web', { hostname: 'web.example.com' }, 'system-2');
    const twins = await startServer({ graph: AccessGraph.fromTenant(b.build()), apiKey: null });
    try {
      const ambiguous = (await (await fetch(`${twins.baseUrl}/jcgraph/v1/who?resource=system:web`)).json()) as {
        error: { candidates: string[] };
      };
      expect(ambiguous.error).toMatchObject({
        name: 'UnknownObjectError',
        parameter: 'resource',
        message: expect.stringContaining('ambiguous'),
      });
      expect(ambiguous.error.candidates).toEqual(['system:web (system-1)', 'system:web (system-2)']);
    } finally {
      await twins.close();
    }
  });

  it('400 for a body that is not JSON, or not changes', async () => {
    const bad = await ask('/whatif', [], { method: 'POST', body: '{"op": "remove", ' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ parameter: 'body', message: expect.stringMatching(/^The body is not JSON/) });
    const shape = await ask('/whatif', [], { method: 'POST', body: '{"remove": "x"}' });
    expect(shape.status).toBe(400);
    expect(shape.body.error.parameter).toBe('body');
    const op = await ask('/whatif', [], { method: 'POST', body: '[{"op": "rename", "object": "x"}]' });
    expect(op.status).toBe(400);
    expect(op.body.error.message).toContain('Change 1 of the body');
  });

  it('405 for other methods, 401 without the key, 422 when every plan needs a protected edge', async () => {
    const put = await ask(
      '/why',
      [
        ['subject', user()],
        ['resource', resource()],
      ],
      { method: 'PUT', body: '{}' },
    );
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET');
    expect((await ask('/whatif', [], { method: 'DELETE' })).headers.get('allow')).toBe('GET, POST');
    const anonymous = await ask('/findings', [], { key: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.message).toMatch(/x-api-key/);
    // Protect every edge of every path: no cut is left.
    const protect = [
      ...new Set(
        row.paths.flatMap((p) =>
          p.edges.map((e) =>
            e.kind === 'membership'
              ? `${e.from.type}:${e.from.id}>${e.to.type}:${e.to.id}`
              : `${e.from.type}:${e.from.id}~${e.to.type}:${e.to.id}`,
          ),
        ),
      ),
    ];
    const impossible = await ask('/revoke', [
      ['subject', user()],
      ['resource', resource()],
      ...protect.map((p): [string, string] => ['protect', p]),
    ]);
    expect(impossible.status).toBe(422);
    expect(impossible.body.error.name).toBe('PlanError');
  });
});
