/**
 * Writes an access review to disk in one of four formats. Large outputs (CSV and JSON of every binding)
 * are streamed, so a tenant with a million bindings is never held in memory as text.
 *
 * - `html`: one self-contained file (html.ts); `md`: one Markdown file (markdown.ts);
 * - `json`: one file with everything (json.ts), bindings in the `by` order (user unless `by` is resource);
 * - `csv`: with `out` a directory (existing, or written with a trailing `/`): users.csv, resources.csv,
 *   groups.csv, findings.csv and bindings.csv (by user); with `out` a file: the `by` table only
 *   (bindings by user, bindings by resource, or groups).
 */
import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AccessGraph } from '../graph/index.ts';
import { csvLines } from './csv.ts';
import { ReportError } from './errors.ts';
import { renderHtml } from './html.ts';
import { jsonChunks } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { bindingRows, buildReview, type AccessReview, type ReviewBy, type ReviewOptions } from './review.ts';
import { csvBannerLines } from './coverage.ts';
import { writeChunks } from './stream.ts';
import { BINDINGS_BY_RESOURCE, BINDINGS_BY_USER, FINDINGS, GROUPS, RESOURCES, USERS, findingRows } from './tables.ts';

export const REPORT_FORMATS = ['html', 'md', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: unknown): value is ReportFormat {
  return typeof value === 'string' && (REPORT_FORMATS as readonly string[]).includes(value);
}

export interface WriteReportOptions extends ReviewOptions {
  readonly format: ReportFormat;
  /**
   * Which table follows the findings: bindings by user or by resource.
   * @default 'user'
   */
  readonly by?: ReviewBy;
  /** A file, or for csv a directory. */
  readonly out: string;
  /**
   * Markdown: most table rows.
   * @default 1000
   */
  readonly maxRows?: number;
}

export interface WrittenReport {
  /** Absolute paths written. */
  readonly files: readonly string[];
  /** The review, when the format needed one (every format but a single CSV table of bindings). */
  readonly review?: AccessReview;
}

function writeReportFile(path: string, chunks: Iterable<string>): Promise<void> {
  return writeChunks(path, chunks, (code) => `Could not write the report ${path} (${code}).`);
}

function isDirectory(out: string, path: string): boolean {
  if (out.endsWith('/')) return true;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The files of the CSV pack, in the order they are written. */
export const CSV_PACK_FILES: readonly string[] = ['findings.csv', 'users.csv', 'resources.csv', 'groups.csv', 'bindings.csv'];

/** True when a CSV report goes to a directory (the pack of five tables) rather than one file. */
export function isCsvPack(out: string): boolean {
  return isDirectory(out, resolve(out));
}

/** Builds the access review of a graph and writes it in the chosen format to a file (a CSV pack to a directory). */
export async function writeReport(g: AccessGraph, options: WriteReportOptions): Promise<WrittenReport> {
  const out = resolve(options.out);
  if (options.format === 'csv') {
    if (isCsvPack(options.out)) {
      const review = buildReview(g, options);
      try {
        await mkdir(out, { recursive: true });
      } catch (error) {
        throw new ReportError(`Could not create the report directory ${out} (${(error as { code?: string }).code ?? String(error)}).`, {
          cause: error,
        });
      }
      const banner = csvBannerLines(options.coverage);
      const files: [string, Iterable<string>][] = [
        ['findings.csv', [...banner, ...csvLines(FINDINGS, findingRows(review.findings))]],
        ['users.csv', [...banner, ...csvLines(USERS, review.users)]],
        ['resources.csv', [...banner, ...csvLines(RESOURCES, review.resources)]],
        ['groups.csv', [...banner, ...csvLines(GROUPS, review.groups)]],
        ['bindings.csv', prefixed(banner, csvLines(BINDINGS_BY_USER, bindingRows(g, 'user')))],
      ];
      for (const [name, lines] of files) await writeReportFile(join(out, name), lines);
      return { files: files.map(([name]) => join(out, name)), review };
    }
  }
  const { chunks, review } = reportChunks(g, options);
  await writeReportFile(out, chunks);
  return review ? { files: [out], review } : { files: [out] };
}

/**
 * A single-file report as text chunks, for writing anywhere (a file, stdout). Every format but the CSV
 * pack: html, md, json, and csv as the one table chosen by `by`.
 */
export function reportChunks(
  g: AccessGraph,
  options: Omit<WriteReportOptions, 'out'> & { readonly out?: string },
): { chunks: Iterable<string>; review?: AccessReview } {
  const by = options.by ?? 'user';
  const banner = csvBannerLines(options.coverage);
  if (options.format === 'csv' && by !== 'group')
    return { chunks: prefixed(banner, csvLines(by === 'user' ? BINDINGS_BY_USER : BINDINGS_BY_RESOURCE, bindingRows(g, by))) };
  const review = buildReview(g, options);
  const rowsBy = by === 'resource' ? 'resource' : 'user';
  switch (options.format) {
    case 'csv':
      return { chunks: prefixed(banner, csvLines(GROUPS, review.groups)), review };
    case 'html':
      return { chunks: [renderHtml(review, { by })], review };
    case 'md':
      return {
        chunks: [
          renderMarkdown(review, {
            by,
            rows: bindingRows(g, rowsBy),
            ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}),
          }),
        ],
        review,
      };
    case 'json':
      return { chunks: jsonChunks(review, bindingRows(g, rowsBy)), review };
  }
}

/** `lines`, then the chunks as they come (the bindings table is produced lazily; it stays so). */
function* prefixed(lines: readonly string[], chunks: Iterable<string>): Iterable<string> {
  yield* lines;
  yield* chunks;
}
