// A TypeScript consumer, type-checked against the declarations the package ships (tsc --noEmit).
import { AccessGraph, answer, JcApiError, planRevoke, SnapshotError, type FetchOptions, type RevokePlan } from 'jcgraph';

const options: FetchOptions = { apiKey: 'key', baseUrl: 'http://127.0.0.1:1' };
export function plan(graph: AccessGraph, user: string, system: string): RevokePlan {
  return planRevoke(graph, user, system, { strategy: 'least-collateral' });
}
export const targets = (graph: AccessGraph, user: string): number => (answer(graph, `/users/${user}/systems`) as readonly unknown[]).length;
export const isApiError = (e: unknown): e is JcApiError => e instanceof JcApiError && !(e instanceof SnapshotError);
export const baseUrl: string | undefined = options.baseUrl;

// The declarations are real types, not `any`: each line below must be a type error.
// @ts-expect-error: an unknown strategy
planRevoke(AccessGraph.fromTenant({ orgId: 'o', objects: [], edges: [] }), 'u', 's', { strategy: 'cheapest' });
// @ts-expect-error: the API key is a string
export const wrong: FetchOptions = { apiKey: 42 };
