/**
 * CSV for spreadsheets (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line
 * break quoted, quotes doubled).
 *
 * Names come from the tenant and anyone who can name a user or device could write `=HYPERLINK(…)`; a
 * spreadsheet would run it as a formula. So a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return gets a leading `'` (the OWASP advice for CSV injection); numbers are written as they are.
 */
import type { Cell, Table } from './tables.ts';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (typeof value === 'number') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function line(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** The table's header line, then one line per row, produced as the rows are read. */
export function* csvLines<T>(table: Table<T>, rows: Iterable<T>): Iterable<string> {
  yield line(table.columns.map((c) => c.key));
  for (const row of rows) yield line(table.columns.map((c) => c.value(row)));
}

export function toCsv<T>(table: Table<T>, rows: Iterable<T>): string {
  return [...csvLines(table, rows)].join('');
}
