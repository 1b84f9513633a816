/**
 * A check as JUnit XML, the test report CI systems show: a test suite per rule, a failing test case per
 * violation (its message, paths and fix in the failure's text), and a passing case for a rule with none.
 * Excused violations are skipped cases, so a report shows what the exceptions are hiding.
 */
import { describePath } from '../analysis/revoke.ts';
import { formatOperation } from '../analysis/operations.ts';
import { formatReference } from '../analysis/resolve.ts';
import type { Violation } from './evaluate.ts';
import { unplannedNote, type CheckReport } from './report.ts';
import type { TextSink } from '../io/json-text.ts';

/** Text as XML 1.0 allows it: markup escaped, characters it cannot hold replaced. */
export function xmlText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- the characters XML 1.0 cannot hold at all
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

function caseName(v: Violation): string {
  if (v.exception) return `exception ${v.exception.index + 1} (${v.exception.owner})`;
  return [v.subject, v.resource]
    .filter((x) => x !== undefined)
    .map(formatReference)
    .join(' → ');
}

function details(v: Violation, report: CheckReport): string {
  const lines = [v.message, ...v.paths.map((p) => `path: ${describePath(p)}`)];
  if (v.sides)
    for (const side of ['left', 'right'] as const)
      for (const b of v.sides[side]) for (const p of b.paths) lines.push(`${side}: ${describePath(p)}`);
  const fix = report.fixes.get(v.key);
  if (fix?.plan) for (const s of fix.plan.steps) lines.push(`fix (${fix.plan.strategy}): ${formatOperation(s.operation)}`);
  if (fix?.reason) lines.push(`no fix: ${fix.reason}`);
  const unplanned = unplannedNote(report, v);
  if (unplanned !== undefined) lines.push(`fix ${unplanned}`);
  return lines.join('\n');
}

/** The JUnit XML of a check report. */
export function junitXml(report: CheckReport): string {
  return [...junitChunks(report)].join('');
}

/**
 * Writes junitXml's text one test case at a time: a violation's paths are built as it is written and
 * let go of after (the XML of a million violations is longer than the longest string V8 can build).
 */
export function writeJunitXml(sink: TextSink, report: CheckReport): void {
  for (const chunk of junitChunks(report)) sink.write(chunk);
}

/** junitXml's text in pieces: a suite's head, then each case. */
function* junitChunks(report: CheckReport): Generator<string> {
  const byRule = new Map<string, { violations: Violation[]; excused: { v: Violation; why: string }[] }>();
  for (const r of report.rules) byRule.set(r.rule.id, { violations: [], excused: [] });
  for (const v of report.violations) byRule.get(v.rule.id)?.violations.push(v);
  for (const e of report.excused)
    byRule.get(e.violation.rule.id)?.excused.push({
      v: e.violation,
      why: `excused by exception ${e.exception.index + 1} (${e.exception.owner}: ${e.exception.reason})`,
    });
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const { rule } of report.rules) {
    const { violations, excused } = byRule.get(rule.id)!;
    tests += Math.max(1, violations.length + excused.length);
    failures += violations.length;
    skipped += excused.length;
  }
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlText(`jcgraph check ${report.file}`)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">\n`;
  let first = true;
  for (const { rule } of report.rules) {
    const { violations, excused } = byRule.get(rule.id)!;
    const classname = xmlText(`jcgraph.rules.${rule.id}`);
    const n = Math.max(1, violations.length + excused.length);
    yield (
      `${first ? '' : '\n'}  <testsuite name="${xmlText(`${rule.id}: ${rule.title}`)}" tests="${n}" failures="${violations.length}" errors="0" skipped="${excused.length}" timestamp="${report.at}">\n` +
      `    <properties>\n      <property name="severity" value="${rule.severity}"/>\n      <property name="kind" value="${rule.kind}"/>\n${rule.tags.map((t) => `      <property name="tag" value="${xmlText(t)}"/>`).join('\n')}${rule.tags.length > 0 ? '\n' : ''}    </properties>\n`
    );
    first = false;
    let cases = 0;
    const sep = () => (cases++ === 0 ? '' : '\n');
    for (const v of violations)
      yield `${sep()}    <testcase classname="${classname}" name="${xmlText(caseName(v))}">\n      <failure type="${xmlText(v.finding)}" message="${xmlText(v.message)}">${xmlText(details(v, report))}</failure>\n    </testcase>`;
    for (const e of excused)
      yield `${sep()}    <testcase classname="${classname}" name="${xmlText(caseName(e.v))}">\n      <skipped message="${xmlText(e.why)}"/>\n    </testcase>`;
    if (cases === 0) yield `    <testcase classname="${classname}" name="no violations"/>`;
    yield '\n  </testsuite>';
  }
  yield '\n</testsuites>\n';
}
