/** `jcgraph coverage --snapshot FILE`: everything the fetch of a snapshot could not read. */
import { UsageError } from '../usage-error.ts';
import { gapCauseLabel, objectName, type CoverageGap } from '../../model/index.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { formatReference } from '../../analysis/resolve.ts';
import { plural, safeText, writeJson } from '../format.ts';
import { loadSnapshotFile } from '../load-graph.ts';
import { EXIT_PARTIAL } from './fetch.ts';

const OPTIONS = { snapshot: { type: 'string' } } as const;

const HELP = `Usage: jcgraph coverage --snapshot FILE [--json]

Everything the fetch that wrote FILE could not read: every list or edge collection that answered 402,
403 or 404, or still failed after its retries (with the request, the cause, the attempts), or that was
read only in part, grouped by cause, and what each would have provided: the objects of a type (missing
altogether, with their edges), or the edges of some kinds of one object.

A snapshot written before jcgraph recorded coverage is complete.

Options:
  --snapshot FILE      The snapshot to look at.
  --json               Print the coverage record ({complete, planned, gaps}) as it is in the snapshot.

Exit codes: 0 the snapshot is complete, 3 it is partial, 1 failure (an unreadable snapshot), 2 usage error.
`;

function gapLine(gap: CoverageGap, names: ReadonlyMap<string, string>): string {
  const attempts = plural(gap.attempts, 'attempt');
  const state = gap.state === 'incomplete' ? 'read in part: ' : '';
  if (gap.provides.kind === 'objects') return `${gap.endpoint}  (${attempts}) ${state}no ${gap.provides.types.join(', ')} at all`;
  const source = gap.provides.source;
  const name = names.get(`${source.type}:${source.id}`);
  const who = name !== undefined ? `${formatReference({ type: source.type, name })} (${source.id})` : `${source.type} ${source.id}`;
  return `${gap.endpoint}  (${attempts}) ${state}the ${gap.provides.edgeKinds.join(', ')} edges of ${who}`;
}

export const coverageCommand: Command = {
  name: 'coverage',
  summary: 'what the fetch of a snapshot could not read, and why',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('coverage', argv, OPTIONS);
    if (positionals.length > 0)
      throw new UsageError(`jcgraph coverage: unexpected argument "${positionals[0]}" (see jcgraph coverage --help)`);
    if (values.snapshot === undefined) throw new UsageError('jcgraph coverage: --snapshot FILE is required (see jcgraph coverage --help)');
    const source = await loadSnapshotFile(values.snapshot, io);
    const coverage = source.coverage ?? { complete: true, planned: 0, gaps: [] };
    if (values.json) {
      writeJson(io, coverage);
      return coverage.complete ? 0 : EXIT_PARTIAL;
    }
    if (coverage.complete) {
      io.stdout.write(`${safeText(values.snapshot)} is complete: its fetch read every collection it planned.\n`);
      return 0;
    }
    const names = new Map(source.tenant.objects.map((o) => [`${o.type}:${o.id}`, objectName(o.type, o.record, o.id)]));
    const groups = new Map<string, CoverageGap[]>();
    for (const gap of coverage.gaps) {
      const label = `${gapCauseLabel(gap)}${gap.state === 'incomplete' ? ', read in part' : ''}`;
      groups.set(label, [...(groups.get(label) ?? []), gap]);
    }
    const lines = [`${values.snapshot} is PARTIAL: ${coverage.gaps.length} of ${coverage.planned} collections were not read in full.`];
    for (const [label, gaps] of [...groups].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1))) {
      lines.push(`${label} (${gaps.length}):`, ...gaps.map((g) => `  ${gapLine(g, names)}`));
      const message = gaps[0]!.message;
      if (message) lines.push(`  e.g. ${message}`);
    }
    io.stdout.write(`${lines.map(safeText).join('\n')}\n`);
    return EXIT_PARTIAL;
  },
};
