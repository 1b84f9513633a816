/**
 * What a group's record says its rule does: whether a rule runs at all (`membershipMethod`), whether it
 * is frozen (an error flag, or a query the simulator cannot read), which objects it wants (matched and
 * not exempt), and whether it takes members out (DYNAMIC_AUTOMATED) or only adds (DYNAMIC_REVIEW_REQUIRED).
 */
import type { JsonObject, JsonValue, ObjectRef } from '../../model/index.ts';
import { type ReadableQuery, type RuleMemberType, readMemberQuery } from './member-query.ts';

export type DynamicMethod = 'DYNAMIC_AUTOMATED' | 'DYNAMIC_REVIEW_REQUIRED';

/** The member type of a group type whose groups can have rules (policy groups cannot). */
export function ruleMemberType(groupType: string): RuleMemberType | undefined {
  return groupType === 'user_group' ? 'user' : groupType === 'system_group' ? 'system' : undefined;
}

/**
 * A group's rule as the simulator runs it:
 * - `none`: a STATIC or NOTSET group (or one of a type without rules): members change by hand only;
 * - `frozen`: a dynamic group whose rule does not run here, its membership left as it is: the tenant
 *   flags the rule in error (`memberQueryErrorFlags` a non-empty list), or the simulator cannot read the
 *   rule, its error flags (not a list) or its exemptions (it never guesses);
 * - `running`: the rule runs. AUTOMATED: the members are exactly the objects it wants. REVIEW_REQUIRED:
 *   it adds every object it wants (as if the admin approved each suggestion) and removes nobody, so
 *   hand-added members stay and a manual removal of an object it wants does not hold (a rule choice).
 */
export type GroupRule =
  | { readonly state: 'none' }
  | { readonly state: 'frozen'; readonly method: DynamicMethod; readonly why: string }
  | {
      readonly state: 'running';
      readonly method: DynamicMethod;
      readonly memberType: RuleMemberType;
      readonly query: ReadableQuery;
      /** Ids of the objects in `memberQueryExemptions`: the rule never adds them. */
      readonly exempt: ReadonlySet<string>;
    };

function isDynamic(method: JsonValue | undefined): method is DynamicMethod {
  return method === 'DYNAMIC_AUTOMATED' || method === 'DYNAMIC_REVIEW_REQUIRED';
}

/**
 * The ids of a group record's exemptions (none when it has none), or why they cannot be read. An
 * exemption names an object by id (ids are unique in an organization; its `type` is not compared). A
 * list that is not one, or an entry without a string id, freezes the rule as an unreadable query does:
 * the simulator does not guess whom it meant to exempt.
 */
export function exemptIds(record: JsonObject): Set<string> | string {
  const raw = record['memberQueryExemptions'];
  const ids = new Set<string>();
  if (raw === undefined || raw === null) return ids;
  if (!Array.isArray(raw)) return 'its memberQueryExemptions is not a list';
  for (const entry of raw) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry) || typeof entry['id'] !== 'string') {
      return 'an entry of its memberQueryExemptions has no id';
    }
    ids.add(entry['id']);
  }
  return ids;
}

/** Reads a group's record into the rule the simulator runs for it. */
export function groupRule(groupType: string, record: JsonObject): GroupRule {
  const memberType = ruleMemberType(groupType);
  const method = record['membershipMethod'];
  if (memberType === undefined || !isDynamic(method)) return { state: 'none' };
  const flags = record['memberQueryErrorFlags'];
  // A value that is not a list (the spec: an array of strings) is not read as "no flags": never guessed.
  if (flags !== undefined && flags !== null && !Array.isArray(flags))
    return { state: 'frozen', method, why: 'its memberQueryErrorFlags is not a list' };
  if (Array.isArray(flags) && flags.length > 0) {
    return { state: 'frozen', method, why: `the rule is flagged in error (${flags.map((f) => JSON.stringify(f)).join(', ')})` };
  }
  const query = readMemberQuery(record['memberQuery'], memberType);
  if (!query.readable) return { state: 'frozen', method, why: query.reason };
  const exempt = exemptIds(record);
  if (typeof exempt === 'string') return { state: 'frozen', method, why: exempt };
  return { state: 'running', method, memberType, query, exempt };
}

/** Whether a running rule wants `member` in its group: the query matches its record and it is not exempt. */
export function ruleWants(
  rule: Extract<GroupRule, { state: 'running' }>,
  member: ObjectRef,
  record: Readonly<Record<string, JsonValue | undefined>>,
): boolean {
  return member.type === rule.memberType && !rule.exempt.has(member.id) && rule.query.matches(record);
}
