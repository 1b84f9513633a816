/**
 * `jcgraph/report`: access-review reports and graph exports written from a graph, and the answer documents
 * (the JSON every face gives) with their streaming JSON writer.
 *
 * ```ts
 * import { writeReport } from 'jcgraph/report';
 *
 * await writeReport(graph, { format: 'html', out: 'review.html' });
 * ```
 */

/** Access-review reports (CSV, JSON, Markdown, HTML) and graph exports (GEXF, GraphML, JSON, Neo4j). */
export {
  ReportError,
  buildReview,
  renderHtml,
  renderMarkdown,
  writeReport,
  reportChunks,
  REPORT_FORMATS,
  REVIEW_BY,
  writeExport,
  renderExport,
  EXPORT_FORMATS,
  type AccessReview,
  type ReviewOptions,
  type ReviewBy,
  type ReviewCounts,
  type ReviewMeta,
  type BindingRow,
  type UserRow,
  type ResourceRow,
  type GroupRow,
  type SudoLevel,
  type UserRef,
  type HtmlOptions,
  type MarkdownOptions,
  type ReportFormat,
  type WriteReportOptions,
  type WrittenReport,
  type ExportFormat,
  type FindingSection,
  type FindingItem,
  type FindingKind,
  type Severity,
} from '../report/index.ts';

/** The answer documents every face gives (the CLI's --json, /jcgraph/v1, the MCP tools), and the JSON writer. */
export {
  whyDocument,
  accessDocument,
  whoDocument,
  revokeDocument,
  offboardDocument,
  whatIfDocument,
  findingsDocument,
  traverseDocument,
  writeJsonDocument,
  writeJsonWithStreamedArray,
  type AccessDocument,
  type WhoDocument,
  type WhatIfDocument,
  type WhatIfRules,
  type RevokeDocumentOptions,
  type OffboardDocumentOptions,
  type TypeFilter,
  type TextSink,
} from '../documents/index.ts';
