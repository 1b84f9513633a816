/**
 * A reviewer's worksheet as CSV: one row per item, with a byte-order mark (so a spreadsheet reads the
 * names as UTF-8) and CRLF line ends. Every column but `decision` and `reason` is frozen: `review import`
 * checks it against the campaign, so a row edited or moved to another item is refused rather than
 * misread. Columns are found by their header name, so a sheet whose columns a spreadsheet reordered
 * still imports.
 *
 * Every text cell goes through the report's csvCell: a cell that a spreadsheet would run as a formula
 * (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading `'`. The
 * campaign file keeps the text verbatim.
 */
import { csvCell } from '../report/csv.ts';
import type { Campaign, CampaignItem } from './format.ts';

/** One worksheet column: its header, whether import checks it, and its text for an item. */
export interface WorksheetColumn {
  readonly key: string;
  /** Import checks a frozen column against the campaign; `decision` and `reason` are the reviewer's. */
  readonly frozen: boolean;
  value(item: CampaignItem): string;
}

/** The worksheet's columns, in the order they are written. */
export const WORKSHEET_COLUMNS: readonly WorksheetColumn[] = [
  { key: 'item_id', frozen: true, value: (i) => i.id },
  { key: 'reviewer', frozen: true, value: (i) => i.reviewer.name },
  { key: 'user', frozen: true, value: (i) => i.user.name },
  { key: 'user_email', frozen: true, value: (i) => i.user.email },
  { key: 'user_state', frozen: true, value: (i) => i.user.state },
  { key: 'resource_type', frozen: true, value: (i) => i.resource.type },
  { key: 'resource', frozen: true, value: (i) => i.resource.name },
  { key: 'access', frozen: true, value: (i) => i.label },
  { key: 'sudo', frozen: true, value: (i) => i.sudo },
  { key: 'paths', frozen: true, value: (i) => i.paths.join(' | ') },
  { key: 'findings', frozen: true, value: (i) => i.findings.join('; ') },
  { key: 'last_login', frozen: true, value: (i) => i.lastLogin ?? '' },
  { key: 'self_review', frozen: true, value: (i) => (i.selfReview ? 'yes: a decision needs a reason' : '') },
  { key: 'new_since_last', frozen: true, value: (i) => (i.newSinceLast ? 'new' : '') },
  {
    key: 'suggestion',
    frozen: true,
    value: (i) =>
      i.suggestion
        ? `${i.suggestion.decision} last time (${i.suggestion.reviewer}${i.suggestion.reason ? `: ${i.suggestion.reason}` : ''})`
        : '',
  },
  { key: 'decision', frozen: false, value: () => '' },
  { key: 'reason', frozen: false, value: () => '' },
];

/** The text of a worksheet cell as written (formula-like text neutralised, quoted where CSV needs it). */
export function worksheetCell(text: string): string {
  return csvCell(text);
}

/** The worksheet CSV of some items (one reviewer's), with the campaign's partial notice first when there is one. */
export function worksheetCsv(campaign: Campaign, items: readonly CampaignItem[]): string {
  const lines: string[] = [];
  if (campaign.snapshot.partialNotice) lines.push(worksheetCell(`# ${campaign.snapshot.partialNotice}`));
  lines.push(WORKSHEET_COLUMNS.map((c) => c.key).join(','));
  for (const item of items) lines.push(WORKSHEET_COLUMNS.map((c) => worksheetCell(c.value(item))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** A file name for a reviewer's worksheet: letters, digits, `.`, `_`, `-` of the name, and a short hash so two names never share one. */
export function worksheetName(reviewer: string, hash: string): string {
  const slug = reviewer
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);
  return `${slug || 'reviewer'}-${hash.slice(0, 6)}`;
}
