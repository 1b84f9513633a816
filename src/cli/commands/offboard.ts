/** `jcgraph offboard USER`: every binding of a user, the removals that end them all, and the check. */
import { formatOperation } from '../../analysis/operations.ts';
import { offboardDocument } from '../../documents/index.ts';
import { UsageError } from '../usage-error.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { bindingLine, capped, plural, ref, safeText, writeJson } from '../format.ts';
import { noticeCoverage, withCoverage } from '../coverage-notice.ts';
import { answerable, LIVE_HELP, LIVE_OPTIONS, liveText } from '../live.ts';
import { collateralText, parseLimit, ruleEffectLines, stepDetail, stepHead } from './revoke.ts';
import { OUT_HELP, planOutput, writePlan } from '../plan-out.ts';
import { planFileFromOffboard } from '../../plan/index.ts';

const OPTIONS = {
  ...LIVE_OPTIONS,
  suspend: { type: 'boolean' },
  'no-exemptions': { type: 'boolean' },
  limit: { type: 'string' },
  out: { type: 'string' },
} as const;

const HELP = `Usage: jcgraph offboard USER (--snapshot FILE [--live] | --sim PRESET[:SEED]) [--suspend] [--no-exemptions]
                        [--limit N] [--out PLAN.json] [--json]

Offboarding a user: every binding the user has, the removal of every membership and association of
the user (every path starts with one of them, so this ends all access without touching anyone
else's; memberships that grant nothing are removed too, marked as cleanup), each as the exact API
call (a dry run: nothing is sent; --out writes it as a plan file that jcgraph apply can act on), and
a re-traversal check that no binding remains.

A membership a dynamic group's rule produces is ended by an exemption (the group's PUT adding the user
to its memberQueryExemptions; in a review-required group the removal follows, which then holds),
since a removal would not hold: the rule adds it back.

Options:
${LIVE_HELP}
  --suspend            Suspend the user first (PUT /api/systemusers/{id} {"state":"SUSPENDED"}). Groups
                       whose rule stops matching a suspended user (userState eq "active") drop the
                       membership by themselves: no step, and the plan says so; a group whose rule would
                       take a suspended user in gets an exemption first.
  --no-exemptions      Never exempt the user from a dynamic group's rule: the memberships a rule keeps
                       are listed as not revocable without changing a rule (and the check fails).
  --limit N            Bindings listed per section (default 20; --json has them all).
${OUT_HELP}
  --json               Print the plan as JSON.

Exit codes: 0 planned and checked, 1 failure (or a binding remains), 2 usage error.
`;

export const offboardCommand: Command = {
  name: 'offboard',
  summary: 'every binding of a user, the removals that end them all, and a check that none remains',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('offboard', argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError('jcgraph offboard: give one USER (see jcgraph offboard --help)');
    const limit = parseLimit('offboard', values.limit);
    const planPath = planOutput(values.out, io);
    const source = await answerable('offboard', values, io, positionals, 'reach');
    const { graph, live } = source;
    const plan = offboardDocument(graph, positionals[0] as string, {
      suspend: values.suspend === true,
      exemptions: values['no-exemptions'] !== true,
    });
    const coverage = noticeCoverage(io, 'offboard', source, graph, { subject: plan.user.id });
    const written = planPath && (await writePlan(planPath, planFileFromOffboard(graph, plan, { snapshot: source.origin })));
    if (values.json) {
      writeJson(io, withCoverage(live ? { ...plan, live } : plan, coverage));
      return plan.remaining.length === 0 ? 0 : 1;
    }
    let out =
      (live ? liveText(live) : '') + `Offboard ${ref(plan.user)} (dry run, nothing is sent): ${plural(plan.bindings.length, 'binding')}.\n`;
    out += capped(plan.bindings.map(bindingLine), limit);
    for (const d of plan.droppedByRule)
      out += `Once suspended, ${ref(plan.user)} leaves ${ref(d.group)} by its rule (${safeText(d.rule)}): no step needed.\n`;
    out += `${plural(plan.steps.length, 'step')}:\n`;
    const names = new Map(plan.bindings.map((b) => [b.target.id, ref(b.target)]));
    plan.steps.forEach((s, i) => {
      const ends =
        s.ends.length === 0
          ? s.action !== 'exempt' || s.exemption.removedBy === 'rule'
            ? 'cleanup: grants no access'
            : 'ends nothing by itself'
          : `ends paths to ${s.ends.map((id) => names.get(id) ?? id).join(', ')}`;
      if (s.action === 'suspend') {
        out += `  ${i + 1}. suspend ${ref(s.user)}   (${ends})\n     ${safeText(formatOperation(s.operation))}\n`;
        return;
      }
      out += `  ${i + 1}. ${stepHead(graph, s)}   (${ends})\n${stepDetail(s, '     ')}`;
      if (s.collateral.lost.length + s.collateral.surviving.length > 0) out += collateralText(s.collateral, limit, '     ');
    });
    for (const k of plan.keptByRule)
      out += `Not revocable without changing a rule (exemptions not allowed): ${ref(k.group)}'s rule (${safeText(k.rule)}) keeps ${ref(plan.user)}.\n`;
    if (plan.ruleEffects.length > 0)
      out += `The groups the plan changes are re-evaluated by their rules, which also change:\n${capped(ruleEffectLines(plan.ruleEffects), limit)}`;
    for (const note of plan.notes) out += `Note: ${safeText(note)}.\n`;
    out +=
      plan.remaining.length === 0
        ? `Checked: after the plan, ${ref(plan.user)} has no binding left.\n`
        : `WARNING: after the plan, ${ref(plan.user)} still has ${plural(plan.remaining.length, 'binding')}:\n${capped(plan.remaining.map(bindingLine), limit)}`;
    io.stdout.write(out + (written ?? ''));
    return plan.remaining.length === 0 ? 0 : 1;
  },
};
