/**
 * A small hand-built tenant with dynamic groups, whose answers the tests work out by hand.
 *
 *   users: jana, ann, lee, omar (Engineering), bob (Sales), sue (Sales, suspended)
 *   user groups:
 *     Engineering  DYNAMIC_REVIEW_REQUIRED  department eq "Engineering", omar exempt
 *                  members jana, ann (rule), bob (by hand); lee is missing (the rule adds him)
 *     All Staff    DYNAMIC_AUTOMATED        userState eq "active", sue and a deleted user exempt
 *                  members jana, ann, lee, omar, bob (all rule); sue is not (suspended)
 *     Leavers      DYNAMIC_AUTOMATED        userState eq "suspended"            members sue (rule)
 *     Sales        STATIC                   members bob, sue
 *     Legacy       DYNAMIC_AUTOMATED        queryType Search (unreadable)       members jana
 *     Flagged      DYNAMIC_AUTOMATED        department eq "Sales", error CYCLE  members bob
 *   systems: mac-1 (Mac OS X), web-1 (Ubuntu)
 *   system group Mac Devices  DYNAMIC_AUTOMATED  os eq "Mac OS X"  members mac-1 (rule)
 *   applications GitHub, Slack, Exit Survey; command patch
 *   associations: Engineering~GitHub, Engineering~web-1, All Staff~Slack, Sales~web-1, Legacy~mac-1,
 *                 Flagged~GitHub, Mac Devices~patch, Leavers~Exit Survey
 *
 * And `send`/`applied`: a plan's requests done to a tenant's data as the API would, every dynamic group's
 * rule run over the whole tenant after each (as JumpCloud, and the simulator, re-evaluate).
 */
import { expect } from 'vitest';
import type { ApiOperation } from '../../src/analysis/index.ts';
import {
  TYPE_INFO,
  associationEdge,
  edgeKey,
  isGraphType,
  membershipEdge,
  type JsonObject,
  type TenantData,
  type TenantEdge,
} from '../../src/model/index.ts';
import { settleRules } from '../helpers/full-recompute.ts';
import { TenantBuilder } from './tenant-builder.ts';

export function dynamicTenant() {
  const b = new TenantBuilder();
  const jana = b.user('jana', { department: 'Engineering' });
  const ann = b.user('ann', { department: 'Engineering' });
  const lee = b.user('lee', { department: 'Engineering' });
  const omar = b.user('omar', { department: 'Engineering' });
  const bob = b.user('bob', { department: 'Sales' });
  const sue = b.user('sue', { department: 'Sales', state: 'SUSPENDED', suspended: true });
  const eng = b.dynamicGroup('user_group', 'Engineering', 'DYNAMIC_REVIEW_REQUIRED', [['department', 'eq', 'Engineering']], {
    memberQueryExemptions: [{ id: omar.id, type: 'user' }],
  });
  const allStaff = b.dynamicGroup('user_group', 'All Staff', 'DYNAMIC_AUTOMATED', [['userState', 'eq', 'active']], {
    memberQueryExemptions: [
      { id: sue.id, type: 'user' },
      { id: 'user-deleted', type: 'user' },
    ],
  });
  const leavers = b.dynamicGroup('user_group', 'Leavers', 'DYNAMIC_AUTOMATED', [['userState', 'eq', 'suspended']]);
  const sales = b.userGroup('Sales');
  const legacy = b.dynamicGroup('user_group', 'Legacy', 'DYNAMIC_AUTOMATED', { queryType: 'Search', searchFilter: { searchTerm: 'x' } });
  const flagged = b.dynamicGroup('user_group', 'Flagged', 'DYNAMIC_AUTOMATED', [['department', 'eq', 'Sales']], {
    memberQueryErrorFlags: ['CYCLE'],
  });
  const mac = b.system('mac-1', { os: 'Mac OS X', osFamily: 'darwin' });
  const web = b.system('web-1');
  const macs = b.dynamicGroup('system_group', 'Mac Devices', 'DYNAMIC_AUTOMATED', [['os', 'eq', 'Mac OS X']]);
  const github = b.add('application', 'GitHub');
  const slack = b.add('application', 'Slack');
  const survey = b.add('application', 'Exit Survey');
  const patch = b.add('command', 'patch', { command: 'softwareupdate -i -a' });
  b.member(eng, jana).member(eng, ann).member(eng, bob).member(leavers, sue);
  b.member(allStaff, jana).member(allStaff, ann).member(allStaff, lee).member(allStaff, omar).member(allStaff, bob);
  b.member(sales, bob).member(sales, sue).member(legacy, jana).member(flagged, bob).member(macs, mac);
  b.associate(eng, github).associate(eng, web).associate(allStaff, slack).associate(sales, web);
  b.associate(legacy, mac).associate(flagged, github).associate(macs, patch).associate(leavers, survey);
  return {
    tenant: b.build('org-dynamic'),
    ...{ jana, ann, lee, omar, bob, sue, eng, allStaff, leavers, sales, legacy, flagged, mac, web, macs, github, slack, survey, patch },
  };
}

const PREFIX_TYPE = new Map(Object.values(TYPE_INFO).map((i) => [i.pathPrefix, i.type]));

/** One request of a plan, done to the tenant's data as the API would. */
export function send(tenant: TenantData, op: ApiOperation): TenantData {
  const [, api, ...rest] = op.path.split('/').slice(1);
  const typeOf = (id: string) => tenant.objects.find((o) => o.id === id)!.type;
  const setRecord = (id: string, fields: JsonObject): TenantData => ({
    ...tenant,
    objects: tenant.objects.map((o) => (o.id === id ? { ...o, record: { ...o.record, ...fields } } : o)),
  });
  if (api === 'systemusers' && op.method === 'PUT') return setRecord(decodeURIComponent(rest[0]!), op.body);
  expect(api).toBe('v2');
  const [prefix, rawId, what] = rest;
  const id = decodeURIComponent(rawId!);
  if (op.method === 'PUT') return setRecord(id, op.body);
  expect(op.body['op']).toBe('remove');
  const other = { type: op.body['type'] as string, id: op.body['id'] as string };
  const self = { type: PREFIX_TYPE.get(prefix!)!, id };
  expect(isGraphType(self.type) && typeOf(id) === self.type).toBe(true);
  const gone = edgeKey(what === 'members' ? membershipEdge(self, other) : associationEdge(self, other));
  expect(tenant.edges.some((e) => edgeKey(e) === gone)).toBe(true);
  return { ...tenant, edges: tenant.edges.filter((e: TenantEdge) => edgeKey(e) !== gone) };
}

/** The tenant once the requests are sent, the rules running after each. */
export function applied(tenant: TenantData, operations: readonly ApiOperation[]): TenantData {
  return operations.reduce((t, op) => settleRules(send(t, op)), tenant);
}
