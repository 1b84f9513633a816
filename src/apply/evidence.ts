/**
 * The evidence of an apply or an undo (`PLAN.json.evidence.json`, `PLAN.json.undo.evidence.json`, mode
 * 0600): what an auditor keeps. The plan's digest, question and snapshot; the organization and host;
 * who acted; each step with its change, request and inverse, when it was sent and answered, the status
 * and what a read-back found; the verification; the requests sent. `apply --json` prints it.
 *
 * Who acted: JumpCloud documents no request that names the administrator behind an API key (rule chosen:
 * docs/rules.md#who-acted), so the evidence names the key by the first 16 hex digits of its SHA-256, enough to tell
 * keys apart and useless for acting as one. The key itself is never written.
 */
import { createHash } from 'node:crypto';
import { writeOutput } from '../io/output.ts';
import { JournalError } from '../errors.ts';
import type { PlanFileStep, PlanQuestion, PlanRequest, PlanSnapshot } from '../plan/index.ts';
import type { ApplyRun } from './journal.ts';
import type { VerificationResult } from './verify.ts';

export const EVIDENCE_FORMAT = 'jcgraph-apply-evidence';
export const EVIDENCE_VERSION = 1;

/** Where the evidence of a plan's apply (or undo) goes. */
export function evidencePath(planPath: string, run: ApplyRun): string {
  return run === 'apply' ? `${planPath}.evidence.json` : `${planPath}.undo.evidence.json`;
}

/** The name of the key in evidence and journals: `sha256:` and the first 16 hex digits of its SHA-256. */
export function keyFingerprint(apiKey: string): string {
  return `sha256:${createHash('sha256').update(apiKey.trim(), 'utf8').digest('hex').slice(0, 16)}`;
}

/**
 * Where a step stands:
 * - `will send`: its precondition holds and it is not done (a dry run stops here);
 * - `already done`: the change was made before this run (by someone else, or an earlier run before a crash was recorded);
 * - `changed`: its precondition no longer holds as the plan read it (the plan is refused);
 * - `done`: this run made the change (the answer, or a read-back, says so);
 * - `failed`: it was sent and did not take effect;
 * - `not sent`: the run stopped before it (an earlier failure, Ctrl-C, a refusal).
 */
export type StepState = 'will send' | 'already done' | 'changed' | 'done' | 'failed' | 'not sent';

/** One step in the evidence. */
export interface EvidenceStep {
  /** 1-based, as printed. */
  readonly step: number;
  readonly action: PlanFileStep['action'];
  readonly change: PlanFileStep['change'];
  /** The request this run sends for the step (the plan's request; for an undo, its inverse). */
  readonly request: PlanRequest;
  /** The request that reverses it. */
  readonly inverse: PlanRequest;
  readonly state: StepState;
  /**
   * Why, in one sentence, when there is more to say (what changed, what the tenant answered, what a read-back found).
   * @default none
   */
  readonly detail?: string;
  /**
   * When the request was sent, when its answer came, and the HTTP status (or how it failed), when it was sent.
   * @default none (not sent)
   */
  readonly sentAt?: string;
  /** @default none (not answered) */
  readonly answeredAt?: string;
  /** @default none (not answered) */
  readonly outcome?: number | string;
  /** @default none (not sent) */
  readonly attempts?: number;
}

/**
 * How the run ended: `nothing to do` (no step, or every step already done), `ready` (a dry run whose steps
 * can be sent), `refused` (nothing sent: the plan does not fit the tenant), `applied` (every step done and
 * verified), `failed` (a write failed: the run stopped), `interrupted` (Ctrl-C), `not verified` (every step
 * done but the live endpoints disagree with the plan).
 */
export type ApplyResult = 'nothing to do' | 'ready' | 'refused' | 'applied' | 'failed' | 'interrupted' | 'not verified';

/** The evidence document of one run (see the module doc). */
export interface ApplyEvidence {
  readonly format: typeof EVIDENCE_FORMAT;
  readonly version: typeof EVIDENCE_VERSION;
  readonly run: ApplyRun;
  /** True for a run without --yes: nothing was sent. */
  readonly dryRun: boolean;
  readonly result: ApplyResult;
  /** The outcome in one sentence. */
  readonly summary: string;
  readonly plan: {
    /** The plan file as it was named. */
    readonly path: string;
    readonly digest: string;
    readonly madeAt: string;
    readonly question: PlanQuestion;
  };
  readonly snapshot: PlanSnapshot;
  /** The organization and API host acted on. */
  readonly orgId: string;
  readonly apiHost: string;
  /** Who acted: the key's fingerprint (keyFingerprint). */
  readonly actor: { readonly apiKey: string };
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Why the plan was refused, one sentence each (empty when it was not). */
  readonly refusals: readonly string[];
  readonly steps: readonly EvidenceStep[];
  /**
   * The live traversal endpoints checked against the plan after the last step.
   * @default none (not reached)
   */
  readonly verification?: VerificationResult;
  /** Requests sent: all of them (retries included), and the writes among them. */
  readonly requests: { readonly total: number; readonly writes: number; readonly retries: number };
  /**
   * The journal of the run.
   * @default none (a dry run keeps none)
   */
  readonly journal?: string;
}

/** Writes the evidence (mode 0600, atomically). */
export async function writeEvidence(path: string, evidence: ApplyEvidence): Promise<void> {
  try {
    await writeOutput(path, [`${JSON.stringify(evidence, null, 2)}\n`]);
  } catch (error) {
    throw new JournalError(`Could not write the evidence ${path} (${(error as { code?: string }).code ?? String(error)}).`, {
      path,
      cause: error,
    });
  }
}
