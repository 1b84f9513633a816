/**
 * Reading the API's answer to one graph endpoint for one source, all pages merged, through the fetchers'
 * client (GET only, rate-limited, retrying, key-safe) and pager (nulls counted, totals honoured, pages
 * that moved refetched). A collection that stays inconsistent or a body of the wrong shape fails with a
 * JcApiError naming the request: a comparison against half an answer would report false differences.
 */
import { JcApiError } from '../../errors.ts';
import type { ApiClient } from '../client.ts';
import { PAGE_LIMIT, collect } from '../paging.ts';
import { ShapeError, graphPage } from '../shapes.ts';
import { isJsonObject, endpointPath, type GraphEndpoint, type GraphObjectWithPaths } from '../../model/index.ts';

/** Why an item of a `GraphObjectWithPaths[]` answer is unusable, or undefined when it is fine. */
function shapeProblem(item: unknown): string | undefined {
  if (!isJsonObject(item)) return 'an item is not an object';
  if (typeof item['id'] !== 'string' || typeof item['type'] !== 'string') return 'an item has no string id and type';
  const paths = item['paths'];
  if (!Array.isArray(paths)) return `item ${item['type']} ${item['id']} has no paths array`;
  for (const path of paths) {
    if (!Array.isArray(path)) return `item ${item['type']} ${item['id']} has a path that is not an array`;
    for (const hop of path) {
      const to = isJsonObject(hop) ? hop['to'] : undefined;
      if (!isJsonObject(to) || typeof to['id'] !== 'string' || typeof to['type'] !== 'string') {
        return `item ${item['type']} ${item['id']} has a hop without a {id, type} object in "to"`;
      }
    }
  }
  return undefined;
}

/** `GET /api/v2{endpoint path}` with paging (limit 100), every page merged; `step` names its requests in the client's statistics. */
export async function readLiveAnswer(
  client: ApiClient,
  endpoint: GraphEndpoint,
  sourceId: string,
  maxRestarts = 5,
  step = `verify:${endpoint.path}`,
): Promise<GraphObjectWithPaths[]> {
  const path = endpointPath(endpoint, sourceId);
  const name = client.endpoint('v2', path);
  const result = await collect<GraphObjectWithPaths>(
    async (skip, limit) => {
      const response = await client.get('v2', path, { limit, skip }, step);
      try {
        return graphPage(response);
      } catch (error) {
        if (!(error instanceof ShapeError)) throw error;
        throw new JcApiError(`${name} (skip ${skip}) answered with the wrong shape: ${error.message}.`, { endpoint: name, cause: error });
      }
    },
    {
      idOf: (item) => (isJsonObject(item) && typeof item.id === 'string' ? `${item.type}:${item.id}` : undefined),
      limit: PAGE_LIMIT,
      maxRestarts,
    },
  );
  const anomaly = result.anomalies[0];
  if (anomaly) throw new JcApiError(`${name} gave an inconsistent collection: ${anomaly.message}.`, { endpoint: name });
  for (const item of result.records) {
    const problem = shapeProblem(item);
    if (problem) throw new JcApiError(`${name} answered with the wrong shape: ${problem}.`, { endpoint: name });
  }
  return result.records;
}
