/**
 * Users and user groups: departments skewed so the first ones are the big ones, every user state present
 * even in tiny, "All Staff", one group per department, "IT Admins" (group-level sudo), "Contractors"
 * (group-level sudo explicitly off), and many small groups, a few of medium size and some empty.
 */
import type { JsonObject, ObjectRef } from '../../model/index.ts';
import { DEPARTMENTS, FIRST_NAMES, GROUP_KINDS, LAST_NAMES, TEAM_WORDS } from '../names.ts';
import { type MembershipMethod, type UserState, userGroupRecord, userRecord } from '../records.ts';
import { unitHash } from '../random.ts';
import { type Attrs, type Generation, created, slug } from './builder.ts';
import { smallGroupRule } from './rule-choices.ts';
import { type RuleMatcher, memberQuery, smallRuleGroup } from './rule-groups.ts';

/** The users the later sections pick from. */
export interface GeneratedUsers {
  readonly departments: readonly string[];
  readonly usersByDept: ReadonlyMap<string, readonly ObjectRef[]>;
  /** Users who are not staged. */
  readonly activeUsers: readonly ObjectRef[];
  readonly itUsers: readonly ObjectRef[];
}

/** User groups by the role they play in the tenant. */
export interface UserGroupRoles {
  readonly allStaff: readonly ObjectRef[];
  readonly depts: readonly ObjectRef[];
  readonly admins: readonly ObjectRef[];
  readonly contractors: readonly ObjectRef[];
  readonly small: readonly ObjectRef[];
}

export function addUsers({ b, ids, counts, ctx }: Generation): GeneratedUsers {
  const nDept = Math.max(3, Math.min(DEPARTMENTS.length, Math.round(counts.user_group / 50)));
  const departments = DEPARTMENTS.slice(0, nDept);
  const usersByDept = new Map<string, ObjectRef[]>(departments.map((d) => [d, []]));
  const activeUsers: ObjectRef[] = [];
  const itUsers: ObjectRef[] = [];
  const c = ctx('users');
  const usernames = new Set<string>();
  for (let i = 0; i < counts.user; i++) {
    const firstname = c.rng.pick(FIRST_NAMES);
    const lastname = c.rng.pick(LAST_NAMES);
    let username = `${firstname}.${lastname}`.toLowerCase();
    if (usernames.has(username)) username = `${username}${i + 1}`;
    usernames.add(username);
    // Departments are skewed: the first ones are the big ones.
    const department = departments[Math.min(nDept - 1, Math.floor(nDept * c.rng.float() ** 1.6))] as string;
    const r = c.rng.float();
    // Every state appears even in tiny: user 1 is staged, user 2 suspended, user 3 locked.
    const state: UserState = i === 1 || (i > 3 && r < 0.06) ? 'STAGED' : i === 2 || (i > 3 && r < 0.11) ? 'SUSPENDED' : 'ACTIVATED';
    const locked = state === 'ACTIVATED' && (i === 3 || (i > 3 && c.rng.chance(0.03)));
    const globalSudo = c.rng.chance(0.02);
    const t = created(c.rng);
    const id = ids.next(t);
    // About 8% are contractors (user 4 always, so tiny has one), drawn apart from the main stream.
    const contractor = i === 4 || (i > 4 && unitHash(0, 'contractor', id) < 0.08);
    const ref = b.add(
      'user',
      id,
      userRecord(c, {
        id,
        created: t,
        index: i,
        firstname,
        lastname,
        username,
        department,
        contractor,
        state,
        locked,
        sudo: globalSudo,
        passwordlessSudo: globalSudo && c.rng.chance(0.5),
      }),
    );
    usersByDept.get(department)?.push(ref);
    if (state !== 'STAGED') activeUsers.push(ref);
    if (department === 'IT') itUsers.push(ref);
  }
  return { departments, usersByDept, activeUsers, itUsers };
}

/** The rule flag the generated tenant's one rule in error carries. */
export const GENERATED_ERROR_FLAG = 'INVALID_GROUP_REFERENCE';

export function addUserGroups({ b, ids, counts, ctx, sideStream }: Generation, people: GeneratedUsers, rules: RuleMatcher): UserGroupRoles {
  const users = b.refs('user');
  const ug = {
    allStaff: [] as ObjectRef[],
    depts: [] as ObjectRef[],
    admins: [] as ObjectRef[],
    contractors: [] as ObjectRef[],
    small: [] as ObjectRef[],
  };
  const c = ctx('user_groups');
  const rng = c.rng;
  // Exemptions, members added by hand and the small groups' rules come from a stream of their own.
  const side = sideStream('user-group-rules');
  const n = counts.user_group;
  const addGroup = (name: string, attributes: Attrs, method: MembershipMethod): ObjectRef => {
    const id = ids.next(created(rng));
    return b.add('user_group', id, userGroupRecord(c, id, name, attributes, method));
  };
  const allStaff = addGroup(
    'All Staff',
    { ldapGroups: [{ name: 'staff' }], posixGroups: [{ id: 5000, name: 'staff' }] },
    'DYNAMIC_AUTOMATED',
  );
  ug.allStaff.push(allStaff);
  // Everyone active, but for about 3% of them exempted (suspended users the rule leaves out by itself).
  const leftOut = people.activeUsers.filter(() => rng.chance(0.03));
  rules.apply(allStaff, 'DYNAMIC_AUTOMATED', {
    query: memberQuery('v1', ['userState', 'eq', 'active']),
    exempt: leftOut.filter((u) => b.record(u)['state'] === 'ACTIVATED'),
  });
  for (const [d, dept] of people.departments.entries()) {
    if (b.refs('user_group').length >= n) break;
    const attrs: Attrs = rng.chance(0.6) ? { ldapGroups: [{ name: slug(dept) }] } : null;
    const g = addGroup(dept, attrs, 'DYNAMIC_REVIEW_REQUIRED');
    ug.depts.push(g);
    // A few exempted from the rule and a few added by hand; the first department always has both.
    const inDept = people.usersByDept.get(dept) ?? [];
    const exempt = inDept.length >= 2 && (d === 0 || side.chance(0.3)) ? side.sample(inDept, side.between(1, 2)) : [];
    const handAdded: ObjectRef[] = [];
    if (inDept.length < users.length && (d === 0 || side.chance(0.5))) {
      for (let k = side.between(1, 3), tries = 0; handAdded.length < k && tries < 50; tries++) {
        const u = side.pick(users);
        if (b.record(u)['department'] !== dept && !handAdded.includes(u)) handAdded.push(u);
      }
    }
    rules.apply(g, 'DYNAMIC_REVIEW_REQUIRED', { query: memberQuery('v1', ['department', 'eq', dept]), exempt, handAdded });
  }
  if (b.refs('user_group').length < n) {
    const admins = addGroup(
      'IT Admins',
      { sudo: { enabled: true, withoutPassword: false }, posixGroups: [{ id: 27, name: 'sudo' }] },
      'STATIC',
    );
    ug.admins.push(admins);
    const size = Math.max(2, Math.min(40, Math.round(users.length * 0.004)));
    const pool = people.itUsers.length >= size ? people.itUsers : users;
    for (const u of rng.sample(pool, size)) b.member(admins, u);
  }
  if (b.refs('user_group').length < n) {
    const contractors = addGroup('Contractors', { sudo: { enabled: false, withoutPassword: false } }, 'STATIC');
    ug.contractors.push(contractors);
    for (const u of rng.sample(users, Math.max(2, Math.round(users.length * 0.02)))) b.member(contractors, u);
  }
  const firstSmall = b.refs('user_group').length;
  for (let i = firstSmall; i < n; i++) {
    const name = `${rng.pick(GROUP_KINDS)} ${rng.pick(TEAM_WORDS)} ${i + 1}`;
    const attrs: JsonObject = {};
    if (rng.chance(0.08)) attrs['sudo'] = { enabled: rng.chance(0.75), withoutPassword: false };
    if (rng.chance(0.1)) attrs['ldapGroups'] = [{ name: slug(name) }];
    if (rng.chance(0.08)) attrs['posixGroups'] = [{ id: 6000 + i, name: slug(name) }];
    if (rng.chance(0.05)) attrs['radius'] = { reply: [{ name: 'Filter-Id', value: slug(name) }] };
    if (rng.chance(0.05)) attrs['sambaEnabled'] = true;
    if (attrs['sudo'] && (attrs['sudo'] as JsonObject)['enabled'] === true && rng.chance(0.3)) {
      attrs['sudo'] = { enabled: true, withoutPassword: true };
    }
    const method: MembershipMethod = rng.chance(0.85) ? 'STATIC' : rng.pick(['DYNAMIC_REVIEW_REQUIRED', 'DYNAMIC_AUTOMATED'] as const);
    // The first small group holds the tenant's one rule in error (its members frozen as they were).
    const flagged = i === firstSmall;
    const g = addGroup(name, Object.keys(attrs).length > 0 ? attrs : null, flagged ? 'DYNAMIC_AUTOMATED' : method);
    ug.small.push(g);
    const isLast = i === n - 1;
    const r = rng.float();
    const size = isLast || r < 0.06 ? 0 : r < 0.09 ? rng.between(50, 200) : 1 + Math.floor(24 * rng.float() ** 2);
    // A static group's members; a rule group's anchors, whose attributes its rule is made of.
    const drawn = rng.sample(users, Math.min(size, Math.floor(users.length / 3) || 1));
    if (flagged) {
      const query = smallGroupRule(side, rules, 'user', drawn, users, (u) => b.record(u), Math.max(8, size));
      rules.apply(g, 'DYNAMIC_AUTOMATED', { query, errorFlags: [GENERATED_ERROR_FLAG], frozenMembers: drawn });
    } else if (method === 'STATIC') {
      for (const u of drawn) b.member(g, u);
    } else {
      const query = smallGroupRule(side, rules, 'user', drawn, users, (u) => b.record(u), Math.max(8, size));
      smallRuleGroup(side, rules, g, method, query, users);
    }
  }
  return ug;
}
