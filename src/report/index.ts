/**
 * Access-review reports (CSV, JSON, Markdown, self-contained HTML) and graph exports (GEXF, GraphML,
 * JSON, Neo4j import CSV).
 *
 * ```ts
 * const review = buildReview(graph, { source: 'snapshot acme.json' });
 * const html = renderHtml(review);                       // findings first, sortable tables, path pictures
 * await writeReport(graph, { format: 'csv', out: 'review/' });   // users, resources, groups, findings, bindings
 * await writeExport(graph.toTenant(), 'neo4j', 'neo4j-import');  // CSV + README.txt with the import command
 * ```
 */
export { ReportError } from './errors.ts';
export {
  buildReview,
  bindingRows,
  sudoLevel,
  REVIEW_BY,
  DEFAULT_MAX_BINDINGS,
  type AccessReview,
  type BindingRow,
  type UserRow,
  type ResourceRow,
  type GroupRow,
  type ReviewBy,
  type ReviewCounts,
  type ReviewMeta,
  type ReviewOptions,
  type SudoLevel,
  type UserRef,
} from './review.ts';
export { findingSections, type FindingSection, type FindingItem, type FindingKind, type Severity } from './findings.ts';
export {
  BINDINGS_BY_USER,
  BINDINGS_BY_RESOURCE,
  USERS,
  RESOURCES,
  GROUPS,
  FINDINGS,
  findingRows,
  type Table,
  type Column,
  type Cell,
  type FindingRow,
} from './tables.ts';
export { csvCell, csvLines, toCsv } from './csv.ts';
export { renderMarkdown, mdEscape, type MarkdownOptions } from './markdown.ts';
export { jsonChunks } from './json.ts';
export { renderHtml, escapeHtml, scriptJson, REPORT_STYLESHEET, PATH_PICTURE_SCRIPT, type HtmlOptions } from './html.ts';
export {
  writeReport,
  reportChunks,
  isCsvPack,
  CSV_PACK_FILES,
  isReportFormat,
  REPORT_FORMATS,
  type ReportFormat,
  type WriteReportOptions,
  type WrittenReport,
} from './write.ts';
export {
  exportData,
  toGexf,
  toGraphml,
  toJsonExport,
  toNeo4jFiles,
  writeExport,
  renderExport,
  exportStreams,
  isExportFormat,
  EXPORT_FORMATS,
  type ExportFormat,
} from './export/index.ts';
export { bindingToExplain } from './highlight.ts';
