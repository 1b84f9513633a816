/**
 * Acting on a plan file: the one layer that writes to a tenant. Its writer client sends only the plan's
 * requests; preconditions are read live first; every event is journaled; the result is verified on the
 * live traversal endpoints; an apply can be resumed and undone; the evidence says what happened.
 */
export { applyPlan, undoApply, type ApplyOptions } from './apply.ts';
export { type RunOptions, type ApplyProgress } from './run.ts';
export {
  EVIDENCE_FORMAT,
  EVIDENCE_VERSION,
  evidencePath,
  keyFingerprint,
  type ApplyEvidence,
  type ApplyResult,
  type EvidenceStep,
  type StepState,
} from './evidence.ts';
export {
  APPLY_JOURNAL_FORMAT,
  APPLY_JOURNAL_VERSION,
  applyJournalPath,
  readApplyJournal,
  type ApplyJournal,
  type ApplyJournalEvent,
  type ApplyJournalHeader,
  type ApplyRun,
  type VerifiedState,
} from './journal.ts';
export { type VerificationResult, type VerificationDifference } from './verify.ts';
export { WriterClient, type WriterOptions } from './writer.ts';
