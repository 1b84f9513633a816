/**
 * Reading CSV as spreadsheets write it: RFC 4180 fields (quoted fields with doubled quotes and line
 * breaks inside them), any of CRLF, LF or CR between records, a UTF-8 byte-order mark at the start, and
 * the separator a spreadsheet chose (a comma; a semicolon or a tab where the locale's decimal mark is a
 * comma), told from the header line. Every record keeps the line it starts on, so an error can name the
 * file, line and column.
 *
 * What it refuses rather than guesses: a file saved as UTF-16 (a spreadsheet's "Unicode text"), a quoted
 * field still open at the end of the file (a truncated file), and text after a closing quote.
 */

/** One record: the line it starts on (1-based) and its fields. */
export interface CsvRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

/** What is wrong with a CSV text, with where. */
export interface CsvProblem {
  readonly line: number;
  readonly message: string;
}

/** The records of a CSV text, the separator found, and whether the text ended with a line break. */
export interface ParsedCsv {
  readonly records: readonly CsvRecord[];
  readonly separator: ',' | ';' | '\t';
  /** The text's last record was followed by a line break (a file cut short usually is not). */
  readonly endsWithNewline: boolean;
  readonly bom: boolean;
  readonly problems: readonly CsvProblem[];
}

/** The separator of a CSV text, told from its first line: the one of `,` `;` tab that occurs most outside quotes. */
function separatorOf(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

/** Parses CSV text (see the module doc); problems are returned, never thrown. */
export function parseCsv(input: string): ParsedCsv {
  const problems: CsvProblem[] = [];
  let text = input;
  const bom = text.startsWith('\uFEFF');
  if (bom) text = text.slice(1);
  if (text.startsWith('\uFFFE') || /^(?:[^\0]\0){4}/.test(text) || /^(?:\0[^\0]){4}/.test(text)) {
    return {
      records: [],
      separator: ',',
      endsWithNewline: false,
      bom,
      problems: [{ line: 1, message: 'the file is UTF-16 text, not CSV in UTF-8: save it from the spreadsheet as "CSV UTF-8"' }],
    };
  }
  const separator = separatorOf(text);
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let inQuotes = false;
  let quotedCell = false;
  let afterQuote = false;
  const endCell = (): void => {
    cells.push(cell);
    cell = '';
    quotedCell = false;
    afterQuote = false;
  };
  const endRecord = (): void => {
    endCell();
    records.push({ line: recordLine, cells });
    cells = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        afterQuote = true;
        i++;
        continue;
      }
      if (c === '\r' || c === '\n') {
        // A line break inside a quoted field belongs to the field; count the line all the same.
        if (c === '\r' && text[i + 1] === '\n') {
          cell += '\r\n';
          i += 2;
        } else {
          cell += c;
          i++;
        }
        line++;
        continue;
      }
      cell += c;
      i++;
      continue;
    }
    if (c === separator) {
      endCell();
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (c === '"' && cell.length === 0 && !quotedCell) {
      inQuotes = true;
      quotedCell = true;
      i++;
      continue;
    }
    if (afterQuote) {
      problems.push({ line, message: `text follows a closing quote in field ${cells.length + 1}` });
      afterQuote = false;
    }
    cell += c;
    i++;
  }
  const last = text[text.length - 1];
  const endsWithNewline = last === '\n' || last === '\r';
  if (inQuotes)
    problems.push({ line: recordLine, message: 'a quoted field is still open at the end of the file (the file looks truncated)' });
  if (!endsWithNewline && (text.length > 0 || cells.length > 0)) endRecord();
  // Blank records (an empty line, a spreadsheet's trailing line) carry nothing.
  return { records: records.filter((r) => r.cells.length > 1 || r.cells[0] !== ''), separator, endsWithNewline, bom, problems };
}
