/**
 * compiledAttributes: the attributes of all paths of a binding compiled into one object, by a
 * replaceable function. The default interprets DEFAULT_COMPILE_RULE (src/model/compile-rule.ts, whose
 * doc comment is the specification); `compileWithRule` interprets any other CompileRule the same way,
 * and a caller may pass any function of the CompileContext instead.
 */
import {
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

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sudoOf(attributes: JsonObject | null | undefined): SudoValue | undefined {
  const sudo = attributes?.['sudo'];
  if (!isObject(sudo)) return undefined;
  return { enabled: sudo['enabled'] === true, withoutPassword: sudo['withoutPassword'] === true };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Accumulates one binding's compiled attributes. Feed it the user groups on the paths and the
 * association hops (in any order, repeats allowed), then read `result()`.
 */
export class AttributeCompiler {
  private readonly rule: CompileRule;
  private readonly sudoActive: boolean;
  private readonly sudoLevels: (SudoValue | undefined)[];
  private readonly seenGroups = new Set<string>();
  private readonly ldap = new Map<string, JsonObject>();
  private readonly posix = new Map<string, { id: JsonValue; name: string }>();
  private readonly reply = new Map<string, { name: string; value: string }>();
  private samba: boolean | undefined;

  constructor(rule: CompileRule, sourceType: string, targetType: string) {
    this.rule = rule;
    const [left, right] = rule.sudo.between;
    const inL = (t: string) => (left as readonly string[]).includes(t);
    const inR = (t: string) => (right as readonly string[]).includes(t);
    this.sudoActive = (inL(sourceType) && inR(targetType)) || (inR(sourceType) && inL(targetType));
    this.sudoLevels = rule.sudo.precedence.map(() => undefined);
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

  /** An association hop between objects of these types, with the edge's attributes. */
  addAssociation(typeA: string, typeB: string, attributes: JsonObject | null): void {
    if (!this.sudoActive || attributes === null) return;
    if (typeA === 'user' || typeB === 'user') this.addSudo('user-association', sudoOf(attributes));
    else if (typeA === 'user_group' || typeB === 'user_group') this.addSudo('group-association', sudoOf(attributes));
  }

  /** A user group on a path (a hop of type user_group, or the source when it is a user group); repeats are ignored. */
  addUserGroup(id: string, record: JsonObject): void {
    if (this.seenGroups.has(id)) return;
    this.seenGroups.add(id);
    const attrs = record['attributes'];
    if (!isObject(attrs)) return;
    if (this.sudoActive) this.addSudo('group-own', sudoOf(attrs));
    for (const key of this.rule.groupAttributes) {
      const value = attrs[key];
      switch (key) {
        case 'ldapGroups':
          if (Array.isArray(value)) {
            for (const g of value) if (isObject(g) && typeof g['name'] === 'string') this.ldap.set(g['name'], { name: g['name'] });
          }
          break;
        case 'posixGroups':
          if (Array.isArray(value)) {
            for (const g of value) {
              if (isObject(g) && typeof g['name'] === 'string' && g['id'] !== undefined) {
                this.posix.set(JSON.stringify([g['id'], g['name']]), { id: g['id'], name: g['name'] });
              }
            }
          }
          break;
        case 'radius': {
          const replies = isObject(value) ? value['reply'] : undefined;
          if (Array.isArray(replies)) {
            for (const r of replies) {
              if (isObject(r) && typeof r['name'] === 'string' && typeof r['value'] === 'string') {
                this.reply.set(JSON.stringify([r['name'], r['value']]), { name: r['name'], value: r['value'] });
              }
            }
          }
          break;
        }
        case 'sambaEnabled':
          if (typeof value === 'boolean') this.samba = (this.samba ?? false) || value;
          break;
      }
    }
  }

  result(): JsonObject | undefined {
    const out: JsonObject = {};
    let any = false;
    const sudo = this.sudoLevels.find((v) => v !== undefined);
    if (sudo) {
      out['sudo'] = { enabled: sudo.enabled, withoutPassword: sudo.withoutPassword };
      any = true;
    }
    if (this.ldap.size > 0) {
      out['ldapGroups'] = [...this.ldap.values()].sort((a, b) => compareStrings(a['name'] as string, b['name'] as string));
      any = true;
    }
    if (this.posix.size > 0) {
      out['posixGroups'] = [...this.posix.values()].sort((a, b) => compareIds(a.id, b.id) || compareStrings(a.name, b.name));
      any = true;
    }
    if (this.reply.size > 0) {
      out['radius'] = { reply: [...this.reply.values()].sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.value, b.value)) };
      any = true;
    }
    if (this.samba !== undefined) {
      out['sambaEnabled'] = this.samba;
      any = true;
    }
    return any ? out : undefined;
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
