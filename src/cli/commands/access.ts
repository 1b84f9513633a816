/** `jcgraph access SUBJECT`: every binding of a subject, of every type. */
import { accessDocument } from '../../documents/index.ts';
import { sudoOf } from '../../analysis/drift.ts';
import type { Binding } from '../../analysis/bindings.ts';
import { UsageError } from '../usage-error.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { pathText, plural, ref, table, writeJson } from '../format.ts';
import { noticeCoverage, withCoverage } from '../coverage-notice.ts';
import { answerable, LIVE_HELP, LIVE_OPTIONS, liveText } from '../live.ts';

const OPTIONS = { ...LIVE_OPTIONS, type: { type: 'string', multiple: true }, paths: { type: 'boolean' } } as const;

const HELP = `Usage: jcgraph access SUBJECT (--snapshot FILE [--live] | --sim PRESET[:SEED]) [--type TYPE …] [--paths] [--json]

Everything SUBJECT is bound to, directly or through groups, of every type its traversals reach
(for a user: systems, system groups, applications, directories, RADIUS servers, policies, policy
groups), with the label (direct, indirect, direct/indirect), the number of paths and sudo.

Options:
${LIVE_HELP}
  --type TYPE          Only targets of this type (repeatable), e.g. --type system.
  --paths              Print every path under each binding.
  --json               Print the bindings as JSON (with every path).

Exit codes: 0 answered, 1 failure, 2 usage error.
`;

/** Rows for a list of bindings: the other end's type, name and id, label, paths, sudo. */
export function bindingRows(bindings: readonly Binding[], end: 'target' | 'subject', withPaths: boolean): string {
  const header = ['type', 'name', 'id', 'label', 'paths', 'sudo'];
  const rows = bindings.map((b) => {
    const o = b[end];
    const sudo = sudoOf(b.compiledAttributes);
    return [
      o.type,
      o.name,
      o.id,
      b.label,
      String(b.paths.length),
      sudo ? (sudo.enabled ? (sudo.withoutPassword ? 'yes, no password' : 'yes') : 'no') : '',
    ];
  });
  if (!withPaths) return table(rows, header);
  return bindings.map((b, i) => table([rows[i] as string[]]) + b.paths.map((p) => `    ${pathText(p)}\n`).join('')).join('');
}

export const accessCommand: Command = {
  name: 'access',
  summary: 'everything a subject can reach, of every type, with labels and sudo',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('access', argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError('jcgraph access: give one SUBJECT (see jcgraph access --help)');
    const source = await answerable('access', values, io, positionals, 'reach');
    const { graph, live } = source;
    const document = accessDocument(graph, positionals[0] as string, values.type ? { types: values.type } : {});
    const { subject, bindings } = document;
    const coverage = noticeCoverage(io, 'access', source, graph, {
      subject: subject.id,
      ...(values.type ? { targetTypes: values.type } : {}),
    });
    if (values.json) {
      writeJson(io, withCoverage(live ? { ...document, live } : document, coverage));
      return 0;
    }
    if (live) io.stdout.write(liveText(live));
    io.stdout.write(`${ref(subject)} is bound to ${plural(bindings.length, 'object')}.\n`);
    if (bindings.length > 0) io.stdout.write(bindingRows(bindings, 'target', values.paths === true));
    return 0;
  },
};
