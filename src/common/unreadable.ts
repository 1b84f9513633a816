/**
 * Why a file could not be read, as the end of a sentence naming it: "does not exist" (or what the caller
 * says instead), "is a directory", or "cannot be read (CODE)".
 */
export function unreadable(error: unknown, missing = 'does not exist'): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ENOENT') return missing;
  if (code === 'EISDIR') return 'is a directory';
  return `cannot be read (${code ?? String(error)})`;
}
