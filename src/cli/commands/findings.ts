/** `jcgraph findings`: what an access review should look at. */
import type { DynamicGroupFindings, Findings } from '../../analysis/findings/index.ts';
import type { NamedRef } from '../../analysis/index.ts';
import { findingsDocument } from '../../documents/index.ts';
import { UsageError } from '../usage-error.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { gapCauseLabel } from '../../model/index.ts';
import { capped, pathText, plural, ref, safeText, writeJson } from '../format.ts';
import { loadGraph, SOURCE_HELP, SOURCE_OPTIONS } from '../load-graph.ts';
import { noticeCoverage, withCoverage } from '../coverage-notice.ts';
import { parseLimit } from './revoke.ts';

const OPTIONS = { ...SOURCE_OPTIONS, limit: { type: 'string' }, top: { type: 'string' } } as const;

const HELP = `Usage: jcgraph findings (--snapshot FILE | --sim PRESET[:SEED]) [--top N] [--limit N] [--json]

Findings for an access review, from every binding of every user (to every type) and every system (to
commands, policies and policy groups):
  - sudo: bindings to systems and system groups with sudo, grouped by what grants it (a user's own
    association, a user group's own sudo, a group's association), with the paths; users whose record
    has global sudo;
  - suspended, staged or locked users that still have access;
  - redundant access: the same binding both directly and through a group;
  - blast radius: the groups and associations whose removal alone would end the most bindings (exact);
  - users bound directly rather than through groups;
  - empty groups; resources nothing is bound to;
  - dynamic groups: members a rule would add back (a removal that did not hold), review-required
    groups with pending differences, exemptions of suspended users and of objects gone, rules the
    tenant flags in error, and every group whose rule jcgraph cannot evaluate.

Options:
${SOURCE_HELP}
  --top N              Blast-radius entries to compute and keep (default 20).
  --limit N            Lines per section (default 20; --json has them all).
  --json               Print every finding as JSON.

Exit codes: 0 answered, 1 failure, 2 usage error.
`;

/** At most five names, then how many in all. */
function someOf(refs: readonly NamedRef[]): string {
  return `${refs.slice(0, 5).map(ref).join(', ')}${refs.length > 5 ? `, … (${refs.length})` : ''}`;
}

function dynamicGroupsText(d: DynamicGroupFindings, section: (title: string, lines: readonly string[]) => string): string {
  let out = section(
    'Dynamic groups: members a rule would add back (a removal that did not hold, or a run pending)',
    d.addedBack.map((a) => `${ref(a.group)} (${safeText(a.rule)}): ${someOf(a.members)}`),
  );
  out += section(
    'Dynamic groups: review-required with pending differences',
    d.pendingReview.map(
      (p) =>
        `${ref(p.group)} (${safeText(p.rule)}): ${[p.additions.length > 0 ? `would add ${someOf(p.additions)}` : '', p.removals.length > 0 ? `members the rule does not match ${someOf(p.removals)}` : ''].filter(Boolean).join('; ')}`,
    ),
  );
  out += section(
    'Dynamic groups: exemptions of suspended users and of objects gone',
    d.staleExemptions.map(
      (s) =>
        `${ref(s.group)} exempts ${s.reason === 'gone' ? `${safeText(s.exempt.type)} ${safeText(s.exempt.id)}, no longer in the organization` : `${ref(s.exempt)}, suspended`}`,
    ),
  );
  out += section(
    'Dynamic groups: rules the tenant flags in error',
    d.errorFlags.map((e) => `${ref(e.group)}: ${e.flags.map(safeText).join(', ')}`),
  );
  out += section(
    'Dynamic groups jcgraph cannot evaluate',
    d.cannotEvaluate.map((c) => safeText(c.reason)),
  );
  return out;
}

export function findingsText(f: Findings, limit: number): string {
  const section = (title: string, lines: readonly string[]) =>
    `${title} (${lines.length}):\n${lines.length === 0 ? '  none\n' : capped(lines, limit)}`;
  let out = `${plural(f.totals.bindings, 'binding')} of ${plural(f.totals.subjects, 'subject')}, ${plural(f.totals.paths, 'path')}.\n`;
  if (f.notRead) {
    out += section(
      'NOT READ BY THE FETCH: what these collections hold is missing from every finding below',
      f.notRead.map((g) => `${safeText(g.endpoint)}: ${g.state === 'incomplete' ? 'read in part' : 'not read'} (${gapCauseLabel(g)})`),
    );
  }
  out += section(
    `Sudo: ${plural(f.privileged.bindings, 'binding')}, by grant`,
    f.privileged.grants.map((g) => {
      const by = g.grantedBy
        .map((x) => (x.group ? `${ref(x.group)} (own sudo)` : x.ends ? `${ref(x.ends[0])}~${ref(x.ends[1])}` : '?'))
        .join(' + ');
      return `${by} [${g.level}]: ${plural(g.bindings, 'binding')} (${g.withoutPassword} without password), ${plural(g.users.length, 'user')}; e.g. ${g.example.paths.map((p) => pathText(p)).join('; ')}`;
    }),
  );
  out += section(
    'Users with global sudo in their record',
    f.userSudo.map(
      (u) =>
        `${ref(u.user)}: ${[u.sudo ? 'sudo' : '', u.passwordlessSudo ? 'passwordless_sudo' : ''].filter(Boolean).join(', ')}; ${plural(u.bindings, 'binding')}`,
    ),
  );
  out += section(
    'Suspended, staged or locked users with access',
    f.inactiveUsers.map(
      (u) =>
        `${ref(u.user)} (${u.reasons.join(', ')}): ${plural(u.bindings.length, 'binding')}: ${u.bindings
          .slice(0, 5)
          .map((b) => ref(b.target))
          .join(', ')}${u.bindings.length > 5 ? ', …' : ''}`,
    ),
  );
  out += section(
    'Redundant access (direct and through a group)',
    f.redundant.map(
      (r) =>
        `${ref(r.subject)} → ${ref(r.target)}: ${plural(r.direct.length, 'direct path')}, ${plural(r.indirect.length, 'indirect path')}`,
    ),
  );
  out += section(
    'Blast radius (bindings its removal alone would end; paths through it)',
    f.blastRadius.map(
      (e) =>
        `${e.group ? `group ${ref(e.group)}` : `association ${e.ends ? `${ref(e.ends[0])}~${ref(e.ends[1])}` : '?'}`}: ${e.bindingsCut} (${e.pathsThrough} paths)`,
    ),
  );
  out += section(
    'Users bound directly (not through a group)',
    f.directlyBound.map(
      (d) => `${ref(d.user)}: ${d.targets.slice(0, 5).map(ref).join(', ')}${d.targets.length > 5 ? `, … (${d.targets.length})` : ''}`,
    ),
  );
  out += section(
    'Empty groups',
    f.emptyGroups.map((g) => `${ref(g)} (${g.id})`),
  );
  out += section(
    'Unbound resources',
    f.unboundResources.map((r) => `${ref(r)} (${r.id})`),
  );
  out += dynamicGroupsText(f.dynamicGroups, section);
  return out;
}

export const findingsCommand: Command = {
  name: 'findings',
  summary: 'access-review findings: sudo, inactive users with access, redundancy, blast radius, strays',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('findings', argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`jcgraph findings: unexpected argument "${positionals[0]}"`);
    const limit = parseLimit('findings', values.limit);
    const top = parseLimit('findings', values.top, 'top');
    const source = await loadGraph('findings', values, io);
    const { graph } = source;
    const f = findingsDocument(graph, { top, ...(source.coverage ? { coverage: source.coverage } : {}) });
    const coverage = noticeCoverage(io, 'findings', source, graph);
    if (values.json) writeJson(io, withCoverage(f, coverage));
    else io.stdout.write(findingsText(f, limit));
    return 0;
  },
};
