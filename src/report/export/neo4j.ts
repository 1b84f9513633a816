/**
 * CSV files in the format `neo4j-admin database import full` reads, with a README.txt holding the exact
 * command line.
 *
 * - `nodes-<type>.csv`, one per object type present: `id:ID,:LABEL,type,name,record,…` then every
 *   flattened property with its Neo4j type in the header (`suspended:boolean`, `port:long`). Labels are
 *   the type in PascalCase (`UserGroup`), plus `Group` for the three group types.
 * - `relationships-member_of.csv`: `(member)-[:MEMBER_OF]->(group)`.
 * - `relationships-associated_with.csv`: `(a)-[:ASSOCIATED_WITH]->(b)`, from the canonical first end
 *   (associations are symmetric: match them without direction), with `attributes` (JSON) and the
 *   flattened attributes (`sudo_enabled:boolean`, `sudo_withoutPassword:boolean`).
 *
 * CSV: comma-separated, every string quoted with `"` and inner quotes doubled (RFC 4180, the importer's
 * default quoting), absent values empty; names may hold line breaks, hence `--multiline-fields=true`.
 */
import { isGroupType } from '../../model/index.ts';
import { joinChunks } from '../stream.ts';
import {
  columnsOf,
  type ExportData,
  type ExportEdge,
  type ExportNode,
  type ExportView,
  type Properties,
  type PropertyColumn,
} from './properties.ts';

export interface ExportFile {
  /** File name inside the export directory. */
  readonly name: string;
  readonly content: string;
}

export const MEMBER_OF = 'MEMBER_OF';
export const ASSOCIATED_WITH = 'ASSOCIATED_WITH';

/** `user_group` → `UserGroup`. */
export function labelOf(type: string): string {
  return type
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p.length > 0)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

function cell(column: PropertyColumn, props: Properties): string {
  const value = props[column.name];
  if (value === undefined) return '';
  return column.type === 'string' ? quote(String(value)) : String(value);
}

function header(column: PropertyColumn): string {
  return `${column.name}:${column.type}`;
}

/** A file of the export as text in pieces (one per line), for writing as it is produced. */
export interface ExportStream {
  /** File name inside the export directory ('' for a single-file format: the output itself). */
  readonly name: string;
  readonly chunks: Iterable<string>;
}

function* nodeLines(type: string, nodes: Iterable<ExportNode>): Iterable<string> {
  const columns = columnsOf(nodes, ['type', 'name', 'record']);
  const labels = [labelOf(type), ...(isGroupType(type) ? ['Group'] : [])].join(';');
  yield `${['id:ID', ':LABEL', ...columns.map(header)].join(',')}\n`;
  for (const n of nodes) yield `${[quote(n.id), quote(labels), ...columns.map((c) => cell(c, n.props))].join(',')}\n`;
}

function* relationshipLines(type: string, edges: Iterable<ExportEdge>, ends: (e: ExportEdge) => [string, string]): Iterable<string> {
  const columns = columnsOf(edges, ['kind']);
  yield `${[':START_ID', ':END_ID', ':TYPE', ...columns.map(header)].join(',')}\n`;
  for (const e of edges) {
    const [start, end] = ends(e);
    yield `${[quote(start), quote(end), type, ...columns.map((c) => cell(c, e.props))].join(',')}\n`;
  }
}

/** A path quoted for a POSIX shell when it needs it. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_./=:+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** The import command for the files as they lie in `directory` (absolute paths), into `database`. */
export function neo4jImportCommand(directory: string, files: readonly { readonly name: string }[], database = 'neo4j'): string {
  const at = (f: { readonly name: string }): string => shellWord(`${directory.replace(/\/+$/, '')}/${f.name}`);
  const args = [
    ...files.filter((f) => f.name.startsWith('nodes-')).map((f) => `--nodes=${at(f)}`),
    ...files.filter((f) => f.name.startsWith('relationships-')).map((f) => `--relationships=${at(f)}`),
  ];
  return [`neo4j-admin database import full ${shellWord(database)}`, ...args, '--multiline-fields=true'].join(' \\\n    ');
}

/** The node and relationship files as streams (README.txt excluded: it needs the directory, see neo4jReadme). */
export function neo4jStreams(view: ExportView): ExportStream[] {
  return [
    ...view.nodesByType.map(({ type, nodes }) => ({ name: `nodes-${type}.csv`, chunks: nodeLines(type, nodes) })),
    { name: 'relationships-member_of.csv', chunks: relationshipLines(MEMBER_OF, view.memberships, (e) => [e.to.id, e.from.id]) },
    {
      name: 'relationships-associated_with.csv',
      chunks: relationshipLines(ASSOCIATED_WITH, view.associations, (e) => [e.from.id, e.to.id]),
    },
  ];
}

/** The node and relationship files (README.txt excluded: it needs the directory, see neo4jReadme). */
export function toNeo4jFiles(data: ExportData): ExportFile[] {
  const byType = new Map<string, ExportNode[]>();
  for (const n of data.nodes) {
    let list = byType.get(n.type);
    if (!list) byType.set(n.type, (list = []));
    list.push(n);
  }
  const view: ExportView = {
    orgId: data.orgId,
    nodeCount: data.nodes.length,
    edgeCount: data.edges.length,
    nodes: data.nodes,
    edges: data.edges,
    nodesByType: [...byType].map(([type, nodes]) => ({ type, nodes })),
    memberships: data.edges.filter((e) => e.kind === 'membership'),
    associations: data.edges.filter((e) => e.kind === 'association'),
  };
  return neo4jStreams(view).map((f) => ({ name: f.name, content: joinChunks(f.chunks) }));
}

export function neo4jReadme(data: ExportData | ExportView, directory: string, files: readonly { readonly name: string }[]): ExportFile {
  const count = (prefix: string) => files.filter((f) => f.name.startsWith(prefix)).length;
  const [nodes, edges] = 'nodeCount' in data ? [data.nodeCount, data.edgeCount] : [data.nodes.length, data.edges.length];
  const text = `jcgraph export for Neo4j: JumpCloud organization ${data.orgId || '(no org id)'}
${nodes} nodes in ${count('nodes-')} node files, ${edges} relationships in ${count('relationships-')} relationship files.

Import into an empty database (stop Neo4j first; the database must not exist, or add
--overwrite-destination=true to replace it), then start Neo4j and create the database if needed:

${neo4jImportCommand(directory, files)}

The paths above are where jcgraph wrote the files; change them if you move the directory.

Model:
  (:User)-[:MEMBER_OF]->(:UserGroup:Group), (:System)-[:MEMBER_OF]->(:SystemGroup:Group),
  (:Policy)-[:MEMBER_OF]->(:PolicyGroup:Group)
  (a)-[:ASSOCIATED_WITH]->(b) for every association; associations are symmetric, so match them
  without a direction: (u:User)-[:ASSOCIATED_WITH]-(s:System).
Every node has id, type, name and record (the raw JumpCloud record as JSON), plus the record's scalar
fields as typed properties. Sudo granted on an association is in sudo_enabled / sudo_withoutPassword.

Example: who reaches system "web-01" directly or through one group on either side:
  MATCH p = (u:User)-[:MEMBER_OF*0..1]->()-[:ASSOCIATED_WITH]-()<-[:MEMBER_OF*0..1]-(s:System {name: 'web-01'})
  RETURN u.name, [n IN nodes(p) | n.name] AS path;
`;
  return { name: 'README.txt', content: text };
}
