import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MultiGraph } from 'graphology';
import { parse as parseGraphml } from 'graphology-graphml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/index.ts';
import { buildReview } from '../../src/entries/report.ts';
import { generateTenant } from '../../src/entries/simulator.ts';
import { csvObjects } from '../report/csv-parse.ts';
import { cli } from './run.ts';

const tenant = generateTenant({ preset: 'tiny', seed: 1 });
const review = buildReview(AccessGraph.fromTenant(tenant));
let dir: string;
const run = (argv: string[]) => cli(argv, { cwd: dir });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-cli-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jcgraph report', () => {
  it('writes a self-contained HTML review (format from the extension) and says what it holds', async () => {
    const r = await run(['report', '--sim', 'tiny', '--out', 'review.html']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Wrote the html access review of ${tenant.orgId} (simulated tiny:1) to ${join(dir, 'review.html')}.`);
    expect(r.stdout).toContain(
      `${review.counts.users} users, ${review.counts.bindings} bindings (${review.counts.sudoBindings} with sudo)`,
    );
    const html = await readFile(join(dir, 'review.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('Generated ');
  });

  it('writes Markdown to stdout with --out -', async () => {
    const r = await run(['report', '--sim', 'tiny', '--format', 'md', '--by', 'resource', '--out', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Access review: /);
    expect(r.stdout).toContain('## Access by resource');
  });

  it('writes the CSV pack into a directory, and one table into a file', async () => {
    const r = await run(['report', '--sim', 'tiny', '--out', 'pack/', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.format).toBe('csv');
    expect(doc.counts.bindings).toBe(review.counts.bindings);
    expect((await readdir(join(dir, 'pack'))).sort()).toEqual(['bindings.csv', 'findings.csv', 'groups.csv', 'resources.csv', 'users.csv']);
    expect(csvObjects(await readFile(join(dir, 'pack', 'bindings.csv'), 'utf8'))).toHaveLength(review.counts.bindings);
    const one = await run(['report', '--sim', 'tiny', '--by', 'group', '--out', 'groups.csv']);
    expect(one.code).toBe(0);
    expect(csvObjects(await readFile(join(dir, 'groups.csv'), 'utf8'))).toHaveLength(review.counts.groups);
  });

  it('writes JSON with every binding', async () => {
    const r = await run(['report', '--sim', 'tiny', '--out', 'r.json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')).bindings).toHaveLength(review.counts.bindings);
  });

  it('refuses bad options as usage errors', async () => {
    for (const argv of [
      ['report', '--sim', 'tiny'],
      ['report', '--sim', 'tiny', '--out', 'x', '--format', 'pdf'],
      ['report', '--sim', 'tiny', '--out', 'x.html', '--by', 'device'],
      ['report', '--sim', 'tiny', '--snapshot', 'x.json', '--out', 'x.html'],
      ['report', '--sim', 'tiny', '--out', '-', '--json'],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^jcgraph report: /);
    }
  });

  it('fails with exit 1 and one line when the snapshot is missing', async () => {
    const r = await run(['report', '--snapshot', 'missing.json', '--out', 'x.html']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^jcgraph report: The snapshot .*missing\.json does not exist\.\n$/);
  });
});

describe('jcgraph export', () => {
  it('writes GEXF, GraphML and JSON files with every node and edge', async () => {
    for (const format of ['gexf', 'graphml', 'json']) {
      const r = await run(['export', '--sim', 'tiny', '--out', `g.${format}`, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        format,
        files: [join(dir, `g.${format}`)],
        nodes: tenant.objects.length,
        edges: tenant.edges.length,
      });
    }
    const g = MultiGraph.from(JSON.parse(await readFile(join(dir, 'g.json'), 'utf8')));
    expect([g.order, g.size]).toEqual([tenant.objects.length, tenant.edges.length]);
  });

  it('writes GraphML to stdout with --out -', async () => {
    const r = await run(['export', '--sim', 'tiny', '--format', 'graphml', '--out', '-']);
    expect(r.code).toBe(0);
    const g = parseGraphml(MultiGraph, r.stdout);
    expect([g.order, g.size]).toEqual([tenant.objects.length, tenant.edges.length]);
  });

  it('writes the Neo4j import directory with its README and command', async () => {
    const r = await run(['export', '--sim', 'tiny', '--format', 'neo4j', '--out', 'neo4j']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `Wrote ${tenant.objects.length} nodes and ${tenant.edges.length} edges of ${tenant.orgId} (simulated tiny:1) as neo4j to`,
    );
    expect(r.stdout).toContain(`The import command is in ${join(dir, 'neo4j', 'README.txt')}.`);
    const readme = await readFile(join(dir, 'neo4j', 'README.txt'), 'utf8');
    expect(readme).toContain(`--relationships=${join(dir, 'neo4j', 'relationships-member_of.csv')}`);
    const files = await readdir(join(dir, 'neo4j'));
    const nodes = (
      await Promise.all(
        files.filter((f) => f.startsWith('nodes-')).map(async (f) => csvObjects(await readFile(join(dir, 'neo4j', f), 'utf8')).length),
      )
    ).reduce((a, b) => a + b, 0);
    expect(nodes).toBe(tenant.objects.length);
  });

  it('refuses an unknown format, a format the extension does not give, and neo4j to stdout', async () => {
    for (const argv of [
      ['export', '--sim', 'tiny', '--format', 'dot', '--out', 'g.dot'],
      ['export', '--sim', 'tiny', '--out', 'g.dot'],
      ['export', '--sim', 'tiny', '--format', 'neo4j', '--out', '-'],
      ['export', '--sim', 'tiny', '--format', 'json'],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^jcgraph export: /);
    }
  });
});
