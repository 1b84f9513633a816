/**
 * The documents jcgraph answers with, the same for every face: the CLI's `--json`, the HTTP API under
 * `/jcgraph/v1/` (src/serve) and the MCP tools (src/mcp) all build them here and write them with the
 * same writer (src/io/json-text.ts: JSON.stringify(…, null, 2) byte for byte, in pieces, so a document larger than a
 * JavaScript string can hold is still written).
 */
export {
  checkStrategy,
  checkWhoTypes,
  whyDocument,
  accessDocument,
  whoDocument,
  revokeDocument,
  offboardDocument,
  whatIfDocument,
  whatIfWriter,
  whatIfRules,
  findingsDocument,
  apiPathOf,
  traverseDocument,
  type AccessDocument,
  type WhoDocument,
  type WhatIfDocument,
  type WhatIfRules,
  type TypeFilter,
  type RevokeDocumentOptions,
  type OffboardDocumentOptions,
} from './documents.ts';
export { writeJsonDocument, writeJsonWithStreamedArray, type TextSink } from '../io/json-text.ts';
