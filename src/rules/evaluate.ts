/**
 * Checking a rule file against a graph: every binding of the binding universe (users to everything they
 * reach, systems to commands, policies and policy groups; src/analysis/bindings.ts) is streamed from the
 * inventory one subject at a time, at the level of the index's integers, and only what violates a rule
 * is turned into names and paths. So a check holds one subject's bindings at a time, never all paths.
 * With `lazyPaths` (what checkReport asks for) not even the violations' paths are held: each violation
 * keeps its ends and which of the binding's paths are at fault, and builds its binding, paths (and
 * message) again from the graph when read (about 330 bytes a violation instead of 1,700 on the large preset).
 *
 * What each kind of rule finds (one violation each, keyed so that two checks can be compared):
 * - forbid: a binding from a subject to a resource (with `sudo`: whose compiled sudo is enabled; with
 *   `direct`: that has a one-hop path); its paths are the ones at fault (`direct`: the one-hop ones).
 * - none: a binding from a subject (to a resource, when the rule names them).
 * - only_through: a binding to a resource (with `sudo`: whose sudo is enabled) one of whose paths (with
 *   `sudo`: one of the paths that grant it) passes through no object `through` picks; those paths.
 * - require: a subject that does not reach a resource the rule names (no paths: there are none).
 * - exclusive: a subject that reaches a `left` and a `right` resource: one violation, both sides listed.
 * - an exception past its `expires`: a violation of its own, and it excuses nothing any more.
 * An exception excuses a violation whose subject its `subjects` and whose resource its `resources` pick
 * (an absent selector picks everything); for exclusive, the bindings it picks leave their side.
 */
import { DEFAULT_COMPILE_RULE } from '../model/index.ts';
import { ConcurrentEditError, bindingsOf, inventoryBindings, type AccessGraph, type SourceBindings } from '../graph/index.ts';
import { BINDING_TARGETS, bindingFromIndex, namedRef, type AccessPath, type Binding, type NamedRef } from '../analysis/bindings.ts';
import { PrivilegedCollector, SUDO_TARGETS } from '../analysis/findings/privileged.ts';
import { formatReference } from '../analysis/resolve.ts';
import { SelectorMatcher, typesAmong } from './selector.ts';
import { SEVERITIES, type Rule, type RuleException, type RuleFile, type RuleKind, type Severity } from './types.ts';

/** The rule a violation breaks, as outputs name it. */
export interface RuleRef {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly kind: RuleKind;
  readonly tags: readonly string[];
}

/** An exception as outputs name it. */
export interface ExceptionRef {
  readonly index: number;
  readonly owner: string;
  readonly reason: string;
  /** As written in the file. */
  readonly expires?: string;
}

export interface Violation {
  /** Identity across checks: rule id, subject id and resource id (exclusive: rule and subject; an expired exception: rule and its index). */
  readonly key: string;
  readonly rule: RuleRef;
  /** What is wrong: the rule's kind, or an exception past its date. */
  readonly finding: RuleKind | 'expired-exception';
  readonly subject?: NamedRef;
  readonly resource?: NamedRef;
  /** The binding at fault, with every path (forbid, none, only_through). */
  readonly binding?: Binding;
  /** The paths at fault, subject first (forbid with `direct`: the direct ones; only_through: those not through). */
  readonly paths: readonly AccessPath[];
  /** exclusive: the subject's bindings on each side. */
  readonly sides?: { readonly left: readonly Binding[]; readonly right: readonly Binding[] };
  /** An expired exception: which. */
  readonly exception?: ExceptionRef;
  /** One sentence. */
  readonly message: string;
}

/** A violation an exception excuses, with the exception. */
export interface ExcusedViolation {
  readonly violation: Violation;
  readonly exception: ExceptionRef;
}

export interface RuleOutcome {
  readonly rule: RuleRef;
  readonly violations: number;
  readonly excused: number;
}

export interface CheckResult {
  /** Every rule of the file, in its order, with its counts. */
  readonly rules: readonly RuleOutcome[];
  /** Most severe first, then in the file's rule order, by subject id, by resource id. */
  readonly violations: readonly Violation[];
  readonly excused: readonly ExcusedViolation[];
  /** Subjects whose bindings were read, and the bindings. */
  readonly totals: { readonly subjects: number; readonly bindings: number };
  /** The time exceptions were judged at (ISO-8601). */
  readonly at: string;
}

export interface CheckOptions {
  /**
   * The time exceptions are judged at, in milliseconds since the epoch (tests pass a fixed clock).
   * @default Date.now()
   */
  readonly now?: number;
  /**
   * Keep each violation's binding, paths and sides as a reference into the graph (the subject, the
   * resource, which of its paths) and build them each time they are read: what a check of a large
   * organization needs, whose violations can number millions (the xl preset of the bench: about a
   * million). The violations read the same; the graph must not be edited while they are read.
   * @default false
   */
  readonly lazyPaths?: boolean;
}

/** `critical` > `high` > … : how severities compare. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function ruleRef(rule: Rule): RuleRef {
  return { id: rule.id, title: rule.title, severity: rule.severity, kind: rule.kind, tags: rule.tags };
}

export function exceptionRef(e: RuleException): ExceptionRef {
  return { index: e.index, owner: e.owner, reason: e.reason, ...(e.expires ? { expires: e.expires.text } : {}) };
}

interface CompiledException {
  readonly exception: RuleException;
  readonly subjects?: SelectorMatcher;
  readonly resources?: SelectorMatcher;
  readonly expired: boolean;
}

interface CompiledRule {
  readonly rule: Rule;
  readonly order: number;
  readonly subjects?: SelectorMatcher;
  readonly resources?: SelectorMatcher;
  readonly left?: SelectorMatcher;
  readonly right?: SelectorMatcher;
  readonly through?: SelectorMatcher;
  readonly exceptions: readonly CompiledException[];
  /** require: the resources every subject of a type must reach, per subject type (integer nodes). */
  readonly required: Map<string, number[]>;
  /** Subject types the rule can be about. */
  readonly subjectTypes: readonly string[];
  /** Per subject type, the target types the rule can be about. */
  readonly targetTypes: ReadonlyMap<string, readonly string[]>;
  /** The same as type codes of the graph's index. */
  readonly targetCodes: ReadonlyMap<string, ReadonlySet<number>>;
  /** The same as flags by type code (1: a target type of the rule), what the per-binding test reads. */
  readonly targetFlags: ReadonlyMap<string, Uint8Array>;
  readonly ref: RuleRef;
}

function compile(g: AccessGraph, rule: Rule, order: number, now: number): CompiledRule {
  const m = (s: Parameters<typeof typesAmong>[0]) => (s ? new SelectorMatcher(g, s) : undefined);
  const subjectSel = 'subjects' in rule ? rule.subjects : undefined;
  const resourceSels =
    rule.kind === 'exclusive' ? [rule.left, rule.right] : 'resources' in rule && rule.resources ? [rule.resources] : [undefined];
  const targetTypes = new Map<string, readonly string[]>();
  for (const t of typesAmong(subjectSel, Object.keys(BINDING_TARGETS))) {
    const among = BINDING_TARGETS[t] ?? [];
    const targets = [...new Set(resourceSels.flatMap((s) => typesAmong(s, among)))];
    // A subject type none of whose bindings the rule can be about is not read for it.
    if (targets.length > 0) targetTypes.set(t, targets);
  }
  const subjectTypes = [...targetTypes.keys()];
  return {
    rule,
    order,
    ...(subjectSel ? { subjects: m(subjectSel)! } : {}),
    ...('resources' in rule && rule.resources ? { resources: m(rule.resources)! } : {}),
    ...(rule.kind === 'exclusive' ? { left: m(rule.left)!, right: m(rule.right)! } : {}),
    ...(rule.kind === 'only_through' ? { through: m(rule.through)! } : {}),
    exceptions: rule.exceptions.map((e) => ({
      exception: e,
      ...(e.subjects ? { subjects: m(e.subjects)! } : {}),
      ...(e.resources ? { resources: m(e.resources)! } : {}),
      expired: e.expires !== undefined && e.expires.instant <= now,
    })),
    required: new Map(),
    subjectTypes,
    targetTypes,
    targetCodes: new Map([...targetTypes].map(([t, targets]) => [t, new Set(targets.map((x) => g.index.knownTypeCode(x)))])),
    targetFlags: new Map([...targetTypes].map(([t, targets]) => [t, typeFlags(g, targets)])),
    ref: ruleRef(rule),
  };
}

/** Flags by type code of the graph's index: 1 for each of `types` (types the index does not know have no code). */
function typeFlags(g: AccessGraph, types: readonly string[]): Uint8Array {
  const codes = types.map((x) => g.index.knownTypeCode(x)).filter((c) => c >= 0);
  const flags = new Uint8Array(Math.max(0, ...codes) + 1);
  for (const c of codes) flags[c] = 1;
  return flags;
}

/** The violation of a rule by one binding: `how` follows "SUBJECT reaches RESOURCE" in its message. */
function bindingViolation(rule: Rule, ref: RuleRef, bound: Binding, paths: readonly AccessPath[], how: string): Violation {
  return {
    key: `${rule.id}|${bound.subject.id}|${bound.target.id}`,
    rule: ref,
    finding: rule.kind,
    subject: bound.subject,
    resource: bound.target,
    binding: bound,
    paths,
    message: `${formatReference(bound.subject)} reaches ${formatReference(bound.target)}${how}`,
  };
}

/**
 * bindingViolation for a lazy check: the binding, its paths and the message are built when read (the
 * message from the violation's own ends and the source's `how`).
 */
function lazyBindingViolation(rule: Rule, ref: RuleRef, source: BindingSource): Violation {
  const resource = namedRef(source.g, source.g.index.idOf(source.target));
  const key = `${rule.id}|${source.subject.id}|${resource.id}`;
  return lazyViolation({ key, rule: ref, finding: rule.kind, subject: source.subject, resource }, source, LAZY_BINDING);
}

const NO_TYPES = new Uint8Array(0);

/** Whether binding i of b has a one-hop path. */
function hasDirectPath(b: SourceBindings, i: number): boolean {
  for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) if (b.hopStart[p + 1]! - b.hopStart[p]! === 1) return true;
  return false;
}

/**
 * Where a lazy violation's binding and paths are found again: the graph as it was checked, the ends,
 * which paths. (A class, and violations built from literals of one shape: a million of them share their
 * hidden classes instead of each carrying its own.)
 */
class BindingSource {
  readonly version: number;
  constructor(
    readonly g: AccessGraph,
    readonly subject: NamedRef,
    /** The resource (forbid, none, only_through) as an integer node of g's index; -1 for exclusive. */
    readonly target: number,
    /** Indexes among the binding's paths of those at fault; undefined: every path. */
    readonly pathIndexes: readonly number[] | undefined,
    /** What follows "SUBJECT reaches RESOURCE" in the message (forbid, none, only_through). */
    readonly how: string | undefined,
    /** exclusive: the resources of each side, as integer nodes. */
    readonly sides: { readonly left: readonly number[]; readonly right: readonly number[] } | undefined,
  ) {
    this.version = g.version;
  }
}

const SOURCE = Symbol('binding source');

/**
 * Per graph, the last subject's bindings read again (outputs read a subject's violations one after
 * another) and the last binding built (reading `binding` and then `paths` of a violation builds it once).
 * Weak: a graph let go of is not kept for them.
 */
const readAgain = new WeakMap<
  AccessGraph,
  {
    version: number;
    subject: string;
    type: string;
    bindings: SourceBindings;
    built?: { source: BindingSource; target: number; binding: Binding };
  }
>();

/** The binding from a source's subject to node `t`, built again from the graph as the check read it. */
function bindingAgain(source: BindingSource, t: number): Binding {
  const { g, subject } = source;
  if (g.version !== source.version)
    throw new ConcurrentEditError(
      `The graph was edited after the check; the paths of its violations of ${subject.id} can no longer be read.`,
    );
  let last = readAgain.get(g);
  if (last?.built?.source === source && last.built.target === t) return last.built.binding;
  const type = g.index.typeOf(t);
  if (!last || last.version !== g.version || last.subject !== subject.id || last.type !== type) {
    last = { version: g.version, subject: subject.id, type, bindings: bindingsOf(g, subject.id, { targets: [type] }) };
    readAgain.set(g, last);
  }
  const b = last.bindings;
  const binding = bindingFromIndex(g, subject, b, b.find(t));
  last.built = { source, target: t, binding };
  return binding;
}

function sourceOf(v: object): BindingSource {
  return (v as { [SOURCE]: BindingSource })[SOURCE];
}

/** The properties a lazy violation builds when read, one getter each shared by every violation (own and enumerable: spread and JSON see them). */
const LAZY_BINDING: PropertyDescriptorMap = {
  binding: {
    get(this: object) {
      const source = sourceOf(this);
      return bindingAgain(source, source.target);
    },
    enumerable: true,
  },
  paths: {
    get(this: object) {
      const source = sourceOf(this);
      const all = bindingAgain(source, source.target).paths;
      return source.pathIndexes ? source.pathIndexes.map((i) => all[i]!) : all;
    },
    enumerable: true,
  },
  message: {
    get(this: Violation) {
      return `${formatReference(this.subject!)} reaches ${formatReference(this.resource!)}${sourceOf(this).how!}`;
    },
    enumerable: true,
  },
};
const LAZY_SIDES: PropertyDescriptorMap = {
  sides: {
    get(this: object) {
      const source = sourceOf(this);
      return {
        left: source.sides!.left.map((t) => bindingAgain(source, t)),
        right: source.sides!.right.map((t) => bindingAgain(source, t)),
      };
    },
    enumerable: true,
  },
};

/**
 * `head` made a violation whose `lazy` properties are getters over `source`, then `message` when given:
 * every property where an eager violation has it (the same order: JSON outputs are the same text).
 */
function lazyViolation(head: Partial<Violation>, source: BindingSource, lazy: PropertyDescriptorMap, message?: string): Violation {
  Object.defineProperty(head, SOURCE, { value: source });
  Object.defineProperties(head, lazy);
  if (message !== undefined) (head as { message?: string }).message = message;
  return head as Violation;
}

/** Evaluates a rule file one subject at a time; collects violations and excused ones. */
export class RuleEvaluator {
  readonly violations: Violation[] = [];
  readonly excused: ExcusedViolation[] = [];
  readonly totals = { subjects: 0, bindings: 0 };
  private readonly rules: CompiledRule[];
  private readonly sudo: PrivilegedCollector;
  private readonly counts = new Map<string, { violations: number; excused: number }>();
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly g: AccessGraph,
    readonly file: RuleFile,
    readonly now: number,
    /** CheckOptions.lazyPaths. */
    readonly lazyPaths = false,
  ) {
    this.rules = file.rules.map((r, i) => compile(g, r, i, now));
    this.sudo = new PrivilegedCollector(g, DEFAULT_COMPILE_RULE);
    for (const r of file.rules) this.counts.set(r.id, { violations: 0, excused: 0 });
  }

  /** Subject types some rule can be about, with the target types to read for each. */
  plan(): Map<string, string[]> {
    const out = new Map<string, Set<string>>();
    for (const r of this.rules) {
      for (const t of r.subjectTypes) {
        const set = out.get(t) ?? new Set<string>();
        for (const x of r.targetTypes.get(t) ?? []) set.add(x);
        out.set(t, set);
      }
    }
    return new Map([...out].map(([t, s]) => [t, [...s]]));
  }

  private count(rule: Rule, what: 'violations' | 'excused'): void {
    this.counts.get(rule.id)![what]++;
  }

  /** The first live exception that picks this subject and resource. */
  private excuse(r: CompiledRule, subject: number, resource: number | undefined): CompiledException | undefined {
    return r.exceptions.find(
      (e) =>
        !e.expired &&
        (!e.subjects || e.subjects.matches(subject)) &&
        (!e.resources || (resource !== undefined && e.resources.matches(resource))),
    );
  }

  private report(r: CompiledRule, v: Violation, excusedBy: CompiledException | undefined): void {
    if (excusedBy) {
      this.excused.push({ violation: v, exception: exceptionRef(excusedBy.exception) });
      this.count(r.rule, 'excused');
    } else {
      this.violations.push(v);
      this.count(r.rule, 'violations');
    }
  }

  private required(r: CompiledRule, type: string): number[] {
    let nodes = r.required.get(type);
    if (!nodes) {
      const ix = this.g.index;
      nodes = [];
      for (const t of r.targetTypes.get(type) ?? []) for (const n of ix.nodesOfType(t)) if (r.resources!.matches(n)) nodes.push(n);
      r.required.set(type, nodes);
    }
    return nodes;
  }

  /** Checks one subject's bindings (to at least every target type `plan()` names for its type). */
  subject(b: SourceBindings): void {
    const g = this.g;
    const ix = b.index;
    const s = b.source;
    const type = ix.typeOf(s);
    this.totals.subjects++;
    this.totals.bindings += b.size;
    let subjectRef: NamedRef | undefined;
    const subject = (): NamedRef => (subjectRef ??= namedRef(g, ix.idOf(s)));
    // By binding index, made when first asked for (most bindings break no rule).
    const built: (Binding | undefined)[] = [];
    const binding = (i: number): Binding => (built[i] ??= bindingFromIndex(g, subject(), b, i));
    const pathsAt = (i: number, ps: readonly number[]): AccessPath[] => ps.map((p) => binding(i).paths[p - b.pathStart[i]!]!);
    const sudoCache: (ReturnType<PrivilegedCollector['sudoOf']> | null)[] = [];
    const sudoOf = (i: number) => {
      let found = sudoCache[i];
      if (found === undefined) sudoCache[i] = found = SUDO_TARGETS.has(ix.typeOf(b.targets[i]!)) ? (this.sudo.sudoOf(b, i) ?? null) : null;
      return found ?? undefined;
    };
    const nodeType = ix.nodeType;
    for (const r of this.rules) {
      if (!r.subjectTypes.includes(type)) continue;
      if (r.subjects && !r.subjects.matches(s)) continue;
      const rule = r.rule;
      const ref = r.ref;
      const wanted = r.targetFlags.get(type) ?? NO_TYPES;
      const inScope = (t: number): boolean => wanted[nodeType[t]!] === 1;
      switch (rule.kind) {
        case 'forbid':
        case 'none': {
          for (let i = 0; i < b.size; i++) {
            const t = b.targets[i]!;
            if (!inScope(t) || (r.resources && !r.resources.matches(t))) continue;
            let at: number[] | undefined;
            if (rule.kind === 'forbid' && rule.direct) {
              if (!hasDirectPath(b, i)) continue;
              at = [];
              for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++)
                if (b.hopStart[p + 1]! - b.hopStart[p]! === 1) at.push(p);
            }
            if (rule.kind === 'forbid' && rule.sudo) {
              const found = sudoOf(i);
              if (!found?.sudo.enabled) continue;
              if (!at) at = found.granting;
            }
            const how = rule.kind === 'forbid' ? `${rule.sudo ? ' with sudo' : ''}${rule.direct ? ' directly' : ''}` : '';
            const verdict = rule.kind === 'none' ? 'says it must not (no bindings)' : 'forbids';
            const said = `${how}, which rule ${rule.id} (${rule.title}) ${verdict}.`;
            this.report(
              r,
              this.lazyPaths
                ? lazyBindingViolation(rule, ref, this.sourceAt(subject(), b, i, at, said))
                : bindingViolation(rule, ref, binding(i), at ? pathsAt(i, at) : binding(i).paths, said),
              this.excuse(r, s, t),
            );
          }
          break;
        }
        case 'only_through': {
          for (let i = 0; i < b.size; i++) {
            const t = b.targets[i]!;
            if (!inScope(t) || !r.resources!.matches(t)) continue;
            let candidates: number[] = [];
            if (rule.sudo) {
              const found = sudoOf(i);
              if (!found?.sudo.enabled) continue;
              candidates = found.granting;
            } else for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) candidates.push(p);
            const outside = candidates.filter((p) => {
              // The objects between the subject and the resource (the resource itself is not a way through).
              for (let h = b.hopStart[p]!, he = b.hopStart[p + 1]! - 1; h < he; h++) if (r.through!.matches(b.hopNodes[h]!)) return false;
              return true;
            });
            if (outside.length === 0) continue;
            const how = `${rule.sudo ? ' with sudo' : ''} by ${outside.length === 1 ? 'a path' : `${outside.length} paths`}`;
            const said = `${how} through none of the groups rule ${rule.id} (${rule.title}) allows.`;
            this.report(
              r,
              this.lazyPaths
                ? lazyBindingViolation(rule, ref, this.sourceAt(subject(), b, i, outside, said))
                : bindingViolation(rule, ref, binding(i), pathsAt(i, outside), said),
              this.excuse(r, s, t),
            );
          }
          break;
        }
        case 'require': {
          for (const t of this.required(r, type)) if (t !== s && b.find(t) < 0) this.reportMissing(r, s, subject(), t);
          break;
        }
        case 'exclusive': {
          const left: number[] = [];
          const right: number[] = [];
          const excusedBy = new Set<CompiledException>();
          for (let i = 0; i < b.size; i++) {
            const t = b.targets[i]!;
            if (!inScope(t)) continue;
            const onLeft = r.left!.matches(t);
            const onRight = r.right!.matches(t);
            if (!onLeft && !onRight) continue;
            const e = this.excuse(r, s, t);
            if (e) {
              excusedBy.add(e);
              continue;
            }
            if (onLeft) left.push(i);
            if (onRight) right.push(i);
          }
          const violated = left.length > 0 && right.length > 0;
          if (!violated && excusedBy.size === 0) break;
          // Excused: a violation only with the excused bindings counted in.
          if (!violated) {
            const all = (side: SelectorMatcher) => {
              const out: number[] = [];
              for (let i = 0; i < b.size; i++) if (inScope(b.targets[i]!) && side.matches(b.targets[i]!)) out.push(i);
              return out;
            };
            const l = all(r.left!);
            const rr = all(r.right!);
            if (l.length === 0 || rr.length === 0) break;
            this.report(r, this.exclusiveViolation(rule, ref, subject(), b, l, rr, binding), [...excusedBy][0]);
            break;
          }
          this.report(r, this.exclusiveViolation(rule, ref, subject(), b, left, right, binding), undefined);
          break;
        }
      }
    }
  }

  /** The violation of a require rule by subject `s` not reaching resource `t`. */
  private reportMissing(r: CompiledRule, s: number, subject: NamedRef, t: number): void {
    const rule = r.rule;
    const resource = namedRef(this.g, this.g.index.idOf(t));
    this.report(
      r,
      {
        key: `${rule.id}|${subject.id}|${resource.id}`,
        rule: r.ref,
        finding: rule.kind,
        subject,
        resource,
        paths: [],
        message: `${formatReference(subject)} does not reach ${formatReference(resource)}, which rule ${rule.id} (${rule.title}) requires.`,
      },
      this.excuse(r, s, t),
    );
  }

  /**
   * The violations of the require rules towards one resource (integer node `t`): every subject a rule
   * picks that is not among `reachers` (the subjects that reach `t`). What a change to which resources a
   * rule picks can add or resolve, found without reading any subject's bindings.
   */
  requireTowards(t: number, reachers: ReadonlySet<number>): void {
    const ix = this.g.index;
    for (const r of this.rules) {
      if (r.rule.kind !== 'require' || !r.resources!.matches(t)) continue;
      for (const type of r.subjectTypes) {
        if (!r.targetCodes.get(type)?.has(ix.nodeType[t]!)) continue;
        for (const s of ix.nodesOfType(type)) {
          if (s === t || reachers.has(s) || (r.subjects && !r.subjects.matches(s))) continue;
          this.reportMissing(r, s, namedRef(this.g, ix.idOf(s)), t);
        }
      }
    }
  }

  /** The violation of an exclusive rule by a subject whose bindings `left` and `right` (indexes in b) are on each side. */
  private exclusiveViolation(
    rule: Rule,
    ref: RuleRef,
    subject: NamedRef,
    b: SourceBindings,
    left: number[],
    right: number[],
    binding: (i: number) => Binding,
  ): Violation {
    const names = (is: number[]) =>
      is
        .slice(0, 3)
        .map((i) => formatReference(namedRef(this.g, b.index.idOf(b.targets[i]!))))
        .join(', ') + (is.length > 3 ? ', …' : '');
    const head = { key: `${rule.id}|${subject.id}`, rule: ref, finding: 'exclusive' as const, subject, paths: [] };
    const message = `${formatReference(subject)} reaches both ${names(left)} and ${names(right)}, which rule ${rule.id} (${rule.title}) keeps apart.`;
    if (!this.lazyPaths) return { ...head, sides: { left: left.map(binding), right: right.map(binding) }, message };
    const nodes = (is: number[]) => is.map((i) => b.targets[i]!);
    const source = new BindingSource(this.g, subject, -1, undefined, undefined, { left: nodes(left), right: nodes(right) });
    return lazyViolation(head, source, LAZY_SIDES, message);
  }

  /** One string for every equal `text` (what lazy violations say is the same for most of a rule's). */
  private shared(text: string): string {
    let found = this.texts.get(text);
    if (found === undefined) this.texts.set(text, (found = text));
    return found;
  }

  /** Where a lazy violation of binding i of b finds its binding again; `at`: the paths at fault (global path numbers of b), all when undefined. */
  private sourceAt(subject: NamedRef, b: SourceBindings, i: number, at: readonly number[] | undefined, how: string): BindingSource {
    const start = b.pathStart[i]!;
    return new BindingSource(
      this.g,
      subject,
      b.targets[i]!,
      at?.map((p) => p - start),
      this.shared(how),
      undefined,
    );
  }

  /** The violations of exceptions past their date (once per check). */
  expiredExceptions(): void {
    for (const r of this.rules) {
      for (const e of r.exceptions) {
        if (!e.expired) continue;
        const ex = e.exception;
        this.violations.push({
          key: `${r.rule.id}|exception:${ex.index}`,
          rule: ruleRef(r.rule),
          finding: 'expired-exception',
          paths: [],
          exception: exceptionRef(ex),
          message: `Exception ${ex.index + 1} of rule ${r.rule.id} (owner ${ex.owner}: ${ex.reason}) expired on ${ex.expires!.text}; it excuses nothing any more.`,
        });
        this.count(r.rule, 'violations');
      }
    }
  }

  result(): CheckResult {
    const cmp = violationOrder(this.rules.map((r) => r.rule));
    return {
      rules: this.rules.map((r) => ({ rule: ruleRef(r.rule), ...this.counts.get(r.rule.id)! })),
      violations: [...this.violations].sort(cmp),
      excused: [...this.excused].sort((a, b) => cmp(a.violation, b.violation)),
      totals: { ...this.totals },
      at: new Date(this.now).toISOString(),
    };
  }
}

/** The order a check lists violations in: most severe first, then the file's order of rules, then by key. */
export function violationOrder(rules: readonly Rule[]): (a: Violation, b: Violation) => number {
  // One number per rule (ids are unique in a file).
  const place = new Map(rules.map((r, i) => [r.id, (SEVERITIES.length - severityRank(r.severity)) * rules.length + i]));
  return (a, b) => place.get(a.rule.id)! - place.get(b.rule.id)! || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Checks every rule of the file against every binding of the graph (streamed one subject at a time). */
export function check(g: AccessGraph, file: RuleFile, options: CheckOptions = {}): CheckResult {
  const evaluator = new RuleEvaluator(g, file, options.now ?? Date.now(), options.lazyPaths === true);
  for (const [type, targets] of evaluator.plan()) for (const b of inventoryBindings(g, type, targets)) evaluator.subject(b);
  evaluator.expiredExceptions();
  return evaluator.result();
}

/**
 * The violations of some subjects only (ids the graph does not hold, or that are not users or systems,
 * are passed over), without the expired-exception violations: what a comparison of two graphs re-reads.
 */
export function checkSubjects(g: AccessGraph, file: RuleFile, subjectIds: Iterable<string>, options: CheckOptions = {}): CheckResult {
  const evaluator = new RuleEvaluator(g, file, options.now ?? Date.now());
  const plan = evaluator.plan();
  for (const id of [...new Set(subjectIds)].sort()) {
    if (!g.hasObject(id)) continue;
    const targets = plan.get(g.object(id).type);
    if (!targets) continue;
    evaluator.subject(bindingsOf(g, id, { targets }));
  }
  return evaluator.result();
}
