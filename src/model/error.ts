/**
 * The root of jcgraph's error hierarchy, here so that every layer can extend it, the simulator included
 * (it imports only src/model). The rest of the hierarchy is in src/errors.ts, which re-exports this.
 */

/** Any error jcgraph throws: match by class (`instanceof`) or by `name`. */
export class JcGraphError extends Error {
  override name = 'JcGraphError';
}
