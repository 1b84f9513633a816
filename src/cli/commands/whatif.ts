/** `jcgraph whatif`: hypothetical removals and additions, and the access they would gain and lose. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkChangeSpec, resolveChanges, type ChangeSpec } from '../../analysis/change-spec.ts';
import type { SubjectDeltaSample } from '../../analysis/delta.ts';
import { whatIfSample } from '../../analysis/whatif.ts';
import { whatIfRules, whatIfWriter } from '../../documents/index.ts';
import { UsageError } from '../usage-error.ts';
import type { JsonObject, JsonValue } from '../../model/index.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { capped, plural, ref, safeText } from '../format.ts';
import { loadGraph, SOURCE_HELP, SOURCE_OPTIONS } from '../load-graph.ts';
import { noticeCoverage } from '../coverage-notice.ts';
import { EDGE_SPEC_HELP, parseLimit, ruleEffectLines } from './revoke.ts';
import { parseAt, rulesOption, violationsVerdict } from './check.ts';
import { changeViolations } from '../../rules/index.ts';

const OPTIONS = {
  ...SOURCE_OPTIONS,
  remove: { type: 'string', multiple: true },
  add: { type: 'string', multiple: true },
  'remove-object': { type: 'string', multiple: true },
  changes: { type: 'string' },
  limit: { type: 'string' },
  rules: { type: 'string' },
  at: { type: 'string' },
} as const;

const HELP = `Usage: jcgraph whatif (--snapshot FILE | --sim PRESET[:SEED])
                      [--remove EDGE …] [--add EDGE …] [--remove-object OBJECT …] [--set OBJECT FIELD=VALUE …]
                      [--changes FILE.json] [--limit N] [--rules FILE [--at TIME]] [--json]

What would change if these memberships, associations or objects were removed or added, or a user's or
system's attributes or a group's rule changed: the bindings each user and system would gain and lose,
and those it keeps whose paths or attributes change. Computed on an in-memory copy, recomputing only
what the changes touch; nothing is sent anywhere.

Dynamic groups: a changed attribute (a mover: --set user:jdoe department=Sales), a changed rule
(set-rule) and a new user or system (a joiner: add-object with its record) are evaluated by every
dynamic group's rule, exemptions honoured, as JumpCloud does; the memberships the rules add and remove
are listed before the access they change. Memberships added or removed with --add and --remove are
taken as given (a removal the group's rule would undo is pointed out).

Options:
${SOURCE_HELP}
  --remove EDGE        Remove a membership or association (repeatable).
  --add EDGE           Add one (repeatable; to give it attributes, use --changes).
  --remove-object OBJ  Remove an object and every edge it has (repeatable).
  --set OBJECT FIELD=VALUE …
                       Set record fields of a user or system (repeatable): --set user:jdoe department=Sales.
                       userState takes a rule's values (active, staged, suspended).
  --changes FILE.json  A JSON array of changes, applied in order, before the flags:
                         {"op": "remove", "edge": "user_group:Engineering>user:jdoe"}
                         {"op": "add", "edge": "user_group:Admins~system:db-01", "attributes": {"sudo": {"enabled": true, "withoutPassword": false}}}
                         {"op": "remove-object", "object": "user_group:Contractors"}
                         {"op": "add-object", "type": "system", "name": "web-99"}   (then name it as system:web-99)
                         {"op": "add-object", "type": "user", "name": "new.hire", "record": {"department": "Sales", "state": "ACTIVATED"}}
                         {"op": "set", "object": "user:jdoe", "attributes": {"department": "Sales"}}
                         {"op": "set-rule", "group": "user_group:Sales", "memberQuery": {"queryType": "FilterQuery",
                            "filters": [{"field": "department", "operator": "in", "value": ["Sales", "Sales Ops"]}]}}
                       The flags follow in this order: --set, --remove-object, --remove, --add.
  --limit N            Lines per subject (default 20; --json has them all).
  --rules FILE         Refuse the change (exit 1) if it adds a violation of this rule file (see jcgraph
                       check), naming each; the violations it resolves are said too (on stderr with --json).
  --at TIME            With --rules: judge exceptions' end dates as of this ISO-8601 time (default now).
  --json               Print the result as JSON: {changes, rules, subjects, recomputed, totals}.

Each subject is printed as soon as it is computed, and the totals last, so that even a change as wide
as removing the largest group streams out in bounded memory.

${EDGE_SPEC_HELP}

Exit codes: 0 answered, 1 failure (an unknown object, removing an edge that is not there) or, with
--rules, a change that adds a violation, 2 usage error or a rule file refused.
`;

/**
 * `--set OBJECT FIELD=VALUE …`: each --set with the FIELD=VALUE arguments that follow it, taken out of
 * argv before the options are parsed (values are strings).
 */
export function takeSets(argv: readonly string[]): { rest: string[]; sets: ChangeSpec[] } {
  const rest: string[] = [];
  const sets: ChangeSpec[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--set') {
      rest.push(argv[i]!);
      continue;
    }
    const object = argv[i + 1];
    if (object === undefined || object.startsWith('--'))
      throw new UsageError('jcgraph whatif: --set needs an object and FIELD=VALUE after it, e.g. --set user:jdoe department=Sales');
    const attributes: JsonObject = {};
    let j = i + 2;
    for (; j < argv.length && /^[^-=][^=]*=/.test(argv[j]!); j++) {
      const arg = argv[j]!;
      const at = arg.indexOf('=');
      attributes[arg.slice(0, at)] = arg.slice(at + 1);
    }
    if (Object.keys(attributes).length === 0)
      throw new UsageError(`jcgraph whatif: --set ${object} needs FIELD=VALUE after it, e.g. --set ${object} department=Sales`);
    sets.push({ op: 'set', object, attributes });
    i = j - 1;
  }
  return { rest, sets };
}

/** How a change spec reads in the text's list of changes. */
function specText(s: ChangeSpec): string {
  switch (s.op) {
    case 'remove':
    case 'add':
      return `${s.op} ${s.edge}`;
    case 'remove-object':
      return `${s.op} ${s.object}`;
    case 'add-object':
      return `${s.op} ${s.type}:${s.name}`;
    case 'set':
      return `set ${s.object} ${Object.entries(s.attributes)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ')}`;
    case 'set-rule':
      return `set-rule ${s.group} ${JSON.stringify(s.rule)}`;
  }
}

async function readChanges(path: string, io: CliIo): Promise<ChangeSpec[]> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(`jcgraph whatif: cannot read the changes file ${path} (${(error as { code?: string }).code ?? String(error)})`);
  }
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new UsageError(
      `jcgraph whatif: the changes file ${path} is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!Array.isArray(parsed)) throw new UsageError(`jcgraph whatif: the changes file ${path} must hold a JSON array of changes`);
  return parsed.map((item, i) => checkChangeSpec(item, `Change ${i + 1} of ${path}`));
}

/** A subject's lines (its sample: at least the first `limit` of each list) and how many there are in all. */
export function deltaText(d: SubjectDeltaSample, limit: number): string {
  const lines = [
    ...d.lost.map((b) => `- loses ${ref(b.target)} (${b.label})`),
    ...d.gained.map((b) => `+ gains ${ref(b.target)} (${b.label})`),
    ...d.changed.map((c) => {
      const attributes =
        JSON.stringify(c.before.compiledAttributes ?? null) === JSON.stringify(c.after.compiledAttributes ?? null)
          ? ''
          : `; compiledAttributes ${JSON.stringify(c.before.compiledAttributes ?? {})} → ${JSON.stringify(c.after.compiledAttributes ?? {})}`;
      return `~ keeps ${ref(c.after.target)}: ${plural(c.before.paths.length, 'path')} → ${c.after.paths.length}${attributes}`;
    }),
  ];
  const { lost, gained, changed } = d.counts;
  return `${ref(d.subject)}\n${capped(lines, limit, '  ', lost + gained + changed)}`;
}

export const whatifCommand: Command = {
  name: 'whatif',
  summary: 'what access would be gained and lost if memberships, associations or objects changed',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { rest, sets } = takeSets(argv);
    const { values, positionals } = parseCommandArgs('whatif', rest, OPTIONS);
    if (positionals.length > 0)
      throw new UsageError(
        `jcgraph whatif: unexpected argument "${positionals[0]}"; changes are given with --remove, --add, --remove-object, --set or --changes`,
      );
    const limit = parseLimit('whatif', values.limit);
    const specs: ChangeSpec[] = [
      ...(values.changes !== undefined ? await readChanges(values.changes, io) : []),
      ...sets,
      ...(values['remove-object'] ?? []).map((object): ChangeSpec => ({ op: 'remove-object', object })),
      ...(values.remove ?? []).map((edge): ChangeSpec => ({ op: 'remove', edge })),
      ...(values.add ?? []).map((edge): ChangeSpec => ({ op: 'add', edge })),
    ];
    if (specs.length === 0)
      throw new UsageError(
        'jcgraph whatif: give at least one change (--remove, --add, --remove-object, --set or --changes; see jcgraph whatif --help)',
      );
    const rules = values.rules !== undefined ? await rulesOption('whatif', values.rules, io, false) : undefined;
    const at = parseAt('whatif', values.at);
    const source = await loadGraph('whatif', values, io);
    const { graph } = source;
    // The rules' verdict is worked out first, so a refused change is refused whatever the output.
    const verdict = rules && changeViolations(graph, rules, resolveChanges(graph, specs), { now: at });
    const closing = (out: CliIo['stdout'] | CliIo['stderr']): number => {
      if (!rules || !verdict) return 0;
      out.write(violationsVerdict(rules.file, verdict));
      return verdict.added.length > 0 ? 1 : 0;
    };
    // Each subject's delta is written as it is computed and then dropped (whatIfEach), so the totals come
    // after the subjects: a change as wide as removing "All Staff" stays within memory.
    if (values.json) {
      const write = whatIfWriter(graph, specs);
      const coverage = noticeCoverage(io, 'whatif', source, graph);
      write(io.stdout, coverage ? { coverage } : {});
      return closing(io.stderr);
    }
    const changes = resolveChanges(graph, specs);
    noticeCoverage(io, 'whatif', source, graph);
    let head = `What if (${plural(specs.length, 'change')}, on an in-memory copy; nothing is sent):\n`;
    specs.forEach((s, i) => (head += `  ${i + 1}. ${safeText(specText(s))}\n`));
    const rulesDo = whatIfRules(graph, changes);
    if (rulesDo.memberships.length > 0)
      head += `The dynamic groups' rules then change ${plural(rulesDo.memberships.length, 'membership')}:\n${capped(ruleEffectLines(rulesDo.memberships), limit)}`;
    for (const note of rulesDo.notes) head += `Note: ${safeText(note)}.\n`;
    io.stdout.write(head);
    // Text shows the first `limit` lines of each subject: the rest is counted, never built.
    const summary = whatIfSample(graph, changes, limit, (d) => io.stdout.write(deltaText(d, limit)));
    const { gained, lost, changed } = summary.totals;
    io.stdout.write(
      `${plural(summary.subjects, 'subject')} affected: ${gained} bindings gained, ${lost} lost, ${changed} kept with other paths or attributes (${summary.recomputed} subjects recomputed).\n`,
    );
    return closing(io.stdout);
  },
};
