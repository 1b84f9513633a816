/**
 * The snapshot as a service: `startServer({ graph })` answers the JumpCloud API's GET endpoints from an
 * AccessGraph (a read-only replica: the v1 and v2 lists and all 88 graph endpoints, in the specs'
 * shapes, paging, errors and headers), jcgraph's analysis under `/jcgraph/v1/`, and the explorer at `/`.
 *
 * ```ts
 * const server = await startServer({ graph: AccessGraph.fromTenant(tenant) });
 * await fetch(`${server.baseUrl}/api/v2/users/${id}/systems?limit=100`, { headers: { 'x-api-key': server.apiKey! } });
 * console.log(server.explorerLink());   // opens the explorer in a browser
 * await server.close();
 * ```
 */
export { startServer, isLoopbackHost, checkServeAddress, type ServeOptions, type JcgraphServer } from './server.ts';
export { RequestError } from './errors.ts';
/** The review campaign `ServeOptions.campaign` takes (read with the review's reader; `jcgraph serve --campaign`). */
export type {
  Campaign,
  CampaignItem,
  CampaignSnapshot,
  CampaignClose,
  CloseSummary,
  ClosedBinding,
  ClosedConflict,
  CollateralBinding,
  Decision,
  DecisionValue,
  ImportRecord,
  ItemReviewer,
  ItemUser,
  PreviousCampaign,
  Suggestion,
} from '../review/index.ts';
