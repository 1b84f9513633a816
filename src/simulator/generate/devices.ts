/**
 * Systems and system groups: one group per OS holding every device of that OS (when there are enough
 * groups), many small ones and some empty.
 */
import type { ObjectRef } from '../../model/index.ts';
import { DEVICE_KINDS, LOCATIONS } from '../names.ts';
import { type OsFamily, OS_FAMILIES, systemGroupRecord, systemRecord } from '../records.ts';
import { type Generation, created } from './builder.ts';

/** System groups by the role they play in the tenant. */
export interface SystemGroupRoles {
  readonly os: readonly ObjectRef[];
  readonly small: readonly ObjectRef[];
}

/** Adds the systems, then the system groups and their members. */
export function addDevices({ b, ids, counts, ctx }: Generation): SystemGroupRoles {
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
  const osNames: Record<OsFamily, string> = { windows: 'All Windows Devices', darwin: 'All macOS Devices', linux: 'All Linux Servers' };
  for (let i = 0; i < counts.system_group; i++) {
    const id = ids.next(created(rng));
    const os = i < OS_FAMILIES.length && counts.system_group > 6 ? OS_FAMILIES[i] : undefined;
    if (os) {
      const g = b.add('system_group', id, systemGroupRecord(c, id, osNames[os], 'DYNAMIC_AUTOMATED'));
      sg.os.push(g);
      for (const s of systemsByOs.get(os) ?? []) b.member(g, s);
      continue;
    }
    const name = `${rng.pick(LOCATIONS)} ${rng.pick(DEVICE_KINDS)} ${i + 1}`;
    const g = b.add('system_group', id, systemGroupRecord(c, id, name, rng.chance(0.8) ? 'STATIC' : 'DYNAMIC_AUTOMATED'));
    sg.small.push(g);
    const r = rng.float();
    const size = i === counts.system_group - 1 || r < 0.05 ? 0 : r < 0.08 ? rng.between(30, 100) : 1 + Math.floor(20 * rng.float() ** 2);
    for (const s of rng.sample(systems, Math.min(size, Math.floor(systems.length / 3) || 1))) b.member(g, s);
  }
  return sg;
}
