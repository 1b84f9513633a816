/**
 * Dynamic groups of the generated tenant, made the way JumpCloud keeps them: a group's record carries its
 * rule (`memberQuery`) and exemptions, and its members are what the rule gives: for DYNAMIC_AUTOMATED the
 * objects it matches less the exempt ones, for DYNAMIC_REVIEW_REQUIRED the same plus any members added by
 * hand (objects the rule does not match). So the simulator's first re-evaluation of a generated tenant
 * changes nothing. Matches are computed by the simulator's own evaluator (src/simulator/dynamic).
 */
import type { JsonObject, JsonValue, ObjectRef } from '../../model/index.ts';
import { groupRule, ruleWants } from '../dynamic/group-rule.ts';
import { type RuleMemberType, isoInstant, readMemberQuery } from '../dynamic/member-query.ts';
import { SimulatorError } from '../errors.ts';
import { type GroupRuleFields, type MembershipMethod, withRuleFields } from '../records.ts';
import type { Rng } from '../random.ts';
import type { TenantBuilder } from './builder.ts';

/** One filter as `[field, operator, value]`, written in either form by `memberQuery`. */
export type FilterSpec = readonly [field: string, operator: string, value: JsonValue];

/** A member query in the v1 FilterQuery form (`operator`) or the v2 form (`operation`, no queryType). */
export function memberQuery(form: 'v1' | 'v2', ...filters: readonly FilterSpec[]): JsonObject {
  if (form === 'v1') {
    return { queryType: 'FilterQuery', filters: filters.map(([field, operator, value]) => ({ field, operator, value })) };
  }
  return { filters: filters.map(([field, operation, value]) => ({ field, operation, value })) };
}

/** What a rule group is made of beyond its query: exemptions, members added by hand, error flags. */
export interface RuleGroupParts {
  readonly query: JsonObject;
  readonly exempt?: readonly ObjectRef[];
  /** Members added by hand (review-required groups): objects the rule does not match. */
  readonly handAdded?: readonly ObjectRef[];
  /** Flags the rule in error: its members are then `frozenMembers`, whatever the rule says. */
  readonly errorFlags?: readonly string[];
  readonly frozenMembers?: readonly ObjectRef[];
}

/**
 * Finds what rules match among the builder's objects. Candidates are narrowed through an index of the
 * plain string fields the rule's `eq` filters name (every match holds exactly those values), or else of
 * the field of an `in` filter; the evaluator decides on each candidate.
 */
export class RuleMatcher {
  /** Indexes by a list of string fields: the objects holding each combination of their values. */
  private readonly indexes = new Map<string, Map<string, ObjectRef[]>>();
  private readonly byDate = new Map<string, readonly Dated[]>();
  /** Matches per query object: a rule is matched when chosen, then again when applied. */
  private readonly matched = new WeakMap<JsonObject, ObjectRef[]>();

  constructor(private readonly b: TenantBuilder) {}

  /**
   * The objects of `memberType` the readable `query` matches (exemptions aside), in the order they were
   * added; with `most`, the search stops at `most + 1` matches (enough to know a rule matches too many).
   */
  matches(memberType: RuleMemberType, query: JsonObject, most = Infinity): ObjectRef[] {
    const known = this.matched.get(query);
    if (known) return known;
    const read = readMemberQuery(query, memberType);
    if (!read.readable) throw new SimulatorError(`generator: a rule it cannot read (${read.reason})`);
    const plain = read.filters.filter((f) => !DERIVED_OR_DATE.has(f.field));
    const equal = new Map<string, string>();
    let contradiction = false;
    for (const f of plain) {
      if (f.operator !== 'eq') continue;
      const value = f.values[0] as string;
      if (equal.has(f.field) && equal.get(f.field) !== value) contradiction = true;
      equal.set(f.field, value);
    }
    let candidates: readonly ObjectRef[] = this.b.refs(memberType);
    if (contradiction) candidates = [];
    else if (equal.size > 0) {
      candidates = this.bucket(memberType, [...equal]);
      // A date comparison narrows further: the bucket ordered by that date, cut at the rule's instant.
      for (const f of read.filters) {
        if (!COMPARISONS.has(f.operator)) continue;
        const at = isoInstant(f.values[0]);
        if (at === undefined) continue;
        const dated = this.dated(memberType, [...equal], f.field);
        const from = f.operator === 'gt' || f.operator === 'ge' ? firstAtOrAfter(dated, at) : 0;
        const to = f.operator === 'lt' || f.operator === 'le' ? firstAtOrAfter(dated, at + 1) : dated.length;
        if (to - from < candidates.length) candidates = dated.slice(from, to).map((d) => d.ref);
      }
    } else {
      for (const f of plain.filter((x) => x.operator === 'in')) {
        const bucket = [...new Set(f.values)].flatMap((v) => this.bucket(memberType, [[f.field, v]]));
        if (bucket.length < candidates.length) candidates = bucket;
      }
    }
    const found: ObjectRef[] = [];
    for (const ref of candidates) {
      if (!read.matches(this.b.record(ref))) continue;
      found.push(ref);
      if (found.length > most) return found;
    }
    this.matched.set(query, found);
    return found;
  }

  /** The objects of `memberType` whose string fields hold exactly the values given, in the order they were added. */
  bucket(memberType: RuleMemberType, fieldValues: readonly (readonly [field: string, value: string])[]): readonly ObjectRef[] {
    const sorted = [...fieldValues].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    const fields = sorted.map(([f]) => f);
    const key = `${memberType}|${fields.join('\u0001')}`;
    let index = this.indexes.get(key);
    if (!index) {
      index = new Map();
      for (const ref of this.b.refs(memberType)) {
        const record = this.b.record(ref);
        const values = fields.map((f) => record[f]);
        if (!values.every((v) => typeof v === 'string')) continue;
        const k = values.join('\u0001');
        const list = index.get(k);
        if (list) list.push(ref);
        else index.set(k, [ref]);
      }
      this.indexes.set(key, index);
    }
    return index.get(sorted.map(([, v]) => v).join('\u0001')) ?? [];
  }

  /** A bucket's objects that have a readable `dateField`, ordered by it (oldest first), built on first use. */
  private dated(memberType: RuleMemberType, fieldValues: readonly (readonly [string, string])[], dateField: string): readonly Dated[] {
    const key = `${memberType}|${JSON.stringify([...fieldValues].sort())}|${dateField}`;
    let dated = this.byDate.get(key);
    if (!dated) {
      dated = this.bucket(memberType, fieldValues)
        .flatMap((ref) => {
          const text = this.b.record(ref)[dateField];
          const at = isoInstant(text);
          return at === undefined || typeof text !== 'string' ? [] : [{ ref, at, text }];
        })
        .sort((x, y) => x.at - y.at);
      this.byDate.set(key, dated);
    }
    return dated;
  }

  /**
   * The date (as the records spell it) at rank `k` (1-based, clamped to the objects that have one) of a
   * bucket ordered by `dateField`, oldest first or newest first; undefined for a bucket without dates.
   */
  dateAtRank(
    memberType: RuleMemberType,
    fieldValues: readonly (readonly [field: string, value: string])[],
    dateField: string,
    k: number,
    order: 'oldest' | 'newest',
  ): string | undefined {
    const dated = this.dated(memberType, fieldValues, dateField);
    if (dated.length === 0) return undefined;
    const rank = Math.min(Math.max(1, k), dated.length);
    return dated[order === 'oldest' ? rank - 1 : dated.length - rank]?.text;
  }

  /**
   * Writes the rule into the group's record and gives the group the members the rule makes: the
   * objects it wants (matched, not exempt) plus those added by hand; a flagged rule's frozen members.
   */
  apply(group: ObjectRef, method: Exclude<MembershipMethod, 'STATIC'>, parts: RuleGroupParts): void {
    const memberType: RuleMemberType = group.type === 'user_group' ? 'user' : 'system';
    const fields: GroupRuleFields = {
      memberQuery: parts.query,
      memberQueryExemptions: (parts.exempt ?? []).map((e) => ({ id: e.id, type: e.type })),
      ...(parts.errorFlags ? { memberQueryErrorFlags: parts.errorFlags } : {}),
    };
    const record = withRuleFields({ ...this.b.record(group), membershipMethod: method }, fields);
    this.b.setRecord(group, record);
    const rule = groupRule(group.type, record);
    if (rule.state === 'frozen') {
      for (const m of parts.frozenMembers ?? []) this.b.member(group, m);
      return;
    }
    if (rule.state !== 'running') throw new SimulatorError(`generator: ${group.id} has no rule to run`);
    if (method === 'DYNAMIC_AUTOMATED' && (parts.handAdded?.length ?? 0) > 0) {
      throw new SimulatorError(`generator: ${group.id} is DYNAMIC_AUTOMATED, where a member added by hand does not stay`);
    }
    for (const m of this.matches(memberType, parts.query)) if (ruleWants(rule, m, this.b.record(m))) this.b.member(group, m);
    for (const m of parts.handAdded ?? []) {
      if (ruleWants(rule, m, this.b.record(m))) throw new SimulatorError(`generator: ${m.id} is added by hand but the rule matches it`);
      this.b.member(group, m);
    }
  }
}

interface Dated {
  readonly ref: ObjectRef;
  readonly at: number;
  readonly text: string;
}

const COMPARISONS: ReadonlySet<string> = new Set(['gt', 'ge', 'lt', 'le']);

/** The first position of a date-ordered list whose instant is at or after `at` (its length when none is). */
function firstAtOrAfter(dated: readonly Dated[], at: number): number {
  let lo = 0;
  let hi = dated.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((dated[mid] as Dated).at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Fields an index cannot narrow by: userState is read from `state`, dates compare as instants. */
const DERIVED_OR_DATE: ReadonlySet<string> = new Set(['userState', 'created', 'lastContact']);

/**
 * A small rule group's members: what its rule matches, now and then less one exempted member, and for a
 * review-required group now and then one member added by hand.
 */
export function smallRuleGroup(
  side: Rng,
  rules: RuleMatcher,
  group: ObjectRef,
  method: Exclude<MembershipMethod, 'STATIC'>,
  query: JsonObject,
  pool: readonly ObjectRef[],
): void {
  const memberType: RuleMemberType = group.type === 'user_group' ? 'user' : 'system';
  const matched = rules.matches(memberType, query);
  const exempt = matched.length >= 2 && side.chance(0.2) ? [side.pick(matched)] : [];
  const matchedIds = new Set(matched.map((m) => m.id));
  const outsider = method === 'DYNAMIC_REVIEW_REQUIRED' && side.chance(0.3) ? side.pick(pool) : undefined;
  const handAdded = outsider && !matchedIds.has(outsider.id) ? [outsider] : [];
  rules.apply(group, method, { query, exempt, handAdded });
}
