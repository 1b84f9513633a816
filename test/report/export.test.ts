import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MultiGraph } from 'graphology';
import { parse as parseGexf, write as writeGexf } from 'graphology-gexf';
import { parse as parseGraphml } from 'graphology-graphml';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTenant } from '../../src/simulator/index.ts';
import { edgeKey, objectName, type TenantData } from '../../src/model/index.ts';
import {
  exportData,
  exportView,
  jsonExportChunks,
  labelOf,
  neo4jStreams,
  renderExport,
  toGexf,
  toGraphml,
  toJsonExport,
  toNeo4jFiles,
  writeExport,
  xmlSafe,
} from '../../src/report/export/index.ts';
import { randomTenant } from '../helpers/random-tenant.ts';
import { csvObjects, parseCsv } from './csv-parse.ts';
import { HOSTILE_GROUP, HOSTILE_USER, MULTILINE_APP, hostileTenant } from './fixture.ts';

const tiny = generateTenant({ preset: 'tiny', seed: 3 });
const hostile = hostileTenant();

function sudoEdges(t: TenantData) {
  return t.edges.filter((e) => e.attributes && typeof e.attributes['sudo'] === 'object' && e.attributes['sudo'] !== null);
}

/** The parsed graph has every object with its type, name (under `nameAttribute`) and record, and as many edges. */
function expectSameObjects(g: MultiGraph, tenant: TenantData, nameAttribute: string): void {
  expect(g.order).toBe(tenant.objects.length);
  expect(g.size).toBe(tenant.edges.length);
  for (const o of tenant.objects) {
    const a = g.getNodeAttributes(o.id);
    expect(a['type']).toBe(o.type);
    expect(a[nameAttribute]).toBe(xmlSafe(objectName(o.type, o.record, o.id)));
    expect(JSON.parse(a['record'] as string)).toEqual(JSON.parse(xmlSafe(JSON.stringify(o.record))));
  }
}

describe.each([
  ['tiny', tiny],
  ['hostile', hostile],
])('exports of the %s tenant parse back with the same nodes, edges and attributes', (_name, tenant) => {
  it('GEXF (graphology-gexf parser)', () => {
    const g = parseGexf(MultiGraph, toGexf(exportData(tenant)));
    expectSameObjects(g, tenant, 'label');
    for (const e of tenant.edges) {
      const key = edgeKey(e);
      expect(g.hasEdge(key)).toBe(true);
      expect(g.isUndirected(key)).toBe(e.kind === 'association');
      expect(g.getEdgeAttribute(key, 'kind')).toBe(e.kind);
    }
    for (const e of sudoEdges(tenant)) {
      const sudo = e.attributes!['sudo'] as { enabled: boolean; withoutPassword: boolean };
      expect(g.getEdgeAttribute(edgeKey(e), 'sudo_enabled')).toBe(sudo.enabled);
      expect(g.getEdgeAttribute(edgeKey(e), 'sudo_withoutPassword')).toBe(sudo.withoutPassword);
    }
  });

  it('GraphML (graphology-graphml parser), with typed keys', () => {
    const text = toGraphml(exportData(tenant));
    const g = parseGraphml(MultiGraph, text);
    expectSameObjects(g, tenant, 'name');
    for (const e of tenant.edges) {
      const key = edgeKey(e);
      expect(g.extremities(key).sort()).toEqual([e.from.id, e.to.id].sort());
      expect(g.isDirected(key)).toBe(e.kind === 'membership');
      if (e.kind === 'membership') expect(g.source(key)).toBe(e.from.id);
    }
    for (const e of sudoEdges(tenant)) expect(typeof g.getEdgeAttribute(edgeKey(e), 'sudo_enabled')).toBe('boolean');
    expect(text).toMatch(/attr\.name="sudo_enabled" attr\.type="boolean"/);
  });

  it('JSON (graphology serialization format)', () => {
    const json = JSON.parse(JSON.stringify(toJsonExport(tenant)));
    const g = MultiGraph.from(json);
    expect(g.order).toBe(tenant.objects.length);
    expect(g.size).toBe(tenant.edges.length);
    expect(g.getAttribute('orgId')).toBe(tenant.orgId);
    for (const o of tenant.objects) expect(g.getNodeAttribute(o.id, 'record')).toEqual(o.record);
    for (const e of tenant.edges) {
      expect(g.getEdgeAttribute(edgeKey(e), 'attributes')).toEqual(e.attributes);
      expect(g.isUndirected(edgeKey(e))).toBe(e.kind === 'association');
    }
  });

  it('Neo4j import CSV: headers, labels, ids and relationship ends', () => {
    const files = renderExport(tenant, 'neo4j', '/data/jc export');
    const nodeFiles = files.filter((f) => f.name.startsWith('nodes-'));
    const ids = new Map<string, string>();
    for (const f of nodeFiles) {
      const [header] = parseCsv(f.content);
      expect(header!.slice(0, 5)).toEqual(['id:ID', ':LABEL', 'type:string', 'name:string', 'record:string']);
      for (const h of header!.slice(2)) expect(h).toMatch(/^[A-Za-z_][A-Za-z0-9_]*:(boolean|long|double|string)$/);
      for (const row of csvObjects(f.content)) {
        expect(ids.has(row['id:ID']!)).toBe(false);
        ids.set(row['id:ID']!, row['type:string']!);
        expect(row[':LABEL']!.split(';')[0]).toBe(labelOf(row['type:string']!));
        expect(f.name).toBe(`nodes-${row['type:string']}.csv`);
      }
    }
    expect(ids.size).toBe(tenant.objects.length);
    for (const o of tenant.objects) expect(ids.get(o.id)).toBe(o.type);
    const rel = (name: string) => csvObjects(files.find((f) => f.name === name)!.content);
    const memberOf = rel('relationships-member_of.csv');
    const assoc = rel('relationships-associated_with.csv');
    expect(memberOf.length + assoc.length).toBe(tenant.edges.length);
    for (const r of [...memberOf, ...assoc]) {
      expect(ids.has(r[':START_ID']!)).toBe(true);
      expect(ids.has(r[':END_ID']!)).toBe(true);
    }
    const memberships = tenant.edges.filter((e) => e.kind === 'membership');
    expect(new Set(memberOf.map((r) => `${r[':START_ID']}>${r[':END_ID']}`))).toEqual(
      new Set(memberships.map((e) => `${e.to.id}>${e.from.id}`)),
    );
    expect(memberOf.every((r) => r[':TYPE'] === 'MEMBER_OF')).toBe(true);
    expect(assoc.every((r) => r[':TYPE'] === 'ASSOCIATED_WITH')).toBe(true);
    const readme = files.find((f) => f.name === 'README.txt')!.content;
    expect(readme).toContain('neo4j-admin database import full neo4j');
    for (const f of files.filter((x) => x.name.endsWith('.csv'))) expect(readme).toContain(`'/data/jc export/${f.name}'`);
    expect(readme).toContain('--multiline-fields=true');
  });
});

describe('hostile names survive every export', () => {
  it('keeps markup, quotes and line breaks exactly (control characters become U+FFFD in XML only)', () => {
    const gexf = parseGexf(MultiGraph, toGexf(exportData(hostile)));
    const graphml = parseGraphml(MultiGraph, toGraphml(exportData(hostile)));
    const names = (g: MultiGraph, attr: string) => new Set(g.mapNodes((_n, a) => a[attr]));
    for (const names_ of [names(gexf, 'label'), names(graphml, 'name')]) {
      expect(names_).toContain(HOSTILE_USER);
      expect(names_).toContain(HOSTILE_GROUP);
      expect(names_).toContain(MULTILINE_APP.replace('\u0001', '\uFFFD'));
    }
    const app = renderExport(hostile, 'neo4j').find((f) => f.name === 'nodes-application.csv')!;
    expect(csvObjects(app.content)[0]!['name:string']).toBe(MULTILINE_APP);
  });

  it('escapes any string in GraphML so that it parses back unchanged', () => {
    // Found by this property: U+2028 came back as \n.
    for (const name of ['a\r\nb', '\r', 'x\u2028y', '\u2029', '\u0085']) {
      const tenant: TenantData = { orgId: 'o', objects: [{ type: 'user_group', id: 'g1', record: { id: 'g1', name } }], edges: [] };
      expect(parseGraphml(MultiGraph, toGraphml(exportData(tenant))).getNodeAttribute('g1', 'name')).toBe(name);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => {
        const tenant: TenantData = { orgId: 'o', objects: [{ type: 'user_group', id: 'g1', record: { id: 'g1', name } }], edges: [] };
        const g = parseGraphml(MultiGraph, toGraphml(exportData(tenant)));
        const expected = name.length > 0 ? xmlSafe(name) : 'g1';
        // Exactly: line ends a parser would rewrite (\r, NEL, LS, PS) are written as references.
        expect(g.getNodeAttribute('g1', 'name')).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('writeExport', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jcgraph-export-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one file per format, and a directory of CSV files plus README.txt for neo4j', async () => {
    for (const format of ['gexf', 'graphml', 'json'] as const) {
      const [path] = await writeExport(tiny, format, join(dir, `g.${format}`));
      expect((await readFile(path!, 'utf8')).length).toBeGreaterThan(100);
    }
    const written = await writeExport(tiny, 'neo4j', join(dir, 'neo4j'));
    const names = (await readdir(join(dir, 'neo4j'))).sort();
    expect(names).toEqual(written.map((p) => p.slice(join(dir, 'neo4j').length + 1)).sort());
    expect(names).toContain('README.txt');
    expect(names).toContain('nodes-user.csv');
  });

  it('streams exactly the rendered text, in every format', async () => {
    for (const tenant of [tiny, hostile]) {
      for (const format of ['gexf', 'graphml', 'json', 'neo4j'] as const) {
        const out = join(dir, `${tenant.orgId}-${format}`);
        const written = await writeExport(tenant, format, out);
        const rendered = renderExport(tenant, format, out);
        expect(written).toEqual(rendered.map((f) => (f.name ? join(out, f.name) : out)));
        for (const [i, f] of rendered.entries()) expect(await readFile(written[i]!, 'utf8'), `${format} ${f.name}`).toBe(f.content);
      }
    }
  });

  it('fails with a ReportError naming the path when it cannot write', async () => {
    await expect(writeExport(tiny, 'json', join(dir, 'missing', 'x.json'))).rejects.toMatchObject({
      name: 'ReportError',
      message: expect.stringContaining(join(dir, 'missing', 'x.json')),
    });
  });
});

/** What graphology-gexf writes for the export (jcgraph's GEXF before it streamed): the reference for gexfChunks. */
function graphologyGexf(data: ReturnType<typeof exportData>): string {
  const safe = (props: Record<string, string | number | boolean>) =>
    Object.fromEntries(Object.entries(props).map(([k, v]) => [k, typeof v === 'string' ? xmlSafe(v) : v]));
  const graph = new MultiGraph();
  graph.setAttribute('creator', 'jcgraph');
  graph.setAttribute(
    'description',
    xmlSafe(
      `JumpCloud organization ${data.orgId || '(no org id)'}: objects, memberships (directed, group to member) and associations (undirected)`,
    ),
  );
  for (const n of data.nodes) graph.addNode(n.id, safe(n.props));
  for (const e of data.edges) {
    if (e.kind === 'membership') graph.addDirectedEdgeWithKey(e.key, e.from.id, e.to.id, safe(e.props));
    else graph.addUndirectedEdgeWithKey(e.key, e.from.id, e.to.id, safe(e.props));
  }
  return writeGexf(graph, {
    version: '1.3',
    formatNode: (_key, attributes) => ({ label: String(attributes['name']), attributes }),
    formatEdge: (_key, attributes) => ({ label: String(attributes['kind']), attributes }),
  });
}

const scalar = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', "it's", 'say "hi"', 'a\tb\r\nc', '<&>', '=1+2'),
  fc.integer(),
  fc.constantFrom(-(2 ** 31), 2 ** 31, 2 ** 40, -0, 0.5, 1e21, Number.MAX_SAFE_INTEGER + 2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const fieldName = fc.constantFrom('port', 'active', 'note', 'x_1', 'type', 'name', 'record', 'id', '_id', '9bad', 'bad-name', 'attributes');
const record = fc.dictionary(
  fieldName,
  fc.oneof(scalar, fc.dictionary(fieldName, scalar, { maxKeys: 3 }), fc.array(scalar, { maxLength: 2 })),
  { maxKeys: 6 },
);

/** Random tenants whose records and edge attributes hold every kind of value the exports type and escape. */
const exportTenant: fc.Arbitrary<TenantData> = randomTenant().chain(({ tenant }) =>
  fc
    .record({
      records: fc.array(record, { minLength: tenant.objects.length, maxLength: tenant.objects.length }),
      attributes: fc.array(fc.option(record, { nil: null }), { minLength: tenant.edges.length, maxLength: tenant.edges.length }),
      keep: fc.constantFrom('all', 'memberships', 'associations', 'none'),
    })
    .map(({ records, attributes, keep }) => ({
      orgId: tenant.orgId,
      objects: tenant.objects.map((o, i) => ({ ...o, record: { ...o.record, ...records[i], id: o.id } })),
      edges: tenant.edges
        .filter(
          (e) =>
            keep === 'all' ||
            (keep === 'memberships' ? e.kind === 'membership' : keep === 'associations' ? e.kind === 'association' : false),
        )
        .map((e, i) => ({ ...e, attributes: e.attributes ?? attributes[i] ?? null })),
    })),
);

describe('the streamed exports', () => {
  const fixed: [string, TenantData][] = [
    ['tiny', tiny],
    ['hostile', hostile],
    ['empty', { orgId: '', objects: [], edges: [] }],
  ];

  it('GEXF is byte for byte what graphology-gexf writes for the same graph', () => {
    for (const [name, tenant] of fixed) expect(toGexf(exportView(tenant)), name).toBe(graphologyGexf(exportData(tenant)));
    fc.assert(
      fc.property(exportTenant, (tenant) => {
        expect(toGexf(exportView(tenant))).toBe(graphologyGexf(exportData(tenant)));
      }),
      { numRuns: 150 },
    );
  });

  it('JSON is exactly JSON.stringify(toJsonExport(tenant), null, 1), in pieces', () => {
    const expectSame = (tenant: TenantData): void => {
      expect([...jsonExportChunks(tenant)].join('')).toBe(`${JSON.stringify(toJsonExport(tenant), null, 1)}\n`);
    };
    for (const [, tenant] of fixed) expectSame(tenant);
    fc.assert(fc.property(exportTenant, expectSame), { numRuns: 100 });
  });

  it('the lazy view gives the same GraphML, GEXF and Neo4j files as the materialized export data', () => {
    fc.assert(
      fc.property(exportTenant, (tenant) => {
        const data = exportData(tenant);
        const view = exportView(tenant);
        expect([...view.nodes]).toEqual(data.nodes);
        expect([...view.edges]).toEqual(data.edges);
        expect(toGraphml(view)).toBe(toGraphml(data));
        expect(toGexf(view)).toBe(toGexf(data));
        const streamed = neo4jStreams(view).map((f) => ({ name: f.name, content: [...f.chunks].join('') }));
        expect(streamed).toEqual(toNeo4jFiles(data));
        expect(renderExport(tenant, 'neo4j', '/x').slice(0, -1)).toEqual(streamed);
      }),
      { numRuns: 60 },
    );
  });
});
