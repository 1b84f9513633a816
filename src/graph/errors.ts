/**
 * Errors of the graph module that the shared hierarchy (src/errors.ts) has no class for.
 */
import { JcGraphError } from '../errors.ts';

/**
 * Tenant data or an edit that the graph cannot hold as given: an id used twice, an edge whose end is
 * missing or has another type, a membership between types that cannot be group and member, an edge
 * added twice or removed while absent.
 */
export class GraphDataError extends JcGraphError {
  override name = 'GraphDataError';
}

/** The graph was edited while a streaming answer (inventory) was being read from it. */
export class ConcurrentEditError extends JcGraphError {
  override name = 'ConcurrentEditError';
}
