/**
 * Could this answer be affected by what the fetch could not read? Offline, on a graph and the snapshot's
 * coverage record (src/model/coverage.ts).
 *
 * A gap hides edges: an unread edge collection hides edges of its kinds at its source object, an unread
 * list hides every object of its types with their edges (an incomplete collection or list is treated as
 * unread). An answer between a subject S and a resource R is made of paths `[up] association [down]`
 * (src/model/grammar.ts): S, or a group S is a member of, associated with R or a group R is a member of.
 * The answer could be different had everything been read exactly when a hidden edge could lie on such a
 * path:
 * - a group type on either side was not read (any unknown group could join S and R);
 * - S, R, or a group on either side has an unread collection holding the association kinds that would
 *   join the two sides (an unknown association);
 * - a group of S's (or R's) group type whose members were not read, or S's (R's) own memberships were not
 *   read, and that group is associated with the other side (an unknown membership that opens a path).
 * An answer about S alone (access, offboard, one traversal) takes the other side to be any object of the
 * types it lists, and the groups of those; an answer about R alone (who) the same the other way round.
 * An answer about the whole organization (findings, report, diff, export) is affected by any gap.
 * The rule is sound: an answer the gaps could change is always flagged (a property test compares answers
 * on random tenants with and without random gaps); it may flag an answer that happens to be the same.
 */
import type { AccessGraph } from '../graph/index.ts';
import {
  associationKindKey,
  canAssociate,
  coverageOf,
  edgeKindTypes,
  gapCauseLabel,
  groupTypeOf,
  membershipKindKey,
  memberTypeOf,
  type Coverage,
  type CoverageGap,
  type ObjectRef,
} from '../model/index.ts';
import { reachableTypes } from './bindings.ts';
import { WHO_TYPES } from './access.ts';
import { formatReference } from './resolve.ts';

/** What an answer is about. Without a subject or a resource: the whole organization. */
export interface CoverageQuestion {
  /** The id of the object the answer is read from (why, revoke, access, offboard, traverse). */
  readonly subject?: string;
  /** The id of the object the answer is read towards (why, revoke, who). */
  readonly resource?: string;
  /** With a subject alone: the types of the targets the answer lists (default: every type its traversals reach). */
  readonly targetTypes?: readonly string[];
  /** With a resource alone: the types of the subjects the answer lists (default: users, user groups, systems). */
  readonly subjectTypes?: readonly string[];
}

export interface CoverageVerdict {
  /** True when the snapshot read everything (then nothing below applies). */
  readonly complete: boolean;
  /** Collections the snapshot could not read in full. */
  readonly gaps: number;
  /** Whether this answer could be different had everything been read. */
  readonly affected: boolean;
  /** Why it could, one sentence each (the first few), naming the objects and the requests not read. */
  readonly reasons: readonly string[];
}

const MAX_REASONS = 5;

/** The gaps of a coverage record, by what they hide. */
class GapIndex {
  /** Edge kinds hidden at a source object, with the gap that hides them. */
  readonly bySource = new Map<string, CoverageGap[]>();
  /** Types with no object read. */
  readonly missingTypes = new Map<string, CoverageGap>();
  /** Membership kinds for which some member's own memberships were not read (memberof gaps), by kind. */
  readonly memberofGaps = new Map<string, CoverageGap>();
  /** Every edge kind some gap hides. */
  readonly kinds = new Set<string>();

  constructor(coverage: Coverage) {
    for (const gap of coverage.gaps) {
      if (gap.provides.kind === 'objects') {
        for (const type of gap.provides.types) if (!this.missingTypes.has(type)) this.missingTypes.set(type, gap);
        continue;
      }
      const id = gap.provides.source.id;
      this.bySource.set(id, [...(this.bySource.get(id) ?? []), gap]);
      for (const kind of gap.provides.edgeKinds) {
        this.kinds.add(kind);
        const k = edgeKindTypes(kind);
        if (k.membership && k.b === gap.provides.source.type && !this.memberofGaps.has(kind)) this.memberofGaps.set(kind, gap);
      }
    }
  }

  /** The gap that hides edges of `kind` at `id`, if any. */
  hiding(id: string, kind: string): CoverageGap | undefined {
    return this.bySource.get(id)?.find((g) => g.provides.kind === 'edges' && g.provides.edgeKinds.includes(kind));
  }
}

/** One object on a side of the paths: the end itself or a group on the way to it. */
interface Element {
  readonly object: ObjectRef & { readonly name: string };
  /** Set when its membership on this side is not known for sure: why it might be there. */
  readonly unknownHop?: string;
}

/** One side of the paths of an answer: a given object and its groups, or any object of some types and their groups. */
interface Side {
  /** Types an end on this side can have, and the group types on the way. */
  readonly endTypes: ReadonlySet<string>;
  readonly groupTypes: ReadonlySet<string>;
  /** The elements, when the side is a given object (small); undefined for an "any object of these types" side. */
  readonly elements?: readonly Element[];
  /** The element an object is on this side, or undefined. */
  contains(object: ObjectRef & { readonly name: string }): Element | undefined;
  /** The gaps whose source is on this side. */
  gapSources(): Iterable<{ readonly element: Element; readonly gap: CoverageGap }>;
}

type Named = ObjectRef & { readonly name: string };

function describe(o: Named): string {
  return formatReference(o);
}

function via(gap: CoverageGap): string {
  return `${gap.endpoint} (${gapCauseLabel(gap)})`;
}

/** The side of one object: itself, the groups it is known to be in, and those it might be in. */
function objectSide(g: AccessGraph, gaps: GapIndex, id: string): Side {
  const end = g.object(id);
  const groupType = groupTypeOf(end.type);
  const elements: Element[] = [{ object: end }];
  const byId = new Map<string, Element>([[end.id, elements[0]!]]);
  if (groupType) {
    const kind = membershipKindKey(groupType, end.type);
    for (const e of g.edgesOf(id)) {
      if (e.kind === 'membership' && e.to.id === id && !byId.has(e.from.id)) {
        const el = { object: g.object(e.from.id) };
        elements.push(el);
        byId.set(el.object.id, el);
      }
    }
    const own = gaps.hiding(id, kind);
    for (const group of gaps.kinds.has(kind) ? g.objects(groupType) : []) {
      if (byId.has(group.id)) continue;
      const hidden = own ?? gaps.hiding(group.id, kind);
      if (!hidden) continue;
      const el = {
        object: group,
        unknownHop: own
          ? `the groups of ${describe(end)} were not read: ${via(own)}`
          : `the members of ${describe(group)} were not read: ${via(hidden)}`,
      };
      elements.push(el);
      byId.set(group.id, el);
    }
  }
  return {
    endTypes: new Set([end.type]),
    groupTypes: new Set(groupType ? [groupType] : []),
    elements,
    contains: (o) => byId.get(o.id),
    *gapSources() {
      for (const element of elements) for (const gap of gaps.bySource.get(element.object.id) ?? []) yield { element, gap };
    },
  };
}

/** The side of "any object of these types": the objects and the groups of their group types. */
function typesSide(g: AccessGraph, gaps: GapIndex, types: readonly string[]): Side {
  const endTypes = new Set(types);
  const groupTypes = new Set<string>(types.map(groupTypeOf).filter((t) => t !== undefined));
  const hopUnknown = (group: Named): string | undefined => {
    const member = memberTypeOf(group.type);
    if (!member || !endTypes.has(member)) return undefined;
    const kind = membershipKindKey(group.type, member);
    const members = gaps.hiding(group.id, kind);
    if (members) return `the members of ${describe(group)} were not read: ${via(members)}`;
    const memberof = gaps.memberofGaps.get(kind);
    if (memberof && memberof.provides.kind === 'edges') {
      return `the groups of ${memberof.provides.source.type} ${memberof.provides.source.id} were not read: ${via(memberof)}`;
    }
    return undefined;
  };
  return {
    endTypes,
    groupTypes,
    contains(o) {
      // A group can be an end itself (a user reaches system groups) and on the way to ends (their systems).
      const unknownHop = groupTypes.has(o.type) ? hopUnknown(o) : undefined;
      if (unknownHop) return { object: o, unknownHop };
      if (endTypes.has(o.type)) return { object: o };
      if (!groupTypes.has(o.type)) return undefined;
      // A group is on the way to an end only through a member of an end type.
      const member = memberTypeOf(o.type);
      return g.edgesOf(o.id).some((e) => e.kind === 'membership' && e.from.id === o.id && e.to.type === member) ? { object: o } : undefined;
    },
    *gapSources() {
      for (const gapsOf of gaps.bySource.values()) {
        for (const gap of gapsOf) {
          if (gap.provides.kind !== 'edges') continue;
          const source = gap.provides.source;
          if (!endTypes.has(source.type) && !groupTypes.has(source.type)) continue;
          const object = g.hasObject(source.id) ? g.object(source.id) : { ...source, name: source.id };
          yield { element: { object }, gap };
        }
      }
    },
  };
}

/** Why an answer joining these two sides could be affected (empty when it could not). */
function sideReasons(g: AccessGraph, gaps: GapIndex, left: Side, right: Side): string[] {
  const reasons: string[] = [];
  const add = (reason: string): boolean => {
    if (!reasons.includes(reason)) reasons.push(reason);
    return reasons.length >= MAX_REASONS;
  };
  // A type on the way that was not read at all: any unknown object of it could join the two sides.
  for (const side of [left, right]) {
    for (const type of [...side.endTypes, ...side.groupTypes]) {
      const gap = gaps.missingTypes.get(type);
      if (gap && add(`no ${type} was read: ${via(gap)}`)) return reasons;
    }
  }
  // An unknown association: a collection on one side that hides kinds joining it to the other side.
  const otherTypes = (side: Side): string[] => [...side.endTypes, ...side.groupTypes];
  for (const [side, other] of [
    [left, right],
    [right, left],
  ] as const) {
    for (const { element, gap } of side.gapSources()) {
      if (gap.provides.kind !== 'edges') continue;
      const joins = otherTypes(other).filter(
        (t) =>
          canAssociate(element.object.type, t) &&
          gap.provides.kind === 'edges' &&
          gap.provides.edgeKinds.includes(associationKindKey(element.object.type, t)),
      );
      if (joins.length > 0 && add(`the ${joins.join(', ')} associations of ${describe(element.object)} were not read: ${via(gap)}`))
        return reasons;
    }
  }
  // An unknown membership that opens a path: a group that might be on one side, associated with the other.
  const specific = left.elements ? left : right;
  const other = specific === left ? right : left;
  for (const element of specific.elements ?? []) {
    for (const e of g.edgesOf(element.object.id)) {
      if (e.kind !== 'association') continue;
      const end = e.from.id === element.object.id ? e.to : e.from;
      if (!g.hasObject(end.id)) continue;
      const there = other.contains(g.object(end.id));
      if (!there) continue;
      const hop = element.unknownHop ?? there.unknownHop;
      if (hop && add(hop)) return reasons;
    }
  }
  return reasons;
}

/**
 * Whether an answer about `question` could be affected by the gaps of `coverage`, and why. Objects the
 * question names must be in the graph.
 */
export function coverageVerdict(g: AccessGraph, coverage: Coverage | undefined, question: CoverageQuestion = {}): CoverageVerdict {
  const c = coverageOf({ ...(coverage ? { coverage } : {}) });
  if (c.complete) return { complete: true, gaps: 0, affected: false, reasons: [] };
  const gaps = new GapIndex(c);
  let reasons: string[];
  if (question.subject === undefined && question.resource === undefined) {
    reasons = c.gaps.slice(0, MAX_REASONS).map((gap) => `${gap.endpoint} was not read (${gapCauseLabel(gap)})`);
  } else {
    const left =
      question.subject !== undefined
        ? objectSide(g, gaps, question.subject)
        : typesSide(
            g,
            gaps,
            question.subjectTypes ?? WHO_TYPES.filter((t) => reachableTypes(g.object(question.resource!).type).includes(t)),
          );
    const right =
      question.resource !== undefined
        ? objectSide(g, gaps, question.resource)
        : typesSide(g, gaps, question.targetTypes ?? reachableTypes(g.object(question.subject!).type));
    reasons = sideReasons(g, gaps, left, right);
  }
  return { complete: false, gaps: c.gaps.length, affected: reasons.length > 0, reasons };
}
