/**
 * The rules of the generated small dynamic groups: queries over the documented attributes, in both forms,
 * built from the attributes of an anchor object so that each matches someone, then chosen by how many
 * objects they match (a small group stays small). A group meant to be empty gets a rule that differs from
 * a real value only in case: values must match exactly, so it matches nobody.
 */
import type { JsonObject, ObjectRef } from '../../model/index.ts';
import type { RuleMemberType } from '../dynamic/member-query.ts';
import type { Rng } from '../random.ts';
import { type FilterSpec, type RuleMatcher, memberQuery } from './rule-groups.ts';

function text(record: JsonObject, field: string): string {
  const value = record[field];
  return typeof value === 'string' ? value : '';
}

/**
 * Candidate queries for a user group, from an anchor user and another user's attributes. The last is the
 * narrowest (job title, location and description together), the fallback when every one matches too many.
 */
function userCandidates(anchor: JsonObject, other: JsonObject): JsonObject[] {
  const a = (field: string): string => text(anchor, field);
  const o = (field: string): string => text(other, field);
  const q = (form: 'v1' | 'v2', ...filters: FilterSpec[]): JsonObject => memberQuery(form, ...filters);
  return [
    q('v2', ['department', 'eq', a('department')], ['location', 'eq', a('location')]),
    q('v1', ['jobTitle', 'eq', a('jobTitle')], ['location', 'in', [a('location'), o('location')]]),
    q('v2', ['costCenter', 'eq', a('costCenter')], ['employeeType', 'eq', a('employeeType')]),
    q('v1', ['company', 'eq', a('company')], ['location', 'eq', a('location')]),
    q('v2', ['department', 'eq', a('department')], ['description', 'eq', a('description')], ['location', 'eq', a('location')]),
    q('v1', ['jobTitle', 'in', [a('jobTitle'), o('jobTitle')]], ['userState', 'eq', 'active']),
    q('v2', ['costCenter', 'eq', a('costCenter')], ['employeeType', 'eq', a('employeeType')], ['location', 'eq', a('location')]),
    q('v2', ['jobTitle', 'eq', a('jobTitle')], ['location', 'eq', a('location')], ['description', 'eq', a('description')]),
  ];
}

/**
 * Candidate queries for a system group, from an anchor system and another system's attributes. Date
 * thresholds are read off the anchor's OS so that about `size` devices pass: the newest of an OS, the
 * oldest of a hardware profile, the ones that have not checked in longest. The last (one display name)
 * is the narrowest.
 */
function systemCandidates(anchor: JsonObject, other: JsonObject, matcher: RuleMatcher, size: number): JsonObject[] {
  const a = (field: string): string => text(anchor, field);
  const o = (field: string): string => text(other, field);
  const q = (form: 'v1' | 'v2', ...filters: FilterSpec[]): JsonObject => memberQuery(form, ...filters);
  const out = [
    q('v1', ['hostname', 'in', [a('hostname'), o('hostname')]]),
    q('v1', ['serialNumber', 'in', [a('serialNumber'), o('serialNumber')]]),
  ];
  const newest = matcher.dateAtRank('system', [['osFamily', a('osFamily')]], 'created', size, 'newest');
  if (newest !== undefined) out.push(q('v2', ['osFamily', 'eq', a('osFamily')], ['created', 'ge', newest]));
  const profile = [
    ['arch', a('arch')],
    ['version', a('version')],
  ] as const;
  const oldest = matcher.dateAtRank('system', profile, 'created', size, 'oldest');
  if (oldest !== undefined) out.push(q('v2', ['arch', 'eq', a('arch')], ['version', 'eq', a('version')], ['created', 'le', oldest]));
  const stale = matcher.dateAtRank('system', [['os', a('os')]], 'lastContact', size, 'oldest');
  if (stale !== undefined) out.push(q('v1', ['os', 'eq', a('os')], ['lastContact', 'le', stale]));
  out.push(q('v1', ['displayName', 'eq', a('displayName')]));
  return out;
}

/**
 * A rule for a small dynamic group: the first candidate (in a random order) that matches between 1 and
 * `most` objects, else the narrowest candidate (which matches the anchor at least). `anchors` are objects
 * the group would have held as a static group; with none, the group is meant to be empty and gets a rule
 * matching nobody.
 */
export function smallGroupRule(
  rng: Rng,
  matcher: RuleMatcher,
  memberType: RuleMemberType,
  anchors: readonly ObjectRef[],
  pool: readonly ObjectRef[],
  record: (ref: ObjectRef) => JsonObject,
  most: number,
): JsonObject {
  const first = anchors[0];
  if (first === undefined) {
    const someone = record(rng.pick(pool));
    return memberType === 'user'
      ? memberQuery('v1', ['department', 'eq', text(someone, 'department').toLowerCase()])
      : memberQuery('v2', ['hostname', 'eq', text(someone, 'hostname').toUpperCase()]);
  }
  const anchor = record(first);
  const other = record(anchors[1] ?? rng.pick(pool));
  const candidates = memberType === 'user' ? userCandidates(anchor, other) : systemCandidates(anchor, other, matcher, anchors.length);
  // A system candidate matches one or two devices, or about `anchors.length` by its date threshold.
  if (memberType === 'system') return rng.pick(candidates);
  for (const query of rng.sample(candidates, candidates.length)) {
    const count = matcher.matches(memberType, query, most).length;
    if (count >= 1 && count <= most) return query;
  }
  return candidates[candidates.length - 1] as JsonObject;
}
