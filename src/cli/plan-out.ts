/**
 * `--out PLAN.json` of the commands that plan changes (revoke, offboard): the plan also written as a
 * plan file (src/plan) that `jcgraph apply` acts on. The path is checked before any work is done.
 */
import { resolve } from 'node:path';
import { checkOutputPath } from '../io/output.ts';
import { writePlanFile, type PlanFile } from '../plan/index.ts';
import type { CliIo } from './command.ts';
import { plural, safeText } from './format.ts';

/** Help lines for --out, to paste into a command's help. */
export const OUT_HELP = `  --out PLAN.json      Also write the plan as a plan file (mode 0600) for jcgraph apply: the snapshot
                       it was made on, each step's request, precondition and inverse, the access it
                       ends and keeps, and a digest that makes an edited plan refused.`;

/** The plan file to write (resolved, checked writable), or undefined without --out. */
export function planOutput(value: string | undefined, io: CliIo): { readonly path: string; readonly shown: string } | undefined {
  if (value === undefined) return undefined;
  const path = resolve(io.cwd, value);
  checkOutputPath(path, 'the plan');
  return { path, shown: value };
}

/** Writes the plan file and says so, in a line for the command's text output. */
export async function writePlan(out: { readonly path: string; readonly shown: string }, plan: PlanFile): Promise<string> {
  await writePlanFile(out.path, plan);
  const where = safeText(out.shown);
  const next =
    plan.snapshot.kind === 'simulated'
      ? 'it was made on a simulated organization (--sim), so it can be read but not applied'
      : `jcgraph apply ${where} checks it against the live tenant; --yes sends it`;
  return `Plan written to ${where} (${plural(plan.steps.length, 'step')}, digest ${plan.digest.slice(0, 19)}…): ${next}.\n`;
}
