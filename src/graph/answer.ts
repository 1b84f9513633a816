/**
 * answer(): any of the 88 graph endpoints by concrete path, as the live API would answer it with all
 * pages merged. Paging and filter parameters (limit, skip, sort, filter) are ignored: the answer is
 * always the whole collection, in ANSWER_ORDER.
 */
import { matchEndpoint, type AnswerOf, type GraphConnection, type GraphEndpoint, type GraphObjectWithPaths } from '../model/index.ts';
import { QueryError, UnknownObjectError } from '../errors.ts';
import type { AccessGraph } from './access-graph.ts';
import { ASSOC, DOWN, type TraversalIndex, type Relation } from './traversal-index.ts';
import type { CompileFn } from './compile.ts';
import { traverse } from './traverse.ts';

/** Direct connections of a node by relation, to the given types: `{to:{id,type,attributes:null}, attributes}` by target id. */
function directConnections(index: TraversalIndex, node: number, rel: Relation, types: ReadonlySet<string>): GraphConnection[] {
  const found: { nbr: number; edge: number }[] = [];
  index.forEachNeighbour(node, rel, (nbr, edge) => {
    if (types.has(index.typeOf(nbr))) found.push({ nbr, edge });
  });
  found.sort((a, b) => index.compareNodes(a.nbr, b.nbr));
  return found.map(({ nbr, edge }) => ({
    to: { id: index.idOf(nbr), type: index.typeOf(nbr), attributes: null },
    attributes: index.attributesOf(edge),
  }));
}

/** The `targets` of an associations request (repeated and/or comma-separated), checked against the endpoint's enum as the API does. */
function associationTargets(endpoint: GraphEndpoint, raw: readonly string[], path: string): Set<string> {
  const targets = raw
    .flatMap((value) => value.split(','))
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  if (targets.length === 0) {
    throw new QueryError(`${path} needs a targets query parameter naming one or more of: ${endpoint.targets.join(', ')}.`);
  }
  const bad = targets.filter((t) => !endpoint.targets.includes(t));
  if (bad.length > 0) {
    throw new QueryError(`${path} cannot list targets ${bad.join(', ')}; allowed are: ${endpoint.targets.join(', ')}.`);
  }
  return new Set(targets);
}

export interface AnswerOptions {
  /**
   * Builds compiledAttributes.
   * @default defaultCompile
   */
  readonly compile?: CompileFn;
}

/**
 * The answer of a graph endpoint given by concrete path (`/users/{id}/systems`, optionally prefixed
 * with `/api/v2` and carrying a query string), all pages merged: GraphConnection[] for associations and
 * members, GraphObjectWithPaths[] otherwise, typed so from the path (AnswerOf). QueryError for a path that
 * is no graph endpoint or a bad/missing `targets` on associations; UnknownObjectError when the id is not an
 * object of the endpoint's source type.
 */
export function answer<P extends string>(
  g: AccessGraph,
  apiPath: P,
  query: Readonly<Record<string, string>> = {},
  options: AnswerOptions = {},
): AnswerOf<P> {
  // AnswerOf reads the endpoint from the same table matchEndpoint matches the path against.
  return answerByPath(g, apiPath, query, options) as AnswerOf<P>;
}

function answerByPath(
  g: AccessGraph,
  apiPath: string,
  query: Readonly<Record<string, string>>,
  options: AnswerOptions,
): GraphConnection[] | GraphObjectWithPaths[] {
  const match = matchEndpoint(apiPath);
  if (!match) throw new QueryError(`${apiPath} is not one of the graph endpoints jcgraph answers.`);
  const { endpoint, id } = match;
  const params = new URLSearchParams(apiPath.includes('?') ? apiPath.slice(apiPath.indexOf('?') + 1) : '');
  for (const [k, v] of Object.entries(query)) params.set(k, v); // the query object wins over the path's query string

  const index = g.index;
  const node = index.nodeOf(id);
  if (node < 0 || index.typeOf(node) !== endpoint.source) {
    throw new UnknownObjectError(`No ${endpoint.source} with id ${id} is in the graph (asked by ${apiPath.split('?')[0]}).`, {
      reference: id,
    });
  }
  switch (endpoint.kind) {
    case 'associations':
      return directConnections(
        index,
        node,
        ASSOC,
        associationTargets(endpoint, params.getAll('targets'), apiPath.split('?')[0] ?? apiPath),
      );
    case 'members':
      return directConnections(index, node, DOWN, new Set(endpoint.targets));
    default:
      return traverse(g, id, endpoint, options.compile ? { compile: options.compile } : {});
  }
}
