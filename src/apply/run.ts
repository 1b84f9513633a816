/**
 * One run over a plan's steps, the engine behind `applyPlan` (the plan's requests, in order) and
 * `undoApply` (the inverses of the steps that took effect, newest first):
 *
 * 1. the identity checks: the plan's organization and host are the ones acted on, and it was not made
 *    on a simulated organization; nothing is read when they fail;
 * 2. the live state of every step (src/apply/state.ts), and the run's own checks (a revoke's new paths,
 *    an offboarded user's new edges): a step whose precondition no longer holds as the plan read it, or
 *    any new access, refuses the whole plan with nothing sent;
 * 3. without `send`, that is all (a dry run). With it, each step that is not done yet is journaled as sent,
 *    sent through the writer client, and journaled as answered; an answer other than 2xx is read back
 *    (a 404 on a remove and a 409 on an add are "already so" only when the read-back agrees); a timeout or
 *    a reset whose read-back shows no effect is sent again (it cannot then apply twice); 401/403 stops the
 *    run at once, sending nothing more; any other failure stops it after the read-back;
 * 4. after the last step, every step is read back once more (a removal a dynamic group's rule undid shows
 *    here), then the live traversal endpoints are checked against the plan (src/apply/verify.ts), again
 *    after a pause when the plan changed a dynamic group's rule;
 * 5. the evidence is built, written beside the plan when anything was sent, and returned.
 *
 * Rules chosen: docs/rules.md#retrying-a-write, #what-a-plan-may-not-meet, #what-an-undo-restores.
 */
import { JcApiError } from '../errors.ts';
import { checkApiUrl, type ClientOptions } from '../fetchers/index.ts';
import { sleep } from '../fetchers/rate.ts';
import { describeStep, type PlanFile, type PlanFileStep, type PlanRequest } from '../plan/index.ts';
import {
  EVIDENCE_FORMAT,
  EVIDENCE_VERSION,
  keyFingerprint,
  writeEvidence,
  type ApplyEvidence,
  type ApplyResult,
  type EvidenceStep,
  type StepState,
} from './evidence.ts';
import { JournalAppender, type ApplyRun, type VerifiedState } from './journal.ts';
import { StepReader, standing, type StepReading } from './state.ts';
import { touchesDynamicGroup, type VerificationDifference, type VerificationResult } from './verify.ts';
import { WriterClient } from './writer.ts';

/** Progress of a run, for a progress line. */
export interface ApplyProgress {
  /** `checking`: reading the live state; `sending`: a step is being sent; `verifying`: the last checks. */
  readonly phase: 'checking' | 'sending' | 'verifying';
  /** 1-based number of the step being sent, and how many this run sends. */
  readonly step?: number;
  readonly of?: number;
}

/** The options every run takes: the client's (key, host, rate, timeouts) and what to do. */
export interface RunOptions extends Omit<ClientOptions, 'apiKey' | 'baseUrl' | 'orgId' | 'signal' | 'concurrency' | 'apiRoots'> {
  /** The API key (sent as `x-api-key` and nowhere else; the evidence names it by its SHA-256 prefix). */
  readonly apiKey: string;
  /**
   * The API host to act on; it must be the plan's.
   * @default the host of the plan's snapshot
   */
  readonly baseUrl?: string;
  /**
   * The organization to act on; it must be the plan's.
   * @default the organization of the plan's snapshot
   */
  readonly orgId?: string;
  /**
   * Send the writes (the CLI's --yes); without it the run only reads, and reports what it would send.
   * @default false
   */
  readonly send?: boolean;
  /**
   * Where to write the evidence when anything is sent.
   * @default none (not written)
   */
  readonly evidencePath?: string;
  /**
   * Stops the run before the next step (a write in flight is let finish, so the journal knows its fate).
   * @default none
   */
  readonly signal?: AbortSignal;
  /**
   * Told as the run goes (for a progress line).
   * @default none
   */
  readonly onProgress?: (progress: ApplyProgress) => void;
  /**
   * How long to wait before checking again a plan that changed a dynamic group's rule, in milliseconds.
   * @default 10000
   */
  readonly settleMs?: number;
  /**
   * The SHA-256 of the snapshot the plan must have been made on (the CLI's --snapshot).
   * @default none (not checked)
   */
  readonly expectSnapshot?: { readonly path: string; readonly sha256: string };
}

/** What differs between an apply and an undo. */
export interface RunSpec {
  readonly run: ApplyRun;
  readonly plan: PlanFile;
  /** The plan file as named (journal, evidence, messages). */
  readonly planPath: string;
  /** The steps this run sends, in order (indexes into plan.steps). */
  readonly order: readonly number[];
  /** The request of a step in this run. */
  request(step: PlanFileStep): PlanRequest;
  /** Steps this run journaled as sent before (a resume: their change found made is this run's doing). */
  readonly sentBefore: ReadonlySet<number>;
  /** The journal to append to (opened, or created at the first write). */
  journal(): Promise<JournalAppender>;
  /** Checks beyond the steps' own (a revoke's uncut paths, an offboarding's new edges): refusal sentences. */
  extraRefusals?(client: WriterClient, reader: StepReader): Promise<string[]>;
  /** The verification targets after the last step. */
  verify(client: WriterClient, done: readonly number[]): Promise<VerificationResult>;
  /** The journal's path when one is kept. */
  readonly journalPath?: string;
}

/** How many times a write whose read-back shows no effect after a timeout or a reset is sent in all. */
const WRITE_ATTEMPTS = 3;

const nowIso = (): string => new Date().toISOString();

/** The refusals of a plan for the host and organization acted on. */
function identityRefusals(plan: PlanFile, planPath: string, origin: string, orgId: string, options: RunOptions): string[] {
  const s = plan.snapshot;
  if (s.kind === 'simulated') {
    return [
      `The plan ${planPath} was made on the simulated organization ${s.preset} (--sim), not on a snapshot of a tenant: it cannot be applied to a host.`,
    ];
  }
  const out: string[] = [];
  if (s.apiHost !== origin) out.push(`The plan ${planPath} was made on a snapshot of ${s.apiHost}, not of ${origin}.`);
  if (s.orgId !== orgId)
    out.push(`The plan ${planPath} is for organization ${s.orgId || "(the key's own)"}, not ${orgId || "(the key's own)"}.`);
  const expected = options.expectSnapshot;
  if (expected && expected.sha256 !== s.sha256) {
    out.push(
      `The plan ${planPath} was made on the snapshot ${s.path} (SHA-256 ${s.sha256.slice(0, 12)}…), not on ${expected.path} (SHA-256 ${expected.sha256.slice(0, 12)}…).`,
    );
  }
  return out;
}

interface StepRecord {
  state: StepState;
  detail?: string;
  sentAt?: string;
  answeredAt?: string;
  outcome?: number | string;
  attempts?: number;
}

/** Runs a plan's steps as the module doc says, and returns the evidence. */
export async function runSteps(spec: RunSpec, options: RunOptions): Promise<ApplyEvidence> {
  const { plan, planPath } = spec;
  const startedAt = nowIso();
  const origin = checkApiUrl(
    options.baseUrl ?? (plan.snapshot.kind === 'snapshot' ? plan.snapshot.apiHost : 'https://console.jumpcloud.com'),
  ).origin;
  const orgId = options.orgId ?? plan.snapshot.orgId;
  const records = new Map<number, StepRecord>(spec.order.map((i) => [i, { state: 'not sent' }]));
  const refusals: string[] = identityRefusals(plan, planPath, origin, orgId, options);
  /** What the run made so far, for the evidence. */
  const made: {
    writes: number;
    client?: WriterClient;
    journal?: JournalAppender;
    verification?: VerificationResult;
    stopFollowing?: () => void;
  } = { writes: 0 };

  const finish = async (result: ApplyResult, summary: string): Promise<ApplyEvidence> => {
    const { client, journal, verification, writes } = made;
    made.stopFollowing?.();
    if (journal) {
      await journal.append({ event: 'finished', run: spec.run, at: nowIso(), result });
      await journal.close();
    }
    const evidence: ApplyEvidence = {
      format: EVIDENCE_FORMAT,
      version: EVIDENCE_VERSION,
      run: spec.run,
      dryRun: options.send !== true,
      result,
      summary,
      plan: { path: planPath, digest: plan.digest, madeAt: plan.madeAt, question: plan.question },
      snapshot: plan.snapshot,
      orgId,
      apiHost: origin,
      actor: { apiKey: keyFingerprint(options.apiKey) },
      startedAt,
      finishedAt: nowIso(),
      refusals,
      steps: spec.order.map((i): EvidenceStep => {
        const step = plan.steps[i]!;
        const r = records.get(i)!;
        // Once anything was sent, a step the run did not reach was not sent: it no longer "will" be.
        if (journal && r.state === 'will send') r.state = 'not sent';
        return {
          step: i + 1,
          action: step.action,
          change: step.change,
          request: spec.request(step),
          inverse: spec.run === 'apply' ? step.inverse : step.request,
          ...r,
        };
      }),
      ...(verification ? { verification } : {}),
      requests: { total: client?.stats.requests ?? 0, writes, retries: client?.stats.retries ?? 0 },
      ...(journal ? { journal: journal.path } : {}),
    };
    if (options.send === true && journal && options.evidencePath) await writeEvidence(options.evidencePath, evidence);
    return evidence;
  };

  const verb = spec.run === 'apply' ? 'applied' : 'undone';
  const again = spec.run === 'apply' ? 'apply --resume' : 'the same undo';
  if (refusals.length > 0)
    return finish('refused', `Refused: nothing was sent (${refusals.length === 1 ? 'one reason' : `${refusals.length} reasons`}).`);
  if (spec.order.length === 0) {
    return finish(
      'nothing to do',
      spec.run === 'apply' ? `The plan ${planPath} has no steps: nothing to do.` : `No step of the plan took effect: nothing to undo.`,
    );
  }

  // The client's reads stop at Ctrl-C, but a write in flight is let finish (its answer journaled): the
  // client follows the caller's signal except while a write is out, and the loop stops before the next step.
  const cancel = new AbortController();
  let writing = false;
  const follow = (): void => {
    if (!writing) cancel.abort(options.signal?.reason);
  };
  if (options.signal?.aborted) follow();
  else options.signal?.addEventListener('abort', follow, { once: true });
  made.stopFollowing = () => options.signal?.removeEventListener('abort', follow);
  const client = new WriterClient({
    ...options,
    baseUrl: origin,
    ...(orgId ? { orgId } : {}),
    signal: cancel.signal,
    allowed: spec.order.map((i) => spec.request(plan.steps[i]!)),
  });
  made.client = client;
  const focus = spec.run === 'apply' ? plan.verification.only : undefined;
  const reader = new StepReader(client, plan.steps, focus);
  options.onProgress?.({ phase: 'checking' });
  const readings = spec.run === 'apply' ? await reader.read() : await reader.read(spec.order);
  for (const i of spec.order) {
    const step = plan.steps[i]!;
    const now = standing(step, readings.get(i)!, spec.run);
    const record = records.get(i)!;
    if (now.at === 'made') {
      record.state = spec.sentBefore.has(i) ? 'done' : 'already done';
      if (spec.sentBefore.has(i)) record.detail = 'an earlier run sent it, and it is made';
      else if (now.detail !== undefined || spec.run === 'undo') record.detail = now.detail ?? 'already restored';
    } else if (now.at === 'changed') {
      record.state = 'changed';
      record.detail = now.detail;
      refusals.push(`Step ${i + 1} (${describeStep(step)}) changed since the plan: ${now.detail}.`);
    } else record.state = 'will send';
  }
  refusals.push(...((await spec.extraRefusals?.(client, reader)) ?? []));
  if (refusals.length > 0)
    return finish('refused', `Refused: nothing was sent (${refusals.length === 1 ? 'one reason' : `${refusals.length} reasons`}).`);
  const pending = spec.order.filter((i) => records.get(i)!.state === 'will send');
  if (options.send !== true) {
    return finish(
      pending.length > 0 ? 'ready' : 'nothing to do',
      pending.length > 0
        ? `Dry run: nothing was sent; ${pending.length} of ${spec.order.length} steps would be.`
        : `Dry run: every step is already done; nothing to send.`,
    );
  }

  const journal = await spec.journal();
  made.journal = journal;
  await journal.append({ event: 'start', run: spec.run, at: nowIso(), orgId, apiHost: origin, actor: keyFingerprint(options.apiKey) });
  for (const i of spec.order) {
    const r = records.get(i)!;
    if (r.state === 'done' || r.state === 'already done')
      await journal.append({ event: 'verified', run: spec.run, step: i, at: nowIso(), state: r.state });
  }
  const verified = (i: number, state: VerifiedState): Promise<void> =>
    journal.append({ event: 'verified', run: spec.run, step: i, at: nowIso(), state });

  let stopped: { result: ApplyResult; summary: string } | undefined;
  for (const [n, i] of pending.entries()) {
    if (options.signal?.aborted) {
      stopped = {
        result: 'interrupted',
        summary: `Interrupted before step ${i + 1}: ${n} of ${pending.length} steps sent; the journal ${journal.path} says which.`,
      };
      break;
    }
    options.onProgress?.({ phase: 'sending', step: n + 1, of: pending.length });
    const step = plan.steps[i]!;
    const request = spec.request(step);
    const r = records.get(i)!;
    for (let attempt = 1; ; attempt++) {
      r.sentAt = nowIso();
      r.attempts = (r.attempts ?? 0) + 1;
      await journal.append({ event: 'sent', run: spec.run, step: i, at: r.sentAt, request: client.writeEndpoint(request) });
      made.writes += 1;
      let failure: JcApiError | undefined;
      writing = true;
      try {
        const answer = await client.write(request, `${spec.run}:write`);
        r.answeredAt = nowIso();
        r.outcome = answer.status;
        await journal.append({ event: 'answered', run: spec.run, step: i, at: r.answeredAt, outcome: answer.status });
      } catch (error) {
        if (!(error instanceof JcApiError)) throw error;
        failure = error;
        r.answeredAt = nowIso();
        r.outcome = error.status ?? error.outcome ?? 'error';
        await journal.append({
          event: 'answered',
          run: spec.run,
          step: i,
          at: r.answeredAt,
          outcome: r.outcome,
          ...(error.attempts ? { attempts: error.attempts } : {}),
        });
      } finally {
        writing = false;
      }
      if (!failure) {
        r.state = 'done';
        await verified(i, 'done');
        break;
      }
      if (failure.status === 401 || failure.status === 403) {
        // The key cannot write here: nothing more is sent, not even a read-back.
        r.state = 'failed';
        r.detail = `the tenant refused the write: ${failure.message}`;
        stopped = {
          result: 'failed',
          summary: `Stopped at step ${i + 1}: the key may not write to this organization (${failure.status}); ${n} earlier steps were sent, nothing after.`,
        };
        break;
      }
      let reading: StepReading | undefined;
      try {
        reading = (await reader.read([i])).get(i);
      } catch (error) {
        r.state = 'failed';
        r.detail = `${failure.message} Reading it back failed too (${error instanceof Error ? error.message : String(error)}).`;
        stopped = {
          result: 'failed',
          summary: `Stopped at step ${i + 1}: whether it took effect is not known; ${again} reads it back again.`,
        };
        break;
      }
      if (reading && standing(step, reading, spec.run).at === 'made') {
        r.state = 'done';
        r.detail = `answered ${String(r.outcome)}; a read-back shows the change made`;
        await verified(i, 'done');
        break;
      }
      await verified(i, 'not done');
      const uncertain = failure.status === undefined && ['timeout', 'network', 'truncated', 'malformed'].includes(String(failure.outcome));
      if (uncertain && attempt < WRITE_ATTEMPTS) continue; // the read-back shows no effect: sending again cannot apply it twice
      r.state = 'failed';
      r.detail = `${failure.message} A read-back shows it did not take effect.`;
      stopped = {
        result: 'failed',
        summary: `Stopped at step ${i + 1} of ${plan.steps.length}: it did not take effect (${String(r.outcome)}); ${n} earlier steps were sent; ${again} continues.`,
      };
      break;
    }
    if (stopped) break;
  }
  if (stopped) return finish(stopped.result, stopped.summary);

  options.onProgress?.({ phase: 'verifying' });
  const done = spec.order.filter((i) => records.get(i)!.state === 'done' || records.get(i)!.state === 'already done');
  const check = async (): Promise<VerificationResult> => {
    const after = await reader.read(done);
    const edgeDifferences: VerificationDifference[] = [];
    for (const i of done) {
      const step = plan.steps[i]!;
      const now = standing(step, after.get(i)!, spec.run);
      // An undo's step made otherwise than planned (an edge back with other attributes) is a difference too.
      if (now.at === 'made' && (spec.run === 'apply' || now.detail === undefined)) continue;
      const pre = step.precondition;
      const [subject, target] =
        pre.kind === 'edge' ? [pre.edge.from, pre.edge.to] : pre.kind === 'group-record' ? [pre.group, pre.group] : [pre.user, pre.user];
      edgeDifferences.push({
        kind: 'edge',
        subject,
        target,
        message:
          now.at === 'made'
            ? `Step ${i + 1} (${describeStep(step)}) is restored otherwise than the apply found it: ${now.detail ?? ''}.`
            : `Step ${i + 1} (${describeStep(step)}) did not hold: ${now.at === 'changed' ? now.detail : spec.run === 'apply' ? 'it is as before the step again' : 'it is not restored'}.`,
      });
    }
    const bindings = await spec.verify(client, done);
    return {
      ok: edgeDifferences.length === 0 && bindings.ok,
      checked: bindings.checked + done.length,
      differences: [...edgeDifferences, ...bindings.differences],
    };
  };
  let verification = await check();
  if (verification.ok && touchesDynamicGroup(plan)) {
    // A dynamic group's rule runs again after the change: check once more after it had time to.
    await sleep(options.settleMs ?? 10_000);
    verification = await check();
  }
  made.verification = verification;
  const sent = spec.order.filter((i) => records.get(i)!.state === 'done').length;
  if (!verification.ok) {
    return finish(
      'not verified',
      `Every step is ${verb}, but the live tenant disagrees with the plan in ${verification.differences.length} ${verification.differences.length === 1 ? 'way' : 'ways'}; the journal stays.`,
    );
  }
  return finish(
    'applied',
    `${spec.run === 'apply' ? 'Applied' : 'Undone'}: ${sent} ${sent === 1 ? 'step' : 'steps'} sent, ${done.length - sent} already done; verified against the live tenant (${verification.checked} checks).`,
  );
}
