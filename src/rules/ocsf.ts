/**
 * Findings as OCSF events (Open Cybersecurity Schema Framework, version 1.2.0), one JSON object per line,
 * for a SIEM: a violation of a rule is a Compliance Finding (class 2003); a change the watch loop notices
 * is a Detection Finding (class 2004). Each carries what its class requires (activity, category, class,
 * type, time, severity, metadata with the product, finding_info with uid and title; compliance for 2003)
 * and jcgraph's own detail (subject, resource, paths, fix) under `unmapped`.
 */
import type { JsonObject, JsonValue } from '../model/index.ts';
import { describePath } from '../analysis/revoke.ts';
import { formatOperation } from '../analysis/operations.ts';
import type { NamedRef } from '../analysis/bindings.ts';
import type { Violation } from './evaluate.ts';
import type { Fix } from './fix.ts';
import { violationFingerprint } from './sarif.ts';
import type { Severity } from './types.ts';

export const OCSF_VERSION = '1.2.0';
export const COMPLIANCE_FINDING = 2003;
export const DETECTION_FINDING = 2004;

/** OCSF's severity_id by severity. */
const SEVERITY_ID: Readonly<Record<Severity, number>> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_NAME: Readonly<Record<Severity, string>> = {
  info: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};
const CLASS_NAME: Readonly<Record<number, string>> = {
  [COMPLIANCE_FINDING]: 'Compliance Finding',
  [DETECTION_FINDING]: 'Detection Finding',
};
/** activity_id: 1 Create (a finding is new), 3 Close (resolved). */
const ACTIVITY: Readonly<Record<'create' | 'close', { id: number; name: string }>> = {
  create: { id: 1, name: 'Create' },
  close: { id: 3, name: 'Close' },
};

/** A resource as OCSF's resource_details. */
export function ocsfResource(ref: NamedRef, role: string): JsonObject {
  return { uid: ref.id, name: ref.name, type: ref.type, role };
}

/** The fields every finding of a class carries. */
export function ocsfFinding(options: {
  readonly classUid: number;
  readonly activity: 'create' | 'close';
  readonly time: number;
  readonly severity: Severity;
  readonly uid: string;
  readonly title: string;
  readonly message: string;
  readonly types: readonly string[];
  readonly productVersion: string;
  readonly resources: readonly JsonObject[];
  readonly unmapped: JsonObject;
}): JsonObject {
  const activity = ACTIVITY[options.activity];
  const className = CLASS_NAME[options.classUid]!;
  return {
    activity_id: activity.id,
    activity_name: activity.name,
    category_uid: 2,
    category_name: 'Findings',
    class_uid: options.classUid,
    class_name: className,
    type_uid: options.classUid * 100 + activity.id,
    type_name: `${className}: ${activity.name}`,
    time: options.time,
    severity_id: SEVERITY_ID[options.severity],
    severity: SEVERITY_NAME[options.severity],
    status_id: options.activity === 'close' ? 4 : 1,
    status: options.activity === 'close' ? 'Resolved' : 'New',
    message: options.message,
    metadata: { version: OCSF_VERSION, product: { name: 'jcgraph', vendor_name: 'jcgraph', version: options.productVersion } },
    finding_info: { uid: options.uid, title: options.title, desc: options.message, types: [...options.types], created_time: options.time },
    resources: [...options.resources],
    unmapped: options.unmapped,
  };
}

/** The standards a rule's tags name (`soc2:CC6.3` → `soc2`); jcgraph's own when none does. */
function standards(tags: readonly string[]): string[] {
  const named = [...new Set(tags.filter((t) => t.includes(':')).map((t) => t.slice(0, t.indexOf(':'))))];
  return named.length > 0 ? named : ['jcgraph access rules'];
}

/** A violation's detail, as the outputs carry it (`unplanned`: why a fixable violation has no plan: unplannedNote). */
export function violationDetail(v: Violation, fix: Fix | undefined, unplanned?: string): JsonObject {
  const detail: Record<string, JsonValue> = {
    rule: { id: v.rule.id, kind: v.rule.kind, tags: [...v.rule.tags] },
    finding: v.finding,
    key: v.key,
    paths: v.paths.map(describePath),
  };
  if (v.subject) detail['subject'] = { ...v.subject };
  if (v.resource) detail['resource'] = { ...v.resource };
  if (v.sides)
    detail['sides'] = {
      left: v.sides.left.flatMap((b) => b.paths.map(describePath)),
      right: v.sides.right.flatMap((b) => b.paths.map(describePath)),
    };
  if (v.exception) detail['exception'] = { ...v.exception };
  if (fix?.plan)
    detail['fix'] = {
      strategy: fix.plan.strategy,
      requests: fix.plan.steps.map((s) => formatOperation(s.operation)),
      collateral: fix.plan.collateral.length,
    };
  if (fix?.reason) detail['noFix'] = fix.reason;
  if (unplanned !== undefined) detail['fixNotPlanned'] = unplanned;
  return detail;
}

/** A violation as an OCSF Compliance Finding (`close`: it was resolved). */
export function complianceFinding(
  v: Violation,
  options: { time: number; productVersion: string; fix?: Fix; unplanned?: string; activity?: 'create' | 'close' },
): JsonObject {
  const base = ocsfFinding({
    classUid: COMPLIANCE_FINDING,
    activity: options.activity ?? 'create',
    time: options.time,
    severity: v.rule.severity,
    uid: violationFingerprint(v),
    title: v.rule.title,
    message: v.message,
    types: [v.finding],
    productVersion: options.productVersion,
    resources: [...(v.subject ? [ocsfResource(v.subject, 'subject')] : []), ...(v.resource ? [ocsfResource(v.resource, 'resource')] : [])],
    unmapped: violationDetail(v, options.fix, options.unplanned),
  });
  const closed = options.activity === 'close';
  return {
    ...base,
    compliance: {
      standards: standards(v.rule.tags),
      control: v.rule.id,
      requirements: [...v.rule.tags],
      status_id: closed ? 1 : 3,
      status: closed ? 'Pass' : 'Fail',
      desc: v.rule.title,
    },
  };
}
