/** Text output shared by the analysis commands: references, paths, tables, JSON. */
import type { AccessPath, Binding, NamedRef } from '../analysis/bindings.ts';
import { describePath } from '../analysis/revoke.ts';
import { formatReference } from '../analysis/resolve.ts';
import type { CliIo } from './command.ts';
import { safeText } from '../common/safe-text.ts';
import { writeJsonDocument } from '../documents/index.ts';

export { safeText };

export { withoutKey } from './safe-text.ts';

/** `user:jdoe`, `user_group:"All Staff"`, shown safely (safeText). */
export function ref(o: NamedRef): string {
  return safeText(formatReference(o));
}

/** `user:jdoe → user_group:Engineering → system:web-01`, with edge attributes after it when there are any. */
export function pathText(path: AccessPath, withAttributes = true): string {
  const text = safeText(describePath(path));
  if (!withAttributes) return text;
  const attributes = path.edgeAttributes.flatMap((a, i) =>
    a === null || Object.keys(a).length === 0
      ? []
      : [`${ref(path.objects[i] as NamedRef)}–${ref(path.objects[i + 1] as NamedRef)} ${JSON.stringify(a)}`],
  );
  return attributes.length > 0 ? `${text}   [${safeText(attributes.join('; '))}]` : text;
}

/** Left-aligned columns separated by two spaces; the header (when given) underlined. Every cell shown safely (safeText). */
export function table(rows: readonly (readonly string[])[], header?: readonly string[]): string {
  const all = (header ? [header, ...rows] : rows).map((row) => row.map(safeText));
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return out.map((l) => `${l}\n`).join('');
}

/** `3 bindings`, `1 binding`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Pretty JSON, one trailing newline. */
export function writeJson(io: CliIo, value: unknown): void {
  // In pieces: a large tenant's findings or drift exceed the longest string V8 can build.
  writeJsonDocument(io.stdout, value);
}

/** A binding in one line: `user:ann → system:web-01 (direct/indirect, 3 paths)`. */
export function bindingLine(b: Binding): string {
  return `${ref(b.subject)} → ${ref(b.target)} (${b.label}, ${plural(b.paths.length, 'path')})`;
}

/** Up to `limit` lines, then `… and N more`. */
export function capped(lines: readonly string[], limit: number, indent = '  ', total = lines.length): string {
  const shown = lines.slice(0, limit).map((l) => `${indent}${l}\n`);
  if (total > limit) shown.push(`${indent}… and ${total - limit} more (--json for all)\n`);
  return shown.join('');
}
