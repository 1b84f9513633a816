/** `jcgraph offboard USER`: every binding of a user, the removals that end them all, and the check. */
import { formatOperation } from '../../analysis/operations.ts';
import { formatEdgeSpec } from '../../analysis/resolve.ts';
import { offboardDocument } from '../../documents/index.ts';
import { UsageError } from '../usage-error.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { bindingLine, capped, plural, ref, safeText, writeJson } from '../format.ts';
import { noticeCoverage, withCoverage } from '../coverage-notice.ts';
import { answerable, LIVE_HELP, LIVE_OPTIONS, liveText } from '../live.ts';
import { collateralText, parseLimit } from './revoke.ts';
import { OUT_HELP, planOutput, writePlan } from '../plan-out.ts';
import { planFileFromOffboard } from '../../plan/index.ts';

const OPTIONS = { ...LIVE_OPTIONS, limit: { type: 'string' }, out: { type: 'string' } } as const;

const HELP = `Usage: jcgraph offboard USER (--snapshot FILE [--live] | --sim PRESET[:SEED]) [--limit N] [--out PLAN.json] [--json]

Offboarding a user: every binding the user has, the removal of every membership and association of
the user (every path starts with one of them, so this ends all access without touching anyone
else's; memberships that grant nothing are removed too, marked as cleanup), each as the exact API
call (a dry run: nothing is sent; --out writes it as a plan file that jcgraph apply can act on), and
a re-traversal check that no binding remains.

Options:
${LIVE_HELP}
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
    const plan = offboardDocument(graph, positionals[0] as string);
    const coverage = noticeCoverage(io, 'offboard', source, graph, { subject: plan.user.id });
    const written = planPath && (await writePlan(planPath, planFileFromOffboard(graph, plan, { snapshot: source.origin })));
    if (values.json) {
      writeJson(io, withCoverage(live ? { ...plan, live } : plan, coverage));
      return plan.remaining.length === 0 ? 0 : 1;
    }
    let out =
      (live ? liveText(live) : '') + `Offboard ${ref(plan.user)} (dry run, nothing is sent): ${plural(plan.bindings.length, 'binding')}.\n`;
    out += capped(plan.bindings.map(bindingLine), limit);
    out += `${plural(plan.steps.length, 'step')}:\n`;
    const names = new Map(plan.bindings.map((b) => [b.target.id, ref(b.target)]));
    plan.steps.forEach((s, i) => {
      const ends =
        s.ends.length === 0 ? 'cleanup: grants no access' : `ends paths to ${s.ends.map((id) => names.get(id) ?? id).join(', ')}`;
      out += `  ${i + 1}. remove ${s.edge.kind} ${safeText(formatEdgeSpec(graph, s.edge))}   (${ends})\n     ${formatOperation(s.operation)}\n`;
      if (s.collateral.lost.length + s.collateral.surviving.length > 0) out += collateralText(s.collateral, limit, '     ');
    });
    out +=
      plan.remaining.length === 0
        ? `Checked: after the plan, ${ref(plan.user)} has no binding left.\n`
        : `WARNING: after the plan, ${ref(plan.user)} still has ${plural(plan.remaining.length, 'binding')}:\n${capped(plan.remaining.map(bindingLine), limit)}`;
    io.stdout.write(out + (written ?? ''));
    return plan.remaining.length === 0 ? 0 : 1;
  },
};
