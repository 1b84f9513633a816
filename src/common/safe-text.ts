/**
 * How text from arguments or tenant data is shown in text output (terminals, Markdown reports).
 *
 * Characters that must not reach a terminal raw: C0 controls (a newline could forge a line of output,
 * an escape sequence recolour or rewrite it), DEL, C1 controls (0x9b is a one-byte CSI), and the
 * characters that reorder or hide text (bidi controls, line and paragraph separators, zero-width ones,
 * the byte-order mark).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Any text from arguments or from tenant data, made safe for text output: every character above shown
 * as a visible escape (`\n`, `\x1b`, `\u202e`). The one function all text output uses for names, ids,
 * paths and messages; `--json` output is written exactly, without it.
 */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED_ESCAPES[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
