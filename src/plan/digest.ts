/**
 * The digest of a plan file: `sha256:` and the hex SHA-256 of its canonical JSON (keys sorted at every
 * level) without the digest field. A plan whose digest does not match its content was edited after
 * jcgraph wrote it, and is refused.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../model/index.ts';

/** The digest of a plan's content (its `digest` field, if any, left out). */
export function planDigest(plan: object): string {
  const content: Record<string, unknown> = { ...plan };
  delete content['digest'];
  return `sha256:${createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex')}`;
}
