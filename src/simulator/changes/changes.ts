/**
 * What can change in a simulated organization, as an admin (or an API script) would change it:
 * memberships and associations added and removed, an association's attributes replaced, objects
 * created, deleted and edited (a user suspended, a group's own sudo changed, a rename).
 *
 * A change is plain JSON so that tests can send a list of them through the simulator's change door
 * (`POST /simulator/v1/changes`, loopback only, off unless asked for) as well as apply them in-process.
 */
import type { JsonObject, ObjectRef } from '../../model/index.ts';

export type SimChange =
  | { readonly kind: 'add-member'; readonly group: ObjectRef; readonly member: ObjectRef }
  | { readonly kind: 'remove-member'; readonly group: ObjectRef; readonly member: ObjectRef }
  /** Adds the association, or replaces its attributes when it exists with other ones. */
  | { readonly kind: 'associate'; readonly a: ObjectRef; readonly b: ObjectRef; readonly attributes?: JsonObject | null }
  | { readonly kind: 'dissociate'; readonly a: ObjectRef; readonly b: ObjectRef }
  /** A new object of `type`; its id is made here unless given, its record is the type's default merged with `record`. */
  | { readonly kind: 'create'; readonly type: string; readonly id?: string; readonly record?: JsonObject }
  | { readonly kind: 'delete'; readonly ref: ObjectRef }
  /** Sets fields of an object's record (a shallow merge) and removes the `unset` ones; the id field cannot change. */
  | { readonly kind: 'update'; readonly ref: ObjectRef; readonly set: JsonObject; readonly unset?: readonly string[] };

export type SimChangeKind = SimChange['kind'];

export const SIM_CHANGE_KINDS: readonly SimChangeKind[] = [
  'add-member',
  'remove-member',
  'associate',
  'dissociate',
  'create',
  'delete',
  'update',
];

/** One field of a record before and after an update (the shape of a Directory Insights `changes` entry). */
export interface FieldChange {
  readonly field: string;
  readonly from: JsonObject[string] | undefined;
  readonly to: JsonObject[string] | undefined;
}

/** A membership a dynamic group's rule added or removed right after a change (src/simulator/dynamic). */
export interface RuleMadeMembership {
  readonly op: 'add' | 'remove';
  readonly group: NamedRef;
  readonly member: NamedRef;
}

/**
 * What a change did, with what the audit log needs to describe it: names of both ends, the previous
 * record for updates. `effect: 'none'` when the change found nothing to do (an edge already there, or
 * already gone): nothing changed and nothing is logged. `ruleMade`: the memberships the rules of dynamic
 * groups added or removed because of the change (absent when they did nothing).
 */
export type AppliedChange = AppliedAlone & { readonly ruleMade?: readonly RuleMadeMembership[] };

/** What a change did by itself, before the rules of dynamic groups ran. */
export type AppliedAlone =
  | { readonly effect: 'none'; readonly change: SimChange }
  | {
      readonly effect: 'edge';
      readonly change: SimChange;
      readonly op: 'add' | 'remove';
      readonly membership: boolean;
      /** Membership: the group; association: the ends in the order the change named them. */
      readonly from: NamedRef;
      readonly to: NamedRef;
      readonly attributes: JsonObject | null;
    }
  | { readonly effect: 'create'; readonly change: SimChange; readonly object: NamedRef; readonly record: JsonObject }
  | { readonly effect: 'delete'; readonly change: SimChange; readonly object: NamedRef; readonly edgesRemoved: number }
  | { readonly effect: 'update'; readonly change: SimChange; readonly object: NamedRef; readonly fields: readonly FieldChange[] };

export interface NamedRef extends ObjectRef {
  readonly name: string;
}
