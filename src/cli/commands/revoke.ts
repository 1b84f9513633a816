/** `jcgraph revoke SUBJECT RESOURCE`: a dry-run plan of removals that ends the access, with its collateral. */
import type { Collateral, EdgeCutStep, RevokePlan, RuleMembershipChange } from '../../analysis/index.ts';
import { formatOperation } from '../../analysis/operations.ts';
import { formatEdgeSpec } from '../../analysis/resolve.ts';
import { checkStrategy, revokeDocument } from '../../documents/index.ts';
import type { AccessGraph } from '../../graph/index.ts';
import { UsageError } from '../usage-error.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { capped, pathText, plural, ref, safeText, writeJson } from '../format.ts';
import { noticeCoverage, withCoverage } from '../coverage-notice.ts';
import { answerable, LIVE_HELP, LIVE_OPTIONS, liveText } from '../live.ts';
import { OUT_HELP, planOutput, writePlan } from '../plan-out.ts';
import { planFileFromRevoke } from '../../plan/index.ts';

const OPTIONS = {
  ...LIVE_OPTIONS,
  strategy: { type: 'string' },
  protect: { type: 'string', multiple: true },
  'no-exemptions': { type: 'boolean' },
  limit: { type: 'string' },
  out: { type: 'string' },
} as const;

export const EDGE_SPEC_HELP = `Edges are written GROUP>MEMBER for a membership and A~B for an association, each end an id or
type:name: user_group:Engineering>user:jdoe, user_group:Engineering~system:web-01,
user_group:"All Staff"~application:Slack.`;

const HELP = `Usage: jcgraph revoke SUBJECT RESOURCE (--snapshot FILE [--live] | --sim PRESET[:SEED])
                      [--strategy fewest-changes|least-collateral|subject-only] [--protect EDGE …]
                      [--no-exemptions] [--out PLAN.json] [--json]

A plan that ends every path from SUBJECT to RESOURCE: the memberships and associations to remove, each
as the exact API call (a dry run: nothing is sent; --out writes it as a plan file for jcgraph apply),
with its collateral: the other access it ends (other subjects', and SUBJECT's other bindings) and the
access that used it but survives through other paths. The plan is checked by re-traversal: after it,
SUBJECT no longer reaches RESOURCE.

A plan that holds: a membership a dynamic group's rule produces cannot be removed (the rule adds it
back), so its step is an exemption: the group's PUT with its record as read and the member added to
its memberQueryExemptions. The rule stays; only this member is exempted (in a review-required group
the membership is then removed, which now holds). The step also says which attribute makes the rule
match, for an admin who would rather change that. An exemption ends exactly what the removal would,
and is priced as one change; where plans tie, fewer exemptions win. Memberships of a group whose rule
jcgraph cannot evaluate are removed, with a note that the removal may not hold.

Strategies:
  fewest-changes     The fewest removals (a minimum cut of the paths); ties go to less collateral.
  least-collateral   The removals that take the least other access away; ties go to fewer removals.
  subject-only       Only SUBJECT's own memberships and direct associations.

Options:
${LIVE_HELP}
  --strategy S         One of the above (default fewest-changes).
  --protect EDGE       An edge the plan must not remove (repeatable). When every plan needs a protected
                       edge, jcgraph says which path is made only of protected edges (exit 1).
  --no-exemptions      Never exempt a member from a dynamic group's rule. When every plan needs an
                       exemption, jcgraph says the access is not revocable without changing a rule,
                       naming the group and the rule (exit 1).
  --limit N            Collateral lines shown per list (default 20; --json has them all).
${OUT_HELP}
  --json               Print the plan as JSON.

${EDGE_SPEC_HELP}

Exit codes: 0 planned (or nothing to revoke), 1 failure (no plan possible, unknown object), 2 usage error.
`;

/** A positive whole-number option (default 20): --limit, --top. */
export function parseLimit(command: string, value: string | undefined, option = 'limit'): number {
  if (value === undefined) return 20;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`jcgraph ${command}: --${option} must be a whole number of at least 1, not "${value}"`);
  return n;
}

export function collateralText(collateral: Collateral, limit: number, indent: string): string {
  const lost = collateral.lost.map((b) => `${ref(b.subject)} → ${ref(b.target)}`);
  const surviving = collateral.surviving.map(
    (s) =>
      `${ref(s.subject)} → ${ref(s.target)}, still through ${s.paths[0] ? pathText(s.paths[0], false) : '?'}${s.paths.length > 1 ? ` (+${s.paths.length - 1})` : ''}`,
  );
  let out = '';
  out +=
    lost.length === 0
      ? `${indent}ends no other access\n`
      : `${indent}ends ${plural(lost.length, 'other binding')}:\n${capped(lost, limit, `${indent}  `)}`;
  if (surviving.length > 0)
    out += `${indent}${plural(surviving.length, 'binding')} used it and survive${surviving.length === 1 ? 's' : ''}:\n${capped(surviving, limit, `${indent}  `)}`;
  return out;
}

/** What a step does, in one line: `remove membership …`, `exempt user:jana from user_group:Engineering's rule`. */
export function stepHead(graph: AccessGraph, s: EdgeCutStep): string {
  return s.action === 'exempt'
    ? `exempt ${ref(s.exemption.member)} from ${ref(s.exemption.group)}'s rule`
    : `remove ${s.edge.kind} ${safeText(formatEdgeSpec(graph, s.edge))}`;
}

/** The lines under a step's head: what an exemption leaves and how the membership ends, notes, the request. */
export function stepDetail(s: EdgeCutStep, indent: string): string {
  let out = '';
  if (s.action === 'exempt') {
    const x = s.exemption;
    const then =
      x.removedBy === 'rule'
        ? "the rule's next run removes the membership"
        : x.removedBy === 'next-step'
          ? 'the next step removes the membership, which then holds'
          : 'so the rule never adds it';
    out += `${indent}the rule stays (${safeText(x.rule)}, ${safeText(x.method)}); only this member is exempted${x.removedBy === 'not-a-member' ? ', ' : ', and '}${then}\n`;
    if (x.matchedBy.length > 0)
      out += `${indent}or, without an exemption, change what the rule matches: ${x.matchedBy.map((m) => `${safeText(m.field)} = ${safeText(JSON.stringify(m.value))}`).join(', ')}\n`;
  }
  if (s.note !== undefined) out += `${indent}${safeText(s.note)}\n`;
  out += `${indent}${safeText(formatOperation(s.operation))}\n`;
  return out;
}

/** Memberships the rules add or remove besides the plan's own, one line each. */
export function ruleEffectLines(effects: readonly RuleMembershipChange[]): string[] {
  return effects.map((c) => `${ref(c.group)}'s rule (${safeText(c.rule)}) ${c.op === 'add' ? 'adds' : 'removes'} ${ref(c.member)}`);
}

export function planText(graph: AccessGraph, plan: RevokePlan, limit: number): string {
  const head = `Revoke ${ref(plan.subject)}'s access to ${ref(plan.resource)} (strategy ${plan.strategy}; dry run, nothing is sent)`;
  if (!plan.reached) return `${head}\n${ref(plan.subject)} does not reach ${ref(plan.resource)}: nothing to revoke.\n`;
  let out = `${head}\n${plural(plan.paths.length, 'path')} to cut:\n`;
  plan.paths.forEach((p, i) => (out += `  ${String(i + 1).padStart(2)}. ${pathText(p)}\n`));
  if (plan.protectedEdges.length > 0) out += `Protected: ${plan.protectedEdges.length} edge(s) the plan leaves alone.\n`;
  out += `${plural(plan.steps.length, 'step')}:\n`;
  plan.steps.forEach((s, i) => {
    const cuts =
      s.cutsPaths.length === 0
        ? ''
        : `   (cuts ${s.cutsPaths.length === 1 ? 'path' : 'paths'} ${s.cutsPaths.map((p) => p + 1).join(', ')})`;
    out += `  ${i + 1}. ${stepHead(graph, s)}${cuts}\n`;
    out += stepDetail(s, '     ');
    if (s.cutsPaths.length > 0) out += collateralText(s.collateral, limit, '     ');
  });
  out += `Collateral of the whole plan: ${plural(plan.collateral.lost.length, 'other binding')} lost.\n`;
  if (plan.ruleEffects.length > 0)
    out += `The groups the plan changes are re-evaluated by their rules, which also change:\n${capped(ruleEffectLines(plan.ruleEffects), limit)}`;
  for (const note of plan.notes) out += `Note: ${safeText(note)}.\n`;
  if (plan.strategy === 'least-collateral' && !plan.search.exhaustive) {
    out += `(Searched ${plan.search.candidates} candidate plans, not every minimal cut: a plan with less collateral may exist.)\n`;
  }
  out += plan.verified
    ? `Checked: after the plan, ${ref(plan.subject)} no longer reaches ${ref(plan.resource)}.\n`
    : `WARNING: after the plan, ${ref(plan.subject)} still reaches ${ref(plan.resource)}.\n`;
  return out;
}

export const revokeCommand: Command = {
  name: 'revoke',
  summary: 'plan the removals that end an access (dry run), with what else they would take away',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('revoke', argv, OPTIONS);
    if (positionals.length !== 2) throw new UsageError('jcgraph revoke: give a SUBJECT and a RESOURCE (see jcgraph revoke --help)');
    const strategy = checkStrategy(values.strategy, 'jcgraph revoke: --strategy');
    const limit = parseLimit('revoke', values.limit);
    const planPath = planOutput(values.out, io);
    const source = await answerable('revoke', values, io, positionals, 'pair');
    const { graph, live } = source;
    const plan = revokeDocument(graph, positionals[0] as string, positionals[1] as string, {
      strategy,
      protect: values.protect ?? [],
      exemptions: values['no-exemptions'] !== true,
    });
    const coverage = noticeCoverage(io, 'revoke', source, graph, { subject: plan.subject.id, resource: plan.resource.id });
    const written = planPath && (await writePlan(planPath, planFileFromRevoke(graph, plan, { snapshot: source.origin })));
    if (values.json) writeJson(io, withCoverage(live ? { ...plan, live } : plan, coverage));
    else io.stdout.write((live ? liveText(live) : '') + planText(graph, plan, limit) + (written ?? ''));
    return plan.verified ? 0 : 1;
  },
};
