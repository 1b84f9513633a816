/**
 * The lines of an append-only JSON-lines journal (the fetch's and apply's), parsed. A crash can cut the
 * last line short: written without its newline, it was never synced as a whole event, so it is left out
 * as if it had not happened. Any other line that is not JSON is damage the caller names.
 */
export type JournalLines =
  | { readonly ok: true; readonly values: readonly unknown[] }
  | { readonly ok: false; /** 1-based. */ readonly line: number; readonly cause: unknown };

/** Parses a journal's text line by line; empty lines are skipped, a torn last line is dropped. */
export function parseJournalLines(text: string): JournalLines {
  const lines = text.split('\n');
  if (!text.endsWith('\n')) lines.pop();
  const values: unknown[] = [];
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch (cause) {
      return { ok: false, line: i + 1, cause };
    }
  }
  return { ok: true, values };
}
