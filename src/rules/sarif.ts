/**
 * A check as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format), for code-scanning
 * UIs: one run of the tool `jcgraph`, a reporting descriptor per rule of the file (its title, tags and
 * severity), a result per violation located at its rule in the rule file (the only text a violation of
 * the organization can point at), the subject and resource as logical locations, the paths and the fix
 * in the result's properties, and a fingerprint from the violation's key so a UI tracks it across runs.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../model/index.ts';
import { describePath } from '../analysis/revoke.ts';
import { formatOperation } from '../analysis/operations.ts';
import type { Violation } from './evaluate.ts';
import { unplannedNote, type CheckReport } from './report.ts';
import type { RuleFile, Severity } from './types.ts';
import { streamedArray, writeJsonDocument, type TextSink } from '../io/json-text.ts';

/** SARIF's levels by severity. */
const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** The `security-severity` code-scanning UIs sort by (0–10), by severity. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** A stable fingerprint of a violation (its key, hashed). */
export function violationFingerprint(v: Violation): string {
  return createHash('sha256').update(v.key).digest('hex');
}

function logical(ref: { type: string; id: string; name: string }, role: string): JsonObject {
  return { name: ref.name, fullyQualifiedName: `${ref.type}:${ref.id}`, kind: ref.type, properties: { role } };
}

/** The SARIF 2.1.0 log of a check report. */
export function sarifLog(report: CheckReport, file: RuleFile, toolVersion: string): JsonObject {
  const result = sarifResults(report, file);
  return sarifLogWith(report, file, toolVersion, report.violations.map(result));
}

/**
 * Writes sarifLog's text one result at a time: a violation's paths are built as it is written and let
 * go of after (the log of a million violations does not fit in memory whole).
 */
export function writeSarifLog(sink: TextSink, report: CheckReport, file: RuleFile, toolVersion: string): void {
  const result = sarifResults(report, file);
  function* results(): Generator<JsonObject> {
    for (const v of report.violations) yield result(v);
  }
  writeJsonDocument(sink, sarifLogWith(report, file, toolVersion, streamedArray(results())));
}

/** The SARIF result of each violation of a report. */
function sarifResults(report: CheckReport, file: RuleFile): (v: Violation) => JsonObject {
  const index = new Map(file.rules.map((r, i) => [r.id, i]));
  return (v) => {
    const rule = file.rules[index.get(v.rule.id)!]!;
    const fix = report.fixes.get(v.key);
    const unplanned = unplannedNote(report, v);
    const properties: JsonObject = {
      finding: v.finding,
      severity: v.rule.severity,
      paths: v.paths.map(describePath),
      ...(v.sides
        ? {
            left: v.sides.left.map((b) => b.paths.map(describePath)).flat(),
            right: v.sides.right.map((b) => b.paths.map(describePath)).flat(),
          }
        : {}),
      ...(v.exception ? { exception: { ...v.exception } } : {}),
      ...(fix?.plan
        ? {
            fix: {
              strategy: fix.plan.strategy,
              requests: fix.plan.steps.map((s) => formatOperation(s.operation)),
              collateral: fix.plan.collateral.length,
            },
          }
        : {}),
      ...(fix?.reason ? { noFix: fix.reason } : {}),
      ...(unplanned !== undefined ? { fixNotPlanned: unplanned } : {}),
    };
    return {
      ruleId: v.rule.id,
      ruleIndex: index.get(v.rule.id)!,
      level: LEVEL[v.rule.severity],
      message: { text: v.message },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: file.file }, region: { startLine: rule.at.line, startColumn: rule.at.column } },
          logicalLocations: [
            ...(v.subject ? [logical(v.subject, 'subject')] : []),
            ...(v.resource ? [logical(v.resource, 'resource')] : []),
          ],
        },
      ],
      partialFingerprints: { 'jcgraphViolation/v1': violationFingerprint(v) },
      properties,
    };
  };
}

/** The log around its results (an array, or a streamed one). */
function sarifLogWith(report: CheckReport, file: RuleFile, toolVersion: string, results: unknown): JsonObject {
  const rules = file.rules.map((r) => ({
    id: r.id,
    name: r.id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description ?? `${r.title} (a ${r.kind} rule).` },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { tags: [...r.tags], kind: r.kind, severity: r.severity, 'security-severity': SECURITY_SEVERITY[r.severity] },
  }));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'jcgraph', version: toolVersion, rules } },
        artifacts: [{ location: { uri: file.file } }],
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: report.at,
            properties: { source: report.source, fixLimit: report.fixLimit, unplanned: report.unplanned },
          },
        ],
        // A streamed array is written as the array it yields (json-text); JsonObject cannot say so.
        results: results as JsonObject[],
      },
    ],
  };
}
