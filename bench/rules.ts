/**
 * The rules phase of the bench: what `jcgraph check` costs against `jcgraph findings`, the other whole-
 * tenant pass. A file of 20 rules (every kind, with member_of, record fields, name globs, sudo, direct,
 * exceptions) over the preset's own names, checked the way the command checks it (the check streamed
 * over the inventory, then fix plans for the first DEFAULT_FIX_LIMIT violations of each rule), against
 * findings on the same graph.
 *
 * The rules are ones an organization writes (narrow: sudo on servers, encryption policies, staged users'
 * applications), so that most bindings break none, as in a real tenant. A check names every violation
 * with its paths, so its cost grows with the violations beyond the streaming that findings does too: an
 * earlier file of broad rules (every direct policy binding, every binding of a staged or locked user)
 * had 207,111 violations on large and cost about twice findings without any fix plan.
 *
 *   node --import tsx bench/phases.ts rules '{"preset":"xl","seed":1}'
 *
 * Figures: checkSeconds, findingsSeconds and checkVsFindings (target ≤ 1.5 on xl).
 */
import { findings } from '../src/analysis/findings/index.ts';
import { AccessGraph } from '../src/graph/index.ts';
import { checkReport, parseRuleFile } from '../src/rules/index.ts';
import { generateTenant, type PresetName } from '../src/simulator/index.ts';
import { peakRssMiB, timed } from './harness.ts';

export interface RulesBenchOptions {
  readonly preset: PresetName;
  readonly seed: number;
}

export interface RulesBenchFigures {
  readonly rules: number;
  readonly bindings: number;
  readonly violations: number;
  readonly fixesPlanned: number;
  /** Fixable violations past the per-rule limit (said in every output). */
  readonly fixesNotPlanned: number;
  readonly checkSeconds: number;
  /** The check alone, without the fix plans. */
  readonly checkOnlySeconds: number;
  readonly findingsSeconds: number;
  /** check (with its fix plans) ÷ findings (target ≤ 1.5 on xl). */
  readonly checkVsFindings: number;
  readonly peakRssMiB: number;
}

/** 20 rules over names every preset has (the generator's groups, departments, systems, applications, policies). */
export const BENCH_RULES = `version: 1
rules:
  - { id: r01, title: Contractors off Linux, kind: forbid, subjects: { member_of: user_group:Contractors }, resources: { type: system, os: Ubuntu } }
  - { id: r02, title: No contractor sudo on servers, kind: forbid, subjects: { name: "*" , type: user, employeeType: contractor }, resources: { type: system, name: "LNX-*" }, sudo: true }
  - { id: r03, title: No direct system bindings, severity: low, kind: forbid, subjects: { type: user }, resources: { type: system }, direct: true }
  - { id: r04, title: Sales off servers, kind: forbid, subjects: { department: Sales }, resources: { type: system, name: "LNX-*" } }
  - { id: r05, title: Marketing off AWS, kind: forbid, subjects: { department: Marketing }, resources: { type: application, name: awsconsole } }
  - { id: r06, title: Workday or Salesforce, severity: critical, kind: exclusive, left: { type: application, name: workday }, right: { type: application, name: salesforce } }
  - { id: r07, title: GitHub or DocuSign, kind: exclusive, left: { name: github }, right: { name: docusign } }
  - { id: r08, title: Datadog or PagerDuty apart, severity: medium, kind: exclusive, subjects: { type: user, department: Engineering }, left: { name: datadog }, right: { name: pagerduty } }
  - { id: r09, title: Sudo through IT Admins, kind: only_through, resources: { type: system, os: Ubuntu }, sudo: true, through: { type: user_group, name: IT Admins } }
  - { id: r10, title: Macs through groups, severity: low, kind: only_through, subjects: { type: user }, resources: { type: system, os: Mac OS X }, through: { type: [user_group, system_group] } }
  - { id: r11, title: Encryption through policy groups, severity: low, kind: only_through, subjects: { type: system, os: Windows }, resources: { type: policy, name: "BitLocker*" }, through: { type: policy_group } }
  - { id: r12, title: Macs locked, severity: medium, kind: require, subjects: { type: system, os: Mac OS X }, resources: { type: policy, name: "Lock Screen 2" } }
  - { id: r13, title: Windows encrypted, severity: medium, kind: require, subjects: { type: system, os: Windows }, resources: { type: policy, name: "BitLocker Full Disk Encryption 4" } }
  - { id: r14, title: Engineers on GitHub, severity: low, kind: require, subjects: { type: user, department: Engineering, state: ACTIVATED }, resources: { type: application, name: github } }
  - { id: r15, title: Suspended users, kind: none, subjects: { type: user, state: SUSPENDED } }
  - { id: r16, title: Staged users use no application yet, severity: medium, kind: none, subjects: { type: user, state: STAGED }, resources: { type: application } }
  - { id: r17, title: Locked users log in nowhere, kind: none, subjects: { type: user, account_locked: true }, resources: { type: system } }
  - { id: r18, title: Inactive systems, severity: low, kind: none, subjects: { type: system, active: false }, resources: { type: command } }
  - id: r19
    title: Contractors off Engineering groups' devices
    kind: forbid
    subjects: { all: [{ member_of: user_group:Contractors }, { not: { department: Engineering } }] }
    resources: { any: [{ type: system, name: "WIN-*" }, { type: system_group, name: "*Servers*" }] }
    exceptions:
      - { subjects: { department: Sales }, owner: sec, reason: bench, expires: 2099-01-01 }
  - { id: r20, title: No policy groups for Linux, severity: info, kind: forbid, subjects: { type: system, os: Ubuntu }, resources: { type: policy_group } }
`;

export function runRulesBench(options: RulesBenchOptions): RulesBenchFigures {
  const g = AccessGraph.fromTenant(generateTenant({ preset: options.preset, seed: options.seed }));
  const file = parseRuleFile(BENCH_RULES, 'bench-rules.yaml');
  const now = Date.parse('2026-01-01T00:00:00Z');
  // Each result is let go of before the next pass (only its figures are kept): on xl a check report holds
  // about a million violations, and two of them with findings' result do not fit the phase's heap.
  const f = timed(() => findings(g).totals.bindings);
  const only = timed(() => checkReport(g, file, { now, fixLimit: 0 }).violations.length);
  const full = timed(() => {
    const report = checkReport(g, file, { now });
    return { violations: report.violations.length, fixesPlanned: report.fixes.size, fixesNotPlanned: report.unplanned };
  });
  return {
    rules: file.rules.length,
    bindings: f.value,
    ...full.value,
    checkSeconds: full.ms / 1000,
    checkOnlySeconds: only.ms / 1000,
    findingsSeconds: f.ms / 1000,
    checkVsFindings: full.ms / f.ms,
    peakRssMiB: peakRssMiB(),
  };
}
