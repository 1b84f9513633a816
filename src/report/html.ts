/**
 * The access review as one self-contained HTML file: inline CSS, inline script, inline SVG, no URL of
 * any kind, and a Content-Security-Policy that allows nothing but its own (hashed) style and script, so
 * it opens offline and can make no request even if it were tampered with.
 *
 * Findings come first, then the users, resources, groups and bindings tables (the one chosen by `by`
 * first). The tables are data (JSON in a non-executed script element, with `<`, `>`, `&` and the line
 * separators escaped) rendered by ./html/report.js: sort on a header click, filter with a text box,
 * pages of 25/100/500 rows, and each binding's paths drawn as a small SVG picture by ./html/paths.js
 * (boxes for objects, dashed arrows for memberships, solid for associations; shared with the explorer). Tenant strings reach the page only as
 * escaped text here or as text nodes there.
 *
 * Size: every user, resource and group has its row; bindings are the review's sample (at most
 * `maxBindings`, sudo first) and finding sections show their first `maxFindingItems` items, and the page
 * says so whenever it holds less than everything.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AccessPath } from '../analysis/bindings.ts';
import { formatReference } from '../analysis/resolve.ts';
import type { FindingSection } from './findings.ts';
import type { AccessReview, BindingRow, ReviewBy } from './review.ts';
import { BINDINGS_BY_USER, GROUPS, RESOURCES, USERS, type Cell, type Column, type Table } from './tables.ts';

/** The report's stylesheet: also the explorer's (jcgraph serve), so the two look alike. */
export const REPORT_STYLESHEET = readFileSync(new URL('./html/report.css', import.meta.url), 'utf8');
/** `JcgraphPaths`: draws a binding's paths as a picture (boxes for objects, arrows for hops); shared with the explorer. */
export const PATH_PICTURE_SCRIPT = readFileSync(new URL('./html/paths.js', import.meta.url), 'utf8');
const CSS = REPORT_STYLESHEET;
const SCRIPT = `${PATH_PICTURE_SCRIPT}\n${readFileSync(new URL('./html/report.js', import.meta.url), 'utf8')}`;

export interface HtmlOptions {
  /**
   * Which table follows the findings.
   * @default 'user'
   */
  readonly by?: ReviewBy;
  /**
   * Items shown per finding section.
   * @default 1000
   */
  readonly maxFindingItems?: number;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** JSON that can sit inside a script element: no `<`, `>` or `&` (so no `</script>` or `<!--`), no U+2028/9. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** How the page's script shows a column: as text, as a number (sorted as one), or as path pictures. */
export type ColumnKind = 'text' | 'number' | 'paths';
/** A table the page's script renders: its columns and rows of cells (a paths cell holds EncodedPaths). */
export interface TableSpec {
  readonly name: string;
  readonly title: string;
  readonly columns: readonly { key: string; title: string; kind: ColumnKind }[];
  readonly rows: readonly (readonly unknown[])[];
}
/** A path as the page's picture script reads it. */
export interface EncodedPath {
  /** Object indexes, subject first. */
  readonly o: readonly number[];
  /** One step per hop: u = member of, d = which contains, a = associated with. */
  readonly s: string;
}

/** Objects named by the pictures, stored once and referred to by index. */
export class ObjectTable {
  readonly rows: [string, string, string][] = [];
  private readonly index = new Map<string, number>();

  of(o: { readonly type: string; readonly name: string; readonly id: string }): number {
    let i = this.index.get(o.id);
    if (i === undefined) {
      i = this.rows.length;
      this.rows.push([o.type, o.name, o.id]);
      this.index.set(o.id, i);
    }
    return i;
  }

  path(p: AccessPath): EncodedPath {
    let s = '';
    p.edges.forEach((e, i) => {
      if (e.kind === 'association') s += 'a';
      else s += e.to.id === p.objects[i]?.id ? 'u' : 'd';
    });
    return { o: p.objects.map((o) => this.of(o)), s };
  }

  /** A path given as its objects (subject first) and its step letters. */
  encoded(objects: readonly { readonly type: string; readonly name: string; readonly id: string }[], steps: string): EncodedPath {
    return { o: objects.map((o) => this.of(o)), s: steps };
  }
}

function tableSpec<T>(table: Table<T>, keys: readonly string[], rows: readonly T[], name = table.name, title = table.title): TableSpec {
  const columns = keys.map((k) => table.columns.find((c) => c.key === k)).filter((c): c is Column<T> => c !== undefined);
  return {
    name,
    title,
    columns: columns.map((c) => ({ key: c.key, title: c.title, kind: c.numeric ? 'number' : 'text' })),
    rows: rows.map((r) => columns.map((c): Cell => c.value(r))),
  };
}

function withPaths<T>(
  spec: TableSpec,
  rows: readonly T[],
  paths: (row: T) => readonly AccessPath[] | undefined,
  objects: ObjectTable,
): TableSpec {
  return {
    ...spec,
    columns: [...spec.columns, { key: 'paths', title: 'Paths', kind: 'paths' }],
    rows: spec.rows.map((cells, i) => [...cells, (paths(rows[i] as T) ?? []).map((p) => objects.path(p))]),
  };
}

const FINDING_TABLE: Table<FindingSection['items'][number]> = {
  name: 'finding',
  title: 'Finding',
  columns: [
    { key: 'subject', title: 'Subject', value: (i) => (i.subject ? formatReference(i.subject) : '') },
    { key: 'target', title: 'Target', value: (i) => (i.target ? formatReference(i.target) : '') },
    { key: 'detail', title: 'Detail', value: (i) => i.detail },
  ],
};

function findingSpec(section: FindingSection, max: number, objects: ObjectTable): TableSpec {
  const items = section.items.slice(0, max);
  const keys = ['subject', ...(items.some((i) => i.target) ? ['target'] : []), 'detail'];
  const spec = tableSpec(FINDING_TABLE, keys, items, `finding-${section.kind}`, section.title);
  return items.some((i) => i.paths && i.paths.length > 0) ? withPaths(spec, items, (i) => i.paths, objects) : spec;
}

const n = (x: number): string => x.toLocaleString('en');

function findingMarkup(section: FindingSection, max: number): string {
  const count = section.items.length;
  const capped =
    count > max ? `<p class="note">Showing the first ${n(max)} of ${n(count)}; the CSV and JSON reports list them all.</p>` : '';
  const body =
    count === 0 ? '<p>None.</p>' : `<p>${escapeHtml(section.description)}</p>${capped}<div data-table="finding-${section.kind}"></div>`;
  const open = count > 0 && (section.severity === 'high' || section.severity === 'medium') ? ' open' : '';
  return `<details class="finding sev-${section.severity}" id="finding-${section.kind}"${open}><summary><span class="badge ${section.severity}">${section.severity}</span><h3>${escapeHtml(section.title)}</h3><span class="badge">${n(count)}</span></summary><div class="body">${body}</div></details>`;
}

/** The key to the path pictures' colours and lines. */
export const LEGEND = `<div class="legend"><svg class="paths" width="250" height="26" viewBox="0 0 250 26" aria-hidden="true"><rect x="1" y="1" width="40" height="24" rx="5" class="user"/><line x1="41" y1="13" x2="80" y2="13" class="hop-membership"/><rect x="86" y="1" width="40" height="24" rx="5" class="group"/><line x1="126" y1="13" x2="165" y2="13" class="hop-association"/><rect x="171" y="1" width="40" height="24" rx="5" class="resource"/></svg><span>blue: user · yellow: group · green: resource · dashed: membership · solid: association</span></div>`;

function section(id: string, title: string, note: string, extra = ''): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${note ? `<p class="note">${note}</p>` : ''}${extra}<div data-table="${id}"></div></section>`;
}

/** The access review as one self-contained HTML page: findings first, sortable tables, path pictures. */
export function renderHtml(review: AccessReview, options: HtmlOptions = {}): string {
  const by = options.by ?? 'user';
  const maxItems = options.maxFindingItems ?? 1_000;
  const objects = new ObjectTable();
  const bindingKeys = ['user', 'user_state', 'resource_type', 'resource', 'access', 'sudo', 'via'];
  const sample: readonly BindingRow[] = review.sample;
  const tables: Record<string, TableSpec> = {
    users: tableSpec(
      USERS,
      [
        'user',
        'email',
        'user_state',
        'inactive',
        'global_sudo',
        'groups',
        'bindings',
        'systems',
        'sudo_systems',
        'applications',
        'directories',
        'direct',
      ],
      review.users,
    ),
    resources: tableSpec(RESOURCES, ['resource_type', 'resource', 'users', 'sudo_users', 'direct_users', 'user_groups'], review.resources),
    groups: tableSpec(
      GROUPS,
      ['group_type', 'group', 'members', 'method', 'sudo', 'associations', 'associated_with', 'bindings_through', 'bindings_only_through'],
      review.groups,
    ),
    bindings: withPaths(tableSpec(BINDINGS_BY_USER, bindingKeys, sample, 'bindings', 'Bindings'), sample, (r) => r.paths, objects),
  };
  for (const s of review.findings) if (s.items.length > 0) tables[`finding-${s.kind}`] = findingSpec(s, maxItems, objects);

  const c = review.counts;
  const bindingNote = review.sampled
    ? `Showing ${n(review.sample.length)} of ${n(c.bindings)} bindings: sudo bindings first, then those of suspended, staged or locked users, then the rest by user. <code>jcgraph report --format csv</code> writes them all.`
    : `All ${n(c.bindings)} bindings of every user, sudo bindings first.`;
  const sections: Record<ReviewBy | 'bindings', string> = {
    user: section('users', 'Users', `One row per user (${n(c.users)}); click a header to sort, type to filter.`),
    resource: section('resources', 'Resources', `One row per resource a user can be bound to (${n(c.resources)}).`),
    group: section('groups', 'Groups', `One row per group (${n(c.groups)}): what it grants, and how many bindings would end without it.`),
    bindings: section('bindings', 'Bindings', bindingNote, LEGEND),
  };
  const order: (ReviewBy | 'bindings')[] =
    by === 'group'
      ? ['group', 'user', 'resource', 'bindings']
      : by === 'resource'
        ? ['resource', 'bindings', 'user', 'group']
        : ['user', 'bindings', 'resource', 'group'];
  const titles: Record<ReviewBy | 'bindings', [string, string]> = {
    user: ['users', 'Users'],
    resource: ['resources', 'Resources'],
    group: ['groups', 'Groups'],
    bindings: ['bindings', 'Bindings'],
  };
  const cards: [number, string][] = [
    [c.users, 'users'],
    [c.usersWithAccess, 'users with access'],
    [c.bindings, 'bindings'],
    [c.paths, 'paths'],
    [c.sudoBindings, 'sudo bindings'],
    [c.groups, 'groups'],
    [c.resources, 'resources'],
  ];
  const org = review.meta.orgId || 'organization';
  return renderPage({
    title: `Access review: ${org}`,
    intro: `Generated ${escapeHtml(review.meta.generatedAt)}${review.meta.source ? ` from ${escapeHtml(review.meta.source)}` : ''} by jcgraph. Every table sorts when you click its header and filters as you type.`,
    ...(review.meta.coverage ? { banner: review.meta.coverage.banner } : {}),
    nav: [['findings', 'Findings'], ...order.map((k) => titles[k])],
    main: `<section id="summary" class="cards">${cards.map(([v, label]) => `<div class="card"><b>${n(v)}</b><span>${label}</span></div>`).join('')}</section>
<section id="findings"><h2>Findings</h2>${review.findings.map((s) => findingMarkup(s, maxItems)).join('\n')}</section>
${order.map((k) => sections[k]).join('\n')}`,
    footer: `jcgraph access review of ${escapeHtml(org)}. This file is self-contained: it loads nothing from the network.`,
    tables,
    objects,
  });
}

/** What a self-contained page holds: its words (escaped by the caller where marked HTML) and its tables. */
export interface PageContent {
  /** The page's title and heading (text). */
  readonly title: string;
  /** HTML under the heading. */
  readonly intro: string;
  /** A warning shown above everything (text), e.g. a partial snapshot's. */
  readonly banner?: string;
  /** Links to sections: [id, title]. */
  readonly nav: readonly (readonly [string, string])[];
  /** HTML of the page's body; `<div data-table="NAME">` places table NAME. */
  readonly main: string;
  /** HTML of the footer. */
  readonly footer: string;
  readonly tables: Readonly<Record<string, TableSpec>>;
  readonly objects: ObjectTable;
}

/**
 * A self-contained page in the report's style: its stylesheet and script inline, its tables as data,
 * and a Content-Security-Policy allowing nothing but that style and script (the access review report,
 * the review's worksheets and evidence summary all use it).
 */
export function renderPage(page: PageContent): string {
  const data = scriptJson({ objects: page.objects.rows, tables: page.tables });
  const csp = `default-src 'none'; style-src ${sha256(CSS)}; script-src ${sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="jcgraph">
<title>${escapeHtml(page.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(page.title)}</h1><p>${page.intro}</p></header>
${page.banner ? `<div class="partial" role="alert">${escapeHtml(page.banner)}</div>\n` : ''}<nav>${page.nav.map(([id, title]) => `<a href="#${id}">${escapeHtml(title)}</a>`).join('')}</nav>
<main>
${page.main}
</main>
<footer>${page.footer}</footer>
<script type="application/json" id="jcgraph-data">${data}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
