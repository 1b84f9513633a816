/** `jcgraph diff OLD NEW`: what changed between two snapshots and what it did to access; sudo gained first. */
import { drift, type DriftReport } from '../../analysis/drift.ts';
import { UsageError } from '../usage-error.ts';
import { edgeKey, type TenantEdge } from '../../model/index.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { capped, pathText, ref, safeText, writeJson } from '../format.ts';
import { isPartial, noticeCoverage, type CoverageField } from '../coverage-notice.ts';
import { loadSnapshotFile } from '../load-graph.ts';
import { AccessGraph } from '../../graph/index.ts';
import { parseLimit } from './revoke.ts';

const OPTIONS = { limit: { type: 'string' } } as const;

const HELP = `Usage: jcgraph diff OLD NEW [--limit N] [--json]

Drift between two snapshots (OLD and NEW, files written by jcgraph fetch) of one organization. First
the headline: bindings that gained sudo (or sudo without a password), and users whose own record
gained global sudo. Then what changed: objects and edges added, removed and changed (which record
fields; which edge attributes; a dynamic group's rule, method, exemptions and error flags in words),
and what that did to access: bindings gained and lost, bindings whose
paths changed, and compiledAttributes changes.

Options:
  --limit N            Lines per section (default 20; --json has them all).
  --json               Print the whole report as JSON.

Exit codes: 0 compared (also when there are differences), 1 failure (an unreadable snapshot), 2 usage error.
`;

function reportText(r: DriftReport, limit: number): string {
  const s = r.structure;
  const b = r.bindings;
  const section = (title: string, lines: readonly string[]) =>
    lines.length === 0 ? '' : `${title} (${lines.length}):\n${capped(lines, limit)}`;
  const sudo = r.headline.sudoGained.map(
    (g) =>
      `${ref(g.subject)} → ${ref(g.target)}: ${g.gained === 'sudo' ? 'sudo' : 'sudo without password'} (was ${g.before ? JSON.stringify(g.before) : 'none'}) via ${g.paths.map((p) => pathText(p, false)).join('; ')}`,
  );
  const edge = (e: TenantEdge) => edgeKey(e);
  let out = sudo.length + r.headline.userSudoGained.length === 0 ? 'No sudo gained.\n' : '';
  out += section('SUDO GAINED', sudo);
  out += section(
    'USERS GIVEN GLOBAL SUDO',
    r.headline.userSudoGained.map((u) => `${ref(u.user)}: ${u.fields.join(', ')}`),
  );
  out += `Objects: +${s.objectsAdded.length} -${s.objectsRemoved.length} ~${s.objectsChanged.length}; edges: +${s.edgesAdded.length} -${s.edgesRemoved.length} ~${s.edgesChanged.length}; `;
  out += `bindings: +${b.gained.length} -${b.lost.length}, ${b.pathsChanged.length} with other paths, ${b.attributesChanged.length} with other attributes (${r.recomputed} subjects recomputed).\n`;
  out += section(
    'Bindings gained',
    b.gained.map((x) => `${ref(x.subject)} → ${ref(x.target)} (${x.label})`),
  );
  out += section(
    'Bindings lost',
    b.lost.map((x) => `${ref(x.subject)} → ${ref(x.target)} (${x.label})`),
  );
  out += section(
    'Paths changed',
    b.pathsChanged.map(
      (c) =>
        `${ref(c.subject)} → ${ref(c.target)}: ${[...c.added.map((p) => `+ ${pathText(p, false)}`), ...c.removed.map((p) => `- ${pathText(p, false)}`)].join('; ')}`,
    ),
  );
  out += section(
    'Attributes changed',
    b.attributesChanged.map(
      (c) =>
        `${ref(c.subject)} → ${ref(c.target)}: ${c.keys.map((k) => `${k} ${JSON.stringify(c.before?.[k] ?? null)} → ${JSON.stringify(c.after?.[k] ?? null)}`).join('; ')}`,
    ),
  );
  out += section(
    'Dynamic-group rules changed',
    s.rulesChanged.map((c) => {
      const parts = [
        c.method.before !== c.method.after ? `method ${c.method.before} → ${c.method.after}` : '',
        c.rule.before !== c.rule.after ? `rule ${safeText(c.rule.before)} → ${safeText(c.rule.after)}` : '',
        c.exemptionsAdded.length > 0 ? `exempted ${c.exemptionsAdded.map(ref).join(', ')}` : '',
        c.exemptionsRemoved.length > 0 ? `no longer exempt ${c.exemptionsRemoved.map(ref).join(', ')}` : '',
        c.errorFlags.before.join() !== c.errorFlags.after.join()
          ? `error flags [${c.errorFlags.before.join(', ')}] → [${c.errorFlags.after.join(', ')}]`
          : '',
      ];
      return `${ref(c)}: ${parts.filter(Boolean).join('; ')}`;
    }),
  );
  out += section(
    'Objects added',
    s.objectsAdded.map((o) => `${ref(o)} (${o.id})`),
  );
  out += section(
    'Objects removed',
    s.objectsRemoved.map((o) => `${ref(o)} (${o.id})`),
  );
  out += section(
    'Objects changed',
    s.objectsChanged.map((o) => `${ref(o)} (${o.id}): ${o.fields.join(', ')}`),
  );
  out += section('Edges added', s.edgesAdded.map(edge));
  out += section('Edges removed', s.edgesRemoved.map(edge));
  out += section(
    'Edge attributes changed',
    s.edgesChanged.map((c) => `${edge(c.edge)}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`),
  );
  return out;
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'what changed between two snapshots and what it did to access (sudo gained first)',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('diff', argv, OPTIONS);
    if (positionals.length !== 2) throw new UsageError('jcgraph diff: give two snapshot files, OLD and NEW (see jcgraph diff --help)');
    const limit = parseLimit('diff', values.limit);
    const before = await loadSnapshotFile(positionals[0] as string, io);
    const after = await loadSnapshotFile(positionals[1] as string, io);
    const report = drift(before.tenant, after.tenant);
    // A difference may only be what one side could not read: say which side is partial.
    const sides = { old: before, new: after } as const;
    const coverage: Record<string, CoverageField> = {};
    for (const [side, source] of Object.entries(sides)) {
      if (!isPartial(source)) continue;
      const field = noticeCoverage(io, 'diff', source, AccessGraph.fromTenant(source.tenant));
      if (field) coverage[side] = field;
    }
    if (Object.keys(coverage).length > 0) io.stderr.write('  Differences that touch what was not read may be nothing but that gap.\n');
    if (values.json) writeJson(io, Object.keys(coverage).length > 0 ? { ...report, coverage } : report);
    else io.stdout.write(reportText(report, limit));
    return 0;
  },
};
