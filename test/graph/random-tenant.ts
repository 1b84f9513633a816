/** fast-check arbitraries: small random tenants with every kind of edge the model allows. */
import fc from 'fast-check';
import {
  MEMBERSHIPS,
  associationEdge,
  canAssociate,
  membershipEdge,
  type JsonObject,
  type TenantData,
  type TenantEdge,
  type TenantObject,
} from '../../src/model/index.ts';

/** Types and how many of each a random tenant may hold. */
const MAX_COUNTS: readonly [string, number][] = [
  ['user', 5],
  ['user_group', 3],
  ['system', 4],
  ['system_group', 3],
  ['policy', 2],
  ['policy_group', 2],
  ['application', 2],
  ['command', 2],
  ['radius_server', 1],
  ['ldap_server', 1],
  ['g_suite', 1],
  ['office_365', 1],
  ['active_directory', 1],
  ['software_app', 1],
  ['idp_routing_policy', 1],
  ['password_manager_item', 1],
];

const sudoArb = fc.record({ enabled: fc.boolean(), withoutPassword: fc.boolean() });

const groupAttributesArb: fc.Arbitrary<JsonObject> = fc.record(
  {
    sudo: sudoArb,
    ldapGroups: fc.array(fc.record({ name: fc.constantFrom('ops', 'dev', 'sec') }), { maxLength: 2 }),
    posixGroups: fc.array(fc.record({ id: fc.integer({ min: 1, max: 3 }), name: fc.constantFrom('p1', 'p2') }), { maxLength: 2 }),
    radius: fc.record({ reply: fc.array(fc.record({ name: fc.constantFrom('Class', 'Filter-Id'), value: fc.constantFrom('a', 'b') }), { maxLength: 2 }) }),
    sambaEnabled: fc.boolean(),
  },
  { requiredKeys: [] },
);

function recordArb(type: string, id: string): fc.Arbitrary<JsonObject> {
  switch (type) {
    case 'user':
      return fc.constant({ _id: id, username: `user-${id}`, email: `${id}@example.test` });
    case 'system':
      return fc.constant({ _id: id, displayName: `host-${id}`, os: 'Ubuntu' });
    case 'user_group':
      return fc.option(groupAttributesArb, { nil: undefined }).map((attributes) => ({
        id,
        name: `group-${id}`,
        type: 'user_group',
        ...(attributes ? { attributes } : {}),
      }));
    case 'command':
      return fc.record({ timeout: fc.constantFrom('0', '120') }).map((r) => ({
        _id: id,
        name: `cmd-${id}`,
        command: 'echo hi',
        commandType: 'linux',
        launchType: 'manual',
        ...r,
      }));
    case 'application':
    case 'radius_server':
      return fc.constant({ _id: id, name: `${type}-${id}` });
    default:
      return fc.constant({ id, name: `${type}-${id}` });
  }
}

function edgeAttributesArb(t1: string, t2: string): fc.Arbitrary<JsonObject | null> {
  const identity = ['user', 'user_group'];
  const device = ['system', 'system_group'];
  if ((identity.includes(t1) && device.includes(t2)) || (identity.includes(t2) && device.includes(t1))) {
    return fc.option(sudoArb.map((sudo) => ({ sudo })), { nil: null });
  }
  return fc.constantFrom(null, null, { note: 'x' });
}

export interface RandomTenantOptions {
  /** Scale for the object counts (1 = MAX_COUNTS). */
  readonly scale?: number;
}

/** A random tenant: random objects of every type, random memberships and associations among the allowed pairs. */
export function tenantArb(options: RandomTenantOptions = {}): fc.Arbitrary<TenantData> {
  const scale = options.scale ?? 1;
  const countsArb = fc.tuple(...MAX_COUNTS.map(([, max]) => fc.integer({ min: 0, max: Math.max(1, Math.round(max * scale)) })));
  return countsArb.chain((counts) => {
    const total = counts.reduce((a, b) => a + b, 0);
    const idsArb = fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{4}$/), { minLength: total, maxLength: total });
    return idsArb.chain((ids) => {
      const refs: { type: string; id: string }[] = [];
      let k = 0;
      MAX_COUNTS.forEach(([type], i) => {
        for (let j = 0; j < counts[i]!; j++) refs.push({ type, id: ids[k++]! });
      });
      const objectsArb = fc.tuple(...refs.map((r) => recordArb(r.type, r.id).map((record): TenantObject => ({ ...r, record }))));
      const membershipCandidates: [typeof refs[number], typeof refs[number]][] = [];
      const associationCandidates: [typeof refs[number], typeof refs[number]][] = [];
      for (let i = 0; i < refs.length; i++) {
        for (let j = 0; j < refs.length; j++) {
          const a = refs[i]!;
          const b = refs[j]!;
          if (MEMBERSHIPS.some((m) => m.group === a.type && m.member === b.type)) membershipCandidates.push([a, b]);
          if (i < j && canAssociate(a.type, b.type)) associationCandidates.push([a, b]);
        }
      }
      const density = fc.double({ min: 0.1, max: 0.7, noNaN: true });
      const pick = <T>(items: T[]) =>
        density.chain((d) => fc.tuple(...items.map((item) => fc.double({ min: 0, max: 1, noNaN: true }).map((x) => (x < d ? item : undefined))))).map((xs) => xs.filter((x): x is T => x !== undefined));
      const membershipsArb = pick(membershipCandidates).map((pairs) => pairs.map(([g, m]) => membershipEdge(g, m)));
      const associationsArb = pick(associationCandidates).chain((pairs) =>
        fc.tuple(...pairs.map(([a, b]) => edgeAttributesArb(a.type, b.type).map((attrs) => associationEdge(a, b, attrs)))),
      );
      // edges in a random order: nothing may depend on the order a tenant lists them in
      return fc
        .tuple(objectsArb, membershipsArb, associationsArb)
        .chain(([objects, memberships, associations]) => {
          const edges: TenantEdge[] = [...memberships, ...associations];
          return fc.shuffledSubarray(edges, { minLength: edges.length }).map((shuffled): TenantData => ({ orgId: 'org-random', objects: [...objects], edges: shuffled }));
        });
    });
  });
}
