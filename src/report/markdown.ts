/**
 * The access review as Markdown (for a ticket, a wiki page or a pull request): counts, findings (each
 * section's first items), then the review table chosen by `by`, at most `maxRows` rows, saying how many
 * were left out and where to find them all. Every tenant string is escaped so it renders as written.
 */
import { formatReference } from '../analysis/resolve.ts';
import type { FindingSection } from './findings.ts';
import type { AccessReview, BindingRow, ReviewBy } from './review.ts';
import { BINDINGS_BY_RESOURCE, BINDINGS_BY_USER, GROUPS, type Cell, type Table } from './tables.ts';
import { safeText } from '../common/safe-text.ts';

export interface MarkdownOptions {
  /**
   * Which table follows the findings: bindings by user or by resource.
   * @default 'user'
   */
  readonly by?: ReviewBy;
  /**
   * Every binding row, for `by` user or resource (bindingRows(g, by)).
   * @default the review's sample
   */
  readonly rows?: Iterable<BindingRow>;
  /**
   * Most table rows.
   * @default 1000
   */
  readonly maxRows?: number;
  /**
   * Most items per finding section.
   * @default 20
   */
  readonly maxFindings?: number;
}

/** Backslash-escapes the characters Markdown would read as markup; line breaks become spaces. */
export function mdEscape(value: Cell): string {
  if (typeof value === 'number') return String(value);
  return safeText(value).replace(/[\\`*_{}[\]<>()#+!|~&]/g, (c) => `\\${c}`);
}

/** The first `max` rows as a table; the rows are read no further than needed when `known` gives their count. */
function mdTable<T>(
  table: Table<T>,
  keys: readonly string[],
  rows: Iterable<T>,
  max: number,
  known?: number,
): { lines: string[]; shown: number; total: number } {
  const columns = keys.map((k) => table.columns.find((c) => c.key === k)).filter((c) => c !== undefined);
  const lines = [`| ${columns.map((c) => c.title).join(' | ')} |`, `| ${columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`];
  let total = 0;
  for (const row of rows) {
    if (total >= max && known !== undefined) break;
    total++;
    if (total <= max) lines.push(`| ${columns.map((c) => mdEscape(c.value(row))).join(' | ')} |`);
  }
  return { lines, shown: Math.min(total, max), total: known ?? total };
}

function findingLines(section: FindingSection, max: number): string[] {
  const lines = [`### ${section.title} (${section.items.length}, ${section.severity})`, '', mdEscape(section.description), ''];
  if (section.items.length === 0) return [...lines, 'None.', ''];
  for (const item of section.items.slice(0, max)) {
    const who = [item.subject, item.target]
      .filter((x) => x !== undefined)
      .map(formatReference)
      .map(mdEscape)
      .join(' → ');
    lines.push(`- ${who ? `**${who}**: ` : ''}${mdEscape(item.detail)}`);
  }
  if (section.items.length > max) lines.push(`- … and ${section.items.length - max} more (every item is in the CSV and JSON reports)`);
  return [...lines, ''];
}

const BINDING_KEYS_BY_USER = ['user', 'user_state', 'resource_type', 'resource', 'access', 'sudo', 'via'];
const BINDING_KEYS_BY_RESOURCE = ['resource_type', 'resource', 'user', 'user_state', 'access', 'sudo', 'via'];
const GROUP_KEYS = ['group_type', 'group', 'members', 'method', 'sudo', 'associations', 'bindings_through', 'bindings_only_through'];

/** The access review as Markdown: counts, findings and the binding table, each capped as the options say. */
export function renderMarkdown(review: AccessReview, options: MarkdownOptions = {}): string {
  const by = options.by ?? 'user';
  const maxRows = options.maxRows ?? 1_000;
  const c = review.counts;
  const lines = [
    `# Access review: ${mdEscape(review.meta.orgId || 'organization')}`,
    '',
    `Generated ${review.meta.generatedAt}${review.meta.source ? ` from ${mdEscape(review.meta.source)}` : ''} by jcgraph.`,
    '',
    ...(review.meta.coverage ? [`> **${mdEscape(review.meta.coverage.banner)}**`, ''] : []),
    '| Users | Users with access | Bindings | Paths | Sudo bindings | Groups | Resources |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${c.users} | ${c.usersWithAccess} | ${c.bindings} | ${c.paths} | ${c.sudoBindings} | ${c.groups} | ${c.resources} |`,
    '',
    '## Findings',
    '',
    ...review.findings.flatMap((s) => findingLines(s, options.maxFindings ?? 20)),
  ];
  const table =
    by === 'group'
      ? mdTable(GROUPS, GROUP_KEYS, review.groups, maxRows)
      : options.rows
        ? mdTable(
            by === 'user' ? BINDINGS_BY_USER : BINDINGS_BY_RESOURCE,
            by === 'user' ? BINDING_KEYS_BY_USER : BINDING_KEYS_BY_RESOURCE,
            options.rows,
            maxRows,
            review.counts.bindings,
          )
        : mdTable(
            by === 'user' ? BINDINGS_BY_USER : BINDINGS_BY_RESOURCE,
            by === 'user' ? BINDING_KEYS_BY_USER : BINDING_KEYS_BY_RESOURCE,
            review.sample,
            maxRows,
          );
  const title = by === 'group' ? GROUPS.title : by === 'user' ? BINDINGS_BY_USER.title : BINDINGS_BY_RESOURCE.title;
  lines.push(`## ${title}`, '');
  if (table.shown < table.total) {
    lines.push(`Showing the first ${table.shown} of ${table.total} rows; \`jcgraph report --format csv --by ${by}\` writes them all.`, '');
  }
  lines.push(...table.lines, '');
  return lines.join('\n');
}
