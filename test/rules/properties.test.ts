/**
 * Properties of check over random tenants (test/helpers/random-tenant.ts) and random rule files (every
 * kind, nested selectors, exceptions with end dates around a fixed clock), each compared with a brute
 * force written here from the rules' words, over every binding of every subject:
 * - check finds exactly the violations and excused violations the brute force finds;
 * - a report's lazy violations give every output (JSON, text, SARIF, JUnit, OCSF; JSON, SARIF and JUnit
 *   also written one violation at a time) the text eager ones give;
 * - every fix plan, applied to a copy, ends its violation and adds none of the file's;
 * - what a change does to the violations, checked again only where it can touch, equals a comparison of
 *   two whole checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AccessGraph, type GraphNode } from '../../src/graph/index.ts';
import { BINDING_TARGETS, subjectBindings, type Binding } from '../../src/analysis/bindings.ts';
import { WhatIfSession } from '../../src/analysis/whatif.ts';
import {
  check,
  checkReport,
  complianceFinding,
  fixable,
  junitXml,
  newViolations,
  parseRuleFile,
  planFix,
  ruleScope,
  sarifLog,
  writeJunitXml,
  writeSarifLog,
  type CheckReport,
  type RuleFile,
} from '../../src/rules/index.ts';
import { checkDocument, checkText, writeCheckJson } from '../../src/cli/commands/check.ts';
import { writeJsonDocument } from '../../src/io/json-text.ts';
import { rulesRemovalsCanBreak } from '../../src/rules/fix.ts';
import { bindingKey } from '../../src/analysis/bindings.ts';
import type { TenantData } from '../../src/model/index.ts';
import { randomTenant, tenantWithChanges } from '../helpers/random-tenant.ts';

/** The fixed clock every property judges exceptions at. */
const NOW = Date.parse('2026-03-01T00:00:00Z');
const DATES = ['2026-01-31', '2026-02-28', '2026-03-01', '2027-01-01'];

type Sel = Record<string, unknown>;

const leafArb: fc.Arbitrary<Sel> = fc.oneof(
  fc
    .constantFrom('user', 'system', 'user_group', 'system_group', 'application', 'policy', 'policy_group', 'command')
    .map((type) => ({ type })),
  fc.constantFrom('u*', '*0', 'ug?', 'sys*', '*', 'app0', 'pol*', 'U1').map((name) => ({ name })),
  fc.constantFrom('user_group:ug0', 'user_group:UG1', 'system_group:sys0', 'policy_group:pol0').map((g) => ({ member_of: g })),
  fc.constantFrom('A', 'B').map((department) => ({ department })),
  fc.constant({ state: 'SUSPENDED' }),
  fc.constantFrom('user-u0', 'system-sys1', 'application-app0').map((id) => ({ id })),
);

const selectorArb: fc.Arbitrary<Sel> = fc.letrec<{ sel: Sel }>((tie) => ({
  sel: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    leafArb,
    fc.tuple(tie('sel'), tie('sel')).map(([a, b]) => ({ all: [a, b] })),
    fc.tuple(tie('sel'), tie('sel')).map(([a, b]) => ({ any: [a, b] })),
    tie('sel').map((s) => ({ not: s })),
  ),
})).sel;

const exceptionArb = fc
  .record({
    subjects: fc.option(selectorArb, { nil: undefined }),
    resources: fc.option(selectorArb, { nil: undefined }),
    expires: fc.option(fc.constantFrom(...DATES), { nil: undefined }),
  })
  .map((e) => ({
    ...(e.subjects || !e.resources ? { subjects: e.subjects ?? { type: 'user' } } : {}),
    ...(e.resources ? { resources: e.resources } : {}),
    owner: 'owner',
    reason: 'reason',
    ...(e.expires ? { expires: e.expires } : {}),
  }));

const ruleArb = fc.oneof(
  fc.record({ kind: fc.constant('forbid'), subjects: selectorArb, resources: selectorArb, sudo: fc.boolean(), direct: fc.boolean() }),
  fc.record(
    { kind: fc.constant('exclusive'), subjects: fc.option(selectorArb, { nil: undefined }), left: selectorArb, right: selectorArb },
    { requiredKeys: ['kind', 'left', 'right'] },
  ),
  fc.record(
    {
      kind: fc.constant('only_through'),
      subjects: fc.option(selectorArb, { nil: undefined }),
      resources: selectorArb,
      through: selectorArb,
    },
    { requiredKeys: ['kind', 'resources', 'through'] },
  ),
  fc.record({ kind: fc.constant('require'), subjects: selectorArb, resources: selectorArb }),
  fc.record(
    { kind: fc.constant('none'), subjects: selectorArb, resources: fc.option(selectorArb, { nil: undefined }) },
    { requiredKeys: ['kind', 'subjects'] },
  ),
);

/** A random rule file, written as YAML and read back as a user's would be (with the data it was written from). */
const ruleFileArb: fc.Arbitrary<{ file: RuleFile; raw: any }> = fc
  .array(fc.tuple(ruleArb, fc.array(exceptionArb, { maxLength: 2 }), fc.constantFrom('low', 'high')), { minLength: 1, maxLength: 4 })
  .map((rules) => {
    const doc = {
      version: 1,
      rules: rules.map(([r, exceptions, severity], i) => ({
        id: `r${i}`,
        title: `rule ${i}`,
        severity,
        ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)),
        ...(exceptions.length > 0 ? { exceptions } : {}),
      })),
    };
    return { file: parseRuleFile(stringify(doc, { aliasDuplicateObjects: false }), 'random.yaml'), raw: doc };
  });

/** Random records for the users (department, state), so record selectors have something to pick. */
function withRecords(tenant: TenantData, picks: readonly number[]): TenantData {
  let k = 0;
  return {
    ...tenant,
    objects: tenant.objects.map((o) => {
      if (o.type !== 'user') return o;
      const p = picks[k++ % picks.length] ?? 0;
      return { ...o, record: { ...o.record, department: p % 2 === 0 ? 'A' : 'B', state: p % 3 === 0 ? 'SUSPENDED' : 'ACTIVATED' } };
    }),
  };
}

// ---- the brute force: the rules' words over every binding, with nothing shared with src/rules ----

function wildcard(glob: string, text: string): boolean {
  const g = glob.toLowerCase();
  const t = text.toLowerCase();
  const at = (i: number, j: number): boolean => {
    if (i === g.length) return j === t.length;
    if (g[i] === '*') return at(i + 1, j) || (j < t.length && at(i, j + 1));
    return j < t.length && (g[i] === '?' || g[i] === t[j]) && at(i + 1, j + 1);
  };
  return at(0, 0);
}

function picks(g: AccessGraph, sel: Sel, o: GraphNode): boolean {
  return Object.entries(sel).every(([key, value]) => {
    const values = Array.isArray(value) ? value : [value];
    switch (key) {
      case 'all':
        return (value as Sel[]).every((s) => picks(g, s, o));
      case 'any':
        return (value as Sel[]).some((s) => picks(g, s, o));
      case 'not':
        return !picks(g, value as Sel, o);
      case 'type':
        return values.includes(o.type);
      case 'id':
        return values.includes(o.id);
      case 'name':
        return values.some((v) => wildcard(v as string, o.name));
      case 'member_of':
        return values.some((v) => {
          const [type, name] = (v as string).split(':') as [string, string];
          return g
            .edgesOf(o.id)
            .some(
              (e) =>
                e.kind === 'membership' &&
                e.to.id === o.id &&
                e.from.type === type &&
                (g.object(e.from.id).name.toLowerCase() === name.toLowerCase() || e.from.id === name),
            );
        });
      default:
        return values.some((v) => (o.record[key] ?? null) === v);
    }
  });
}

interface Expected {
  readonly violations: Set<string>;
  readonly excused: Set<string>;
}

function endOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d + 1);
}

function bruteForce(g: AccessGraph, file: RuleFile, now: number, asYaml: any): Expected {
  const violations = new Set<string>();
  const excused = new Set<string>();
  const everyObject = [...g.objects()];
  for (const [i, rule] of file.rules.entries()) {
    const raw = asYaml.rules[i];
    const live = (raw.exceptions ?? []).filter((e: any) => !e.expires || endOf(e.expires) > now);
    (raw.exceptions ?? []).forEach((e: any, k: number) => {
      if (e.expires && endOf(e.expires) <= now) violations.add(`${rule.id}|exception:${k}`);
    });
    const excuse = (s: GraphNode, t: GraphNode | undefined) =>
      live.some((e: any) => (!e.subjects || picks(g, e.subjects, s)) && (!e.resources || (t !== undefined && picks(g, e.resources, t))));
    const put = (key: string, s: GraphNode, t: GraphNode | undefined) => (excuse(s, t) ? excused : violations).add(key);
    for (const s of everyObject) {
      if (!(s.type in BINDING_TARGETS)) continue;
      if (raw.subjects && !picks(g, raw.subjects, s)) continue;
      const bindings: Binding[] = subjectBindings(g, s.id);
      const target = (b: Binding) => g.object(b.target.id);
      switch (raw.kind) {
        case 'forbid':
        case 'none':
          for (const b of bindings) {
            if (raw.resources && !picks(g, raw.resources, target(b))) continue;
            if (raw.direct && !b.paths.some((p) => p.edges.length === 1)) continue;
            if (raw.sudo && (b.compiledAttributes?.['sudo'] as any)?.enabled !== true) continue;
            put(`${rule.id}|${s.id}|${b.target.id}`, s, target(b));
          }
          break;
        case 'only_through':
          for (const b of bindings) {
            if (!picks(g, raw.resources, target(b))) continue;
            const outside = b.paths.filter((p) => !p.objects.slice(1, -1).some((o) => picks(g, raw.through, g.object(o.id))));
            if (outside.length > 0) put(`${rule.id}|${s.id}|${b.target.id}`, s, target(b));
          }
          break;
        case 'require': {
          const reached = new Set(bindings.map((b) => b.target.id));
          for (const o of everyObject) {
            if (o.id === s.id || !(BINDING_TARGETS[s.type] ?? []).includes(o.type) || !picks(g, raw.resources, o)) continue;
            if (!reached.has(o.id)) put(`${rule.id}|${s.id}|${o.id}`, s, o);
          }
          break;
        }
        case 'exclusive': {
          const side = (sel: Sel, counting: boolean) =>
            bindings.filter((b) => picks(g, sel, target(b)) && (counting || !excuse(s, target(b))));
          if (side(raw.left, false).length > 0 && side(raw.right, false).length > 0) violations.add(`${rule.id}|${s.id}`);
          else if (side(raw.left, true).length > 0 && side(raw.right, true).length > 0) excused.add(`${rule.id}|${s.id}`);
          break;
        }
      }
    }
  }
  return { violations, excused };
}

// Each property runs 80 to 150 random cases (4 to 6 s alone, longer on a loaded machine): an explicit
// bound, well above that and independent of the project's default, so load never fails them by time.
describe('check: properties', { timeout: 180_000 }, () => {
  it('finds exactly the violations and excused violations a brute force over every binding finds', () => {
    const seen = { violations: 0, excused: 0, expired: 0 };
    fc.assert(
      fc.property(randomTenant(), fc.array(fc.nat(5), { minLength: 3, maxLength: 3 }), ruleFileArb, ({ tenant }, p, { file, raw }) => {
        const g = AccessGraph.fromTenant(withRecords(tenant, p));
        const expected = bruteForce(g, file, NOW, raw);
        const r = check(g, file, { now: NOW });
        expect(new Set(r.violations.map((v) => v.key))).toEqual(expected.violations);
        expect(new Set(r.excused.map((e) => e.violation.key))).toEqual(expected.excused);
        seen.violations += r.violations.length;
        seen.excused += r.excused.length;
        seen.expired += r.violations.filter((v) => v.finding === 'expired-exception').length;
      }),
      { numRuns: 150 },
    );
    // Not vacuous: the random files find violations, excuse some, and let some exceptions lapse.
    expect(seen.violations).toBeGreaterThan(100);
    expect(seen.excused).toBeGreaterThan(10);
    expect(seen.expired).toBeGreaterThan(10);
  });

  it("a report's lazy violations (paths built when read) give every output the text eager violations give", () => {
    // checkReport keeps each violation's binding, paths and sides as a reference into the graph; the
    // reference here is the check that builds them all as it finds them, in the same report otherwise.
    let compared = 0;
    fc.assert(
      fc.property(randomTenant(), fc.array(fc.nat(5), { minLength: 3, maxLength: 3 }), ruleFileArb, ({ tenant }, p, { file }) => {
        const g = AccessGraph.fromTenant(withRecords(tenant, p));
        const report = checkReport(g, file, { now: NOW });
        const eager = check(g, file, { now: NOW });
        const reference: CheckReport = { ...report, violations: eager.violations, excused: eager.excused };
        const written = (write: (sink: { write(chunk: string): void }) => void): string => {
          let text = '';
          write({ write: (chunk) => void (text += chunk) });
          return text;
        };
        // --json, --format sarif and junit write the report's violations one at a time; the reference, whole documents.
        expect(written((sink) => writeCheckJson(sink, report, 'low'))).toBe(
          written((sink) => writeJsonDocument(sink, checkDocument(reference, 'low'))),
        );
        expect(written((sink) => writeSarifLog(sink, report, file, '0.0.0'))).toBe(
          written((sink) => writeJsonDocument(sink, sarifLog(reference, file, '0.0.0'))),
        );
        expect(written((sink) => writeJunitXml(sink, report))).toBe(junitXml(reference));
        const outputs = (r: CheckReport) => [
          JSON.stringify(checkDocument(r, 'low')),
          checkText(r, 1000, 'low'),
          JSON.stringify(sarifLog(r, file, '0.0.0')),
          junitXml(r),
          ...r.violations.map((v) => JSON.stringify(complianceFinding(v, { time: NOW, productVersion: '0.0.0' }))),
        ];
        expect(outputs(report)).toEqual(outputs(reference));
        compared += report.violations.filter((v) => v.paths.length > 0 || v.sides).length;
      }),
      { numRuns: 100 },
    );
    // Not vacuous: violations with paths or sides were compared (81 to 136 of them in the runs seen).
    expect(compared).toBeGreaterThan(20);
  });

  it('every fix plan, applied to a copy, ends its violation and adds none of the file', () => {
    let planned = 0;
    fc.assert(
      fc.property(randomTenant(), fc.array(fc.nat(5), { minLength: 3, maxLength: 3 }), ruleFileArb, ({ tenant }, p, { file }) => {
        const g = AccessGraph.fromTenant(withRecords(tenant, p));
        const report = checkReport(g, file, { now: NOW, fixLimit: 1000 });
        const before = new Set(report.violations.map((v) => v.key));
        for (const [key, fix] of report.fixes) {
          if (!fix.plan) continue;
          planned++;
          const copy = g.clone();
          for (const s of fix.plan.steps) copy.removeEdge(s.edge);
          const after = new Set(check(copy, file, { now: NOW }).violations.map((v) => v.key));
          expect(after.has(key), `${key} still there after its fix`).toBe(false);
          expect(
            [...after].filter((k) => !before.has(k)),
            `${key}: its fix adds violations`,
          ).toEqual([]);
        }
      }),
      { numRuns: 80 },
    );
    expect(planned).toBeGreaterThan(20);
  });

  it("the fix plans of a check, sharing their work, are the plans each violation's planFix makes alone", () => {
    // Not vacuous: violations whose plans are the same removals (the shared work is read again). Every
    // rule comes twice (a second id), so each violation has a twin with the same binding and plan.
    let repeated = 0;
    fc.assert(
      fc.property(randomTenant(), fc.array(fc.nat(5), { minLength: 3, maxLength: 3 }), ruleFileArb, ({ tenant }, p, { file: once }) => {
        const file: RuleFile = { ...once, rules: [...once.rules, ...once.rules.map((r) => ({ ...r, id: `${r.id}-again` }))] };
        const g = AccessGraph.fromTenant(withRecords(tenant, p));
        const report = checkReport(g, file, { now: NOW, fixLimit: 1000 });
        const atFault = new Set(
          report.violations.flatMap((v) => (v.binding ? [bindingKey(v.binding.subject.id, v.binding.target.id)] : [])),
        );
        const seen = new Set<string>();
        for (const v of report.violations.filter(fixable)) {
          const alone = planFix(g, file, v, { now: NOW, atFault, checked: report });
          expect(report.fixes.get(v.key), v.key).toEqual(alone);
          const steps = alone.plan?.steps.map((s) => s.edgeKey).join(' ');
          if (steps !== undefined && seen.has(steps)) repeated++;
          if (steps !== undefined) seen.add(steps);
        }
      }),
      { numRuns: 80 },
    );
    expect(repeated).toBeGreaterThan(20);
  });

  it('removing edges adds no violation of a rule removals cannot break (what fix plans leave out)', () => {
    // Not vacuous: the rules left out have violations after the removals (each one there before), and
    // the rules kept do gain some (check.test.ts shows by hand why each reason to keep a rule is needed).
    const seen = { leftOut: 0, gained: 0 };
    fc.assert(
      fc.property(
        randomTenant().chain((rt) =>
          fc.record({
            rt: fc.constant(rt),
            removed: fc.subarray(
              rt.tenant.edges.map((_, i) => i),
              { minLength: Math.min(1, rt.tenant.edges.length), maxLength: Math.min(4, rt.tenant.edges.length) },
            ),
          }),
        ),
        fc.array(fc.nat(5), { minLength: 3, maxLength: 3 }),
        ruleFileArb,
        ({ rt, removed }, p, { file }) => {
          const g = AccessGraph.fromTenant(withRecords(rt.tenant, p));
          const copy = g.clone();
          for (const i of removed) copy.removeEdge(rt.tenant.edges[i]!);
          const breakable = rulesRemovalsCanBreak(file);
          const kept = new Set(breakable.rules.map((r) => r.id));
          const keys = (x: AccessGraph, rules: RuleFile['rules']) =>
            new Set(check(x, { ...file, rules }, { now: NOW }).violations.map((v) => v.key));
          const leftOut = file.rules.filter((r) => !kept.has(r.id));
          const before = keys(g, leftOut);
          for (const key of keys(copy, leftOut)) {
            expect(before.has(key), `${key} appears once edges are removed`).toBe(true);
            seen.leftOut++;
          }
          const added = newViolations(g, copy, file, { now: NOW }).added;
          expect(newViolations(g, copy, breakable, { now: NOW }).added).toEqual(added);
          seen.gained += added.length;
        },
      ),
      { numRuns: 300 },
    );
    expect(seen.leftOut).toBeGreaterThan(50);
    expect(seen.gained).toBeGreaterThan(0);
  });

  it('what a change does to the violations, checked where it can touch, equals comparing two whole checks', () => {
    // Not vacuous: some changes move a resource in or out of the selection of a file with a require rule,
    // which the scoped comparison checks from the subjects reaching that resource rather than whole (a
    // violation so moved is rarer in random cases: check.test.ts has one by hand).
    let requireMoves = 0;
    fc.assert(
      fc.property(tenantWithChanges(), ruleFileArb, ({ tenant, changes }, { file }) => {
        const g = AccessGraph.fromTenant(tenant);
        const session = new WhatIfSession(g);
        session.withChanges(changes, (after, affected) => {
          const scope = ruleScope(g, after, file, changes, affected.sources());
          const scoped = newViolations(g, after, file, { now: NOW, scope });
          const whole = newViolations(g, after, file, { now: NOW });
          const keys = (vs: readonly { key: string }[]) => new Set(vs.map((v) => v.key));
          expect(keys(scoped.added)).toEqual(keys(whole.added));
          expect(keys(scoped.resolved)).toEqual(keys(whole.resolved));
          if (scope.resources.size > 0 && file.rules.some((r) => r.kind === 'require')) requireMoves++;
        });
      }),
      { numRuns: 150 },
    );
    expect(requireMoves).toBeGreaterThan(0);
  });
});
