/**
 * The `jcgraph-plan` file, version 1: a plan that `jcgraph apply` can act on. It names the organization
 * it was made for (the snapshot: SHA-256 of its bytes, organization, API host, the fetch's start), the
 * question asked, and each step: what it changes, the exact request, the precondition that must still
 * hold live before it is sent, the inverse request that restores what it removed, and the bindings it
 * is expected to end and to leave. A digest over all of it (the digest field aside) makes a plan edited
 * by hand refused: it is a check against accidents and stale copies, not a signature.
 *
 *   {"format":"jcgraph-plan","version":1,"madeAt":"…","snapshot":{…},"question":{…},
 *    "steps":[{"action":"remove","change":{…},"request":{…},"precondition":{…},"inverse":{…},"ends":[…],"keeps":[…]}],
 *    "verification":{"ends":[…],"keeps":[…]},"digest":"sha256:…"}
 */
import type { EdgeKind, JsonObject, ObjectRef } from '../model/index.ts';
import type { NamedRef } from '../analysis/index.ts';

/** The `format` of every plan file. */
export const PLAN_FORMAT = 'jcgraph-plan';
/** The version this jcgraph writes and reads. */
export const PLAN_VERSION = 1;

/** One HTTP request: method, path from the host's root (`/api/v2/…`, `/api/…` for v1) and JSON body. */
export interface PlanRequest {
  readonly method: 'POST' | 'PUT';
  readonly path: string;
  readonly body: JsonObject;
}

/**
 * Where the plan's organization came from: a snapshot file (identified by the SHA-256 of its bytes), or
 * the simulator's generated organization (`--sim`), which has no host and so can never be applied.
 */
export type PlanSnapshot =
  | {
      readonly kind: 'snapshot';
      /** SHA-256 of the snapshot file's bytes, in hex. */
      readonly sha256: string;
      /** The snapshot file as it was named when the plan was made (for people; the hash identifies it). */
      readonly path: string;
      /** The organization (`x-org-id`; empty for the key's own). */
      readonly orgId: string;
      /** The API origin the snapshot was fetched from. */
      readonly apiHost: string;
      /** When the fetch that wrote the snapshot started. */
      readonly startedAt: string;
      /** True when the plan was made with `--live` (the snapshot patched with what the live tenant showed). */
      readonly live: boolean;
    }
  | {
      readonly kind: 'simulated';
      /** `PRESET:SEED`, as given to `--sim`. */
      readonly preset: string;
      readonly orgId: string;
    };

/** What was asked: a revoke (subject, resource, strategy, protected edges), an offboarding, or steps made elsewhere. */
export type PlanQuestion =
  | {
      readonly kind: 'revoke';
      readonly subject: NamedRef;
      readonly resource: NamedRef;
      readonly strategy: string;
      /** Edge keys (`membership:user_group:…>user:…`) the plan was not allowed to remove. */
      readonly protect: readonly string[];
    }
  | {
      readonly kind: 'offboard';
      readonly user: NamedRef;
      /** Whether the plan also suspends the user. */
      readonly suspend: boolean;
    }
  | {
      readonly kind: 'steps';
      /** The command that made the steps (`review close`, `check --fix`). */
      readonly command: string;
      /** One line saying what the steps are for. */
      readonly description: string;
    };

/** What a step changes, named for people: both ends with ids, types and names. */
export type PlanChange =
  | {
      /** Removal of a membership (`from` the group, `to` the member) or an association (ends in canonical order). */
      readonly kind: EdgeKind;
      readonly from: NamedRef;
      readonly to: NamedRef;
      /** The edge's attributes as read (restored by the inverse). */
      readonly attributes: JsonObject | null;
    }
  | {
      /** A member exempted from a dynamic group's rule (added to its `memberQueryExemptions`). */
      readonly kind: 'exemption';
      readonly group: NamedRef;
      readonly member: NamedRef;
      /** The group's rule, in words. */
      readonly rule: string;
    }
  | {
      /** A user's state changed (offboarding with `--suspend`). */
      readonly kind: 'user-state';
      readonly user: NamedRef;
      /** The state fields as read, and as the step sets them. */
      readonly before: JsonObject;
      readonly after: JsonObject;
    };

/** What must still hold live before a step is sent. */
export type PlanPrecondition =
  | {
      /** The edge exists with these attributes (absent: the step is already done). */
      readonly kind: 'edge';
      readonly edge: { readonly kind: EdgeKind; readonly from: ObjectRef; readonly to: ObjectRef };
      readonly attributes: JsonObject | null;
    }
  | {
      /** The group's record is as read (the fields a PUT sends). */
      readonly kind: 'group-record';
      readonly group: ObjectRef;
      readonly record: JsonObject;
    }
  | {
      /** The user's state fields are as read. */
      readonly kind: 'user-state';
      readonly user: ObjectRef;
      readonly state: JsonObject;
    };

/** A binding as a traversal endpoint lists it: `subject`'s endpoint towards `target`'s type returns `target`. */
export interface PlanBinding {
  readonly subject: NamedRef;
  readonly target: NamedRef;
}

/** What a step does. */
export type PlanAction = 'remove' | 'exempt' | 'suspend';

/** One step of a plan file. */
export interface PlanFileStep {
  readonly action: PlanAction;
  readonly change: PlanChange;
  /** The exact request that makes the change. */
  readonly request: PlanRequest;
  readonly precondition: PlanPrecondition;
  /** The request that restores what the step changed, with the same attributes. */
  readonly inverse: PlanRequest;
  /** Bindings the plan ends that this step cuts a path of. */
  readonly ends: readonly PlanBinding[];
  /** Bindings this step cuts a path of that the plan leaves in place (through other paths). */
  readonly keeps: readonly PlanBinding[];
}

/** What the live traversal endpoints must show once every step is done. */
export interface PlanVerification {
  /** Bindings that must be gone. */
  readonly ends: readonly PlanBinding[];
  /** Bindings that must still be there. */
  readonly keeps: readonly PlanBinding[];
  /**
   * Offboarding: the subject whose traversal endpoints must return nothing but the kept bindings.
   * @default none
   */
  readonly only?: NamedRef;
}

/** A `jcgraph-plan` file, version 1 (see the module doc). */
export interface PlanFile {
  readonly format: typeof PLAN_FORMAT;
  readonly version: typeof PLAN_VERSION;
  /** When the plan was made (ISO 8601). */
  readonly madeAt: string;
  readonly snapshot: PlanSnapshot;
  readonly question: PlanQuestion;
  readonly steps: readonly PlanFileStep[];
  readonly verification: PlanVerification;
  /** `sha256:` and the hex SHA-256 of the plan's canonical JSON without this field (planDigest). */
  readonly digest: string;
}
