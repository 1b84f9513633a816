/**
 * Which type may be associated with which. Associations are symmetric (stored once, visible from both
 * ends) but the API's `…/associations?targets=` lists are not: a source can only be asked for the
 * targets in its spec enum, so some association kinds are visible from one side only
 * (software_app↔system is listed by software apps, never by systems).
 *
 * ASSOCIATION_TARGETS is the `targets` enum of each source's `GET …/associations` operation in the v2
 * spec, verbatim (docs/domain.md#associations; a test checks it against spec/api/2.0/index.yaml). It may name
 * types jcgraph does not model (`agent_group`); those are kept as strings so the simulator can validate requests exactly as the API.
 */
import { GRAPH_TYPES, type GraphType, isGraphType } from './types.ts';

const IDENTITY_TARGETS = [
  'active_directory',
  'application',
  'g_suite',
  'idp_routing_policy',
  'ldap_server',
  'office_365',
  'password_manager_item',
  'policy',
  'policy_group',
  'radius_server',
  'system',
  'system_group',
] as const;

export const ASSOCIATION_TARGETS: { readonly [T in GraphType]: readonly string[] } = {
  user: IDENTITY_TARGETS,
  user_group: IDENTITY_TARGETS,
  system: ['command', 'policy', 'policy_group', 'user', 'user_group'],
  system_group: ['command', 'policy', 'policy_group', 'radius_server', 'user', 'user_group'],
  policy: ['system', 'system_group', 'user', 'user_group'],
  policy_group: ['system', 'system_group', 'user', 'user_group'],
  application: ['agent_group', 'user', 'user_group'],
  command: ['system', 'system_group', 'password_manager_item'],
  radius_server: ['user', 'user_group', 'system_group'],
  ldap_server: ['user', 'user_group'],
  active_directory: ['user', 'user_group'],
  g_suite: ['user', 'user_group'],
  office_365: ['user', 'user_group'],
  software_app: ['system', 'system_group'],
  idp_routing_policy: ['user', 'user_group'],
  password_manager_item: ['user', 'user_group', 'command'],
  rule: ['system', 'system_group'],
};

/** The modelled (known-type) targets a source may list. */
export function knownAssociationTargets(source: GraphType): GraphType[] {
  return ASSOCIATION_TARGETS[source].filter(isGraphType);
}

/** An unordered pair of types that can be associated, with the sides that can list it. */
export interface AssociationKind {
  /** Canonical key `a|b` with a before b in GRAPH_TYPES order. */
  readonly key: string;
  readonly a: GraphType;
  readonly b: GraphType;
  /** The types whose `…/associations?targets=` request can return this kind (one or both of a, b). */
  readonly visibleFrom: readonly GraphType[];
}

const TYPE_RANK: ReadonlyMap<string, number> = new Map(GRAPH_TYPES.map((t, i) => [t, i]));

/** Rank of a type in GRAPH_TYPES; unknown types sort last, by name. */
export function typeRank(type: string): number {
  return TYPE_RANK.get(type) ?? GRAPH_TYPES.length;
}

/** Orders two endpoints of an association canonically: lower type rank first, then lower id. */
export function canonicalPair<E extends { readonly type: string; readonly id: string }>(x: E, y: E): [E, E] {
  const rx = typeRank(x.type);
  const ry = typeRank(y.type);
  if (rx !== ry) return rx < ry ? [x, y] : [y, x];
  if (x.type !== y.type) return x.type < y.type ? [x, y] : [y, x];
  return x.id <= y.id ? [x, y] : [y, x];
}

export function associationKindKey(t1: string, t2: string): string {
  const [a, b] = canonicalPair({ type: t1, id: '' }, { type: t2, id: '' });
  return `${a.type}|${b.type}`;
}

function buildKinds(): AssociationKind[] {
  const kinds = new Map<string, { a: GraphType; b: GraphType; visibleFrom: Set<GraphType> }>();
  for (const source of GRAPH_TYPES) {
    for (const target of knownAssociationTargets(source)) {
      const key = associationKindKey(source, target);
      let kind = kinds.get(key);
      if (!kind) {
        const [a, b] = canonicalPair({ type: source, id: '' }, { type: target, id: '' });
        kind = { a: a.type, b: b.type, visibleFrom: new Set() };
        kinds.set(key, kind);
      }
      kind.visibleFrom.add(source);
    }
  }
  return [...kinds.entries()]
    .sort(([k1], [k2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : 0))
    .map(([key, k]) => ({ key, a: k.a, b: k.b, visibleFrom: GRAPH_TYPES.filter((t) => k.visibleFrom.has(t)) }));
}

/** Every association kind between modelled types. */
export const ASSOCIATION_KINDS: readonly AssociationKind[] = buildKinds();

const KIND_BY_KEY: ReadonlyMap<string, AssociationKind> = new Map(ASSOCIATION_KINDS.map((k) => [k.key, k]));

export function associationKind(t1: string, t2: string): AssociationKind | undefined {
  return KIND_BY_KEY.get(associationKindKey(t1, t2));
}

/** True when objects of these two types may be associated (in either direction). */
export function canAssociate(t1: string, t2: string): boolean {
  return KIND_BY_KEY.has(associationKindKey(t1, t2));
}
