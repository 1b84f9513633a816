/**
 * GraphML, written here (graphology-graphml only parses). One `<key>` per property with its GraphML type
 * (boolean, long, double, string). Associations are undirected (they are symmetric:
 * `edgedefault="undirected"`); memberships carry `directed="true"` and go group → member. Every text is
 * XML-escaped and characters XML cannot hold become U+FFFD. Produced in pieces (graphmlChunks), after
 * one pass over the nodes and edges for the keys, so a large tenant is never one string.
 */
import { joinChunks } from '../stream.ts';
import { columnsOf, xmlSafe, type ExportInput, type PropertyColumn, type Properties } from './properties.ts';

/**
 * Markup characters, and the line ends a parser would otherwise rewrite to \n (\r always; NEL, LS and PS
 * in XML 1.1 and in parsers that follow it), written as references so that every text reads back exactly.
 */
const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
  '\u0085': '&#x85;',
  '\u2028': '&#x2028;',
  '\u2029': '&#x2029;',
};

export function escapeXml(text: string): string {
  return xmlSafe(text).replace(/[&<>"'\r\u0085\u2028\u2029]/g, (c) => XML_ESCAPES[c] as string);
}

function keyLines(columns: readonly PropertyColumn[], domain: 'node' | 'edge', prefix: string): string[] {
  return columns.map((c, i) => `  <key id="${prefix}${i}" for="${domain}" attr.name="${escapeXml(c.name)}" attr.type="${c.type}"/>`);
}

function dataLines(columns: readonly PropertyColumn[], props: Properties, prefix: string): string[] {
  const out: string[] = [];
  columns.forEach((c, i) => {
    const value = props[c.name];
    if (value !== undefined) out.push(`      <data key="${prefix}${i}">${escapeXml(String(value))}</data>`);
  });
  return out;
}

/** The GraphML document in pieces (one per node or edge), for writing as it is produced. */
export function* graphmlChunks(data: ExportInput): Iterable<string> {
  const nodeColumns = columnsOf(data.nodes, ['type', 'name']);
  const edgeColumns = columnsOf(data.edges, ['kind']);
  yield lines([
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...keyLines(nodeColumns, 'node', 'n'),
    ...keyLines(edgeColumns, 'edge', 'e'),
    `  <graph id="${escapeXml(data.orgId || 'jcgraph')}" edgedefault="undirected">`,
  ]);
  for (const n of data.nodes) yield lines([`    <node id="${escapeXml(n.id)}">`, ...dataLines(nodeColumns, n.props, 'n'), '    </node>']);
  for (const e of data.edges) {
    const directed = e.kind === 'membership' ? ' directed="true"' : '';
    yield lines([
      `    <edge id="${escapeXml(e.key)}" source="${escapeXml(e.from.id)}" target="${escapeXml(e.to.id)}"${directed}>`,
      ...dataLines(edgeColumns, e.props, 'e'),
      '    </edge>',
    ]);
  }
  yield lines(['  </graph>', '</graphml>']);
}

function lines(items: readonly string[]): string {
  return `${items.join('\n')}\n`;
}

export function toGraphml(data: ExportInput): string {
  return joinChunks(graphmlChunks(data));
}
