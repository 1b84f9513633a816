/**
 * Graph exports for other tools: GEXF (Gephi), GraphML, JSON (graphology's format) and CSV for
 * `neo4j-admin database import`. All are built from the tenant (`graph.toTenant()`), deterministic
 * (objects by type then id), and keep every record and edge attribute.
 */
export { exportData, columnsOf, xmlSafe, type ExportData, type ExportNode, type ExportEdge, type PropertyColumn, type PropertyType, type Properties, type Scalar } from './properties.ts';
export { toGexf } from './gexf.ts';
export { toGraphml, escapeXml } from './graphml.ts';
export { toJsonExport, type JsonExport } from './json.ts';
export { toNeo4jFiles, neo4jReadme, neo4jImportCommand, labelOf, MEMBER_OF, ASSOCIATED_WITH, type ExportFile } from './neo4j.ts';
export { writeExport, renderExport, isExportFormat, EXPORT_FORMATS, type ExportFormat } from './write.ts';
