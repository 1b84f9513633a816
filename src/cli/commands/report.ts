/**
 * `jcgraph report`: an access review an auditor can hand on, in HTML (one self-contained file), Markdown,
 * CSV or JSON, per user, per resource or per group, findings first.
 */
import { extname, resolve } from 'node:path';
import { UsageError } from '../usage-error.ts';
import {
  DEFAULT_MAX_BINDINGS,
  REPORT_FORMATS,
  REVIEW_BY,
  CSV_PACK_FILES,
  isCsvPack,
  isReportFormat,
  reportChunks,
  writeReport,
  type AccessReview,
  type ReportFormat,
  type ReviewBy,
} from '../../report/index.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { noticeCoverage, withCoverage } from '../coverage-notice.ts';
import { plural, safeText, writeJson } from '../format.ts';
import { loadGraph, SOURCE_HELP, SOURCE_OPTIONS } from '../load-graph.ts';
import { checkOutputs } from '../output-check.ts';

const OPTIONS = {
  ...SOURCE_OPTIONS,
  format: { type: 'string', short: 'f' },
  by: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'max-bindings': { type: 'string' },
  'max-rows': { type: 'string' },
} as const;

const HELP = `Usage: jcgraph report (--snapshot FILE | --sim PRESET[:SEED]) --out FILE_OR_DIR
                      [--format html|md|csv|json] [--by user|resource|group]
                      [--max-bindings N] [--max-rows N] [--json]

Writes an access review: the findings first (sudo on devices and what grants it, users with global
sudo, suspended/staged/locked users with access, redundant paths, the groups and associations with
the largest blast radius, users bound directly, empty groups, unbound resources), then the review.

Formats (default: from the --out extension, .html .md .csv .json; else html):
  html  One self-contained file (no network at all): findings, then users, resources, groups and
        bindings tables that sort on a header click and filter as you type, each binding's paths drawn
        as a small picture. Holds every user, resource and group, and up to --max-bindings bindings
        (default ${DEFAULT_MAX_BINDINGS.toLocaleString('en')}; sudo first), and says so when it holds fewer.
  md    Markdown: counts, findings (first 20 of each), then the --by table (first --max-rows rows,
        default 1,000).
  csv   With --out a directory (existing, or ending in /): findings.csv, users.csv, resources.csv,
        groups.csv and bindings.csv. With --out a file: the --by table (one row per binding by user or
        by resource, or one row per group). Cells starting with = + - @ get a leading ' (formula safety).
  json  Everything in one document: meta, counts, findings, users, resources, groups, bindings.

--by user (default), resource or group picks the table that follows the findings (html: the table
shown first; md and a single csv: the table written; json: bindings by user or by resource).
--out - writes a single-file report to stdout.

Options:
${SOURCE_HELP}
  --json               Print what was written ({files, counts, findings}) as JSON.

Exit codes: 0 written, 1 failure, 2 usage error.
`;

const EXTENSIONS: Readonly<Record<string, ReportFormat>> = {
  '.html': 'html',
  '.htm': 'html',
  '.md': 'md',
  '.markdown': 'md',
  '.csv': 'csv',
  '.json': 'json',
};

function formatOf(format: string | undefined, out: string): ReportFormat {
  if (format !== undefined) {
    if (!isReportFormat(format))
      throw new UsageError(`jcgraph report: --format must be one of ${REPORT_FORMATS.join(', ')}, not "${format}"`);
    return format;
  }
  if (out.endsWith('/')) return 'csv';
  return EXTENSIONS[extname(out).toLowerCase()] ?? 'html';
}

function summary(review: AccessReview | undefined): string[] {
  if (!review) return [];
  const c = review.counts;
  const found = review.findings.filter((s) => s.items.length > 0).map((s) => `${s.title.toLowerCase()} ${s.items.length}`);
  return [
    `  ${plural(c.users, 'user')}, ${plural(c.bindings, 'binding')} (${c.sudoBindings} with sudo), ${plural(c.groups, 'group')}, ${plural(c.resources, 'resource')}.`,
    ...(found.length > 0 ? [`  Findings: ${found.join('; ')}.`] : []),
  ];
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'write an access review (html, md, csv, json) per user, resource or group, findings first',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('report', argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`jcgraph report: unexpected argument "${positionals[0]}" (see jcgraph report --help)`);
    const out = values.out;
    if (!out) throw new UsageError('jcgraph report: --out FILE_OR_DIR is required (- for stdout; see jcgraph report --help)');
    const format = formatOf(values.format, out);
    const by = (values.by ?? 'user') as ReviewBy;
    if (!(REVIEW_BY as readonly string[]).includes(by))
      throw new UsageError(`jcgraph report: --by must be one of ${REVIEW_BY.join(', ')}, not "${values.by}"`);
    const maxBindings = intOption('report', 'max-bindings', values['max-bindings'], DEFAULT_MAX_BINDINGS, 0);
    const maxRows = intOption('report', 'max-rows', values['max-rows'], 1_000, 0);
    if (out === '-' && values.json)
      throw new UsageError('jcgraph report: --out - writes the report to stdout, so --json cannot be used with it');
    const target = `${resolve(io.cwd, out)}${out.endsWith('/') ? '/' : ''}`;
    const pack = out !== '-' && format === 'csv' && isCsvPack(target);
    if (out !== '-') {
      const inputs = values.snapshot !== undefined ? [resolve(io.cwd, values.snapshot)] : [];
      checkOutputs('report', 'the report', inputs, pack ? { dir: resolve(target), names: CSV_PACK_FILES } : { files: [target] });
    }
    const source = await loadGraph('report', values, io);
    const { graph, label } = source;
    const options = { format, by, maxBindings, maxRows, source: label, ...(source.coverage ? { coverage: source.coverage } : {}) };
    const coverage = noticeCoverage(io, 'report', source, graph);

    if (out === '-') {
      for (const chunk of reportChunks(graph, options).chunks) io.stdout.write(chunk);
      return 0;
    }
    const written = await writeReport(graph, { ...options, out: pack && !target.endsWith('/') ? `${target}/` : target });
    if (values.json) {
      const review = written.review;
      writeJson(
        io,
        withCoverage(
          {
            format,
            by,
            files: written.files,
            ...(review
              ? {
                  counts: review.counts,
                  findings: review.findings.map((s) => ({ kind: s.kind, severity: s.severity, count: s.items.length })),
                }
              : {}),
          },
          coverage,
        ),
      );
      return 0;
    }
    io.stdout.write(
      `Wrote the ${format} access review of ${safeText(graph.orgId || 'the organization')} (${safeText(label)}) to ${safeText(written.files.length === 1 ? written.files[0]! : `${written.files.length} files in ${target}`)}.\n`,
    );
    for (const line of summary(written.review)) io.stdout.write(`${line}\n`);
    return 0;
  },
};
