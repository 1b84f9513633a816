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
import { columnsOf, type ExportData, type ExportEdge, type ExportNode, type Properties, type PropertyColumn } from './properties.ts';

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

function csv(lines: readonly string[]): string {
  return lines.map((l) => `${l}\n`).join('');
}

function nodeFile(type: string, nodes: readonly ExportNode[]): ExportFile {
  const columns = columnsOf(nodes, ['type', 'name', 'record']);
  const labels = [labelOf(type), ...(isGroupType(type) ? ['Group'] : [])].join(';');
  return {
    name: `nodes-${type}.csv`,
    content: csv([
      ['id:ID', ':LABEL', ...columns.map(header)].join(','),
      ...nodes.map((n) => [quote(n.id), quote(labels), ...columns.map((c) => cell(c, n.props))].join(',')),
    ]),
  };
}

function relationshipFile(name: string, type: string, edges: readonly ExportEdge[], ends: (e: ExportEdge) => [string, string]): ExportFile {
  const columns = columnsOf(edges, ['kind']);
  return {
    name,
    content: csv([
      [':START_ID', ':END_ID', ':TYPE', ...columns.map(header)].join(','),
      ...edges.map((e) => {
        const [start, end] = ends(e);
        return [quote(start), quote(end), type, ...columns.map((c) => cell(c, e.props))].join(',');
      }),
    ]),
  };
}

/** A path quoted for a POSIX shell when it needs it. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_./=:+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** The import command for the files as they lie in `directory` (absolute paths), into `database`. */
export function neo4jImportCommand(directory: string, files: readonly ExportFile[], database = 'neo4j'): string {
  const at = (f: ExportFile): string => shellWord(`${directory.replace(/\/+$/, '')}/${f.name}`);
  const args = [
    ...files.filter((f) => f.name.startsWith('nodes-')).map((f) => `--nodes=${at(f)}`),
    ...files.filter((f) => f.name.startsWith('relationships-')).map((f) => `--relationships=${at(f)}`),
  ];
  return [`neo4j-admin database import full ${shellWord(database)}`, ...args, '--multiline-fields=true'].join(' \\\n    ');
}

/** The node and relationship files (README.txt excluded: it needs the directory, see neo4jReadme). */
export function toNeo4jFiles(data: ExportData): ExportFile[] {
  const byType = new Map<string, ExportNode[]>();
  for (const n of data.nodes) {
    let list = byType.get(n.type);
    if (!list) byType.set(n.type, (list = []));
    list.push(n);
  }
  const memberships = data.edges.filter((e) => e.kind === 'membership');
  const associations = data.edges.filter((e) => e.kind === 'association');
  return [
    ...[...byType].map(([type, nodes]) => nodeFile(type, nodes)),
    relationshipFile('relationships-member_of.csv', MEMBER_OF, memberships, (e) => [e.to.id, e.from.id]),
    relationshipFile('relationships-associated_with.csv', ASSOCIATED_WITH, associations, (e) => [e.from.id, e.to.id]),
  ];
}

export function neo4jReadme(data: ExportData, directory: string, files: readonly ExportFile[]): ExportFile {
  const count = (prefix: string) => files.filter((f) => f.name.startsWith(prefix)).length;
  const text = `jcgraph export for Neo4j: JumpCloud organization ${data.orgId || '(no org id)'}
${data.nodes.length} nodes in ${count('nodes-')} node files, ${data.edges.length} relationships in ${count('relationships-')} relationship files.

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
