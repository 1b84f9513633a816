/** Loads the official JumpCloud OpenAPI specs. */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Directory holding `api/2.0/index.yaml`, `api/1.0/index.yaml` and `api/insights/directory/1.0/index.yaml`: $JCGRAPH_SPEC_DIR, else the copy
 * vendored in the repo's `spec/` (unmodified official files; provenance in spec/SOURCE.md).
 */
export const SPEC_DIR = process.env['JCGRAPH_SPEC_DIR'] ?? resolve(here, '../../spec');
export const V2_SPEC_PATH = resolve(SPEC_DIR, 'api/2.0/index.yaml');
export const V1_SPEC_PATH = resolve(SPEC_DIR, 'api/1.0/index.yaml');
export const INSIGHTS_SPEC_PATH = resolve(SPEC_DIR, 'api/insights/directory/1.0/index.yaml');

type Json = Record<string, any>;
const cache = new Map<string, Json>();

export function loadSpec(path: string): Json {
  if (!existsSync(path)) throw new Error(`OpenAPI spec not found at ${path}; set JCGRAPH_SPEC_DIR`);
  let doc = cache.get(path);
  if (!doc) {
    doc = parse(readFileSync(path, 'utf8'), { maxAliasCount: -1 }) as Json;
    cache.set(path, doc);
  }
  return doc;
}

/** Follows `$ref`s within the document. */
export function deref(doc: Json, node: any): any {
  let cur = node;
  while (cur && typeof cur === 'object' && typeof cur.$ref === 'string') {
    cur = cur.$ref
      .slice(2)
      .split('/')
      .reduce((o: any, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return cur;
}
