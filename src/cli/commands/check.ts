/** `jcgraph check`: access rules as code, checked against an organization, for people and for CI. */
import { resolve } from 'node:path';
import { UsageError } from '../usage-error.ts';
import { TOOL_VERSION } from '../../common/version.ts';
import { formatOperation } from '../../analysis/operations.ts';
import {
  DEFAULT_FIX_LIMIT,
  SEVERITIES,
  checkNamesExist,
  checkReport,
  complianceFinding,
  failing,
  fixPlanFile,
  writeJunitXml,
  readRuleFile,
  writeSarifLog,
  type CheckReport,
  type RuleFile,
  type Severity,
  type Violation,
  type ViolationChanges,
  unplannedNote,
} from '../../rules/index.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { capped, pathText, plural, ref, safeText } from '../format.ts';
import { loadGraph, SOURCE_HELP, SOURCE_OPTIONS } from '../load-graph.ts';
import { isPartial, partialLine } from '../coverage-notice.ts';
import { parseLimit } from './revoke.ts';
import { planOutput, writePlan } from '../plan-out.ts';
import { streamedArray, writeJsonDocument, type TextSink } from '../../io/json-text.ts';

const FORMATS = ['text', 'json', 'sarif', 'junit', 'ocsf'] as const;
type Format = (typeof FORMATS)[number];

const OPTIONS = {
  ...SOURCE_OPTIONS,
  rules: { type: 'string' },
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  strict: { type: 'boolean' },
  at: { type: 'string' },
  'fix-limit': { type: 'string' },
  limit: { type: 'string' },
  'plan-out': { type: 'string' },
} as const;

const HELP = `Usage: jcgraph check --rules FILE (--snapshot FILE | --sim PRESET[:SEED])
                     [--format text|json|sarif|junit|ocsf] [--json] [--fail-on SEVERITY] [--strict]
                     [--at TIME] [--fix-limit N] [--limit N] [--plan-out PLAN.json]

Checks access rules (a YAML rule file: forbid, exclusive, only_through, require, none, with exceptions;
see docs/access-rules.md and src/rules/jcgraph-rules.schema.json) against every binding of the
organization, read one subject at a time. Each violation comes with the binding and its paths, the rule,
and for forbid, exclusive and none rules (the first --fix-limit of each rule) the least-collateral revoke
plan that fixes it without adding a violation of the file (a dry run: nothing is sent anywhere).

Options:
${SOURCE_HELP}
  --rules FILE         The rule file (required).
  --format F           text (default), json, sarif (SARIF 2.1.0, for code-scanning UIs), junit (JUnit XML,
                       for CI test reports), ocsf (JSON lines of OCSF Compliance Findings, class 2003).
  --json               The same as --format json.
  --fail-on SEVERITY   Exit 1 when a violation is of this severity or above: ${SEVERITIES.join(', ')} (default high).
  --strict             A name, id or group in the file that matches nothing is an error (as strict: true).
  --at TIME            Judge exceptions' end dates as of this ISO-8601 time (default now).
  --fix-limit N        Plan fixes for the first N violations of each rule (default ${DEFAULT_FIX_LIMIT}; 0 for none). Each
                       plan is a revoke search and a what-if, so this bounds the cost; a violation past it
                       says "fix not planned" and the --fix-limit that would plan every one.
  --limit N            Violations shown per rule in text (default 20).
  --plan-out PLAN.json Also write every fix plan made (the first --fix-limit of each rule) as one plan file
                       (mode 0600) for jcgraph apply, once the steps together are checked on a copy to end
                       each of those violations and add none of the file's; otherwise nothing is written
                       and the exit is 1. Made on --sim, it can be read but not applied.

Exit codes: 0 no violation at or above --fail-on, 1 one is (or a failure), 2 usage error or a rule file
refused (FILE:LINE:COLUMN: why), 3 the snapshot is partial and a gap could hide a violation (said on stderr).
`;

function parseFormat(values: { format?: string; json?: boolean }): Format {
  if (values.json && values.format !== undefined && values.format !== 'json')
    throw new UsageError(`jcgraph check: --json and --format ${values.format} ask for two outputs; give one`);
  const format = values.json ? 'json' : (values.format ?? 'text');
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`jcgraph check: --format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  return format as Format;
}

function parseSeverity(value: string | undefined): Severity {
  const s = value ?? 'high';
  if (!(SEVERITIES as readonly string[]).includes(s))
    throw new UsageError(`jcgraph check: --fail-on must be one of ${SEVERITIES.join(', ')}, not "${s}"`);
  return s as Severity;
}

/** `--at TIME`: the time exceptions are judged at (now when absent). */
export function parseAt(command: string, value: string | undefined): number {
  if (value === undefined) return Date.now();
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t))
    throw new UsageError(`jcgraph ${command}: --at must be an ISO-8601 time, not "${value}"`);
  return t;
}

/** What a change does to a rule file's violations, in words: REFUSED with each violation it adds, or allowed. */
export function violationsVerdict(file: string, effect: ViolationChanges): string {
  const lines: string[] = [];
  if (effect.added.length > 0) {
    lines.push(`REFUSED by ${file}: the change adds ${plural(effect.added.length, 'violation')}:`);
    for (const v of effect.added) {
      lines.push(`  ${v.rule.severity.toUpperCase()} ${v.rule.id}: ${v.message}`);
      for (const p of v.paths.slice(0, 3)) lines.push(`    path: ${pathText(p, false)}`);
    }
  } else lines.push(`Allowed by ${file}: the change adds no violation.`);
  if (effect.resolved.length > 0) {
    lines.push(`It resolves ${plural(effect.resolved.length, 'violation')}:`);
    for (const v of effect.resolved.slice(0, 20)) lines.push(`  ${v.rule.id}: ${v.message}`);
    if (effect.resolved.length > 20) lines.push(`  … and ${effect.resolved.length - 20} more`);
  }
  return `${lines.map(safeText).join('\n')}\n`;
}

function fixCount(value: string | undefined): number {
  if (value === undefined) return DEFAULT_FIX_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`jcgraph check: --fix-limit must be a whole number of at least 0, not "${value}"`);
  return n;
}

function violationLines(v: Violation, report: CheckReport): string[] {
  const lines = [safeText(v.message)];
  for (const p of v.paths) lines.push(`  path: ${pathText(p)}`);
  if (v.sides)
    for (const side of ['left', 'right'] as const)
      for (const b of v.sides[side]) for (const p of b.paths) lines.push(`  ${side}: ${pathText(p, false)}`);
  const fix = report.fixes.get(v.key);
  if (fix?.plan) {
    const { plan } = fix;
    lines.push(
      `  fix (${plan.strategy}${plan.side ? `, ${plan.side} side` : ''}; ${plural(plan.collateral.length, 'other binding')} lost${
        plan.collateral.length > 0
          ? `: ${plan.collateral
              .slice(0, 3)
              .map((b) => `${ref(b.subject)} → ${ref(b.target)}`)
              .join(', ')}${plan.collateral.length > 3 ? ', …' : ''}`
          : ''
      }):`,
    );
    for (const s of plan.steps) lines.push(`    ${safeText(formatOperation(s.operation))}`);
  } else if (fix?.reason) lines.push(`  no fix: ${safeText(fix.reason)}`);
  const unplanned = unplannedNote(report, v);
  if (unplanned !== undefined) lines.push(`  fix ${unplanned}`);
  return lines;
}

/** The text of a check report. */
export function checkText(report: CheckReport, limit: number, failOn: Severity): string {
  let out = `Rules ${safeText(report.file)} on ${safeText(report.source)}: ${plural(report.rules.length, 'rule')}, ${plural(report.totals.subjects, 'subject')}, ${plural(report.totals.bindings, 'binding')} read; exceptions judged as of ${report.at}.\n`;
  for (const outcome of report.rules) {
    const { rule } = outcome;
    const vs = report.violations.filter((v) => v.rule.id === rule.id);
    const excused = outcome.excused > 0 ? `, ${outcome.excused} excused` : '';
    out += `\n${rule.severity.toUpperCase()} ${safeText(rule.id)}: ${safeText(rule.title)} (${rule.kind}): ${vs.length === 0 ? 'no violations' : plural(vs.length, 'violation')}${excused}\n`;
    const shown = vs.slice(0, limit).flatMap((v) => violationLines(v, report));
    out += capped(shown, shown.length, '  ', shown.length);
    if (vs.length > limit) out += `  … and ${vs.length - limit} more (--json for all)\n`;
  }
  if (report.excused.length > 0) {
    out += `\nExcused (${report.excused.length}):\n`;
    out += capped(
      report.excused.map(
        (e) =>
          `${safeText(e.violation.rule.id)}: ${[e.violation.subject, e.violation.resource].flatMap((x) => (x ? [ref(x)] : [])).join(' → ')} by exception ${e.exception.index + 1} (${safeText(e.exception.owner)}: ${safeText(e.exception.reason)}${e.exception.expires ? `, until ${e.exception.expires}` : ''})`,
      ),
      limit,
    );
  }
  const bad = failing(report.violations, failOn).length;
  out += `\n${plural(report.violations.length, 'violation')}, ${bad} at or above ${failOn}${report.unplanned > 0 ? `; ${report.unplanned} without a fix plan past --fix-limit ${report.fixLimit} (--fix-limit ${report.fixLimitForAll} plans every one)` : ''}.\n`;
  return out;
}

/** One violation as `--json` prints it: its fields, its fix plan (or null), and why it has none past --fix-limit. */
function violationEntry(report: CheckReport, v: Violation): Record<string, unknown> {
  const unplanned = unplannedNote(report, v);
  return { ...v, fix: report.fixes.get(v.key) ?? null, ...(unplanned !== undefined ? { fixNotPlanned: unplanned } : {}) };
}

/** The document `--json` prints, with `violations` as given (an array, or a streamed one). */
function checkDocumentWith(report: CheckReport, failOn: Severity, violations: unknown): Record<string, unknown> {
  return {
    file: report.file,
    source: report.source,
    at: report.at,
    failOn,
    totals: {
      ...report.totals,
      violations: report.violations.length,
      failing: failing(report.violations, failOn).length,
      excused: report.excused.length,
    },
    rules: report.rules,
    violations,
    excused: report.excused,
    fixLimit: report.fixLimit,
    unplanned: report.unplanned,
    ...(report.gaps.length > 0 ? { gaps: report.gaps.map((g) => ({ rule: g.rule.id, gaps: g.gaps.map((x) => x.endpoint) })) } : {}),
  };
}

/** The check report as the JSON document `--json` prints. */
export function checkDocument(report: CheckReport, failOn: Severity): Record<string, unknown> {
  return checkDocumentWith(
    report,
    failOn,
    report.violations.map((v) => violationEntry(report, v)),
  );
}

/**
 * Writes checkDocument's text one violation at a time: a violation's binding and paths are built when
 * written and let go of after (a million violations with their paths do not fit in memory together).
 */
export function writeCheckJson(sink: TextSink, report: CheckReport, failOn: Severity): void {
  function* entries(): Generator<Record<string, unknown>> {
    for (const v of report.violations) yield violationEntry(report, v);
  }
  writeJsonDocument(sink, checkDocumentWith(report, failOn, streamedArray(entries())));
}

/** Reads the rule file named by --rules (relative to the working directory). */
export async function rulesOption(command: string, value: string | undefined, io: CliIo, strict: boolean): Promise<RuleFile> {
  if (value === undefined) throw new UsageError(`jcgraph ${command}: give the rule file with --rules FILE (see jcgraph ${command} --help)`);
  const file = await readRuleFile(resolve(io.cwd, value), value);
  return strict ? { ...file, strict: true } : file;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'check access rules (a YAML rule file) against an organization: violations, paths, fix plans',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('check', argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`jcgraph check: unexpected argument "${positionals[0]}"`);
    const format = parseFormat(values);
    const failOn = parseSeverity(values['fail-on']);
    const now = parseAt('check', values.at);
    const fixLimit = fixCount(values['fix-limit']);
    const limit = parseLimit('check', values.limit);
    const planPath = planOutput(values['plan-out'], io);
    const file = await rulesOption('check', values.rules, io, values.strict === true);
    const source = await loadGraph('check', values, io);
    const { graph } = source;
    if (file.strict) checkNamesExist(graph, file);
    const report = checkReport(graph, file, {
      now,
      fixLimit,
      source: source.label,
      ...(source.coverage ? { coverage: source.coverage } : {}),
    });
    switch (format) {
      case 'text':
        io.stdout.write(checkText(report, limit, failOn));
        break;
      case 'json':
        writeCheckJson(io.stdout, report, failOn);
        break;
      case 'sarif':
        writeSarifLog(io.stdout, report, file, TOOL_VERSION);
        break;
      case 'junit':
        writeJunitXml(io.stdout, report);
        break;
      case 'ocsf':
        for (const v of report.violations) {
          const fix = report.fixes.get(v.key);
          const unplanned = unplannedNote(report, v);
          const finding = complianceFinding(v, {
            time: Date.parse(report.at),
            productVersion: TOOL_VERSION,
            ...(fix ? { fix } : {}),
            ...(unplanned !== undefined ? { unplanned } : {}),
          });
          io.stdout.write(`${JSON.stringify(finding)}\n`);
        }
        break;
    }
    let planFailed = false;
    if (planPath) {
      const made = fixPlanFile(graph, file, report, { snapshot: source.origin });
      if (made.plan) {
        const said = await writePlan(planPath, made.plan);
        (format === 'text' ? io.stdout : io.stderr).write(said);
      } else {
        io.stderr.write(`jcgraph check: --plan-out ${safeText(planPath.shown)}: ${safeText(made.refused)}; nothing was written.\n`);
        planFailed = !made.empty;
      }
    }
    if (planFailed || failing(report.violations, failOn).length > 0) return 1;
    if (isPartial(source)) {
      const lines = [partialLine('check', source)];
      if (report.gaps.length === 0) lines.push('  No rule is affected: no gap lies on the bindings any rule is about.');
      for (const g of report.gaps.slice(0, 5))
        lines.push(
          `  Rule ${g.rule.id} could be hiding violations: ${g.gaps
            .slice(0, 2)
            .map((x) => x.endpoint)
            .join('; ')}${g.gaps.length > 2 ? ` (and ${g.gaps.length - 2} more)` : ''} was not read.`,
        );
      if (report.gaps.length > 5) lines.push(`  … and ${report.gaps.length - 5} more rules.`);
      io.stderr.write(`${lines.map(safeText).join('\n')}\n`);
      if (report.gaps.length > 0) return 3;
    }
    return 0;
  },
};
