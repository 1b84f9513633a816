/** Plan steps and questions in words, as the CLI prints them and the evidence records them. */
import { formatReference, type NamedRef } from '../analysis/index.ts';
import type { PlanFileStep, PlanQuestion } from './format.ts';

/** `remove membership user_group:Engineering>user:jdoe`, `remove association user:jdoe~system:web-01`, … */
export function describeStep(step: PlanFileStep): string {
  const c = step.change;
  switch (c.kind) {
    case 'membership':
      return `remove membership ${formatReference(c.from)}>${formatReference(c.to)}`;
    case 'association':
      return `remove association ${formatReference(c.from)}~${formatReference(c.to)}`;
    case 'exemption':
      return `exempt ${formatReference(c.member)} from the rule of ${formatReference(c.group)}`;
    case 'user-state':
      return `set the state of ${formatReference(c.user)} to ${JSON.stringify(c.after)}`;
  }
}

/** `revoke user:jdoe's access to system:web-01 (fewest-changes)`, `offboard user:jdoe`, … */
export function describeQuestion(question: PlanQuestion): string {
  switch (question.kind) {
    case 'revoke':
      return `revoke ${formatReference(question.subject)}'s access to ${formatReference(question.resource)} (${question.strategy})`;
    case 'offboard':
      return `offboard ${formatReference(question.user)}${question.suspend ? ' and suspend the account' : ''}`;
    case 'steps':
      return `${question.command}: ${question.description}`;
  }
}

/** An object as messages name it: `type:name`, or `type:id` when its name is not known. */
export function describeObject(o: { readonly type: string; readonly id: string; readonly name?: string }): string {
  return formatReference({ type: o.type, name: o.name ?? o.id } satisfies Omit<NamedRef, 'id'>);
}
