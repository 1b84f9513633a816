// A TypeScript consumer, type-checked against the declarations the package ships (tsc --noEmit).
import {
  AccessGraph,
  answer,
  JcApiError,
  planRevoke,
  SnapshotError,
  type FetchOptions,
  type GraphConnection,
  type GraphObjectWithPaths,
  type RevokePlan,
} from 'jcgraph';
import { buildReview, type AccessReview } from 'jcgraph/report';
import type { SimulatorOptions } from 'jcgraph/simulator';

const options: FetchOptions = { apiKey: 'key', baseUrl: 'http://127.0.0.1:1' };
export function plan(graph: AccessGraph, user: string, system: string): RevokePlan {
  return planRevoke(graph, user, system, { strategy: 'least-collateral' });
}
// answer() is typed by the endpoint its path names: no cast.
export const systems = (graph: AccessGraph, user: string): GraphObjectWithPaths[] => answer(graph, `/users/${user}/systems`);
export const members = (graph: AccessGraph, group: string): GraphConnection[] => answer(graph, `/api/v2/usergroups/${group}/members`);
export const firstPathLength = (graph: AccessGraph, user: string): number => systems(graph, user)[0]?.paths[0]?.length ?? 0;
export const review = (graph: AccessGraph): AccessReview => buildReview(graph);
export const simulated: SimulatorOptions = { preset: 'tiny', seed: 1 };
export const isApiError = (e: unknown): e is JcApiError => e instanceof JcApiError && !(e instanceof SnapshotError);
export const baseUrl: string | undefined = options.baseUrl;

// The declarations are real types, not `any`: each line below must be a type error.
// @ts-expect-error: an unknown strategy
planRevoke(AccessGraph.fromTenant({ orgId: 'o', objects: [], edges: [] }), 'u', 's', { strategy: 'cheapest' });
// @ts-expect-error: the API key is a string
export const wrong: FetchOptions = { apiKey: 42 };
// @ts-expect-error: a traversal answers GraphObjectWithPaths[], not connections
export const notConnections: GraphConnection[] = answer(AccessGraph.fromTenant({ orgId: 'o', objects: [], edges: [] }), '/users/u/systems');
