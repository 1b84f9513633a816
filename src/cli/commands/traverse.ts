/**
 * `jcgraph traverse <api-path>…`: what the live graph endpoints would answer, offline, all pages merged.
 * One path prints exactly that endpoint's JSON. Several paths (or `-`, paths read from stdin one per
 * line) print one JSON object keyed by path, one entry per line, so a script can ask thousands of
 * questions of one loaded graph.
 *
 * Rule chosen for mixed good and bad paths (docs/rules.md#traverse-with-bad-paths): every path gets its entry;
 * a bad one (not a graph endpoint, unknown id, bad `targets`) gets `{"error": {"name", "message"}}`, each
 * failure is also named on stderr, and the exit code is 1 when any path failed. Paths name objects by id, as the API does.
 */
import { JcGraphError, QueryError } from '../../errors.ts';
import { UsageError } from '../usage-error.ts';
import type { AccessGraph } from '../../graph/index.ts';
import { apiPathOf, traverseDocument } from '../../documents/index.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { writeJson } from '../format.ts';
import { loadGraph, SOURCE_HELP, SOURCE_OPTIONS } from '../load-graph.ts';
import { noticeCoverage, noticeCoverageOfMany } from '../coverage-notice.ts';
import type { CoverageQuestion } from '../../analysis/coverage.ts';
import { matchEndpoint } from '../../model/index.ts';

const HELP = `Usage: jcgraph traverse <api-path>… (--snapshot FILE | --sim PRESET[:SEED])
       jcgraph traverse - (--snapshot FILE | --sim PRESET[:SEED]) < paths.txt

Prints what a JumpCloud graph endpoint would answer, computed offline from the organization, with all
pages merged: GraphConnection[] for …/associations and …/members, GraphObjectWithPaths[] (every target
with every path and its compiledAttributes) for the traversals, …/memberof and …/membership. Targets by
id; paths shortest first. Any of the 88 v2 graph endpoints, by concrete path with ids, e.g.

  jcgraph traverse /users/5f1e…/systems --sim small
  jcgraph traverse '/systems/5f2a…/associations?targets=user,user_group' --snapshot acme.json

The /api/v2 prefix and a full https://console.jumpcloud.com/… URL are accepted; limit, skip, sort and
filter are ignored (the answer is always the whole collection). Objects are named by id, as in the API
(jcgraph why / access / who take names).

One path: its JSON answer. Several paths, or - to read them from stdin (one per line; blank lines and
lines starting with # are skipped): one JSON object keyed by path, one entry per line. A path that
fails gets {"error": {"name", "message"}} as its entry, is named on stderr, and makes the exit code 1;
the other paths are still answered.

Options:
${SOURCE_HELP}
  --json               Accepted for symmetry: the output is always JSON.

Exit codes: 0 every path answered, 1 a path failed (or the organization could not be read), 2 usage error.
`;

async function readLines(stream: NodeJS.ReadableStream): Promise<string[]> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

/** A path's answer, or `{error: {name, message}}` when it has none. */
type Entry = unknown;

/** What one path asks, for the coverage notice: its source, and the types it answers with. */
function questionOf(g: AccessGraph, path: string): CoverageQuestion | undefined {
  const match = matchEndpoint(apiPathOf(path));
  if (!match || !g.hasObject(match.id)) return undefined;
  const targets =
    match.endpoint.kind === 'associations'
      ? new URLSearchParams(apiPathOf(path).split('?')[1] ?? '').get('targets')?.split(',')
      : match.endpoint.targets;
  return { subject: match.id, targetTypes: targets ?? match.endpoint.targets };
}

function answerOne(g: AccessGraph, path: string): { ok: true; value: unknown } | { ok: false; error: JcGraphError } {
  try {
    return { ok: true, value: traverseDocument(g, path) };
  } catch (error) {
    if (error instanceof JcGraphError) return { ok: false, error };
    if (error instanceof TypeError) return { ok: false, error: new QueryError(`${path} is not a path or URL jcgraph can read.`) };
    throw error;
  }
}

export const traverseCommand: Command = {
  name: 'traverse',
  summary: 'print what a graph endpoint would answer (all pages merged), for one path or thousands',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('traverse', argv, SOURCE_OPTIONS);
    if (positionals.length === 0)
      throw new UsageError('jcgraph traverse: give one or more API paths, or - to read them from stdin (see jcgraph traverse --help)');
    const fromStdin = positionals.includes('-');
    const paths: string[] = [];
    for (const p of positionals) {
      if (p === '-') paths.push(...(await readLines(io.stdin)));
      else paths.push(p.trim());
    }
    const source = await loadGraph('traverse', values, io);
    const { graph } = source;
    // The output is exactly the API's answer, so a partial snapshot is said so on stderr only.
    if (paths.length === 1 && !fromStdin) noticeCoverage(io, 'traverse', source, graph, questionOf(graph, paths[0]!));
    else
      noticeCoverageOfMany(
        io,
        'traverse',
        source,
        graph,
        [...new Set(paths)].map((p) => ({ label: p, question: questionOf(graph, p) })),
      );

    if (paths.length === 1 && !fromStdin) {
      const result = answerOne(graph, paths[0] as string);
      if (!result.ok) throw result.error;
      writeJson(io, result.value);
      return 0;
    }
    const unique = [...new Set(paths)];
    let failed = 0;
    io.stdout.write('{');
    unique.forEach((path, i) => {
      const result = answerOne(graph, path);
      let entry: Entry;
      if (result.ok) entry = result.value;
      else {
        failed++;
        entry = { error: { name: result.error.name, message: result.error.message } };
        io.stderr.write(`jcgraph traverse: ${result.error.message}\n`);
      }
      io.stdout.write(`${i === 0 ? '' : ','}\n${JSON.stringify(path)}: ${JSON.stringify(entry)}`);
    });
    io.stdout.write(unique.length > 0 ? '\n}\n' : '}\n');
    if (failed > 0) io.stderr.write(`jcgraph traverse: ${failed} of ${unique.length} paths failed (their entries hold the error).\n`);
    return failed > 0 ? 1 : 0;
  },
};
