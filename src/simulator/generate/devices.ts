/**
 * Systems and system groups: one group per OS holding every device of that OS (when there are enough
 * groups), many small ones and some empty.
 */
import type { ObjectRef } from '../../model/index.ts';
import { DEVICE_KINDS, LOCATIONS } from '../names.ts';
import { type MembershipMethod, type OsFamily, OS_FAMILIES, systemGroupRecord, systemRecord } from '../records.ts';
import { type Generation, created } from './builder.ts';
import { smallGroupRule } from './rule-choices.ts';
import { type RuleMatcher, memberQuery, smallRuleGroup } from './rule-groups.ts';

/** System groups by the role they play in the tenant. */
export interface SystemGroupRoles {
  readonly os: readonly ObjectRef[];
  readonly small: readonly ObjectRef[];
}

/** Adds the systems, then the system groups and their members. */
export function addDevices({ b, ids, counts, ctx, sideStream }: Generation, rules: RuleMatcher): SystemGroupRoles {
  const systemsByOs = new Map<OsFamily, ObjectRef[]>(OS_FAMILIES.map((f) => [f, []]));
  {
    const c = ctx('systems');
    for (let i = 0; i < counts.system; i++) {
      const r = c.rng.float();
      const os: OsFamily = r < 0.5 ? 'windows' : r < 0.85 ? 'darwin' : 'linux';
      const t = created(c.rng);
      const id = ids.next(t);
      systemsByOs.get(os)?.push(b.add('system', id, systemRecord(c, id, t, i, os)));
    }
  }
  const systems = b.refs('system');
  const sg = { os: [] as ObjectRef[], small: [] as ObjectRef[] };
  const c = ctx('system_groups');
  const rng = c.rng;
  // Exemptions and the small groups' rules come from a stream of their own.
  const side = sideStream('system-group-rules');
  const osNames: Record<OsFamily, string> = { windows: 'All Windows Devices', darwin: 'All macOS Devices', linux: 'All Linux Servers' };
  let unreadableMade = false;
  for (let i = 0; i < counts.system_group; i++) {
    const id = ids.next(created(rng));
    const os = i < OS_FAMILIES.length && counts.system_group > 6 ? OS_FAMILIES[i] : undefined;
    if (os) {
      const g = b.add('system_group', id, systemGroupRecord(c, id, osNames[os], 'DYNAMIC_AUTOMATED'));
      sg.os.push(g);
      // Every device of the OS, now and then less one exempted (a kiosk kept out of the OS group's policies).
      const ofOs = systemsByOs.get(os) ?? [];
      const exempt = ofOs.length >= 3 && side.chance(0.3) ? [side.pick(ofOs)] : [];
      rules.apply(g, 'DYNAMIC_AUTOMATED', { query: memberQuery('v2', ['osFamily', 'eq', os]), exempt });
      continue;
    }
    const name = `${rng.pick(LOCATIONS)} ${rng.pick(DEVICE_KINDS)} ${i + 1}`;
    const method: MembershipMethod = rng.chance(0.8) ? 'STATIC' : 'DYNAMIC_AUTOMATED';
    const g = b.add('system_group', id, systemGroupRecord(c, id, name, method));
    sg.small.push(g);
    const r = rng.float();
    const size = i === counts.system_group - 1 || r < 0.05 ? 0 : r < 0.08 ? rng.between(30, 100) : 1 + Math.floor(20 * rng.float() ** 2);
    // A static group's members; a rule group's anchors, whose attributes its rule is made of.
    const drawn = rng.sample(systems, Math.min(size, Math.floor(systems.length / 3) || 1));
    const anchor = drawn[0];
    if (method === 'STATIC') {
      for (const s of drawn) b.member(g, s);
    } else if (!unreadableMade && anchor !== undefined) {
      // The tenant's one rule the simulator cannot read (agentVersion is not a field rules are documented
      // to read): JumpCloud gave it the devices of the anchor's agent version and OS, and there it stays.
      unreadableMade = true;
      const version = b.record(anchor)['agentVersion'] ?? null;
      const osFamily = b.record(anchor)['osFamily'] ?? null;
      const query = memberQuery('v1', ['agentVersion', 'eq', version], ['osFamily', 'eq', osFamily]);
      const frozenMembers = systems.filter((s) => b.record(s)['agentVersion'] === version && b.record(s)['osFamily'] === osFamily);
      rules.apply(g, 'DYNAMIC_AUTOMATED', { query, frozenMembers });
    } else {
      smallRuleGroup(
        side,
        rules,
        g,
        method,
        smallGroupRule(side, rules, 'system', drawn, systems, (s) => b.record(s), Math.max(6, size)),
        systems,
      );
    }
  }
  return sg;
}
