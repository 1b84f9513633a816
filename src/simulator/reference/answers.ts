/**
 * The reference answer of every v2 graph endpoint, all pages merged, in jcgraph's answer order
 * (targets by id; paths shortest first, then by hop ids), exactly in the API's wire shape.
 */
import {
  ASSOCIATION_TARGETS,
  COMMAND_TRAVERSAL_FIELDS,
  DEFAULT_COMPILE_RULE,
  PATTERNS_BY_KIND,
  type CompileRule,
  type GraphConnection,
  type GraphEndpoint,
  type GraphObjectWithPaths,
  type JsonObject,
  type ObjectRef,
  type TenantData,
  matchEndpoint,
} from '../../model/index.ts';
import { SimulatorError } from '../errors.ts';
import { compileAttributes } from './compile.ts';
import { type Path, bindings, compareRefs } from './paths.ts';
import { type ReferenceAdjacency, indexOf } from './tenant-index.ts';

export type GraphAnswer = GraphConnection[] | GraphObjectWithPaths[];

function graphObject(ref: ObjectRef): { id: string; type: string; attributes: null } {
  return { id: ref.id, type: ref.type, attributes: null };
}

function hopsOf(path: Path): GraphConnection[] {
  return path.map((hop) => ({ to: graphObject(hop.to), attributes: hop.attributes }));
}

/**
 * Parses the `targets` query value(s) of an associations request: comma-separated (form, explode false),
 * repeated parameters accepted too. Throws a 400 SimulatorError when missing or not allowed for the source.
 */
export function parseTargets(endpoint: GraphEndpoint, raw: readonly string[]): string[] {
  const targets = raw
    .flatMap((v) => v.split(','))
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  if (targets.length === 0) {
    throw new SimulatorError(`the targets query parameter is required on ${endpoint.path}`, 400, 'missingTargets');
  }
  const allowed = ASSOCIATION_TARGETS[endpoint.source];
  const bad = targets.filter((t) => !allowed.includes(t));
  if (bad.length > 0) {
    throw new SimulatorError(
      `targets ${bad.map((t) => `"${t}"`).join(', ')} not allowed on ${endpoint.path}; allowed: ${allowed.join(', ')}`,
      400,
      'invalidTargets',
    );
  }
  return [...new Set(targets)];
}

function directConnections(
  neighbors: readonly { ref: ObjectRef; attributes: JsonObject | null }[],
  types: readonly string[],
): GraphConnection[] {
  return neighbors
    .filter((n) => types.includes(n.ref.type))
    .sort((x, y) => compareRefs(x.ref, y.ref))
    .map((n) => ({ to: graphObject(n.ref), attributes: n.attributes }));
}

/** The full answer of `endpoint` for the source `id`. Throws a 404 SimulatorError for an unknown source. */
export function answerEndpoint(
  tenant: TenantData,
  endpoint: GraphEndpoint,
  id: string,
  targets: readonly string[] = [],
  rule: CompileRule = DEFAULT_COMPILE_RULE,
): GraphAnswer {
  return answerOver(indexOf(tenant), tenant.orgId, endpoint, id, targets, rule);
}

/** answerEndpoint over an organization's adjacency as it is kept (the simulator's, updated as it changes). */
export function answerOver(
  index: ReferenceAdjacency,
  orgId: string,
  endpoint: GraphEndpoint,
  id: string,
  targets: readonly string[] = [],
  rule: CompileRule = DEFAULT_COMPILE_RULE,
): GraphAnswer {
  const source: ObjectRef = { type: endpoint.source, id };
  if (!index.object(source)) {
    throw new SimulatorError(`no ${endpoint.source} with id ${id} in organization ${orgId || '(unnamed)'}`, 404);
  }
  switch (endpoint.kind) {
    case 'associations':
      return directConnections(index.associations(source), targets);
    case 'members':
      return directConnections(index.membersOf(source), endpoint.targets);
    case 'memberof':
    case 'membership':
    case 'traverse': {
      return bindings(index, source, PATTERNS_BY_KIND[endpoint.kind], endpoint.targets).map(({ target, paths }) => {
        const item: GraphObjectWithPaths = { id: target.id, type: target.type, paths: paths.map(hopsOf) };
        if (endpoint.withCommandFields) {
          const record = index.object(target)?.record ?? {};
          for (const field of COMMAND_TRAVERSAL_FIELDS) if (record[field] !== undefined) item[field] = record[field];
        }
        const compiled = compileAttributes(rule, index, source, target, paths);
        if (compiled) item.compiledAttributes = compiled;
        return item;
      });
    }
  }
}

/**
 * The reference answer of a graph endpoint path (`/api/v2/users/{id}/systems` or `/users/{id}/systems`),
 * all pages merged. `query.targets` is required for `…/associations`. Throws SimulatorError (status 404
 * for an unknown path or source, 400 for bad targets).
 */
export function referenceAnswer(tenant: TenantData, apiPath: string, query: Record<string, string> = {}): GraphAnswer {
  const match = matchEndpoint(apiPath);
  if (!match) throw new SimulatorError(`${apiPath} is not a graph endpoint`, 404);
  const targets =
    match.endpoint.kind === 'associations' ? parseTargets(match.endpoint, query['targets'] === undefined ? [] : [query['targets']]) : [];
  return answerEndpoint(tenant, match.endpoint, match.id, targets);
}
