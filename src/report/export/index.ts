/**
 * Graph exports for other tools: GEXF (Gephi), GraphML, JSON (graphology's format) and CSV for
 * `neo4j-admin database import`. All are built from the tenant (`graph.toTenant()`), deterministic
 * (objects by type then id), and keep every record and edge attribute. Every format is produced in
 * pieces (exportStreams) and written as it comes.
 */
export {
  exportData,
  exportView,
  columnsOf,
  xmlSafe,
  type ExportData,
  type ExportInput,
  type ExportView,
  type ExportNode,
  type ExportEdge,
  type PropertyColumn,
  type PropertyType,
  type Properties,
  type Scalar,
} from './properties.ts';
export { toGexf, gexfChunks } from './gexf.ts';
export { toGraphml, graphmlChunks, escapeXml } from './graphml.ts';
export { toJsonExport, jsonExportChunks, type JsonExport } from './json.ts';
export {
  toNeo4jFiles,
  neo4jStreams,
  neo4jReadme,
  neo4jImportCommand,
  labelOf,
  MEMBER_OF,
  ASSOCIATED_WITH,
  type ExportFile,
  type ExportStream,
} from './neo4j.ts';
export { writeExport, renderExport, exportStreams, isExportFormat, EXPORT_FORMATS, type ExportFormat } from './write.ts';
