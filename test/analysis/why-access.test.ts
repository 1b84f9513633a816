import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AccessGraph, bindingAnswer, bindingsOf, compileWithRule } from '../../src/graph/index.ts';
import { bindingFromAnswer, bindingFromIndex, namedRef } from '../../src/analysis/bindings.ts';
import { DEFAULT_COMPILE_RULE } from '../../src/model/index.ts';
import { why } from '../../src/analysis/why.ts';
import { access, whoCanAccess } from '../../src/analysis/access.ts';
import { describePath } from '../../src/analysis/revoke.ts';
import { QueryError } from '../../src/errors.ts';
import { acme, SUDO_NOPASS } from './acme.ts';
import { randomTenant } from '../helpers/random-tenant.ts';

describe('why', () => {
  it('lists every path with its label and where each attribute came from', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const answer = why(g, t.ann.id, t.web1.id);
    expect(answer.reached).toBe(true);
    expect(answer.label).toBe('direct/indirect');
    expect(answer.paths.map((p) => [p.label, describePath(p)])).toEqual([
      ['direct', 'user:ann → system:web-01'],
      ['indirect', 'user:ann → user_group:Engineering → system:web-01'],
      ['indirect', 'user:ann → user_group:Engineering → system_group:"Web Servers" → system:web-01'],
    ]);
    // The direct association's sudo wins (user-association level); ldapGroups come from Engineering, on paths 1 and 2.
    expect(answer.compiledAttributes).toEqual({ ...SUDO_NOPASS, ldapGroups: [{ name: 'eng' }] });
    expect(answer.attributeSources).toEqual([
      { key: 'sudo', value: SUDO_NOPASS.sudo, level: 'user-association', paths: [0] },
      { key: 'ldapGroups', value: [{ name: 'eng' }], paths: [1, 2] },
    ]);
  });

  it('credits sudo granted by a group to the path through that group', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const answer = why(g, t.jdoe.id, t.db.id);
    expect(answer.paths.map(describePath)).toEqual(['user:jdoe → user_group:Admins → system:db-01']);
    expect(answer.attributeSources).toEqual([
      { key: 'sudo', value: { enabled: true, withoutPassword: false }, level: 'group-own', paths: [0] },
    ]);
  });

  it('answers from the resource side when only it has a traversal, and says when there is no access', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    // No traversal goes from a command to a user, nor back; from a system to a user there is one.
    expect(() => why(g, t.patch.id, t.jdoe.id)).toThrow(QueryError);
    const fromSystem = why(g, t.web2.id, t.jdoe.id);
    expect(fromSystem.askedFrom).toBe('subject');
    expect(fromSystem.paths.map(describePath)).toEqual(['system:web-02 → system_group:"Web Servers" → user_group:Engineering → user:jdoe']);
    const none = why(g, t.carol.id, t.web1.id);
    expect(none).toMatchObject({ reached: false, paths: [] });
  });
});

describe('access and whoCanAccess', () => {
  it('lists every binding of a user, of every type', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const bindings = access(g, t.jdoe.id);
    expect(bindings.map((b) => [b.target.name, b.label, b.paths.length]).sort()).toEqual([
      ['GitHub', 'indirect', 1],
      ['Web Servers', 'indirect', 1],
      ['db-01', 'indirect', 1],
      ['web-01', 'indirect', 2],
      ['web-02', 'indirect', 1],
    ]);
    expect(access(g, t.carol.id)).toEqual([]);
    expect(access(g, t.jdoe.id, { types: ['application'] }).map((b) => b.target.name)).toEqual(['GitHub']);
  });

  it('lists every user, group and system bound to a resource, paths read towards it', () => {
    const t = acme();
    const g = AccessGraph.fromTenant(t.tenant);
    const who = whoCanAccess(g, t.web1.id);
    expect(who.map((b) => `${b.subject.type}:${b.subject.name} ${b.label}`)).toEqual([
      'user:ann direct/indirect',
      'user:jdoe indirect',
      'user_group:Engineering direct/indirect',
    ]);
    expect(
      who.every(
        (b) => b.target.id === t.web1.id && b.paths.every((p) => p.objects[0]?.id === b.subject.id && p.objects.at(-1)?.id === t.web1.id),
      ),
    ).toBe(true);
    expect(whoCanAccess(g, t.patch.id).map((b) => b.subject.name)).toEqual(['web-01', 'web-02']);
    expect(whoCanAccess(g, t.slack.id)).toEqual([]);
  });
});

describe('bindings built from the integer paths', () => {
  it('equal those built from the API-shaped answer, on random tenants', () => {
    const custom = compileWithRule({ ...DEFAULT_COMPILE_RULE, groupAttributes: ['ldapGroups'] });
    fc.assert(
      fc.property(randomTenant(30), (rt) => {
        const g = AccessGraph.fromTenant(rt.tenant);
        for (const o of g.objects()) {
          const b = bindingsOf(g, o.id);
          for (let i = 0; i < b.size; i++) {
            for (const compile of [undefined, custom]) {
              const expected = bindingFromAnswer(g, namedRef(g, o.id), bindingAnswer(g, b, i, compile ? { compile } : {}));
              expect(JSON.stringify(bindingFromIndex(g, namedRef(g, o.id), b, i, compile))).toBe(JSON.stringify(expected));
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
