/**
 * The record of an object created while the simulator runs, shaped as its list serves it (the same
 * builders as the generator's), then merged with the fields a change gave.
 */
import { TYPE_INFO, type GraphType, type JsonObject } from '../../model/index.ts';
import { FIRST_NAMES, LAST_NAMES, LOCATIONS, TEAM_WORDS } from '../names.ts';
import { Rng } from '../random.ts';
import {
  type RecordContext,
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
  systemGroupRecord,
  systemRecord,
  unlistedRecord,
  userGroupRecord,
  userRecord,
} from '../records.ts';

/** A default record for a new object of `type`; `serial` makes names distinct, `nowSeconds` dates it. */
export function newRecord(type: GraphType, id: string, orgId: string, serial: number, nowSeconds: number): JsonObject {
  const ctx: RecordContext = { rng: new Rng(serial * 7_919 + type.length), orgId };
  const { rng } = ctx;
  const index = 100_000 + serial;
  switch (type) {
    case 'user': {
      const firstname = rng.pick(FIRST_NAMES);
      const lastname = rng.pick(LAST_NAMES);
      return userRecord(ctx, {
        id,
        created: nowSeconds,
        index,
        firstname,
        lastname,
        username: `${firstname}.${lastname}.${serial}`.toLowerCase(),
        department: 'Engineering',
        state: 'ACTIVATED',
        locked: false,
        sudo: false,
        passwordlessSudo: false,
      });
    }
    case 'user_group':
      return userGroupRecord(ctx, id, `${rng.pick(TEAM_WORDS)} team ${serial}`, null, 'STATIC');
    case 'system':
      return systemRecord(ctx, id, nowSeconds, index, rng.pick(['windows', 'darwin', 'linux'] as const));
    case 'system_group':
      return systemGroupRecord(ctx, id, `${rng.pick(LOCATIONS)} devices ${serial}`, 'STATIC');
    case 'policy_group':
      return policyGroupRecord(ctx, id, `${rng.pick(TEAM_WORDS)} baseline ${serial}`);
    case 'policy':
      return policyRecord(ctx, id, index, []);
    case 'application':
      return applicationRecord(ctx, id, nowSeconds, index);
    case 'command':
      return commandRecord(ctx, id, index);
    case 'radius_server':
      return radiusServerRecord(ctx, id, index);
    case 'ldap_server':
      return ldapServerRecord(ctx, id, index);
    case 'active_directory':
      return activeDirectoryRecord(ctx, id, nowSeconds, index);
    case 'g_suite':
    case 'office_365':
      return cloudDirectoryRecord(ctx, id, type, index, id);
    case 'software_app':
      return softwareAppRecord(ctx, id, nowSeconds, index);
    case 'rule':
      return ruleRecord(ctx, id, nowSeconds, index);
    case 'idp_routing_policy':
    case 'password_manager_item':
      return unlistedRecord(id, type);
  }
}

/** Sets the record's id field (`_id` or `id`, as its list names it) to `id`. */
export function withId(type: GraphType, record: JsonObject, id: string): JsonObject {
  return { ...record, [TYPE_INFO[type].idField]: id };
}
