/** `jcgraph why SUBJECT RESOURCE`: every path by which the subject reaches the resource, and where its attributes come from. */
import { whyDocument } from '../../documents/index.ts';
import { UsageError } from '../usage-error.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { pathText, plural, ref, writeJson } from '../format.ts';
import { noticeCoverage, withCoverage } from '../coverage-notice.ts';
import { answerable, LIVE_HELP, LIVE_OPTIONS, liveText } from '../live.ts';

const HELP = `Usage: jcgraph why SUBJECT RESOURCE (--snapshot FILE [--live] | --sim PRESET[:SEED]) [--json]

Why SUBJECT can reach RESOURCE: every path (direct when it is one association, indirect through
groups), the compiled attributes (sudo, ldapGroups, …) and, for each attribute, the paths it came from.
When no traversal goes from SUBJECT's type to RESOURCE's type, the question is asked from RESOURCE's
side and the paths are read back towards it.

Objects are named by id or as type:name, e.g. user:jdoe, system:web-01, user_group:"All Staff"
(a name matches the display name or any name field: a user's username or email, a system's
displayName or hostname).

Options:
${LIVE_HELP}
  --json               Print the answer as JSON (with --live, its check under "live").

Exit codes: 0 answered (also when there is no access), 1 failure (e.g. an unknown object), 2 usage error.
`;

export const whyCommand: Command = {
  name: 'why',
  summary: 'why a subject can reach a resource: every path, and where each attribute comes from',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('why', argv, LIVE_OPTIONS);
    if (positionals.length !== 2) throw new UsageError('jcgraph why: give a SUBJECT and a RESOURCE (see jcgraph why --help)');
    const source = await answerable('why', values, io, positionals, 'pair');
    const { graph, live } = source;
    const answer = whyDocument(graph, positionals[0] as string, positionals[1] as string);
    const coverage = noticeCoverage(io, 'why', source, graph, { subject: answer.subject.id, resource: answer.resource.id });
    if (values.json) {
      writeJson(io, withCoverage(live ? { ...answer, live } : answer, coverage));
      return 0;
    }
    if (live) io.stdout.write(liveText(live));
    const out: string[] = [];
    if (!answer.reached) {
      out.push(`${ref(answer.subject)} does not reach ${ref(answer.resource)}.`);
    } else {
      out.push(`${ref(answer.subject)} reaches ${ref(answer.resource)}: ${answer.label}, ${plural(answer.paths.length, 'path')}.`);
      answer.paths.forEach((p, i) => out.push(`  ${String(i + 1).padStart(2)}. ${p.label.padEnd(8)}  ${pathText(p)}`));
      if (answer.compiledAttributes) {
        out.push('compiledAttributes:');
        for (const s of answer.attributeSources) {
          const from = s.paths.map((i) => i + 1).join(', ');
          out.push(
            `  ${s.key}: ${JSON.stringify(s.value)}   (${s.level ? `${s.level}, ` : ''}from ${s.paths.length === 1 ? 'path' : 'paths'} ${from})`,
          );
        }
      }
    }
    io.stdout.write(`${out.join('\n')}\n`);
    return 0;
  },
};
