/**
 * Worksheets as a reviewer and a spreadsheet leave them: read a worksheet into rows by header, fill in
 * decisions, and write it back the way a spreadsheet saves (its own quoting, optionally reordered
 * columns, LF or CRLF, a byte-order mark or none, a semicolon separator).
 */
import { readFile } from 'node:fs/promises';
import { parseCsv } from '../../src/review/index.ts';

export type Row = Record<string, string>;

export interface Sheet {
  readonly header: string[];
  readonly rows: Row[];
}

export async function readSheet(path: string): Promise<Sheet> {
  const records = parseCsv(await readFile(path, 'utf8')).records.filter((r) => !r.cells[0]?.startsWith('#'));
  const [header, ...rest] = records;
  const names = [...header!.cells];
  return { header: names, rows: rest.map((r) => Object.fromEntries(names.map((h, i) => [h, r.cells[i] ?? '']))) };
}

/** Sets decision and reason of the rows whose item id is a key of `decisions`. */
export function decide(sheet: Sheet, decisions: Readonly<Record<string, readonly [string, string?]>>): Sheet {
  return {
    header: sheet.header,
    rows: sheet.rows.map((r) => {
      const d = decisions[r['item_id']!];
      return d ? { ...r, decision: d[0], reason: d[1] ?? '' } : r;
    }),
  };
}

export interface SaveStyle {
  /** Column order (default the sheet's). */
  readonly columns?: readonly string[];
  readonly newline?: '\r\n' | '\n';
  readonly bom?: boolean;
  readonly separator?: ',' | ';';
}

/** The sheet as CSV text, saved as a spreadsheet would (cells verbatim, quoted when they must be). */
export function sheetText(sheet: Sheet, style: SaveStyle = {}): string {
  const sep = style.separator ?? ',';
  const nl = style.newline ?? '\r\n';
  const columns = style.columns ?? sheet.header;
  const cell = (v: string): string => (v.includes(sep) || /["\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = [columns.map(cell).join(sep), ...sheet.rows.map((r) => columns.map((c) => cell(r[c] ?? '')).join(sep))];
  return `${style.bom === false ? '' : '\uFEFF'}${lines.join(nl)}${nl}`;
}
