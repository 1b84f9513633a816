/**
 * `jcgraph/serve`: a snapshot as a service, what `jcgraph serve` runs: the read-only JumpCloud API replica,
 * analysis over HTTP and the explorer, on a graph.
 */

/** The snapshot as a service: the read-only API replica, analysis over HTTP and the explorer (jcgraph serve). */
export { startServer, RequestError, type ServeOptions, type JcgraphServer } from '../serve/index.ts';
/** A review campaign, as `ServeOptions.campaign` takes it. */
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
} from '../serve/index.ts';
