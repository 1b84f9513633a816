/**
 * A reviewer's worksheet as one self-contained HTML page, in the access review report's style and under
 * its Content-Security-Policy (src/report/html.ts renderPage): the same rows as the CSV, each binding's
 * paths drawn, every column sortable and the rows filtered as you type (`sudo`, `suspended`, a group's
 * name). The page is for reading; decisions go in the CSV, which `review import` reads.
 */
import { escapeHtml, LEGEND, ObjectTable, renderPage, type TableSpec } from '../report/html.ts';
import type { Campaign, CampaignItem } from './format.ts';
import type { PathPicture } from './population.ts';
import { WORKSHEET_COLUMNS } from './worksheet.ts';

const TITLES: Readonly<Record<string, string>> = {
  item_id: 'Item',
  reviewer: 'Reviewer',
  user: 'User',
  user_email: 'Email',
  user_state: 'State',
  resource_type: 'Type',
  resource: 'Resource',
  access: 'Access',
  sudo: 'Sudo',
  findings: 'Findings',
  last_login: 'Last login',
  self_review: 'Self-review',
  new_since_last: 'New',
  suggestion: 'Last decision',
};

/** Columns the page shows: the CSV's, but the reviewer's own two and the paths in words (drawn instead). */
const SHOWN = WORKSHEET_COLUMNS.filter((c) => c.frozen && c.key !== 'paths' && c.key !== 'reviewer');

/** The HTML worksheet of one reviewer's items. */
export function worksheetHtml(
  campaign: Campaign,
  reviewer: string,
  items: readonly CampaignItem[],
  pictures: ReadonlyMap<string, readonly PathPicture[]>,
  csvName: string,
): string {
  const objects = new ObjectTable();
  const shown = SHOWN.filter((c) => c.key !== 'last_login' || items.some((i) => i.lastLogin !== undefined));
  const table: TableSpec = {
    name: 'items',
    title: 'Items',
    columns: [
      ...shown.map((c) => ({ key: c.key, title: TITLES[c.key] ?? c.key, kind: 'text' as const })),
      { key: 'paths', title: 'Paths', kind: 'paths' as const },
    ],
    rows: items.map((item) => [
      ...shown.map((c) => c.value(item)),
      (pictures.get(item.id) ?? []).map((p) => objects.encoded(p.objects, p.steps)),
    ]),
  };
  const selfReviews = items.filter((i) => i.selfReview).length;
  const org = campaign.snapshot.orgId || 'organization';
  const note = [
    `${items.length} ${items.length === 1 ? 'binding' : 'bindings'} for ${escapeHtml(reviewer)} to review`,
    selfReviews > 0 ? `${selfReviews} of them your own access (a decision on those needs a reason)` : '',
  ]
    .filter((s) => s !== '')
    .join('; ');
  return renderPage({
    title: `Access review worksheet: ${reviewer}`,
    intro: `Campaign ${escapeHtml(campaign.id)} of ${escapeHtml(org)}, started ${escapeHtml(campaign.startedAt)} on the snapshot fetched ${escapeHtml(campaign.snapshot.startedAt)} (SHA-256 ${escapeHtml(campaign.snapshot.sha256.slice(0, 16))}…). Scope: ${escapeHtml(campaign.scope.description)}.`,
    ...(campaign.snapshot.partialNotice ? { banner: campaign.snapshot.partialNotice } : {}),
    nav: [
      ['how', 'How to decide'],
      ['items', 'Items'],
    ],
    main: `<section id="how"><h2>How to decide</h2><p>${note}. Write your decisions in <code>${escapeHtml(csvName)}</code>, the CSV beside this page: in the column <code>decision</code> one of <code>keep</code>, <code>revoke</code> or <code>flag</code> (flag when you cannot decide, and say why), and in <code>reason</code> why. Leave every other column as it is: the import checks them. Send the CSV back to whoever runs the campaign.</p></section>
<section id="items"><h2>Items</h2><p class="note">Click a header to sort; type in the box to filter (try <code>sudo</code>, <code>suspended</code>, a group's name).</p>${LEGEND}<div data-table="items"></div></section>`,
    footer: `jcgraph access review worksheet. This file is self-contained: it loads nothing from the network.`,
    tables: { items: table },
    objects,
  });
}
