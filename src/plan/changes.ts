/**
 * A plan file's steps as the analysis's changes, for asking what the plan would do before it is sent
 * (`jcgraph apply --rules`): a removal removes its edge; an exemption sets the group's exemptions as the
 * step's PUT sends them, and a suspension the user's state, both acting through the dynamic groups' rules
 * as the tenant's do.
 */
import type { Change } from '../analysis/index.ts';
import type { PlanFile } from './format.ts';

/** The changes a plan's steps make, in order. */
export function planChanges(plan: PlanFile): Change[] {
  return plan.steps.map((step): Change => {
    const pre = step.precondition;
    if (pre.kind === 'edge') return { op: 'remove-edge', edge: pre.edge };
    const body = step.request.body;
    if (pre.kind === 'group-record')
      return { op: 'set', id: pre.group.id, fields: { memberQueryExemptions: body['memberQueryExemptions'] ?? [] } };
    return { op: 'set', id: pre.user.id, fields: body };
  });
}
