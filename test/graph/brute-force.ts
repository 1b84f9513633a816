/**
 * The independent oracle of the graph tests: every simple walk of 1..maxLength hops over the raw edge
 * list, kept when its steps form one of the patterns and it ends on a target type; and the compile rule
 * re-read from src/model/compile-rule.ts's doc comment, written separately from src/graph/compile.ts.
 */
import type { GraphObjectWithPaths, JsonObject, PathPattern, Step, TenantData, TenantEdge } from '../../src/model/index.ts';
import { COMMAND_TRAVERSAL_FIELDS } from '../../src/model/index.ts';

export interface WalkHop {
  readonly to: string;
  readonly step: Step;
  readonly edge: TenantEdge;
}

export interface Walk {
  readonly hops: readonly WalkHop[];
}

/** All simple walks (no object twice, source included) of 1..maxLength hops from source. */
export function allSimpleWalks(tenant: TenantData, source: string, maxLength = 3): Walk[] {
  const out: Walk[] = [];
  const extend = (node: string, hops: WalkHop[], seen: Set<string>) => {
    if (hops.length > 0) out.push({ hops: [...hops] });
    if (hops.length === maxLength) return;
    for (const edge of tenant.edges) {
      const moves: [string, Step][] = [];
      if (edge.kind === 'membership') {
        if (edge.to.id === node) moves.push([edge.from.id, 'up']);
        if (edge.from.id === node) moves.push([edge.to.id, 'down']);
      } else {
        if (edge.from.id === node) moves.push([edge.to.id, 'association']);
        if (edge.to.id === node) moves.push([edge.from.id, 'association']);
      }
      for (const [next, step] of moves) {
        if (seen.has(next)) continue;
        seen.add(next);
        hops.push({ to: next, step, edge });
        extend(next, hops, seen);
        hops.pop();
        seen.delete(next);
      }
    }
  };
  extend(source, [], new Set([source]));
  return out;
}

const walkCache = new WeakMap<TenantData, Map<string, { maxLength: number; walks: Walk[] }>>();

/** allSimpleWalks, memoized per tenant object and source (tenants are never mutated in the tests). */
function cachedWalks(tenant: TenantData, source: string, maxLength: number): Walk[] {
  let perTenant = walkCache.get(tenant);
  if (!perTenant) walkCache.set(tenant, (perTenant = new Map()));
  const hit = perTenant.get(source);
  if (hit && hit.maxLength >= maxLength) return hit.walks;
  const walks = allSimpleWalks(tenant, source, maxLength);
  perTenant.set(source, { maxLength, walks });
  return walks;
}

function typeOf(tenant: TenantData, id: string): string {
  const o = tenant.objects.find((x) => x.id === id);
  if (!o) throw new Error(`no object ${id}`);
  return o.type;
}

function recordOf(tenant: TenantData, id: string): JsonObject {
  return tenant.objects.find((x) => x.id === id)!.record;
}

/** Bindings by brute force: walks fitting the patterns, ending on a target type, intermediates in `via`. */
export function bruteForceBindings(
  tenant: TenantData,
  source: string,
  patterns: readonly PathPattern[],
  targets: readonly string[],
  via?: readonly string[],
): Map<string, Walk[]> {
  const maxLength = Math.max(...patterns.map((s) => s.length));
  const patternKeys = new Set(patterns.map((s) => s.join('>')));
  const byTarget = new Map<string, Walk[]>();
  for (const walk of cachedWalks(tenant, source, maxLength)) {
    if (walk.hops.length > maxLength) continue;
    if (!patternKeys.has(walk.hops.map((h) => h.step).join('>'))) continue;
    const last = walk.hops[walk.hops.length - 1]!;
    if (!targets.includes(typeOf(tenant, last.to))) continue;
    if (via && walk.hops.slice(0, -1).some((h) => !via.includes(typeOf(tenant, h.to)))) continue;
    const list = byTarget.get(last.to) ?? [];
    list.push(walk);
    byTarget.set(last.to, list);
  }
  return byTarget;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The compile rule of src/model/compile-rule.ts, written from its doc comment. */
export function referenceCompile(tenant: TenantData, source: string, target: string, walks: readonly Walk[]): JsonObject | undefined {
  const sType = typeOf(tenant, source);
  const tType = typeOf(tenant, target);
  const groups = new Set<string>();
  if (sType === 'user_group') groups.add(source);
  for (const w of walks) for (const h of w.hops) if (typeOf(tenant, h.to) === 'user_group') groups.add(h.to);

  const out: JsonObject = {};
  const idSide = ['user', 'user_group'];
  const devSide = ['system', 'system_group'];
  const sudoApplies = (idSide.includes(sType) && devSide.includes(tType)) || (devSide.includes(sType) && idSide.includes(tType));
  if (sudoApplies) {
    const userAssoc: JsonObject[] = [];
    const groupOwn: JsonObject[] = [];
    const groupAssoc: JsonObject[] = [];
    const asSudo = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined);
    for (const w of walks) {
      for (const h of w.hops) {
        if (h.edge.kind !== 'association') continue;
        const s = asSudo(h.edge.attributes?.['sudo']);
        if (!s) continue;
        const ends = [h.edge.from.type, h.edge.to.type];
        if (ends.includes('user')) userAssoc.push(s);
        else if (ends.includes('user_group')) groupAssoc.push(s);
      }
    }
    for (const gid of groups) {
      const attrs = recordOf(tenant, gid)['attributes'] as JsonObject | undefined;
      const s = asSudo(attrs?.['sudo']);
      if (s) groupOwn.push(s);
    }
    const level = [userAssoc, groupOwn, groupAssoc].find((l) => l.length > 0);
    if (level) {
      out['sudo'] = {
        enabled: level.some((s) => s['enabled'] === true),
        withoutPassword: level.some((s) => s['enabled'] === true && s['withoutPassword'] === true),
      };
    }
  }
  const ldap = new Set<string>();
  const posix: { id: number; name: string }[] = [];
  const reply: { name: string; value: string }[] = [];
  let samba: boolean | undefined;
  for (const gid of groups) {
    const attrs = recordOf(tenant, gid)['attributes'] as any;
    if (!attrs) continue;
    for (const g of attrs.ldapGroups ?? []) ldap.add(g.name);
    for (const p of attrs.posixGroups ?? [])
      if (!posix.some((x) => x.id === p.id && x.name === p.name)) posix.push({ id: p.id, name: p.name });
    for (const r of attrs.radius?.reply ?? [])
      if (!reply.some((x) => x.name === r.name && x.value === r.value)) reply.push({ name: r.name, value: r.value });
    if (typeof attrs.sambaEnabled === 'boolean') samba = samba === true || attrs.sambaEnabled;
  }
  if (ldap.size) out['ldapGroups'] = [...ldap].sort(cmp).map((name) => ({ name }));
  if (posix.length) out['posixGroups'] = posix.sort((a, b) => a.id - b.id || cmp(a.name, b.name));
  if (reply.length) out['radius'] = { reply: reply.sort((a, b) => cmp(a.name, b.name) || cmp(a.value, b.value)) };
  if (samba !== undefined) out['sambaEnabled'] = samba;
  return Object.keys(out).length ? out : undefined;
}

/** The expected answer of a path endpoint, built from brute-force walks, in ANSWER_ORDER. */
export function bruteForceAnswer(
  tenant: TenantData,
  source: string,
  patterns: readonly PathPattern[],
  targets: readonly string[],
  options: { via?: readonly string[]; withCommandFields?: boolean } = {},
): GraphObjectWithPaths[] {
  const byTarget = bruteForceBindings(tenant, source, patterns, targets, options.via);
  const hopIds = (w: Walk) => w.hops.map((h) => h.to);
  const comparePaths = (a: Walk, b: Walk) => {
    if (a.hops.length !== b.hops.length) return a.hops.length - b.hops.length;
    const x = hopIds(a);
    const y = hopIds(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return cmp(x[i]!, y[i]!);
    return 0;
  };
  return [...byTarget.keys()].sort(cmp).map((target) => {
    const walks = byTarget.get(target)!.sort(comparePaths);
    const item: GraphObjectWithPaths = {
      id: target,
      type: typeOf(tenant, target),
      paths: walks.map((w) =>
        w.hops.map((h) => ({ to: { id: h.to, type: typeOf(tenant, h.to), attributes: null }, attributes: h.edge.attributes ?? null })),
      ),
    };
    const compiled = referenceCompile(tenant, source, target, walks);
    if (compiled) item.compiledAttributes = compiled;
    if (options.withCommandFields) {
      const record = recordOf(tenant, target);
      for (const f of COMMAND_TRAVERSAL_FIELDS) if (record[f] !== undefined) item[f] = record[f];
    }
    return item;
  });
}
