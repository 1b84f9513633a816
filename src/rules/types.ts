/**
 * The rule file (`jcgraph-rules.yaml`) as jcgraph holds it once read: rules about access, each with the
 * selectors that name its subjects and resources and the exceptions that excuse some of its violations.
 * Every part keeps where it was written (file, line, column) so that an error or a finding can point at it.
 * The form is described for editors and CI by `jcgraph-rules.schema.json` beside this file.
 */
import type { SourcePosition } from './errors.ts';

/** Severities, lowest first (`--fail-on` compares by this order). */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The kinds of rule. */
export const RULE_KINDS = ['forbid', 'exclusive', 'only_through', 'require', 'none'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** A value a record field is compared with (exactly; a list matches any of its values). */
export type FieldValue = string | number | boolean | null;

/** A group named by `member_of`: `user_group:Contractors` (a name, case-insensitive, or an id). */
export interface GroupName {
  readonly type: string;
  readonly name: string;
  readonly at: SourcePosition;
}

/**
 * Which objects a selector picks: the leaves test one thing of an object; `all`, `any` and `not`
 * combine them. A mapping with several keys in the file is `all` of them.
 */
export type Selector =
  | { readonly op: 'all'; readonly of: readonly Selector[]; readonly at: SourcePosition }
  | { readonly op: 'any'; readonly of: readonly Selector[]; readonly at: SourcePosition }
  | { readonly op: 'not'; readonly of: Selector; readonly at: SourcePosition }
  | { readonly op: 'type'; readonly types: readonly string[]; readonly at: SourcePosition }
  | { readonly op: 'id'; readonly ids: readonly string[]; readonly at: SourcePosition }
  /** Globs (`*`, `?`) matched against the object's name, ignoring case. */
  | { readonly op: 'name'; readonly globs: readonly string[]; readonly at: SourcePosition }
  | { readonly op: 'member_of'; readonly groups: readonly GroupName[]; readonly at: SourcePosition }
  | { readonly op: 'field'; readonly field: string; readonly values: readonly FieldValue[]; readonly at: SourcePosition };

/** An exception: the violations whose subject and resource its selectors pick are excused until `expires`. */
export interface RuleException {
  /** Position among the rule's exceptions, from 0. */
  readonly index: number;
  /** @default every subject */
  readonly subjects?: Selector;
  /** @default every resource */
  readonly resources?: Selector;
  readonly owner: string;
  readonly reason: string;
  /** The instant the exception stops excusing anything (a date alone: the end of that day, UTC). */
  readonly expires?: { readonly text: string; readonly instant: number };
  readonly at: SourcePosition;
}

interface RuleBase {
  readonly id: string;
  readonly title: string;
  /** Longer words about the rule (SARIF's full description). */
  readonly description?: string;
  readonly severity: Severity;
  readonly tags: readonly string[];
  readonly exceptions: readonly RuleException[];
  readonly at: SourcePosition;
}

/** Subjects must not reach resources (only with sudo, or only directly, when asked). */
export interface ForbidRule extends RuleBase {
  readonly kind: 'forbid';
  readonly subjects: Selector;
  readonly resources: Selector;
  /** Only accesses whose compiled sudo is enabled. */
  readonly sudo: boolean;
  /** Only accesses with a direct (one-hop) path. */
  readonly direct: boolean;
}

/** Separation of duties: no subject reaches both a `left` and a `right` resource. */
export interface ExclusiveRule extends RuleBase {
  readonly kind: 'exclusive';
  /** Undefined: every user and system. */
  readonly subjects?: Selector;
  readonly left: Selector;
  readonly right: Selector;
}

/** Every path of an access (with `sudo`: every path that grants its sudo) passes through a `through` group. */
export interface OnlyThroughRule extends RuleBase {
  readonly kind: 'only_through';
  readonly subjects?: Selector;
  readonly resources: Selector;
  readonly sudo: boolean;
  readonly through: Selector;
}

/** Every subject reaches every resource. */
export interface RequireRule extends RuleBase {
  readonly kind: 'require';
  readonly subjects: Selector;
  readonly resources: Selector;
}

/** The subjects have no bindings (to the resources, when given). */
export interface NoneRule extends RuleBase {
  readonly kind: 'none';
  readonly subjects: Selector;
  readonly resources?: Selector;
}

export type Rule = ForbidRule | ExclusiveRule | OnlyThroughRule | RequireRule | NoneRule;

/** A rule file as read. */
export interface RuleFile {
  /** The file as named (for messages and SARIF locations). */
  readonly file: string;
  readonly version: 1;
  /** A name, id or group that matches nothing is an error. */
  readonly strict: boolean;
  readonly rules: readonly Rule[];
}
