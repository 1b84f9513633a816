/**
 * What counts as access, defined once for collateral, what-if, drift and findings (docs/rules.md#bindings).
 *
 * A **binding** is a (subject, target) pair that a traversal endpoint lists, with every path. The
 * bindings analysis counts (the *binding universe*) are those whose subject is
 * - a **user**: to every type its traversal endpoints reach (systems, system groups, applications,
 *   directories (LDAP, Active Directory, G Suite, Office 365), RADIUS servers, policies, policy groups);
 * - a **system**: to commands, policies and policy groups (what runs on or configures the machine).
 *
 * Mirror endpoints are left out because they list the same access from the other end with the same
 * paths reversed (`/systems/{id}/users` is `/users/{id}/systems` seen from the system;
 * `/commands/{id}/systems` is `/systems/{id}/commands`). Group subjects (a user group's systems) are
 * left out too: a group's binding is access only through its members, whose own bindings are counted.
 */
import {
  DEFAULT_COMPILE_RULE,
  labelOfPathLengths,
  type BindingLabel,
  type GraphConnection,
  type GraphObjectWithPaths,
  type JsonObject,
  type ObjectRef,
  type Step,
} from '../model/index.ts';
import { QueryError } from '../errors.ts';
import {
  MEMBERSHIP_EDGE,
  bindingAnswer,
  bindingsOf,
  bindingsTowards,
  compileFromIndex,
  defaultCompile,
  traversalTargetsOf,
  type AccessGraph,
  type CompileFn,
  type TraversalIndex,
  type CompileHop,
  type SourceBindings,
  type WantedAnswers,
} from '../graph/index.ts';
import { edgeKey, hopEdge, type EdgeRef } from './edges.ts';

/** Subject type → the target types of its bindings. */
export const BINDING_TARGETS: Readonly<Record<string, readonly string[]>> = {
  user: traversalTargetsOf('user'),
  system: ['command', 'policy', 'policy_group'],
};

export const BINDING_SUBJECT_TYPES: readonly string[] = Object.keys(BINDING_TARGETS);

/** The binding universe as the graph's affected-subject walk (affectedSubjects) takes it. */
export const BINDING_UNIVERSE: WantedAnswers = new Map(Object.entries(BINDING_TARGETS));

export function isBindingSubject(type: string): boolean {
  return type in BINDING_TARGETS;
}

/** An object with its display name. */
export interface NamedRef {
  readonly type: string;
  readonly id: string;
  readonly name: string;
}

/** One path of a binding, from the subject to the target. */
export interface AccessPath {
  /** Subject first, target last. */
  readonly objects: readonly NamedRef[];
  /** `edges[i]` joins `objects[i]` and `objects[i+1]`. */
  readonly edges: readonly EdgeRef[];
  /** edgeKey of each edge. */
  readonly edgeKeys: readonly string[];
  /** Each edge's attributes (e.g. `{sudo: …}`), null when it has none. */
  readonly edgeAttributes: readonly (JsonObject | null)[];
}

export interface Binding {
  readonly subject: NamedRef;
  readonly target: NamedRef;
  readonly label: BindingLabel;
  /** Shortest first, then by hop ids (the API's order). */
  readonly paths: readonly AccessPath[];
  /** Left out when nothing compiles (as in the API). */
  readonly compiledAttributes?: JsonObject;
}

export function bindingKey(subjectId: string, targetId: string): string {
  return `${subjectId}>${targetId}`;
}

/** NamedRefs made so far, per graph, while it is not edited (a binding list names the same objects often). */
const namedRefs = new WeakMap<AccessGraph, { version: number; refs: Map<string, NamedRef> }>();

export function namedRef(g: AccessGraph, id: string): NamedRef {
  let known = namedRefs.get(g);
  if (!known || known.version !== g.version) namedRefs.set(g, (known = { version: g.version, refs: new Map() }));
  let ref = known.refs.get(id);
  if (!ref) {
    const o = g.object(id);
    known.refs.set(id, (ref = { type: o.type, id: o.id, name: o.name }));
  }
  return ref;
}

/** A path from hops as the API lists them (source excluded). */
export function pathFromHops(g: AccessGraph, subject: NamedRef, hops: readonly GraphConnection[]): AccessPath {
  const objects: NamedRef[] = [subject];
  const edges: EdgeRef[] = [];
  const edgeAttributes: (JsonObject | null)[] = [];
  for (const hop of hops) {
    const next = namedRef(g, hop.to.id);
    edges.push(hopEdge(objects[objects.length - 1] as NamedRef, next));
    edgeAttributes.push(hop.attributes ?? null);
    objects.push(next);
  }
  return { objects, edges, edgeKeys: edges.map(edgeKey), edgeAttributes };
}

/** A binding from one target of a traversal answer. */
export function bindingFromAnswer(g: AccessGraph, subject: NamedRef, answer: GraphObjectWithPaths): Binding {
  const paths = answer.paths.map((hops) => pathFromHops(g, subject, hops));
  const base = { subject, target: namedRef(g, answer.id), label: labelOfPathLengths(paths.map((p) => p.edges.length)), paths };
  return answer.compiledAttributes ? { ...base, compiledAttributes: answer.compiledAttributes } : base;
}

/**
 * Binding i of integer bindings `b` (over `g`'s index), the same Binding bindingFromAnswer gives for its
 * answer, built straight from the integers. `compile` as in traverse (default DEFAULT_COMPILE_RULE).
 */
export function bindingFromIndex(g: AccessGraph, subject: NamedRef, b: SourceBindings, i: number, compile?: CompileFn): Binding {
  const ix = b.index;
  const paths: AccessPath[] = [];
  const lengths: number[] = [];
  for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) {
    const objects: NamedRef[] = [subject];
    const edges: EdgeRef[] = [];
    const edgeKeys: string[] = [];
    const edgeAttributes: (JsonObject | null)[] = [];
    for (let h = b.hopStart[p]!, he = b.hopStart[p + 1]!; h < he; h++) {
      const e = b.hopEdges[h]!;
      objects.push(namedRef(g, ix.idOf(b.hopNodes[h]!)));
      edges.push(edgeRefOf(ix, e));
      edgeKeys.push(ix.edgeKeyOf(e));
      edgeAttributes.push(ix.attributesOf(e));
    }
    paths.push({ objects, edges, edgeKeys, edgeAttributes });
    lengths.push(edges.length);
  }
  const target = namedRef(g, ix.idOf(b.targets[i]!));
  const label = labelOfPathLengths(lengths);
  const compiled =
    compile === undefined || compile === defaultCompile
      ? compileFromIndex(DEFAULT_COMPILE_RULE, b, i)
      : bindingAnswer(g, b, i, { compile }).compiledAttributes;
  return compiled ? { subject, target, label, paths, compiledAttributes: compiled } : { subject, target, label, paths };
}

/** EdgeRefs of an index's edges, made once each (edges never change ends; EdgeRefs are never mutated). */
const edgeRefs = new WeakMap<TraversalIndex, (EdgeRef | undefined)[]>();

function edgeRefOf(ix: TraversalIndex, e: number): EdgeRef {
  let refs = edgeRefs.get(ix);
  if (!refs) edgeRefs.set(ix, (refs = []));
  let ref = refs[e];
  if (!ref) {
    const from = ix.edgeFrom[e]!;
    const to = ix.edgeTo[e]!;
    refs[e] = ref = {
      kind: ix.edgeKind[e] === MEMBERSHIP_EDGE ? 'membership' : 'association',
      from: { type: ix.typeOf(from), id: ix.idOf(from) },
      to: { type: ix.typeOf(to), id: ix.idOf(to) },
    };
  }
  return ref;
}

export interface ReachOptions {
  /** Builds compiledAttributes; default DEFAULT_COMPILE_RULE. */
  readonly compile?: CompileFn;
}

/** Every object of `targetTypes` the subject reaches, with all paths (never capped). */
export function reach(g: AccessGraph, subjectId: string, targetTypes: readonly string[], options: ReachOptions = {}): Binding[] {
  if (targetTypes.length === 0) return [];
  const subject = namedRef(g, subjectId);
  const b = bindingsOf(g, subjectId, { targets: targetTypes });
  const out: Binding[] = new Array<Binding>(b.size);
  for (let i = 0; i < b.size; i++) out[i] = bindingFromIndex(g, subject, b, i, options.compile);
  return out;
}

/** The subject's bindings in the binding universe (none for types that are not binding subjects). */
export function subjectBindings(g: AccessGraph, subjectId: string, options: ReachOptions = {}): Binding[] {
  const type = g.object(subjectId).type;
  return reach(g, subjectId, BINDING_TARGETS[type] ?? [], options);
}

/** Every target type a subject of this type can be bound to (its traversal endpoints' targets). */
export function reachableTypes(type: string): string[] {
  return traversalTargetsOf(type);
}

/**
 * The binding between two objects with all its paths, asked from `subject`'s side; undefined when the
 * subject does not reach the resource. QueryError when no traversal of the subject's type reaches the
 * resource's type (ask the other way round).
 */
export function bindingBetween(g: AccessGraph, subjectId: string, resourceId: string, options: ReachOptions = {}): Binding | undefined {
  const subject = g.object(subjectId);
  const resource = g.object(resourceId);
  if (!reachableTypes(subject.type).includes(resource.type)) {
    const hint = reachableTypes(resource.type).includes(subject.type)
      ? ` (ask it the other way round: ${resource.type} then ${subject.type})`
      : '';
    throw new QueryError(
      `No traversal goes from a ${subject.type} to a ${resource.type}, so jcgraph cannot say how ${subject.name} reaches ${resource.name}${hint}.`,
    );
  }
  // Only the paths to the resource are walked (a subject may reach thousands of objects of its type).
  const b = bindingsTowards(g, { targets: [resource.type] }, [g.index.nodeOf(resourceId)])(subjectId);
  const i = b.find(g.index.nodeOf(resourceId));
  if (i < 0) return undefined;
  return bindingFromIndex(g, namedRef(g, subjectId), b, i, options.compile);
}

/**
 * The binding-universe key of the access between two objects, whichever side is named first: the user
 * side (or the system side) is the subject. Undefined when the universe does not count such a pair.
 */
export function universeKey(a: ObjectRef, b: ObjectRef): string | undefined {
  if ((BINDING_TARGETS[a.type] ?? []).includes(b.type)) return bindingKey(a.id, b.id);
  if ((BINDING_TARGETS[b.type] ?? []).includes(a.type)) return bindingKey(b.id, a.id);
  return undefined;
}

/** The path read from the other end (for answers asked from the resource's side). */
export function reversePath(path: AccessPath): AccessPath {
  return {
    objects: [...path.objects].reverse(),
    edges: [...path.edges].reverse(),
    edgeKeys: [...path.edgeKeys].reverse(),
    edgeAttributes: [...path.edgeAttributes].reverse(),
  };
}

/** The step a path edge takes, seen from its earlier object. */
export function stepOf(edge: EdgeRef, fromId: string): Step {
  if (edge.kind === 'association') return 'association';
  return edge.from.id === fromId ? 'down' : 'up';
}

/** A path as the compile function sees it (CompileHop[]), for attribute provenance. */
export function compileHops(g: AccessGraph, path: AccessPath): CompileHop[] {
  const hops: CompileHop[] = [];
  for (let i = 0; i < path.edges.length; i++) {
    const edge = path.edges[i] as EdgeRef;
    const from = g.object((path.objects[i] as NamedRef).id);
    const step = stepOf(edge, from.id);
    hops.push({
      node: g.object((path.objects[i + 1] as NamedRef).id),
      from,
      kind: edge.kind,
      step,
      attributes: path.edgeAttributes[i] ?? null,
    });
  }
  return hops;
}

/** Accumulates, per source, the target types to recompute (undefined: all). */
export class AffectedTargets {
  private readonly bySource = new Map<string, Set<string> | undefined>();

  add(sourceId: string, types: ReadonlySet<string> | undefined): void {
    if (!this.bySource.has(sourceId)) {
      this.bySource.set(sourceId, types && new Set(types));
      return;
    }
    const known = this.bySource.get(sourceId);
    if (!known) return;
    if (!types) this.bySource.set(sourceId, undefined);
    else for (const t of types) known.add(t);
  }

  sources(): string[] {
    return [...this.bySource.keys()];
  }

  /** The binding target types of a subject type to recompute for a source. */
  targetsFor(sourceId: string, subjectType: string): readonly string[] {
    const all = BINDING_TARGETS[subjectType] ?? [];
    const types = this.bySource.get(sourceId);
    return types ? all.filter((t) => types.has(t)) : all;
  }
}
