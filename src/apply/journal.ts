/**
 * The apply journal (`PLAN.json.journal`, mode 0600): one JSON line per event, each written and synced to
 * disk before jcgraph goes on, so that after Ctrl-C, a lost connection or a crash it says which step was
 * sent, what the tenant answered, and what a read-back found. `apply --resume` continues from it, and
 * `apply --undo` reads from it which steps took effect (and holds the plan itself, so it needs nothing
 * else). Undo runs append to the same journal. It never holds a request header: no key.
 *
 *   {"format":"jcgraph-apply-journal","version":1,"createdAt":"…","planPath":"…","plan":{…the plan file…}}
 *   {"event":"start","run":"apply","at":"…","orgId":"…","apiHost":"…","actor":"…"}
 *   {"event":"sent","run":"apply","step":0,"at":"…","request":"POST /api/v2/usergroups/…/members"}
 *   {"event":"answered","run":"apply","step":0,"at":"…","outcome":204,"attempts":1}
 *   {"event":"verified","run":"apply","step":0,"at":"…","state":"done"}
 *   {"event":"finished","run":"apply","at":"…","result":"applied"}
 *
 * A last line cut short by a crash is ignored when the journal is read.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { JournalError } from '../errors.ts';
import { isJsonObject } from '../model/index.ts';
import { parsePlan, type PlanFile } from '../plan/index.ts';
import { parseJournalLines } from '../common/journal-lines.ts';
import { unreadable } from '../common/unreadable.ts';

export const APPLY_JOURNAL_FORMAT = 'jcgraph-apply-journal';
export const APPLY_JOURNAL_VERSION = 1;

/** Where the journal of a plan file goes. */
export function applyJournalPath(planPath: string): string {
  return `${planPath}.journal`;
}

/** An apply (the plan's requests) or an undo (their inverses, newest first). */
export type ApplyRun = 'apply' | 'undo';

/** What a read-back (or the live state before sending) found: the step's change made by this run, found made already, or not made. */
export type VerifiedState = 'done' | 'already done' | 'not done';

/** One line of the journal after the header. `step` is the index of the step in the plan (0-based). */
export type ApplyJournalEvent =
  | {
      readonly event: 'start';
      readonly run: ApplyRun;
      readonly at: string;
      readonly orgId: string;
      readonly apiHost: string;
      /** Who acted (see evidence.ts: the key's SHA-256 prefix). */
      readonly actor: string;
    }
  | { readonly event: 'sent'; readonly run: ApplyRun; readonly step: number; readonly at: string; readonly request: string }
  | {
      readonly event: 'answered';
      readonly run: ApplyRun;
      readonly step: number;
      readonly at: string;
      /** The HTTP status, or how the request failed without one (`timeout`, `network`, …). */
      readonly outcome: number | string;
      readonly attempts?: number;
    }
  | { readonly event: 'verified'; readonly run: ApplyRun; readonly step: number; readonly at: string; readonly state: VerifiedState }
  | { readonly event: 'finished'; readonly run: ApplyRun; readonly at: string; readonly result: string };

/** The first line of a journal. */
export interface ApplyJournalHeader {
  readonly format: typeof APPLY_JOURNAL_FORMAT;
  readonly version: typeof APPLY_JOURNAL_VERSION;
  readonly createdAt: string;
  /** The plan file as it was named. */
  readonly planPath: string;
  /** The plan itself (undo needs nothing else). */
  readonly plan: PlanFile;
}

/** A journal as read: its header and every event, in order. */
export interface ApplyJournal {
  readonly path: string;
  readonly header: ApplyJournalHeader;
  readonly events: readonly ApplyJournalEvent[];
}

const EVENTS = new Set(['start', 'sent', 'answered', 'verified', 'finished']);

/** Reads a journal; JournalError (one sentence naming the file) when it is missing, foreign or damaged. */
export async function readApplyJournal(path: string): Promise<ApplyJournal> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new JournalError(`The apply journal ${path} ${unreadable(error)}.`, { path, cause: error });
  }
  const read = parseJournalLines(text);
  if (!read.ok) throw new JournalError(`The apply journal ${path} is corrupt at line ${read.line}.`, { path, cause: read.cause });
  const parsed = read.values;
  const head = parsed[0];
  if (!isJsonObject(head) || head['format'] !== APPLY_JOURNAL_FORMAT)
    throw new JournalError(`The file ${path} is not a jcgraph apply journal.`, { path });
  if (head['version'] !== APPLY_JOURNAL_VERSION) {
    throw new JournalError(
      `The apply journal ${path} has format version ${JSON.stringify(head['version'])}; this jcgraph reads version ${APPLY_JOURNAL_VERSION}.`,
      { path },
    );
  }
  const plan = parsePlan(`${path} (its plan)`, head['plan']);
  if (typeof head['planPath'] !== 'string' || typeof head['createdAt'] !== 'string')
    throw new JournalError(`The apply journal ${path} has an invalid header.`, { path });
  const events: ApplyJournalEvent[] = [];
  for (const [i, item] of parsed.slice(1).entries()) {
    const step = isJsonObject(item) ? item['step'] : undefined;
    const valid =
      isJsonObject(item) &&
      EVENTS.has(item['event'] as string) &&
      (item['run'] === 'apply' || item['run'] === 'undo') &&
      typeof item['at'] === 'string' &&
      (step === undefined || (typeof step === 'number' && Number.isInteger(step) && step >= 0 && step < plan.steps.length));
    if (!valid) throw new JournalError(`The apply journal ${path} has an invalid event at line ${i + 2}.`, { path });
    events.push(item as unknown as ApplyJournalEvent);
  }
  return { path, header: { ...(head as unknown as ApplyJournalHeader), plan }, events };
}

/** A journal open for appending: every event is written and synced before append resolves. */
export class JournalAppender {
  readonly path: string;
  readonly #handle: FileHandle;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /** Starts a new journal (refusing to replace one: an earlier apply's journal is what --resume and --undo need). */
  static async create(path: string, header: ApplyJournalHeader): Promise<JournalAppender> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'wx', 0o600);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new JournalError(
        code === 'EEXIST'
          ? `The apply journal ${path} already exists: this plan was applied (or started) before; continue with --resume, undo with --undo ${path}, or move it away.`
          : `Could not create the apply journal ${path} (${code ?? String(error)}).`,
        { path, cause: error },
      );
    }
    const appender = new JournalAppender(path, handle);
    await handle.chmod(0o600); // whatever the umask
    await appender.#write(header);
    return appender;
  }

  /** Opens an existing journal to append to (resume, undo). */
  static async reopen(path: string): Promise<JournalAppender> {
    try {
      return new JournalAppender(path, await open(path, 'a', 0o600));
    } catch (error) {
      throw new JournalError(`Could not open the apply journal ${path} (${(error as { code?: string }).code ?? String(error)}).`, {
        path,
        cause: error,
      });
    }
  }

  /** Appends one event and syncs it to disk. */
  async append(event: ApplyJournalEvent): Promise<void> {
    await this.#write(event);
  }

  async #write(value: object): Promise<void> {
    await this.#handle.write(`${JSON.stringify(value)}\n`);
    await this.#handle.datasync();
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}

/** Each step's last verified state in a run, and the order in which steps were last found done by it. */
export function runStates(
  events: readonly ApplyJournalEvent[],
  run: ApplyRun,
): { states: Map<number, VerifiedState>; doneOrder: number[]; sent: Set<number> } {
  const states = new Map<number, VerifiedState>();
  const sent = new Set<number>();
  let order: number[] = [];
  for (const e of events) {
    if (e.run !== run) continue;
    if (e.event === 'sent') sent.add(e.step);
    if (e.event !== 'verified') continue;
    states.set(e.step, e.state);
    order = order.filter((s) => s !== e.step);
    if (e.state === 'done') order.push(e.step);
  }
  return { states, doneOrder: order, sent };
}
