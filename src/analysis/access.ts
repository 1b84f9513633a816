/**
 * access(subject): everything a subject is bound to, of every type its traversal endpoints reach.
 * whoCanAccess(resource): every user, user group and system bound to a resource, each binding read from
 * that subject to the resource (the resource's traversal answer with its paths reversed).
 */
import type { AccessGraph } from '../graph/index.ts';
import { reach, reachableTypes, reversePath, type Binding } from './bindings.ts';

/** Subject types whoCanAccess lists. */
export const WHO_TYPES: readonly string[] = ['user', 'user_group', 'system'];

export interface AccessOptions {
  /**
   * Only these target types.
   * @default every type the subject's traversals reach
   */
  readonly types?: readonly string[];
}

/** Every binding of the subject, targets by id; all paths, compiled attributes. */
export function access(g: AccessGraph, subjectId: string, options: AccessOptions = {}): Binding[] {
  const reachable = reachableTypes(g.object(subjectId).type);
  const types = options.types ? reachable.filter((t) => options.types?.includes(t)) : reachable;
  return reach(g, subjectId, types);
}

/** Every user, user group and system (or only `types` of them) bound to the resource, with paths read towards it. */
export function whoCanAccess(g: AccessGraph, resourceId: string, options: AccessOptions = {}): Binding[] {
  const wanted = options.types ?? WHO_TYPES;
  const types = reachableTypes(g.object(resourceId).type).filter((t) => wanted.includes(t));
  return reach(g, resourceId, types).map((b) => ({ ...b, subject: b.target, target: b.subject, paths: b.paths.map(reversePath) }));
}
