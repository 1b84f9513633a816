import { describe, expect, it } from 'vitest';
import { AccessGraph, GraphDataError } from '../../src/graph/index.ts';
import fc from 'fast-check';
import type { SubjectDelta } from '../../src/analysis/delta.ts';
import { WhatIfSession, whatIf, whatIfEach, whatIfSample } from '../../src/analysis/whatif.ts';
import { resolveChanges } from '../../src/analysis/change-spec.ts';
import { hopEdge } from '../../src/analysis/edges.ts';
import { describePath } from '../../src/analysis/revoke.ts';
import { associationEdge, membershipEdge } from '../../src/model/index.ts';
import { acme } from './acme.ts';
import { tenantWithChanges } from '../helpers/random-tenant.ts';

const names = (bindings: readonly { subject: { name: string }; target: { name: string } }[]): string[] =>
  bindings.map((b) => `${b.subject.name}>${b.target.name}`).sort();

describe('what-if on the hand-built tenant', () => {
  it('removing Engineering: jdoe loses 4 bindings, ann 3, and keeps web-01 directly', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const result = whatIf(g, [{ op: 'remove-object', id: t.eng.id }]);
    const lost = result.subjects.flatMap((d) => d.lost);
    expect(names(lost)).toEqual([
      'ann>GitHub',
      'ann>Web Servers',
      'ann>web-02',
      'jdoe>GitHub',
      'jdoe>Web Servers',
      'jdoe>web-01',
      'jdoe>web-02',
    ]);
    const changed = result.subjects.flatMap((d) => d.changed);
    expect(
      changed.map((c) => [c.after.subject.name, c.after.target.name, c.after.paths.map(describePath), c.after.compiledAttributes]),
    ).toEqual([['ann', 'web-01', ['user:ann → system:web-01'], { sudo: { enabled: true, withoutPassword: true } }]]);
    expect(result.totals).toEqual({ gained: 0, lost: 7, changed: 1 });
    // The base graph is untouched.
    expect(g.hasObject(t.eng.id)).toBe(true);
  });

  it('adding carol to Engineering and Web Servers to Admins', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const result = whatIf(g, [
      { op: 'add-edge', edge: membershipEdge(t.eng, t.carol) },
      { op: 'add-edge', edge: associationEdge(t.admins, t.ws) },
    ]);
    // carol gains what Engineering gives; jdoe keeps web-01, web-02 and Web Servers, now also through Admins,
    // whose own sudo makes them sudo bindings.
    expect(names(result.subjects.flatMap((d) => d.gained))).toEqual(['carol>GitHub', 'carol>Web Servers', 'carol>web-01', 'carol>web-02']);
    const changed = result.subjects.flatMap((d) => d.changed);
    expect(
      changed.map((c) => [
        `${c.after.subject.name}>${c.after.target.name}`,
        c.before.paths.length,
        c.after.paths.length,
        c.after.compiledAttributes?.['sudo'],
      ]),
    ).toEqual([
      ['jdoe>web-01', 2, 3, { enabled: true, withoutPassword: false }],
      ['jdoe>web-02', 1, 2, { enabled: true, withoutPassword: false }],
      ['jdoe>Web Servers', 1, 2, { enabled: true, withoutPassword: false }],
    ]);
  });

  it('resolves change specs in order, so an added object can be named next', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const changes = resolveChanges(g, [
      { op: 'add-object', type: 'system', name: 'web-99' },
      { op: 'add', edge: 'system_group:"Web Servers">system:web-99' },
      { op: 'remove-object', object: 'user:ann' },
    ]);
    const result = whatIf(g, changes);
    expect(names(result.subjects.flatMap((d) => d.gained))).toEqual(['jdoe>web-99', 'web-99>patch']);
    expect(names(result.subjects.flatMap((d) => d.lost))).toEqual(['ann>GitHub', 'ann>Web Servers', 'ann>web-01', 'ann>web-02']);
    expect(() =>
      resolveChanges(g, [
        { op: 'remove-object', object: 'user:ann' },
        { op: 'remove', edge: 'user_group:Engineering>user:ann' },
      ]),
    ).toThrow(/Change 2 \(remove\): No user named "ann"/);
  });

  it('hands each subject over as it is computed, in id order, then the totals; the copy is undone even when the visitor throws', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const seen: SubjectDelta[] = [];
    const summary = whatIfEach(g, [{ op: 'remove-object', id: t.eng.id }], (d) => seen.push(d));
    const whole = whatIf(g, [{ op: 'remove-object', id: t.eng.id }]);
    expect(seen.map((d) => d.subject.name).sort()).toEqual(['ann', 'jdoe']);
    const ids = seen.map((d) => d.subject.id);
    expect(ids).toEqual([...ids].sort());
    expect(seen).toEqual(whole.subjects);
    expect(summary).toEqual({ recomputed: whole.recomputed, subjects: 2, totals: { gained: 0, lost: 7, changed: 1 } });
    const session = new WhatIfSession(g);
    expect(() =>
      session.evaluateEach([{ op: 'remove-object', id: t.eng.id }], () => {
        throw new Error('reader gave up');
      }),
    ).toThrow('reader gave up');
    expect(session.withChanges([], (copy) => copy.toTenant())).toEqual(g.toTenant());
  });

  it('leaves the copy as it was when a change fails half-way', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const session = new WhatIfSession(g);
    expect(() =>
      session.evaluate([
        { op: 'remove-edge', edge: hopEdge(t.jdoe, t.eng) },
        { op: 'remove-edge', edge: hopEdge(t.jdoe, t.eng) }, // already gone
      ]),
    ).toThrow(/no membership/);
    expect(session.evaluate([])).toMatchObject({ subjects: [] });
    expect(session.withChanges([], (copy) => copy.toTenant())).toEqual(g.toTenant());
    expect(session.evaluate([{ op: 'remove-edge', edge: hopEdge(t.jdoe, t.eng) }]).totals.lost).toBe(4);
  });

  it('ends its copy with the what-if (a copy kept past it cannot be read), and the next copy starts from the base', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const session = new WhatIfSession(g);
    const kept = session.withChanges([{ op: 'remove-object', id: t.eng.id }], (copy) => copy);
    expect(() => kept.hasObject(t.eng.id)).toThrow(GraphDataError);
    // The next copy reuses the first one's tombstones, filled from the base: Engineering is back.
    expect(session.withChanges([], (copy) => copy.toTenant())).toEqual(g.toTenant());
    expect(session.evaluate([{ op: 'remove-object', id: t.eng.id }]).totals).toEqual({ gained: 0, lost: 7, changed: 1 });
  });
});

describe('what-if, sampled', () => {
  it('counts every binding and keeps the first ones of each list, on random tenants and changes', () => {
    fc.assert(
      fc.property(tenantWithChanges(), fc.nat(3), ({ tenant, changes }, sample) => {
        const g = AccessGraph.fromTenant(tenant);
        const full = whatIf(g, changes);
        const sampled: SubjectDelta[] = [];
        const summary = whatIfSample(g, changes, sample, (d) => {
          sampled.push(d);
          const whole = full.subjects.find((x) => x.subject.id === d.subject.id)!;
          expect(d.counts).toEqual({ gained: whole.gained.length, lost: whole.lost.length, changed: whole.changed.length });
          expect(d.lost).toEqual(whole.lost.slice(0, sample));
          expect(d.gained).toEqual(whole.gained.slice(0, sample));
          expect(d.changed).toEqual(whole.changed.slice(0, sample));
        });
        expect(sampled.map((d) => d.subject.id)).toEqual(full.subjects.map((d) => d.subject.id));
        expect(summary.totals).toEqual(full.totals);
      }),
      { numRuns: 200 },
    );
  });
});
