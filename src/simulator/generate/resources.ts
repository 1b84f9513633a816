/**
 * Policies, policy groups and every other object type (applications, commands, directories, RADIUS,
 * software, IdP routing policies, password manager items, rules), and the resources left unbound.
 */
import type { GraphType, JsonObject } from '../../model/index.ts';
import { EPOCH_SECONDS } from '../ids.ts';
import { TEAM_WORDS } from '../names.ts';
import {
  activeDirectoryRecord,
  applicationRecord,
  cloudDirectoryRecord,
  commandRecord,
  ldapServerRecord,
  policyGroupRecord,
  policyRecord,
  radiusServerRecord,
  ruleRecord,
  softwareAppRecord,
  unlistedRecord,
} from '../records.ts';
import { type Generation, created, refKey } from './builder.ts';

/** Policies (from ten templates) and policy groups holding a few of them, the last one empty. */
export function addPolicies({ b, ids, counts, ctx }: Generation): void {
  const c = ctx('policies');
  const templateIds = Array.from({ length: 10 }, () => ids.next(EPOCH_SECONDS - 86_400 * 400 + c.rng.int(86_400 * 300)));
  for (let i = 0; i < counts.policy; i++) {
    const id = ids.next(created(c.rng));
    b.add('policy', id, policyRecord(c, id, i, templateIds));
  }
  const policies = b.refs('policy');
  for (let i = 0; i < counts.policy_group; i++) {
    const id = ids.next(created(c.rng));
    const g = b.add('policy_group', id, policyGroupRecord(c, id, `${c.rng.pick(TEAM_WORDS)} baseline ${i + 1}`));
    const size = i === counts.policy_group - 1 || c.rng.chance(0.08) ? 0 : c.rng.between(1, 8);
    for (const p of c.rng.sample(policies, size)) b.member(g, p);
  }
}

/** The other object types, as many of each as the preset says. */
export function addOtherResources({ b, ids, counts, ctx }: Generation): void {
  const c = ctx('resources');
  const r = c.rng;
  const make = (type: GraphType, count: number, build: (id: string, t: number, i: number) => JsonObject): void => {
    for (let i = 0; i < count; i++) {
      const t = created(r);
      const id = ids.next(t);
      b.add(type, id, build(id, t, i));
    }
  };
  make('application', counts.application, (id, t, i) => applicationRecord(c, id, t, i));
  make('command', counts.command, (id, _t, i) => commandRecord(c, id, i));
  make('radius_server', counts.radius_server, (id, _t, i) => radiusServerRecord(c, id, i));
  make('ldap_server', counts.ldap_server, (id, _t, i) => ldapServerRecord(c, id, i));
  make('active_directory', counts.active_directory, (id, t, i) => activeDirectoryRecord(c, id, t, i));
  make('g_suite', counts.g_suite, (id, t, i) => cloudDirectoryRecord(c, id, 'g_suite', i, ids.next(t)));
  make('office_365', counts.office_365, (id, t, i) => cloudDirectoryRecord(c, id, 'office_365', i, ids.next(t)));
  make('software_app', counts.software_app, (id, t, i) => softwareAppRecord(c, id, t, i));
  make('idp_routing_policy', counts.idp_routing_policy, (id) => unlistedRecord(id, 'idp_routing_policy'));
  make('password_manager_item', counts.password_manager_item, (id) => unlistedRecord(id, 'password_manager_item'));
  make('rule', counts.rule, (id, t, i) => ruleRecord(c, id, t, i));
}

/**
 * The last of each listed resource type (when there are at least three) is left unbound. Types with no
 * list endpoint exist for a client only through their associations, so every one of them is bound.
 */
export function reserveUnbound({ b }: Generation): void {
  for (const type of ['application', 'command', 'policy', 'radius_server', 'ldap_server', 'software_app', 'rule'] as const) {
    const list = b.refs(type);
    const last = list[list.length - 1];
    if (list.length >= 3 && last) b.reservedUnbound.add(refKey(last));
  }
}
