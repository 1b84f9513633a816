/**
 * `applyPlan` and `undoApply`: a plan file acted on (or, without `send`, checked live: a dry run), and the
 * steps of an apply that took effect undone from its journal. See run.ts for what a run does.
 */
import { access } from 'node:fs/promises';
import { JournalError } from '../errors.ts';
import { describeObject, type PlanFile } from '../plan/index.ts';
import { evidencePath, type ApplyEvidence } from './evidence.ts';
import {
  APPLY_JOURNAL_FORMAT,
  APPLY_JOURNAL_VERSION,
  JournalAppender,
  applyJournalPath,
  readApplyJournal,
  runStates,
  type ApplyJournal,
} from './journal.ts';
import { runSteps, type RunOptions } from './run.ts';
import { uncutPaths, verifyLive } from './verify.ts';

export interface ApplyOptions extends RunOptions {
  /**
   * The plan file's path: messages name it, and the journal and the evidence go beside it.
   * @default none (then `journalPath` is needed to send)
   */
  readonly planPath?: string;
  /**
   * The journal (one synced line per event; what --resume and --undo read).
   * @default `${planPath}.journal`
   */
  readonly journalPath?: string;
  /**
   * Continue an interrupted apply from its journal.
   * @default false
   */
  readonly resume?: boolean;
}

/** The names the plan knows objects by (for messages about paths and edges read live, which carry ids only). */
function namesIn(plan: PlanFile): Map<string, string> {
  const names = new Map<string, string>();
  const refs: { id: string; name: string }[] = [];
  for (const b of [...plan.verification.ends, ...plan.verification.keeps]) refs.push(b.subject, b.target);
  for (const s of plan.steps) {
    const c = s.change;
    if (c.kind === 'membership' || c.kind === 'association') refs.push(c.from, c.to);
  }
  if (plan.question.kind === 'revoke') refs.push(plan.question.subject, plan.question.resource);
  if (plan.question.kind === 'offboard') refs.push(plan.question.user);
  for (const r of refs) names.set(r.id, r.name);
  return names;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Checks a plan against the live tenant and, with `send`, acts on it: every step sent once, journaled,
 * read back where the answer leaves doubt, and the result verified on the live traversal endpoints.
 * Returns the evidence (written beside the plan when anything was sent).
 */
export async function applyPlan(plan: PlanFile, options: ApplyOptions): Promise<ApplyEvidence> {
  const planPath = options.planPath ?? 'the plan';
  const journalPath = options.journalPath ?? (options.planPath !== undefined ? applyJournalPath(options.planPath) : undefined);
  let earlier: ApplyJournal | undefined;
  if (options.resume === true) {
    if (journalPath === undefined || !(await exists(journalPath)))
      throw new JournalError(`There is no apply journal ${journalPath ?? '(none given)'} to resume: nothing of ${planPath} was sent yet.`, {
        path: journalPath ?? '',
      });
    earlier = await readApplyJournal(journalPath);
    if (earlier.header.plan.digest !== plan.digest) {
      throw new JournalError(
        `The apply journal ${journalPath} belongs to another plan (digest ${earlier.header.plan.digest.slice(0, 19)}…), not to ${planPath} (${plan.digest.slice(0, 19)}…).`,
        { path: journalPath },
      );
    }
  } else if (options.send === true) {
    if (journalPath === undefined) throw new JournalError('Sending a plan needs a journal: give planPath or journalPath.', { path: '' });
    if (await exists(journalPath)) {
      throw new JournalError(
        `The apply journal ${journalPath} already exists: this plan was applied (or started) before; continue with --resume, undo with --undo ${journalPath}, or move it away.`,
        { path: journalPath },
      );
    }
  }
  const names = namesIn(plan);
  const named = (o: { type: string; id: string }): string =>
    describeObject({ ...o, ...(names.has(o.id) ? { name: names.get(o.id)! } : {}) });
  const only = plan.verification.only;
  return runSteps(
    {
      run: 'apply',
      plan,
      planPath,
      order: plan.steps.map((_, i) => i),
      request: (s) => s.request,
      sentBefore: earlier ? runStates(earlier.events, 'apply').sent : new Set(),
      ...(journalPath !== undefined ? { journalPath } : {}),
      journal: () =>
        earlier
          ? JournalAppender.reopen(journalPath!)
          : JournalAppender.create(journalPath!, {
              format: APPLY_JOURNAL_FORMAT,
              version: APPLY_JOURNAL_VERSION,
              createdAt: new Date().toISOString(),
              planPath,
              plan,
            }),
      extraRefusals: async (client, reader) => {
        const out = (await uncutPaths(client, plan)).map(
          (p) => `A path the plan does not cut leads from ${named(p[0]!)} to ${named(p[p.length - 1]!)} now: ${p.map(named).join(' → ')}.`,
        );
        if (only) {
          for (const e of reader.extraEdges()) {
            out.push(
              `${named(only)} has ${e.kind === 'association' ? 'an' : 'a'} ${e.kind} the plan does not remove: ${named(e.from)}${e.kind === 'membership' ? '>' : '~'}${named(e.to)}.`,
            );
          }
        }
        return out;
      },
      verify: (client) => verifyLive(client, plan.verification),
    },
    {
      ...options,
      ...(options.evidencePath === undefined && options.planPath !== undefined
        ? { evidencePath: evidencePath(options.planPath, 'apply') }
        : {}),
    },
  );
}

/**
 * Undoes an apply from its journal: the inverse of every step that took effect (a step found already done
 * is not undone: someone else made that change), newest first, each only while its edge is still absent
 * (`already restored` otherwise), then verified: the edges back with their attributes, the bindings the
 * apply ended listed again. Without `send`, a dry run. Returns the evidence.
 */
export async function undoApply(journalPath: string, options: RunOptions): Promise<ApplyEvidence> {
  const journal = await readApplyJournal(journalPath);
  const plan = journal.header.plan;
  const order = [...runStates(journal.events, 'apply').doneOrder].reverse();
  const planPath = journalPath.endsWith('.journal') ? journalPath.slice(0, -'.journal'.length) : journal.header.planPath;
  return runSteps(
    {
      run: 'undo',
      plan,
      planPath,
      order,
      request: (s) => s.inverse,
      sentBefore: runStates(journal.events, 'undo').sent,
      journalPath,
      journal: () => JournalAppender.reopen(journalPath),
      verify: (client, done) => {
        const restored = new Set(done);
        // A binding comes back when every step that ended it is restored.
        const back = plan.verification.ends.filter((b) =>
          plan.steps.every((s, i) => restored.has(i) || !s.ends.some((e) => e.subject.id === b.subject.id && e.target.id === b.target.id)),
        );
        return verifyLive(client, { ends: [], keeps: [...back, ...plan.verification.keeps] }, 'undo:verify');
      },
    },
    { ...options, ...(options.evidencePath === undefined ? { evidencePath: evidencePath(planPath, 'undo') } : {}) },
  );
}
