/**
 * `jcgraph/serve`: a snapshot as a service, what `jcgraph serve` runs: the read-only JumpCloud API replica,
 * analysis over HTTP and the explorer, on a graph.
 */

/** The snapshot as a service: the read-only API replica, analysis over HTTP and the explorer (jcgraph serve). */
export { startServer, RequestError } from '../serve/index.ts';
/** Every type of the server's surface: its options and handle, and the review campaign `ServeOptions.campaign` takes. */
export type * from '../serve/index.ts';
