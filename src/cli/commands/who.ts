/** `jcgraph who RESOURCE`: every user, user group and system bound to a resource. */
import { WHO_TYPES } from '../../analysis/access.ts';
import { checkWhoTypes, whoDocument } from '../../documents/index.ts';
import { UsageError } from '../usage-error.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { plural, ref, writeJson } from '../format.ts';
import { loadGraph, SOURCE_HELP, SOURCE_OPTIONS } from '../load-graph.ts';
import { noticeCoverage, withCoverage } from '../coverage-notice.ts';
import { bindingRows } from './access.ts';

const OPTIONS = { ...SOURCE_OPTIONS, type: { type: 'string', multiple: true }, paths: { type: 'boolean' } } as const;

const HELP = `Usage: jcgraph who RESOURCE (--snapshot FILE | --sim PRESET[:SEED]) [--type TYPE …] [--paths] [--json]

Who can reach RESOURCE: every user, user group and system bound to it, directly or through groups,
with the label, the number of paths and sudo. Paths are read from each subject to the resource.

Options:
${SOURCE_HELP}
  --type TYPE          Only subjects of this type (${WHO_TYPES.join(', ')}; repeatable).
  --paths              Print every path under each binding.
  --json               Print the bindings as JSON (with every path).

Exit codes: 0 answered, 1 failure, 2 usage error.
`;

export const whoCommand: Command = {
  name: 'who',
  summary: 'every user, user group and system that can reach a resource, and how',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('who', argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError('jcgraph who: give one RESOURCE (see jcgraph who --help)');
    checkWhoTypes(values.type, 'jcgraph who: --type');
    const source = await loadGraph('who', values, io);
    const { graph } = source;
    const document = whoDocument(graph, positionals[0] as string, values.type ? { types: values.type } : {});
    const coverage = noticeCoverage(io, 'who', source, graph, {
      resource: document.resource.id,
      ...(values.type ? { subjectTypes: values.type } : {}),
    });
    const { resource, bindings } = document;
    if (values.json) {
      writeJson(io, withCoverage(document, coverage));
      return 0;
    }
    io.stdout.write(`${plural(bindings.length, 'subject')} can reach ${ref(resource)}.\n`);
    if (bindings.length > 0) io.stdout.write(bindingRows(bindings, 'subject', values.paths === true));
    return 0;
  },
};
