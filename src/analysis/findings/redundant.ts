/** Redundant bindings: reached both directly and through a group (label direct/indirect). */
import type { AccessGraph, SourceBindings } from '../../graph/index.ts';
import { bindingFromIndex, type AccessPath, type NamedRef } from '../bindings.ts';

export interface RedundantBinding {
  readonly subject: NamedRef;
  readonly target: NamedRef;
  readonly direct: readonly AccessPath[];
  readonly indirect: readonly AccessPath[];
}

/** Binding i of b, its direct paths apart from the others. */
export function redundantBinding(g: AccessGraph, subject: NamedRef, b: SourceBindings, i: number): RedundantBinding {
  const binding = bindingFromIndex(g, subject, b, i);
  return {
    subject,
    target: binding.target,
    direct: binding.paths.filter((p) => p.edges.length === 1),
    indirect: binding.paths.filter((p) => p.edges.length > 1),
  };
}
