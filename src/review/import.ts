/**
 * `review import`: decisions from filled worksheets. Each file is checked whole before anything of it is
 * taken, and a file with any error gives nothing; every error names the file, the line and the column:
 *
 * - not UTF-8, UTF-16, a quoted field left open (a truncated file), a last line cut short, a row with
 *   more or fewer fields than the header;
 * - a column missing or named twice (columns are found by header name, so a sheet a spreadsheet saved
 *   with its columns reordered imports as it is; a column the reviewer added is ignored);
 * - an item id the campaign does not have; a frozen column whose text is not the campaign's (a row edited
 *   or pasted onto another item); a decision other than keep, revoke or flag (any letter case);
 * - a decision on an item of another reviewer than the sheet's (the reviewer of its first row, or the
 *   one named by `as`);
 * - the same item decided twice differently, in one file or across the files of one import.
 *
 * What a spreadsheet does on its own is accepted: a byte-order mark, CRLF or LF, a semicolon or tab
 * separator, formula-like text saved with the leading `'` the worksheet wrote or without it, blank lines.
 * Decisions carry who (the sheet's reviewer) and when (the file's modification time; the import's time
 * too), and the file's SHA-256 and line. Importing the same sheet again changes nothing; a changed
 * decision replaces the earlier one, which is kept in `superseded`.
 */
import { createHash } from 'node:crypto';
import { ReviewError } from '../errors.ts';
import { parseCsv, type CsvRecord } from './csv.ts';
import { DECISIONS, type Campaign, type CampaignItem, type Decision, type DecisionValue, type ImportRecord } from './format.ts';
import { WORKSHEET_COLUMNS, type WorksheetColumn } from './worksheet.ts';

/** One worksheet file to import. */
export interface WorksheetFile {
  /** The name errors and the campaign record give it (as the user typed it). */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The file's modification time: when its decisions were made, as near as the file tells. */
  readonly modifiedAt: Date;
}

/** One problem of a worksheet: file, line, column (0 when it is not about one column) and what. */
export interface SheetError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** What an import found per file, and the campaign with the decisions of the files without errors. */
export interface ImportResult {
  readonly campaign: Campaign;
  readonly files: readonly {
    readonly file: string;
    readonly reviewer: string;
    /** Rows with a decision. */
    readonly decisions: number;
    /** Rows without one. */
    readonly undecided: number;
    /** Decisions that changed an earlier one. */
    readonly replaced: number;
    /** Decisions already in the campaign as they are. */
    readonly unchanged: number;
    readonly errors: readonly SheetError[];
  }[];
  readonly errors: readonly SheetError[];
}

/** Import options. */
export interface ImportOptions {
  /**
   * Whose decisions the sheets hold.
   * @default the reviewer of each sheet's first row
   */
  readonly as?: string;
  /**
   * When the import happens.
   * @default now
   */
  readonly now?: Date;
}

/**
 * Columns that import checks against the campaign. `last_login` is left out: a spreadsheet turns an
 * ISO 8601 time into its own date format when it saves, which is no edit by the reviewer.
 */
const CHECKED = WORKSHEET_COLUMNS.filter((c) => c.frozen && c.key !== 'last_login');
const REQUIRED = WORKSHEET_COLUMNS.map((c) => c.key);
const FORMULA_START = /^[=+\-@\t\r]/;

/** The texts a frozen cell may hold: the campaign's, or the same with the leading `'` the worksheet wrote before formula-like text. */
function accepted(value: string): readonly string[] {
  return FORMULA_START.test(value) ? [value, `'${value}`] : [value];
}

/** A decision read from a row, before it is taken. */
interface RowDecision {
  readonly item: CampaignItem;
  readonly decision: DecisionValue;
  readonly reason: string;
  readonly line: number;
}

interface CheckedSheet {
  readonly file: string;
  readonly reviewer: string;
  readonly sha256: string;
  readonly decisions: RowDecision[];
  readonly undecided: number;
  readonly errors: SheetError[];
}

const MAX_ERRORS_PER_FILE = 50;

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Checks one sheet against the campaign; its decisions count only when it has no error. */
function checkSheet(
  campaign: Campaign,
  byId: ReadonlyMap<string, CampaignItem>,
  file: WorksheetFile,
  as: string | undefined,
): CheckedSheet {
  const errors: SheetError[] = [];
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const fail = (line: number, column: number, message: string): void => {
    if (errors.length < MAX_ERRORS_PER_FILE) errors.push({ file: file.name, line, column, message });
  };
  const result = (reviewer: string, decisions: RowDecision[] = [], undecided = 0): CheckedSheet => ({
    file: file.name,
    reviewer,
    sha256,
    decisions,
    undecided,
    errors,
  });
  const bytes = file.bytes;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    fail(1, 0, 'the file is UTF-16 text, not CSV in UTF-8: save it from the spreadsheet as "CSV UTF-8"');
    return result(as ?? '');
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    fail(1, 0, 'the file is not UTF-8 text (a spreadsheet saved it in another encoding): save it as "CSV UTF-8"');
    return result(as ?? '');
  }
  const csv = parseCsv(text);
  for (const p of csv.problems) fail(p.line, 0, p.message);
  // A partial campaign's notice (and any comment line a spreadsheet kept) comes before the header.
  let start = 0;
  while (start < csv.records.length && /^'?#/.test(csv.records[start]!.cells[0] ?? '')) start++;
  const header = csv.records[start];
  const rows = csv.records.slice(start + 1);
  if (!header) {
    fail(1, 0, 'the file is empty: it has no header line');
    return result(as ?? '');
  }
  const columns = new Map<string, number>();
  header.cells.forEach((cell, i) => {
    const key = cell.trim().toLowerCase();
    if (columns.has(key) && key !== '') fail(header.line, i + 1, `the column ${key} appears twice (also column ${columns.get(key)! + 1})`);
    else columns.set(key, i);
  });
  const missing = REQUIRED.filter((k) => !columns.has(k));
  if (missing.length > 0) {
    fail(
      header.line,
      0,
      `the header lacks the ${missing.length === 1 ? 'column' : 'columns'} ${missing.join(', ')}: keep every column of the worksheet`,
    );
    return result(as ?? '');
  }
  const at = (key: string): number => columns.get(key)!;
  const cell = (row: CsvRecord, key: string): string => row.cells[at(key)] ?? '';
  const reviewer = as ?? (rows[0] ? cell(rows[0], 'reviewer').replace(/^'/, '') : '');
  const decisions: RowDecision[] = [];
  const seen = new Map<string, RowDecision>();
  let undecided = 0;
  rows.forEach((row, r) => {
    const last = r === rows.length - 1;
    if (row.cells.length < header.cells.length) {
      const truncated = last && !csv.endsWithNewline;
      fail(
        row.line,
        row.cells.length,
        truncated
          ? `the last line has ${row.cells.length} of the header's ${header.cells.length} fields and no line end: the file looks truncated`
          : `the line has ${row.cells.length} fields, the header ${header.cells.length}`,
      );
      return;
    }
    const extra = row.cells.slice(header.cells.length).findIndex((c) => c !== '');
    if (extra >= 0) {
      fail(
        row.line,
        header.cells.length + extra + 1,
        `the line has more fields than the header (${row.cells.length} for ${header.cells.length})`,
      );
      return;
    }
    const id = cell(row, 'item_id').trim();
    const item = byId.get(id);
    if (!item) {
      fail(row.line, at('item_id') + 1, `item_id "${id}" is not an item of campaign ${campaign.id}`);
      return;
    }
    const edited = CHECKED.filter((c: WorksheetColumn) => !accepted(c.value(item)).includes(cell(row, c.key)));
    for (const c of edited)
      fail(
        row.line,
        at(c.key) + 1,
        `${c.key} of item ${id} was changed (the campaign has ${JSON.stringify(c.value(item))}, the sheet ${JSON.stringify(cell(row, c.key))}); frozen columns must stay as written`,
      );
    if (edited.length > 0) return;
    const text = cell(row, 'decision').trim().toLowerCase();
    if (text === '') {
      undecided++;
      return;
    }
    if (!(DECISIONS as readonly string[]).includes(text)) {
      fail(row.line, at('decision') + 1, `decision "${cell(row, 'decision')}" is not one of ${DECISIONS.join(', ')}`);
      return;
    }
    if (item.reviewer.name !== reviewer) {
      fail(
        row.line,
        at('decision') + 1,
        `item ${id} is for ${item.reviewer.name} to review, not ${reviewer || 'nobody'} (the reviewer of this sheet)`,
      );
      return;
    }
    const decision: RowDecision = { item, decision: text as DecisionValue, reason: cell(row, 'reason').trim(), line: row.line };
    const before = seen.get(id);
    if (before) {
      if (before.decision !== decision.decision)
        fail(row.line, at('decision') + 1, `item ${id} is decided ${decision.decision} here and ${before.decision} on line ${before.line}`);
      return;
    }
    seen.set(id, decision);
    decisions.push(decision);
  });
  return result(reviewer, decisions, undecided);
}

/** Checks every sheet and, for those without errors, takes their decisions into the campaign (see the module doc). */
export function importWorksheets(campaign: Campaign, files: readonly WorksheetFile[], options: ImportOptions = {}): ImportResult {
  if (campaign.closed)
    throw new ReviewError(
      `Campaign ${campaign.id} was closed at ${campaign.closed.closedAt}; it takes no more decisions (start a new campaign).`,
    );
  const now = (options.now ?? new Date()).toISOString();
  const byId = new Map(campaign.items.map((i) => [i.id, i]));
  const sheets = files.map((f) => checkSheet(campaign, byId, f, options.as));
  // The same item decided differently in two files of one import: an error in both.
  const firstSeen = new Map<string, { sheet: CheckedSheet; decision: RowDecision }>();
  for (const sheet of sheets) {
    for (const d of sheet.decisions) {
      const other = firstSeen.get(d.item.id);
      if (!other) firstSeen.set(d.item.id, { sheet, decision: d });
      else if (other.sheet !== sheet && other.decision.decision !== d.decision) {
        const message = `item ${d.item.id} is decided ${other.decision.decision} in ${other.sheet.file} (line ${other.decision.line}) and ${d.decision} in ${sheet.file} (line ${d.line})`;
        sheet.errors.push({ file: sheet.file, line: d.line, column: 0, message });
        other.sheet.errors.push({ file: other.sheet.file, line: other.decision.line, column: 0, message });
      }
    }
  }
  const current = new Map(campaign.decisions.map((d) => [d.item, d]));
  const superseded = [...campaign.superseded];
  const imports: ImportRecord[] = [...campaign.imports];
  const sheetsOut: ImportResult['files'][number][] = [];
  sheets.forEach((sheet, k) => {
    let replaced = 0;
    let unchanged = 0;
    if (sheet.errors.length === 0) {
      const file = files[k]!;
      for (const d of sheet.decisions) {
        const before = current.get(d.item.id);
        if (before && before.decision === d.decision && before.reason === d.reason && before.reviewer === sheet.reviewer) {
          unchanged++;
          continue;
        }
        if (before) {
          superseded.push(before);
          replaced++;
        }
        const decision: Decision = {
          item: d.item.id,
          decision: d.decision,
          reason: d.reason,
          reviewer: sheet.reviewer,
          decidedAt: file.modifiedAt.toISOString(),
          importedAt: now,
          source: { file: sheet.file, sha256: sheet.sha256, line: d.line },
        };
        current.delete(d.item.id);
        current.set(d.item.id, decision);
      }
      imports.push({
        file: sheet.file,
        sha256: sheet.sha256,
        reviewer: sheet.reviewer,
        importedAt: now,
        decisions: sheet.decisions.length,
        replaced,
      });
    }
    sheetsOut.push({
      file: sheet.file,
      reviewer: sheet.reviewer,
      decisions: sheet.decisions.length,
      undecided: sheet.undecided,
      replaced,
      unchanged,
      errors: sheet.errors,
    });
  });
  return {
    campaign: { ...campaign, decisions: [...current.values()], superseded, imports },
    files: sheetsOut,
    errors: sheets.flatMap((s) => s.errors),
  };
}

/** `FILE:LINE:COLUMN: message` (no column when the error is about the whole line or file). */
export function formatSheetError(e: SheetError): string {
  return `${e.file}:${e.line}${e.column > 0 ? `:${e.column}` : ''}: ${e.message}`;
}
