/**
 * Bindings to devices and device groups: sudo grants, policies, commands, software, rules, RADIUS. The OS
 * device groups are bound only to the small IT Admins group, so whole-tenant path counts stay sane; some
 * users get direct grants with sudo, half of them on devices they also reach through groups.
 */
import type { GraphType, ObjectRef } from '../../model/index.ts';
import type { Rng } from '../random.ts';
import { type TenantBuilder, maybeSudo, sudo } from './builder.ts';
import type { SystemGroupRoles } from './devices.ts';
import type { UserGroupRoles } from './users.ts';

export function bindDevices(b: TenantBuilder, rng: Rng, ug: UserGroupRoles, sg: SystemGroupRoles): void {
  const users = b.refs('user');
  const systems = b.refs('system');
  const smallSg = sg.small.filter((g) => b.membersOf(g).length > 0 && b.membersOf(g).length <= 30);
  const anySg = b.refs('system_group');
  const pickSmallSg = (k: number): ObjectRef[] => rng.sample(smallSg.length > 0 ? smallSg : anySg, k);

  // User groups ↔ device groups: IT Admins get every OS group; departments and small groups get small ones.
  for (const g of ug.admins) {
    sg.os.forEach((osGroup, i) => b.associate(g, osGroup, i === 0 ? sudo(true, true) : null));
    for (const s of pickSmallSg(1)) b.associate(g, s);
  }
  for (const g of ug.contractors) for (const s of pickSmallSg(2)) b.associate(g, s, rng.chance(0.5) ? sudo(true, false) : null);
  for (const g of ug.depts) for (const s of pickSmallSg(rng.between(1, 2))) b.associate(g, s, maybeSudo(rng, 0.1));
  for (const g of ug.small) {
    if (b.membersOf(g).length === 0 && !rng.chance(0.3)) continue;
    if (rng.chance(0.4)) for (const s of pickSmallSg(rng.between(1, 2))) b.associate(g, s, maybeSudo(rng, 0.2));
    if (rng.chance(0.1)) for (const s of rng.sample(systems, rng.between(1, 4))) b.associate(g, s, maybeSudo(rng, 0.3));
  }

  // Direct user ↔ device grants: about 2% of users, half of them on a device they already reach through groups.
  const direct = rng.sample(users, Math.max(3, Math.round(users.length * 0.02)));
  for (const u of direct) {
    const reachable = reachableSystemsViaGroups(b, u);
    for (let k = rng.between(1, 3); k > 0; k--) {
      const s = reachable.length > 0 && rng.chance(0.5) ? rng.pick(reachable) : rng.pick(systems);
      b.associate(u, s, maybeSudo(rng, 0.55));
    }
  }
  for (const u of rng.sample(users, Math.max(2, Math.round(users.length * 0.005)))) {
    for (const s of pickSmallSg(1)) b.associate(u, s, maybeSudo(rng, 0.5));
  }

  // Policies and policy groups mostly go to device groups (OS groups included: they reach no users).
  const deviceTargets = (): ObjectRef[] => (rng.chance(0.3) && sg.os.length > 0 ? [rng.pick(sg.os)] : pickSmallSg(rng.between(1, 2)));
  // [type, chance of device-group targets, chance of direct devices, most direct devices]
  const deviceBound: readonly [GraphType, number, number, number][] = [
    ['policy', 0.85, 0.1, 3],
    ['policy_group', 0.7, 0.15, 3],
    ['software_app', 0.7, 0.3, 3],
    ['rule', 0.6, 0.3, 2],
  ];
  for (const [type, pGroups, pDirect, most] of deviceBound) {
    for (const x of b.refs(type)) {
      if (rng.chance(pGroups)) for (const s of deviceTargets()) b.associate(x, s);
      if (rng.chance(pDirect)) for (const s of rng.sample(systems, rng.between(1, most))) b.associate(x, s);
    }
  }
  for (const command of b.refs('command')) {
    if (rng.chance(0.1)) continue;
    if (rng.chance(0.5)) for (const s of rng.sample(systems, rng.between(1, 5))) b.associate(command, s);
    if (rng.chance(0.45)) for (const s of pickSmallSg(1)) b.associate(command, s);
    if (rng.chance(0.1)) for (const item of rng.sample(b.refs('password_manager_item'), 1)) b.associate(command, item);
  }
  for (const radius of b.refs('radius_server')) {
    if (rng.chance(0.6)) for (const s of pickSmallSg(1)) b.associate(radius, s);
  }
}

/** Devices a user reaches through user group → device group (for direct grants that duplicate a path). */
function reachableSystemsViaGroups(b: TenantBuilder, user: ObjectRef): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const g of b.groupsOfMember(user)) {
    if (g.type !== 'user_group') continue;
    for (const e of b.assocOf(g)) if (e.type === 'system_group') out.push(...b.membersOf(e).slice(0, 20));
    if (out.length > 40) break;
  }
  return out;
}
