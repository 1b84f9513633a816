/**
 * The simulator's own reading of a CompileRule (src/model/compile-rule.ts): compiledAttributes of one
 * binding from all of its paths. Written independently of the engine's version on purpose.
 *
 * Readings chosen where the rule's words leave room:
 * - a "value" of sudo is a `sudo` object with boolean `enabled` and `withoutPassword`; `{enabled: false}`
 *   is a value (an explicit denial), so it takes the level it sits on;
 * - an association hop's ends are the object before it on the path (the source or the group it went up
 *   to) and the object it reaches;
 * - `sambaEnabled` is compiled when some user group on the paths holds a boolean there (true if any is
 *   true); list attributes are compiled only when their union is non-empty;
 * - the rule applies to every GraphObjectWithPaths answer (traversals, memberof, membership).
 */
import type { CompileRule, JsonObject, JsonValue, ObjectRef, SudoSource } from '../../model/index.ts';
import { isJsonObject } from '../../model/index.ts';
import type { Hop, Path } from './paths.ts';
import { type ReferenceAdjacency, refKey } from './tenant-index.ts';

interface Sudo {
  readonly enabled: boolean;
  readonly withoutPassword: boolean;
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

function sudoOf(attributes: JsonObject | null | undefined): Sudo | undefined {
  const sudo = asObject(attributes?.['sudo']);
  if (!sudo || typeof sudo['enabled'] !== 'boolean' || typeof sudo['withoutPassword'] !== 'boolean') return undefined;
  return { enabled: sudo['enabled'], withoutPassword: sudo['withoutPassword'] };
}

/** The user groups on a path: its user_group hops, plus the source when it is a user group. */
function userGroupsOn(source: ObjectRef, path: Path): ObjectRef[] {
  const groups = path.filter((hop) => hop.to.type === 'user_group').map((hop) => hop.to);
  return source.type === 'user_group' ? [source, ...groups] : groups;
}

function groupAttributes(index: ReferenceAdjacency, group: ObjectRef): JsonObject | undefined {
  return asObject(index.object(group)?.record['attributes']);
}

function sudoValues(index: ReferenceAdjacency, source: ObjectRef, paths: readonly Path[]): Map<SudoSource, Sudo[]> {
  const found = new Map<SudoSource, Sudo[]>();
  const note = (level: SudoSource, value: Sudo | undefined): void => {
    if (!value) return;
    const list = found.get(level);
    if (list) list.push(value);
    else found.set(level, [value]);
  };
  for (const path of paths) {
    path.forEach((hop: Hop, i) => {
      if (hop.step !== 'association') return;
      const before = i === 0 ? source : (path[i - 1] as Hop).to;
      const endTypes = [before.type, hop.to.type];
      if (endTypes.includes('user')) note('user-association', sudoOf(hop.attributes));
      else if (endTypes.includes('user_group')) note('group-association', sudoOf(hop.attributes));
    });
    for (const group of userGroupsOn(source, path)) note('group-own', sudoOf(groupAttributes(index, group)));
  }
  return found;
}

function mostPermissive(values: readonly Sudo[]): JsonObject {
  return {
    enabled: values.some((v) => v.enabled),
    withoutPassword: values.some((v) => v.enabled && v.withoutPassword),
  };
}

function compiledSudo(
  rule: CompileRule,
  index: ReferenceAdjacency,
  source: ObjectRef,
  target: ObjectRef,
  paths: readonly Path[],
): JsonObject | undefined {
  const [side1, side2] = rule.sudo.between;
  const between =
    ((side1 as readonly string[]).includes(source.type) && (side2 as readonly string[]).includes(target.type)) ||
    ((side2 as readonly string[]).includes(source.type) && (side1 as readonly string[]).includes(target.type));
  if (!between) return undefined;
  const found = sudoValues(index, source, paths);
  for (const level of rule.sudo.precedence) {
    const values = found.get(level);
    if (values && values.length > 0) return mostPermissive(values);
  }
  return undefined;
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Union of list items, identified by `identity`, sorted by `compare`. */
function union(
  items: readonly JsonObject[],
  identity: (item: JsonObject) => string,
  compare: (a: JsonObject, b: JsonObject) => number,
): JsonObject[] {
  const seen = new Map<string, JsonObject>();
  for (const item of items) if (!seen.has(identity(item))) seen.set(identity(item), item);
  return [...seen.values()].sort(compare);
}

function listOf(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? value.map(asObject).filter((v): v is JsonObject => v !== undefined) : [];
}

/** compiledAttributes of the binding source → target, or undefined when nothing compiles. */
export function compileAttributes(
  rule: CompileRule,
  index: ReferenceAdjacency,
  source: ObjectRef,
  target: ObjectRef,
  paths: readonly Path[],
): JsonObject | undefined {
  const out: JsonObject = {};
  const sudo = compiledSudo(rule, index, source, target, paths);
  if (sudo) out['sudo'] = sudo;

  const groups = new Map<string, JsonObject>();
  for (const path of paths) {
    for (const group of userGroupsOn(source, path)) {
      const attributes = groupAttributes(index, group);
      if (attributes) groups.set(refKey(group), attributes);
    }
  }
  const all = [...groups.values()];
  for (const key of rule.groupAttributes) {
    if (key === 'ldapGroups') {
      const items = all.flatMap((a) => listOf(a['ldapGroups'])).filter((g) => typeof g['name'] === 'string');
      const merged = union(
        items,
        (g) => g['name'] as string,
        (a, b) => byText(a['name'] as string, b['name'] as string),
      ).map((g) => ({ name: g['name'] as string }));
      if (merged.length > 0) out['ldapGroups'] = merged;
    } else if (key === 'posixGroups') {
      const items = all
        .flatMap((a) => listOf(a['posixGroups']))
        .filter((g) => typeof g['id'] === 'number' && typeof g['name'] === 'string');
      const merged = union(
        items,
        (g) => `${g['id'] as number}\u0000${g['name'] as string}`,
        (a, b) => (a['id'] as number) - (b['id'] as number) || byText(a['name'] as string, b['name'] as string),
      ).map((g) => ({ id: g['id'] as number, name: g['name'] as string }));
      if (merged.length > 0) out['posixGroups'] = merged;
    } else if (key === 'radius') {
      const items = all
        .flatMap((a) => listOf(asObject(a['radius'])?.['reply']))
        .filter((r) => typeof r['name'] === 'string' && typeof r['value'] === 'string');
      const merged = union(
        items,
        (r) => `${r['name'] as string}\u0000${r['value'] as string}`,
        (a, b) => byText(a['name'] as string, b['name'] as string) || byText(a['value'] as string, b['value'] as string),
      ).map((r) => ({ name: r['name'] as string, value: r['value'] as string }));
      if (merged.length > 0) out['radius'] = { reply: merged };
    } else {
      // sambaEnabled
      const flags = all.map((a) => a['sambaEnabled']).filter((v): v is boolean => typeof v === 'boolean');
      if (flags.length > 0) out['sambaEnabled'] = flags.some((v) => v);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
