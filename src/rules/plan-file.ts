/**
 * `check --plan-out`: the fix plans of a check as one plan file for `jcgraph apply`. The steps of every
 * planned fix, each edge once (an exemption and the removal after it both kept), are checked together on a
 * copy of the graph before anything is written: together they must end every violation they were planned
 * for and add none of the file's (each fix was checked alone; removals together can do what none does
 * alone, e.g. leave a `require` rule's subject without its last path). A plan that does not is refused.
 */
import { bindingKey, type Binding } from '../analysis/bindings.ts';
import type { PlanStep } from '../analysis/revoke.ts';
import { WhatIfSession, type Change } from '../analysis/whatif.ts';
import type { AccessGraph } from '../graph/index.ts';
import { planFileFromSteps, type PlanContext, type PlanFile } from '../plan/index.ts';
import { changeViolations } from './compare.ts';
import type { Violation } from './evaluate.ts';
import type { FixPlan } from './fix.ts';
import type { CheckReport } from './report.ts';
import type { RuleFile } from './types.ts';

/** The fix plans of a check as one plan file, or why there is none (`empty`: no violation had a fix plan). */
export type FixPlanFile =
  { readonly plan: PlanFile; readonly fixes: number } | { readonly plan?: undefined; readonly refused: string; readonly empty: boolean };

/** The bindings a fix is meant to end: the violation's own, or for exclusive the side it ends. */
function endedBy(v: Violation, fix: FixPlan): readonly Binding[] {
  if (fix.strategy === 'direct-edges') return [];
  if (v.sides && fix.side) return v.sides[fix.side];
  return v.binding ? [v.binding] : [];
}

/**
 * The plan file of every fix plan a check report made (in the report's order), checked as a whole: it
 * ends each of those violations and adds no violation of `file`, or it is refused with the reason.
 */
export function fixPlanFile(g: AccessGraph, file: RuleFile, report: CheckReport, context: PlanContext): FixPlanFile {
  const planned = report.violations.flatMap((v) => {
    const plan = report.fixes.get(v.key)?.plan;
    return plan && plan.steps.length > 0 ? [{ v, plan }] : [];
  });
  if (planned.length === 0) return { refused: 'no violation has a fix plan, so there is no plan to write', empty: true };
  const steps = new Map<string, { step: PlanStep; ends: Binding[] }>();
  for (const { v, plan } of planned) {
    for (const step of plan.steps) {
      const key = `${step.action} ${step.edgeKey}`;
      const known = steps.get(key);
      if (known) known.ends.push(...endedBy(v, plan));
      else steps.set(key, { step, ends: [...endedBy(v, plan)] });
    }
  }
  // Each edge ends once, exempted or removed.
  const edges = new Map([...steps.values()].map(({ step }) => [step.edgeKey, step.edge]));
  const changes: Change[] = [...edges.values()].map((edge) => ({ op: 'remove-edge', edge }));
  const session = new WhatIfSession(g);
  const effect = changeViolations(g, file, changes, { now: Date.parse(report.at), session });
  if (effect.added.length > 0)
    return {
      empty: false,
      refused: `the ${planned.length} fix plans together would add ${effect.added.length === 1 ? 'a violation' : `${effect.added.length} violations`}: ${effect.added[0]!.message} Lower --fix-limit, or fix the rules one at a time`,
    };
  const resolved = new Set(effect.resolved.map((x) => x.key));
  const unresolved = planned.find(({ v }) => !resolved.has(v.key));
  if (unresolved) return { empty: false, refused: `the fix plans together would not end the violation "${unresolved.v.message}"` };
  // What the steps end together: a binding one plan's collateral says survives (it used a removed edge)
  // may lose its other paths to another plan's steps; it is then said to end, not to remain.
  const key = (b: { subject: { id: string }; target: { id: string } }): string => bindingKey(b.subject.id, b.target.id);
  const lost = new Map(session.evaluate(changes).subjects.flatMap((d) => d.lost.map((b) => [key(b), b] as const)));
  const analysisSteps = [...steps.values()].map(({ step, ends }) => ({
    ...step,
    collateral: {
      lost: [...ends, ...step.collateral.lost, ...step.collateral.surviving].flatMap((b) => lost.get(key(b)) ?? []),
      surviving: step.collateral.surviving.filter((b) => !lost.has(key(b))),
    },
  }));
  const plan = planFileFromSteps(g, analysisSteps, {
    ...context,
    command: 'check',
    description: `the fix plans of ${planned.length} violation${planned.length === 1 ? '' : 's'} of ${report.file} (the first ${report.fixLimit} of each rule)`,
  });
  return { plan, fixes: planned.length };
}
