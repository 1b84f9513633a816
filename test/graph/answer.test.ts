/** answer(), compiledAttributes, labels and explanations on hand-made tenants. */
import { describe, expect, it } from 'vitest';
import { QueryError, UnknownObjectError } from '../../src/errors.ts';
import {
  DEFAULT_COMPILE_RULE,
  associationEdge,
  findEndpoint,
  membershipEdge,
  type JsonObject,
  type TenantData,
} from '../../src/model/index.ts';
import { AccessGraph, answer, compileWithRule, explain, bindingLabel, traverse, type CompileContext } from '../../src/graph/index.ts';

const sudo = (enabled: boolean, withoutPassword: boolean) => ({ sudo: { enabled, withoutPassword } });

/**
 * alice ∈ admins (own sudo: enabled, no password; ldap ops), alice ∈ devs (ldap dev, samba off)
 * alice ↔ web (sudo: enabled, with password)             user-association
 * admins ↔ web, admins ↔ linux ⊇ db                       group bindings
 * devs ↔ db (sudo: enabled, no password)                  group-association
 * devs ↔ app (an application)
 * linux ↔ cmd (a command); db ↔ cmd2
 */
function tenant(): TenantData {
  const o = (type: string, id: string, record: JsonObject = {}) => ({ type, id, record: { ...record } });
  return {
    orgId: 'o',
    objects: [
      o('user', 'alice', { _id: 'alice', username: 'alice' }),
      o('user_group', 'admins', { id: 'admins', name: 'Admins', attributes: { ...sudo(true, true), ldapGroups: [{ name: 'ops' }] } }),
      o('user_group', 'devs', {
        id: 'devs',
        name: 'Devs',
        attributes: { ldapGroups: [{ name: 'dev' }, { name: 'ops' }], sambaEnabled: false, posixGroups: [{ id: 7, name: 'p' }] },
      }),
      o('system', 'web', { _id: 'web', displayName: 'web-1' }),
      o('system', 'db', { _id: 'db', displayName: 'db-1' }),
      o('system_group', 'linux', { id: 'linux', name: 'Linux' }),
      o('application', 'app', { _id: 'app', name: 'Slack' }),
      o('command', 'cmd', {
        _id: 'cmd',
        name: 'patch',
        command: 'apt upgrade',
        commandType: 'linux',
        launchType: 'manual',
        extra: 'not copied',
      }),
      o('command', 'cmd2', { _id: 'cmd2', name: 'reboot', commandType: 'linux' }),
    ],
    edges: [
      membershipEdge({ type: 'user_group', id: 'admins' }, { type: 'user', id: 'alice' }),
      membershipEdge({ type: 'user_group', id: 'devs' }, { type: 'user', id: 'alice' }),
      associationEdge({ type: 'user', id: 'alice' }, { type: 'system', id: 'web' }, sudo(true, false)),
      associationEdge({ type: 'user_group', id: 'admins' }, { type: 'system', id: 'web' }),
      associationEdge({ type: 'user_group', id: 'admins' }, { type: 'system_group', id: 'linux' }),
      membershipEdge({ type: 'system_group', id: 'linux' }, { type: 'system', id: 'db' }),
      associationEdge({ type: 'user_group', id: 'devs' }, { type: 'system', id: 'db' }, sudo(true, true)),
      associationEdge({ type: 'user_group', id: 'devs' }, { type: 'application', id: 'app' }),
      associationEdge({ type: 'system_group', id: 'linux' }, { type: 'command', id: 'cmd' }),
      associationEdge({ type: 'system', id: 'db' }, { type: 'command', id: 'cmd2' }),
    ],
  };
}

const hop = (id: string, type: string, attributes: JsonObject | null = null) => ({ to: { id, type, attributes: null }, attributes });

describe('traversal answers in the API shape', () => {
  const g = AccessGraph.fromTenant(tenant());

  it('lists every target once, paths shortest first then by hop ids, the source left out', () => {
    const systems = answer(g, '/users/alice/systems') as any[];
    expect(systems.map((s) => s.id)).toEqual(['db', 'web']);
    expect(systems[0].paths).toEqual([
      [hop('devs', 'user_group'), hop('db', 'system', sudo(true, true))],
      [hop('admins', 'user_group'), hop('linux', 'system_group'), hop('db', 'system')],
    ]);
    expect(systems[1].paths).toEqual([[hop('web', 'system', sudo(true, false))], [hop('admins', 'user_group'), hop('web', 'system')]]);
  });

  it('compiles sudo by precedence: user association over group-own over group association', () => {
    const [db, web] = traverse(g, 'alice', findEndpoint('user', 'traverse', ['system'])!);
    // web: the user association (enabled, with password) supersedes admins' own sudo (no password)
    expect(web!.compiledAttributes).toEqual({ sudo: { enabled: true, withoutPassword: false }, ldapGroups: [{ name: 'ops' }] });
    // db: admins' own sudo (group-own) supersedes devs' association sudo; group attributes gathered from both groups
    expect(db!.compiledAttributes).toEqual({
      sudo: { enabled: true, withoutPassword: true },
      ldapGroups: [{ name: 'dev' }, { name: 'ops' }],
      posixGroups: [{ id: 7, name: 'p' }],
      sambaEnabled: false,
    });
  });

  it('merges equal-footing sudo most permissively: without password only from an enabled value', () => {
    const t = tenant();
    const h = AccessGraph.fromTenant(t);
    h.addEdge(associationEdge({ type: 'user', id: 'alice' }, { type: 'system_group', id: 'linux' }, sudo(false, true)));
    const db = traverse(h, 'alice', { targets: ['system'] }).find((x) => x.id === 'db')!;
    expect(db.compiledAttributes!['sudo']).toEqual({ enabled: false, withoutPassword: false });
    h.addEdge(associationEdge({ type: 'user', id: 'alice' }, { type: 'system', id: 'db' }, sudo(true, false)));
    const db2 = traverse(h, 'alice', { targets: ['system'] }).find((x) => x.id === 'db')!;
    expect(db2.compiledAttributes!['sudo']).toEqual({ enabled: true, withoutPassword: false });
  });

  it('leaves sudo out where the binding is not identity–device, and compiledAttributes out when nothing compiles', () => {
    const apps = traverse(g, 'alice', { targets: ['application'] });
    expect(apps[0]!.compiledAttributes).toEqual({
      ldapGroups: [{ name: 'dev' }, { name: 'ops' }],
      posixGroups: [{ id: 7, name: 'p' }],
      sambaEnabled: false,
    });
    const cmds = answer(g, '/systems/db/commands') as any[];
    expect(cmds.map((c) => c.id)).toEqual(['cmd', 'cmd2']);
    for (const c of cmds) expect(c).not.toHaveProperty('compiledAttributes');
  });

  it('copies the command fields present in the record on …/commands answers, and only those', () => {
    const [cmd] = answer(g, '/systemgroups/linux/commands') as any[];
    expect(cmd).toEqual({
      id: 'cmd',
      type: 'command',
      paths: [[hop('cmd', 'command')]],
      name: 'patch',
      command: 'apt upgrade',
      commandType: 'linux',
      launchType: 'manual',
    });
    // a traversal to commands without the endpoint's flag carries no command fields
    expect(traverse(g, 'linux', { targets: ['command'] })[0]).not.toHaveProperty('name');
  });

  it('takes a replaceable compile function, seeing every hop with its step', () => {
    const seen: string[] = [];
    const compile = (ctx: CompileContext) => {
      for (const p of ctx.paths) seen.push(p.map((h) => `${h.from.id}-${h.step}->${h.node.id}`).join(' '));
      return { paths: ctx.paths.length };
    };
    const [db] = traverse(g, 'alice', { targets: ['system'] }, { compile });
    expect(db!.compiledAttributes).toEqual({ paths: 2 });
    expect(seen).toContain('alice-up->admins admins-association->linux linux-down->db');
    // another rule: group association first
    const reversed = compileWithRule({
      ...DEFAULT_COMPILE_RULE,
      sudo: { ...DEFAULT_COMPILE_RULE.sudo, precedence: ['group-association', 'group-own', 'user-association'] },
      groupAttributes: [],
    });
    const web = traverse(g, 'alice', { targets: ['system'] }, { compile: reversed }).find((x) => x.id === 'web')!;
    expect(web.compiledAttributes).toEqual({ sudo: { enabled: true, withoutPassword: true } }); // admins' own sudo: no group-association sudo on web
  });

  it('answers memberof, membership, members and associations', () => {
    expect((answer(g, '/users/alice/memberof') as any[]).map((x) => [x.id, x.paths.length])).toEqual([
      ['admins', 1],
      ['devs', 1],
    ]);
    expect(answer(g, '/usergroups/admins/members')).toEqual([hop('alice', 'user')]);
    expect((answer(g, '/systemgroups/linux/membership') as any[]).map((x) => x.id)).toEqual(['db']);
    expect(answer(g, '/api/v2/users/alice/associations?targets=system,system_group')).toEqual([hop('web', 'system', sudo(true, false))]);
    expect(answer(g, '/usergroups/admins/associations', { targets: 'system_group' })).toEqual([hop('linux', 'system_group')]);
    expect(answer(g, '/applications/app/associations', { targets: 'agent_group' })).toEqual([]);
    expect(answer(g, '/users/alice/associations?targets=system&targets=application')).toEqual([hop('web', 'system', sudo(true, false))]);
  });
});

describe('answer() refuses what the API would refuse', () => {
  const g = AccessGraph.fromTenant(tenant());

  it('an unknown path, an unknown id, an id of another type', () => {
    expect(() => answer(g, '/users/alice/printers')).toThrow(QueryError);
    expect(() => answer(g, '/users/alice/printers')).toThrow(/\/users\/alice\/printers/);
    expect(() => answer(g, '/users/bob/systems')).toThrow(UnknownObjectError);
    expect(() => answer(g, '/users/web/systems')).toThrow(/No user with id web/);
  });

  it('associations without targets, or with targets the source cannot list', () => {
    expect(() => answer(g, '/users/alice/associations')).toThrow(/needs a targets query parameter/);
    expect(() => answer(g, '/users/alice/associations', { targets: 'system,command' })).toThrow(/cannot list targets command/);
  });

  it('bad traversal queries', () => {
    expect(() => traverse(g, 'alice', findEndpoint('user', 'associations')!)).toThrow(QueryError);
    expect(() => traverse(g, 'alice', { targets: ['sytem'] })).toThrow(/sytem is not an object type/);
    expect(() => traverse(g, 'alice', { targets: [] })).toThrow(QueryError);
    expect(() => traverse(g, 'alice', { targets: ['system'], patterns: [['sideways' as never]] })).toThrow(QueryError);
    expect(() => traverse(g, 'alice', { targets: ['system'] }, { pathCap: 0 })).toThrow(QueryError);
    expect(() => traverse(g, 'web', findEndpoint('user', 'traverse', ['system'])!)).toThrow(UnknownObjectError);
  });
});

describe('labels and explanations', () => {
  const g = AccessGraph.fromTenant(tenant());

  it('labels direct, indirect and direct/indirect', () => {
    const [db, web] = traverse(g, 'alice', { targets: ['system'] });
    expect(bindingLabel(db!.paths)).toBe('indirect');
    expect(bindingLabel(web!.paths)).toBe('direct/indirect');
    expect(bindingLabel(traverse(g, 'db', { targets: ['command'] }).find((c) => c.id === 'cmd2')!.paths)).toBe('direct');
  });

  it('explains each path in words, shortest first', () => {
    const [db] = traverse(g, 'alice', { targets: ['system'] });
    expect(explain(g, 'alice', db!)).toEqual({
      label: 'indirect',
      paths: [
        'user alice → member of user_group Devs → associated with system db-1',
        'user alice → member of user_group Admins → associated with system_group Linux → which contains system db-1',
      ],
    });
  });
});
