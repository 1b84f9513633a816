import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/graph/index.ts';
import {
  BINDINGS_BY_RESOURCE,
  BINDINGS_BY_USER,
  bindingRows,
  buildReview,
  csvCell,
  jsonChunks,
  renderHtml,
  renderMarkdown,
  scriptJson,
  toCsv,
  writeReport,
} from '../../src/report/index.ts';
import { csvObjects, parseCsv } from './csv-parse.ts';
import { FORMULA_SYSTEM, HOSTILE_GROUP, HOSTILE_USER, MULTILINE_APP, hostileTenant } from './fixture.ts';

const g = AccessGraph.fromTenant(hostileTenant());
const review = buildReview(g, { source: 'fixture <test>', generatedAt: new Date('2024-05-01T00:00:00Z') });

describe('CSV', () => {
  it('round-trips every binding with the table columns, line breaks kept', () => {
    const rows = csvObjects(toCsv(BINDINGS_BY_USER, bindingRows(g, 'user')));
    expect(rows).toHaveLength(review.counts.bindings);
    expect(Object.keys(rows[0]!)).toEqual(BINDINGS_BY_USER.columns.map((c) => c.key));
    const app = rows.find((r) => r['resource_type'] === 'application')!;
    expect(app['resource']).toBe(MULTILINE_APP);
    const alice = rows.find((r) => r['user'] === 'alice' && r['resource'] === 'web-01')!;
    expect(alice).toMatchObject({ access: 'direct/indirect', sudo: 'sudo', via: 'user_group:Admins; system_group:Servers' });
    expect(alice['paths']).toBe('user:alice → system:web-01 | user:alice → user_group:Admins → system_group:Servers → system:web-01');
  });

  it('defuses formulas: text starting with = + - @ gets a leading quote', () => {
    const rows = csvObjects(toCsv(BINDINGS_BY_RESOURCE, bindingRows(g, 'resource')));
    expect(rows.map((r) => r['resource'])).toContain(`'${FORMULA_SYSTEM}`);
    expect(rows.map((r) => r['resource'])).not.toContain(FORMULA_SYSTEM);
    expect(Object.keys(rows[0]!).slice(0, 3)).toEqual(['resource_type', 'resource_id', 'resource']);
    fc.assert(
      fc.property(fc.string(), (s) => {
        const [[cell]] = parseCsv(`${csvCell(s)}\r\n`) as [[string]];
        expect(cell).toBe(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
      }),
      { numRuns: 500 },
    );
    expect(csvCell(-3)).toBe('-3');
  });
});

describe('Markdown', () => {
  const md = renderMarkdown(review, { by: 'user', rows: bindingRows(g, 'user') });

  it('escapes tenant strings so no markup of theirs survives', () => {
    expect(md).not.toMatch(/(?<!\\)[<>]/);
    expect(md).toContain('\\<img src=x onerror="alert\\(1\\)"\\>\\&\'x');
    const table = md
      .slice(md.indexOf('## Access by user'))
      .split('\n')
      .filter((l) => l.startsWith('| '));
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    expect(table.length).toBe(review.counts.bindings + 2);
    for (const line of table) expect(cells(line)).toBe(cells(table[0]!));
  });

  it('has counts, findings first, then the chosen table, capped with a note', () => {
    expect(md.indexOf('## Findings')).toBeLessThan(md.indexOf('## Access by user'));
    expect(md).toContain(`| ${review.counts.users} | ${review.counts.usersWithAccess} | ${review.counts.bindings} |`);
    const capped = renderMarkdown(review, { by: 'resource', rows: bindingRows(g, 'resource'), maxRows: 2 });
    expect(capped).toContain(`Showing the first 2 of ${review.counts.bindings} rows`);
    // the counts table (header and figures), then the bindings header and two rows
    expect(capped.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---')).length).toBe(2 + 1 + 2);
    const groups = renderMarkdown(review, { by: 'group' });
    expect(groups).toContain('## Groups');
    expect(groups).toContain('| user\\_group | Admins | 2 | STATIC | sudo | 1 | 6 | 4 |');
  });
});

describe('JSON', () => {
  it('is one document with every binding and every finding section', () => {
    const doc = JSON.parse([...jsonChunks(review, bindingRows(g, 'user'))].join(''));
    expect(doc.bindings).toHaveLength(review.counts.bindings);
    expect(doc.findings.map((s: { kind: string }) => s.kind)).toEqual(review.findings.map((s) => s.kind));
    expect(doc.users).toHaveLength(review.users.length);
    expect(doc.meta.source).toBe('fixture <test>');
    const alice = doc.bindings.find((b: any) => b.user.name === 'alice' && b.resource.name === 'web-01');
    expect(alice.paths.map((p: string[]) => p.map((id) => doc.objects[id][1]))).toEqual([
      ['alice', 'web-01'],
      ['alice', 'Admins', 'Servers', 'web-01'],
    ]);
    expect(alice.via.map((id: string) => doc.objects[id])).toEqual([
      ['user_group', 'Admins'],
      ['system_group', 'Servers'],
    ]);
  });
});

describe('HTML (static checks; test/report/html-chromium.test.ts opens it in a browser)', () => {
  const html = renderHtml(review);

  it('refers to nothing outside the file and allows only its own script and style', () => {
    const data = /<script type="application\/json" id="jcgraph-data">[^<]*<\/script>/;
    expect(html).toMatch(data);
    const markup = html.replace(data, '');
    expect(markup).not.toMatch(/\b(src|href|action|srcset|xlink:href)\s*=\s*(?:"(?!#)|'(?!#)|(?!["'#]))/i);
    expect(markup).toContain('<a href="#findings">');
    expect(markup).not.toMatch(/url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg')/i);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+';/,
    );
    expect(html.match(/<script[\s>]/g)).toHaveLength(2);
  });

  it('never writes a tenant string unescaped', () => {
    for (const hostile of [HOSTILE_USER, HOSTILE_GROUP]) expect(html).not.toContain(hostile);
    const data = html.slice(html.indexOf('<script type="application/json"'), html.indexOf('</script>'));
    expect(data.slice(data.indexOf('>') + 1)).not.toMatch(/[<>&]/);
    expect(html).toContain('Generated 2024-05-01T00:00:00.000Z from fixture &lt;test&gt; by jcgraph.');
  });

  it('embeds data that parses back to the same strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const embedded = scriptJson({ s });
        expect(embedded).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(embedded).s).toBe(s);
      }),
    );
  });

  it('puts findings first and the chosen table right after them', () => {
    const at = (id: string, page = html) => page.indexOf(`<section id="${id}"`);
    expect(at('findings')).toBeLessThan(at('users'));
    expect(at('users')).toBeLessThan(at('bindings'));
    const byGroup = renderHtml(review, { by: 'group' });
    expect(at('groups', byGroup)).toBeLessThan(at('users', byGroup));
    expect(at('findings', byGroup)).toBeLessThan(at('groups', byGroup));
  });
});

describe('writeReport', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jcgraph-report-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the CSV pack into a directory and single tables into files', async () => {
    const pack = await writeReport(g, { format: 'csv', out: join(dir, 'pack') + '/' });
    expect((await readdir(join(dir, 'pack'))).sort()).toEqual(['bindings.csv', 'findings.csv', 'groups.csv', 'resources.csv', 'users.csv']);
    expect(pack.files).toHaveLength(5);
    const findings = csvObjects(await readFile(join(dir, 'pack', 'findings.csv'), 'utf8'));
    expect(findings.length).toBe(review.findings.reduce((n, s) => n + s.items.length, 0));
    const users = csvObjects(await readFile(join(dir, 'pack', 'users.csv'), 'utf8'));
    expect(users.map((u) => u['user']).sort()).toEqual(review.users.map((u) => u.user.name).sort());

    await writeReport(g, { format: 'csv', by: 'group', out: join(dir, 'groups.csv') });
    expect(csvObjects(await readFile(join(dir, 'groups.csv'), 'utf8'))).toHaveLength(review.groups.length);
    const byResource = await writeReport(g, { format: 'csv', by: 'resource', out: join(dir, 'r.csv') });
    expect(byResource.review).toBeUndefined();
    expect(csvObjects(await readFile(join(dir, 'r.csv'), 'utf8'))).toHaveLength(review.counts.bindings);
  });

  it('writes html, md and json files', async () => {
    for (const format of ['html', 'md', 'json'] as const) {
      const { files } = await writeReport(g, { format, out: join(dir, `review.${format}`) });
      const text = await readFile(files[0]!, 'utf8');
      expect(text.length).toBeGreaterThan(1000);
      if (format === 'json') expect(JSON.parse(text).bindings).toHaveLength(review.counts.bindings);
    }
  });

  it('fails with a ReportError naming the file it cannot write', async () => {
    await expect(writeReport(g, { format: 'md', out: join(dir, 'nope', 'r.md') })).rejects.toMatchObject({
      name: 'ReportError',
      message: expect.stringContaining(join(dir, 'nope', 'r.md')),
    });
  });
});
