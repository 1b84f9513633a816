/**
 * Bindings of users and user groups to applications, directories, RADIUS, IdP routing policies and
 * password manager items: "All Staff" bound to applications, directories and RADIUS (never to thousands
 * of devices), team groups and a few users to the rest.
 */
import type { ObjectRef } from '../../model/index.ts';
import type { Rng } from '../random.ts';
import type { TenantBuilder } from './builder.ts';
import type { UserGroupRoles } from './users.ts';

export function bindIdentities(b: TenantBuilder, rng: Rng, ug: UserGroupRoles, activeUsers: readonly ObjectRef[]): void {
  const users = b.refs('user');
  const everyone = ug.allStaff;
  const nonEmptySmall = ug.small.filter((g) => b.membersOf(g).length > 0);
  const teamGroups = [...ug.depts, ...nonEmptySmall];
  const someGroups = (k: number): ObjectRef[] => rng.sample(teamGroups.length > 0 ? teamGroups : b.refs('user_group'), k);
  const someUsers = (k: number): ObjectRef[] => rng.sample(activeUsers.length > 0 ? activeUsers : users, k);

  b.refs('application').forEach((app, i) => {
    if (i > 0 && rng.chance(0.08)) return; // unbound
    if (i === 0 || rng.chance(0.12)) for (const g of everyone) b.associate(g, app);
    if (rng.chance(0.75)) for (const g of someGroups(rng.between(1, 3))) b.associate(g, app);
    if (rng.chance(0.3)) for (const u of someUsers(rng.between(1, 3))) b.associate(u, app);
  });

  for (const type of ['g_suite', 'office_365'] as const) {
    b.refs(type).forEach((dir, i) => {
      if (i === 0) for (const g of everyone) b.associate(g, dir);
      else for (const g of someGroups(1)) b.associate(g, dir);
      for (const u of someUsers(rng.between(1, 2))) b.associate(u, dir);
    });
  }
  b.refs('ldap_server').forEach((ldap, i) => {
    const groups = i === 0 ? [...rng.sample(ug.depts, 3), ...ug.admins] : someGroups(1);
    for (const g of groups) b.associate(g, ldap);
    for (const u of someUsers(rng.between(1, 3))) b.associate(u, ldap);
  });
  b.refs('active_directory').forEach((ad) => {
    for (const g of rng.sample(ug.depts, rng.between(1, 2))) b.associate(g, ad);
    if (rng.chance(0.5)) for (const u of someUsers(1)) b.associate(u, ad);
  });
  b.refs('radius_server').forEach((radius, i) => {
    if (i === 0) for (const g of everyone) b.associate(g, radius);
    else for (const g of [...ug.admins, ...someGroups(1)]) b.associate(g, radius);
    for (const u of someUsers(rng.between(1, 2))) b.associate(u, radius);
  });
  b.refs('idp_routing_policy').forEach((idp) => {
    for (const g of someGroups(rng.between(1, 2))) b.associate(g, idp);
    for (const u of someUsers(rng.between(0, 2))) b.associate(u, idp);
  });
  b.refs('password_manager_item').forEach((item) => {
    const r = rng.float();
    if (r < 0.7) for (const g of someGroups(1)) b.associate(g, item);
    else for (const u of someUsers(rng.between(1, 3))) b.associate(u, item);
  });
  // Policies and policy groups aimed at users (rarer than device-targeted ones).
  for (const policy of b.refs('policy')) {
    if (rng.chance(0.05)) for (const g of someGroups(1)) b.associate(g, policy);
    if (rng.chance(0.03)) for (const u of someUsers(1)) b.associate(u, policy);
  }
  for (const pg of b.refs('policy_group')) {
    if (rng.chance(0.1)) for (const g of someGroups(1)) b.associate(g, pg);
    if (rng.chance(0.05)) for (const u of someUsers(1)) b.associate(u, pg);
  }
}
