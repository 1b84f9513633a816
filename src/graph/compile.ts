/**
 * compiledAttributes: the attributes of all paths of a binding compiled into one object, by a
 * replaceable function. The default interprets DEFAULT_COMPILE_RULE (src/model/compile-rule.ts, whose
 * doc comment is the specification); `compileWithRule` interprets any other CompileRule the same way,
 * and a caller may pass any function of the CompileContext instead.
 */
import {
  isJsonObject,
  DEFAULT_COMPILE_RULE,
  type CompileRule,
  type EdgeKind,
  type GraphAttributes,
  type JsonObject,
  type JsonValue,
  type SudoSource,
  type Step,
} from '../model/index.ts';
import type { GraphNode } from './access-graph.ts';

/** One hop of a path as the compile function sees it. */
export interface CompileHop {
  /** The object the hop reaches. */
  readonly node: GraphNode;
  /** The object the hop leaves (the source, or the previous hop's node). */
  readonly from: GraphNode;
  readonly kind: EdgeKind;
  readonly step: Step;
  /** The edge's attributes. */
  readonly attributes: JsonObject | null;
}

export interface CompileContext {
  readonly source: GraphNode;
  readonly target: GraphNode;
  /** Every path of the binding (kept ones, when a path cap truncated it), hops from the source. */
  readonly paths: readonly (readonly CompileHop[])[];
}

/** Builds a binding's compiledAttributes; undefined (or null) when nothing compiles, and the field is left out. */
export type CompileFn = (context: CompileContext) => GraphAttributes | undefined;

interface SudoValue {
  enabled: boolean;
  withoutPassword: boolean;
}

function sudoOf(attributes: JsonObject | null | undefined): SudoValue | undefined {
  const sudo = attributes?.['sudo'];
  if (!isJsonObject(sudo)) return undefined;
  return { enabled: sudo['enabled'] === true, withoutPassword: sudo['withoutPassword'] === true };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What one user group contributes, read once per record (records are never mutated). */
interface GroupSummary {
  readonly sudo: SudoValue | undefined;
  readonly ldapGroups: readonly { name: string }[];
  readonly posixGroups: readonly { id: JsonValue; name: string }[];
  readonly reply: readonly { name: string; value: string }[];
  readonly sambaEnabled: boolean | undefined;
}

const summaries = new WeakMap<JsonObject, GroupSummary | null>();

function summarize(record: JsonObject): GroupSummary | null {
  let s = summaries.get(record);
  if (s !== undefined) return s;
  const attrs = record['attributes'];
  if (!isJsonObject(attrs)) {
    summaries.set(record, null);
    return null;
  }
  const ldapGroups: { name: string }[] = [];
  const posixGroups: { id: JsonValue; name: string }[] = [];
  const reply: { name: string; value: string }[] = [];
  if (Array.isArray(attrs['ldapGroups'])) {
    for (const g of attrs['ldapGroups']) if (isJsonObject(g) && typeof g['name'] === 'string') ldapGroups.push({ name: g['name'] });
  }
  if (Array.isArray(attrs['posixGroups'])) {
    for (const g of attrs['posixGroups']) {
      if (isJsonObject(g) && typeof g['name'] === 'string' && g['id'] !== undefined) posixGroups.push({ id: g['id'], name: g['name'] });
    }
  }
  const radius = attrs['radius'];
  const replies = isJsonObject(radius) ? radius['reply'] : undefined;
  if (Array.isArray(replies)) {
    for (const r of replies) {
      if (isJsonObject(r) && typeof r['name'] === 'string' && typeof r['value'] === 'string')
        reply.push({ name: r['name'], value: r['value'] });
    }
  }
  const samba = attrs['sambaEnabled'];
  s = {
    sudo: sudoOf(attrs),
    ldapGroups: normalized(ldapGroups, nameKey, byName),
    posixGroups: normalized(posixGroups, idNameKey, byIdName),
    reply: normalized(reply, nameValueKey, byNameValue),
    sambaEnabled: typeof samba === 'boolean' ? samba : undefined,
  };
  summaries.set(record, s);
  return s;
}

/** Union of lists by a key, sorted; items copied so answers never share objects. */
function union<T extends object>(
  groups: readonly GroupSummary[],
  pick: (g: GroupSummary) => readonly T[],
  key: (item: T) => string,
  compare: (a: T, b: T) => number,
): T[] {
  if (groups.length === 1) return pick(groups[0]!).map((item) => ({ ...item })); // already deduplicated and sorted
  const byKey = new Map<string, T>();
  for (const g of groups) for (const item of pick(g)) byKey.set(key(item), item);
  return [...byKey.values()].sort(compare).map((item) => ({ ...item }));
}

/** A list deduplicated by key and sorted. */
function normalized<T>(items: T[], key: (item: T) => string, compare: (a: T, b: T) => number): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()].sort(compare);
}

const ldapOf = (g: GroupSummary) => g.ldapGroups;
const posixOf = (g: GroupSummary) => g.posixGroups;
const replyOf = (g: GroupSummary) => g.reply;
const byName = (a: { name: string }, b: { name: string }) => compareStrings(a.name, b.name);
const byIdName = (a: { id: JsonValue; name: string }, b: { id: JsonValue; name: string }) =>
  compareIds(a.id, b.id) || compareStrings(a.name, b.name);
const byNameValue = (a: { name: string; value: string }, b: { name: string; value: string }) =>
  compareStrings(a.name, b.name) || compareStrings(a.value, b.value);
const nameKey = (x: { name: string }) => x.name;
const idNameKey = (x: { id: JsonValue; name: string }) => JSON.stringify([x.id, x.name]);
const nameValueKey = (x: { name: string; value: string }) => `${x.name}\u0000${x.value}`;

/**
 * Accumulates one binding's compiled attributes. Feed it the user groups on the paths and the
 * association hops (in any order, repeats allowed), then read `result()`.
 */
export class AttributeCompiler {
  private readonly rule: CompileRule;
  private readonly sudoActive: boolean;
  private readonly sudoLevels: (SudoValue | undefined)[] = [undefined, undefined, undefined];
  private readonly groupIds: string[] = [];
  private readonly groups: GroupSummary[] = [];

  constructor(rule: CompileRule, sourceType: string, targetType: string) {
    this.rule = rule;
    const left: readonly string[] = rule.sudo.between[0];
    const right: readonly string[] = rule.sudo.between[1];
    this.sudoActive =
      (left.includes(sourceType) && right.includes(targetType)) || (right.includes(sourceType) && left.includes(targetType));
  }

  private addSudo(source: SudoSource, value: SudoValue | undefined): void {
    if (!value) return;
    const level = this.rule.sudo.precedence.indexOf(source);
    if (level < 0) return;
    const prev = this.sudoLevels[level];
    // most permissive: enabled if any is; without password if any enabled value has it
    this.sudoLevels[level] = {
      enabled: (prev?.enabled ?? false) || value.enabled,
      withoutPassword: (prev?.withoutPassword ?? false) || (value.enabled && value.withoutPassword),
    };
  }

  /** False when association hops cannot contribute (sudo is not compiled for this binding). */
  get wantsAssociations(): boolean {
    return this.sudoActive;
  }

  /** An association hop between objects of these types, with the edge's attributes. */
  addAssociation(typeA: string, typeB: string, attributes: JsonObject | null): void {
    if (!this.sudoActive || attributes === null) return;
    if (typeA === 'user' || typeB === 'user') this.addSudo('user-association', sudoOf(attributes));
    else if (typeA === 'user_group' || typeB === 'user_group') this.addSudo('group-association', sudoOf(attributes));
  }

  /** A user group on a path (a hop of type user_group, or the source when it is a user group); repeats are ignored. */
  addUserGroup(id: string, record: JsonObject): void {
    if (this.groupIds.includes(id)) return;
    this.groupIds.push(id);
    const summary = summarize(record);
    if (summary === null) return;
    this.groups.push(summary);
    if (this.sudoActive) this.addSudo('group-own', summary.sudo);
  }

  result(): JsonObject | undefined {
    const out: JsonObject = {};
    const sudo = this.sudoLevels.find((v) => v !== undefined);
    if (sudo) out['sudo'] = { enabled: sudo.enabled, withoutPassword: sudo.withoutPassword };
    const groups = this.groups;
    for (const key of this.rule.groupAttributes) {
      switch (key) {
        case 'ldapGroups': {
          const list = union(groups, ldapOf, nameKey, byName);
          if (list.length > 0) out['ldapGroups'] = list;
          break;
        }
        case 'posixGroups': {
          const list = union(groups, posixOf, idNameKey, byIdName);
          if (list.length > 0) out['posixGroups'] = list;
          break;
        }
        case 'radius': {
          const list = union(groups, replyOf, nameValueKey, byNameValue);
          if (list.length > 0) out['radius'] = { reply: list };
          break;
        }
        case 'sambaEnabled': {
          let samba: boolean | undefined;
          for (const g of groups) if (g.sambaEnabled !== undefined) samba = samba === true || g.sambaEnabled;
          if (samba !== undefined) out['sambaEnabled'] = samba;
          break;
        }
      }
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
}

/** posixGroups ids are integers in the spec; numbers sort numerically, anything else after them as text. */
function compareIds(a: JsonValue, b: JsonValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return compareStrings(JSON.stringify(a), JSON.stringify(b));
}

/** Feeds a CompileContext into a compiler for a rule. */
export function compileContext(rule: CompileRule, context: CompileContext): JsonObject | undefined {
  const c = new AttributeCompiler(rule, context.source.type, context.target.type);
  if (context.source.type === 'user_group') c.addUserGroup(context.source.id, context.source.record);
  for (const path of context.paths) {
    for (const hop of path) {
      if (hop.node.type === 'user_group') c.addUserGroup(hop.node.id, hop.node.record);
      if (hop.kind === 'association') c.addAssociation(hop.from.type, hop.node.type, hop.attributes);
    }
  }
  return c.result();
}

/** A compile function interpreting a CompileRule. */
export function compileWithRule(rule: CompileRule): CompileFn {
  return (context) => compileContext(rule, context);
}

/** The default compile function: DEFAULT_COMPILE_RULE (src/model/compile-rule.ts). */
export const defaultCompile: CompileFn = compileWithRule(DEFAULT_COMPILE_RULE);
