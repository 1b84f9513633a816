/**
 * GEXF 1.3 (Gephi and most graph tools) through graphology-gexf. Memberships are directed edges
 * (group → member), associations undirected (they are symmetric); every property of properties.ts is a
 * typed GEXF attribute, the node label is its name.
 */
import { MultiGraph } from 'graphology';
import { write } from 'graphology-gexf';
import { xmlSafe, type ExportData, type Properties, type Scalar } from './properties.ts';

function safeProps(props: Properties): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(props)) out[k] = typeof v === 'string' ? xmlSafe(v) : v;
  return out;
}

export function toGexf(data: ExportData): string {
  const graph = new MultiGraph<Record<string, Scalar>, Record<string, Scalar>>();
  graph.setAttribute('creator', 'jcgraph');
  graph.setAttribute('description', xmlSafe(`JumpCloud organization ${data.orgId || '(no org id)'}: objects, memberships (directed, group to member) and associations (undirected)`));
  for (const n of data.nodes) graph.addNode(n.id, safeProps(n.props));
  for (const e of data.edges) {
    if (e.kind === 'membership') graph.addDirectedEdgeWithKey(e.key, e.from.id, e.to.id, safeProps(e.props));
    else graph.addUndirectedEdgeWithKey(e.key, e.from.id, e.to.id, safeProps(e.props));
  }
  return write(graph, {
    version: '1.3',
    formatNode: (_key, attributes) => ({ label: String(attributes['name']), attributes }),
    formatEdge: (_key, attributes) => ({ label: String(attributes['kind']), attributes }),
  });
}
