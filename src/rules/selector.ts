/**
 * Selectors applied to a graph: which objects a selector picks, decided once per object and kept, so
 * that a check over millions of bindings costs an array read per question.
 *
 * Rules chosen where nothing says otherwise (docs/access-rules.md repeats them):
 * - `name` globs (`*`, `?`) match the name jcgraph shows for the object, ignoring case;
 * - a record field matches when its value equals one of the selector's values exactly (strings are
 *   case-sensitive, as JumpCloud's dynamic-group rules compare them); a missing field equals `null`;
 * - `member_of: user_group:NAME` picks the direct members of every group of that type whose name
 *   (ignoring case) or id is NAME (JumpCloud groups do not nest).
 */
import { GRAPH_TYPES, memberTypeOf } from '../model/index.ts';
import { UP, type AccessGraph, type TraversalIndex } from '../graph/index.ts';
import { RuleFileError } from './errors.ts';
import type { FieldValue, GroupName, RuleFile, Selector } from './types.ts';

/** A glob as a regular expression: `*` any run of characters, `?` one, the rest literal; whole name, any case. */
export function globPattern(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

function fieldMatches(value: unknown, wanted: readonly FieldValue[]): boolean {
  const v = value === undefined ? null : value;
  return wanted.some((w) => w === v);
}

/** The groups a `member_of` names, as integer nodes of the index. */
function groupNodes(index: TraversalIndex, group: GroupName): number[] {
  const out = new Set(index.nodesNamed(group.name).filter((n) => index.typeOf(n) === group.type));
  const byId = index.nodeOf(group.name);
  if (byId >= 0 && index.typeOf(byId) === group.type) out.add(byId);
  return [...out];
}

/** A predicate over a node, built once for a graph (its answers kept per node). */
type Test = (node: number) => boolean;

function build(index: TraversalIndex, sel: Selector): Test {
  switch (sel.op) {
    case 'all': {
      const parts = sel.of.map((s) => build(index, s));
      return (n) => parts.every((p) => p(n));
    }
    case 'any': {
      const parts = sel.of.map((s) => build(index, s));
      return (n) => parts.some((p) => p(n));
    }
    case 'not': {
      const inner = build(index, sel.of);
      return (n) => !inner(n);
    }
    case 'type': {
      const codes = new Set(sel.types.map((t) => index.knownTypeCode(t)).filter((c) => c >= 0));
      return (n) => codes.has(index.nodeType[n]!);
    }
    case 'id': {
      const ids = new Set(sel.ids);
      return (n) => ids.has(index.idOf(n));
    }
    case 'name': {
      const patterns = sel.globs.map(globPattern);
      return (n) => {
        const name = index.nameOf(n);
        return patterns.some((p) => p.test(name));
      };
    }
    case 'member_of': {
      const groups = new Set(sel.groups.flatMap((g) => groupNodes(index, g)));
      return (n) => {
        let found = false;
        if (groups.size > 0) index.forEachNeighbour(n, UP, (group) => (found ||= groups.has(group)));
        return found;
      };
    }
    case 'field':
      return (n) => fieldMatches(index.recordOf(n)[sel.field], sel.values);
  }
}

/** A selector over one graph: `matches(node)` decided once per node of the index. */
export class SelectorMatcher {
  private readonly test: Test;
  private readonly index: TraversalIndex;
  /** 0 not yet asked, 1 no, 2 yes. */
  private memo: Uint8Array;

  constructor(
    g: AccessGraph,
    readonly selector: Selector,
  ) {
    this.index = g.index;
    this.test = build(this.index, selector);
    this.memo = new Uint8Array(this.index.nodeCount);
  }

  /** Whether the selector picks integer node `n` of the graph's index. */
  matches(n: number): boolean {
    if (n >= this.memo.length) {
      const grown = new Uint8Array(Math.max(this.index.nodeCount, n + 1));
      grown.set(this.memo);
      this.memo = grown;
    }
    const known = this.memo[n]!;
    if (known !== 0) return known === 2;
    const yes = this.test(n);
    this.memo[n] = yes ? 2 : 1;
    return yes;
  }
}

/**
 * The object types a selector can pick (undefined: any type), read from its `type` and `member_of`
 * leaves: so a check enumerates only the bindings a rule can be about.
 */
export function selectorTypes(sel: Selector): ReadonlySet<string> | undefined {
  switch (sel.op) {
    case 'type':
      return new Set(sel.types);
    case 'member_of':
      return new Set(sel.groups.map((g) => memberTypeOf(g.type)).filter((t) => t !== undefined));
    case 'all': {
      let out: Set<string> | undefined;
      for (const part of sel.of) {
        const t = selectorTypes(part);
        if (t) out = out ? new Set([...out].filter((x) => t.has(x))) : new Set(t);
      }
      return out;
    }
    case 'any': {
      const out = new Set<string>();
      for (const part of sel.of) {
        const t = selectorTypes(part);
        if (!t) return undefined;
        for (const x of t) out.add(x);
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** The types a selector can pick among `among` (every one when the selector does not say). */
export function typesAmong(sel: Selector | undefined, among: readonly string[]): string[] {
  const t = sel && selectorTypes(sel);
  return t ? among.filter((x) => t.has(x)) : [...among];
}

function* leaves(sel: Selector): Generator<Selector> {
  if (sel.op === 'all' || sel.op === 'any') for (const s of sel.of) yield* leaves(s);
  else if (sel.op === 'not') yield* leaves(sel.of);
  else yield sel;
}

/** Whether a selector reads memberships (a `member_of` anywhere in it): what removing a membership can change. */
export function readsMemberships(sel: Selector): boolean {
  for (const leaf of leaves(sel)) if (leaf.op === 'member_of') return true;
  return false;
}

/** Every selector of a rule file (subjects, resources, sides, through, exceptions'), with what it is for. */
export function* selectorsOf(file: RuleFile): Generator<Selector> {
  for (const rule of file.rules) {
    for (const key of ['subjects', 'resources', 'left', 'right', 'through'] as const) {
      const s = (rule as unknown as Record<string, Selector | undefined>)[key];
      if (s) yield s;
    }
    for (const e of rule.exceptions) {
      if (e.subjects) yield e.subjects;
      if (e.resources) yield e.resources;
    }
  }
}

/**
 * Strict mode: every name glob, id and `member_of` group of the file matches at least one object of the
 * graph; RuleFileError at the first that does not.
 */
export function checkNamesExist(g: AccessGraph, file: RuleFile): void {
  const index = g.index;
  let names: string[] | undefined;
  const allNames = (): string[] => {
    if (!names) {
      names = [];
      for (const t of GRAPH_TYPES) for (const n of index.nodesOfType(t)) names.push(index.nameOf(n));
    }
    return names;
  };
  for (const sel of selectorsOf(file)) {
    for (const leaf of leaves(sel)) {
      if (leaf.op === 'id') {
        const missing = leaf.ids.find((id) => index.nodeOf(id) < 0);
        if (missing !== undefined) throw new RuleFileError(file.file, leaf.at, `no object has the id "${missing}" (strict).`);
      } else if (leaf.op === 'name') {
        for (const glob of leaf.globs) {
          const p = globPattern(glob);
          if (!allNames().some((n) => p.test(n))) throw new RuleFileError(file.file, leaf.at, `no object is named "${glob}" (strict).`);
        }
      } else if (leaf.op === 'member_of') {
        for (const group of leaf.groups) {
          if (groupNodes(index, group).length === 0)
            throw new RuleFileError(file.file, group.at, `no ${group.type} is named "${group.name}" (strict).`);
        }
      }
    }
  }
}
