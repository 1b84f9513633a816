/**
 * The resume journal of a fetch: a file beside the snapshot (`FILE.partial`, mode 0600) holding the
 * edge collections finished so far, so that an interrupted fetch (Ctrl-C, a lost connection, a crash)
 * can continue without reading them again. JSON lines:
 *
 *   {"format":"jcgraph-fetch-journal","version":1,"orgId":"…","apiHost":"https://…","toolVersion":"…","startedAt":"…"}
 *   {"plan":[…the edge steps, as meta.plan.steps…]}
 *   {"key":"associations:user:5f1e…","pages":1,"edges":[…],"found":[…],"unknown":{…}}   one per finished collection
 *
 * It holds what the collections yielded (edges, objects known only through edges, counts of unmodelled
 * types), never a request header: no key. Lists are not journaled: a resumed fetch reads them again, since
 * the organization may have changed. Lines are written in batches; a last line cut short by a crash is
 * ignored when the journal is read.
 */
import { chmod, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { JournalError } from '../errors.ts';
import { isJsonObject, type TenantEdge, type TenantObject } from '../model/index.ts';
import type { PlanStepFigures } from '../snapshot/format.ts';
import { parseJournalLines } from '../common/journal-lines.ts';
import { unreadable } from '../common/unreadable.ts';

export const JOURNAL_FORMAT = 'jcgraph-fetch-journal';
export const JOURNAL_VERSION = 1;

/** Where the journal of a snapshot file goes. */
export function journalPath(snapshotPath: string): string {
  return `${snapshotPath}.partial`;
}

export interface JournalHeader {
  readonly format: typeof JOURNAL_FORMAT;
  readonly version: typeof JOURNAL_VERSION;
  /** The organization asked for (`x-org-id`; empty for the key's own). */
  readonly orgId: string;
  /** The API origin. */
  readonly apiHost: string;
  readonly toolVersion: string;
  /** When the first run of this fetch started. */
  readonly startedAt: string;
}

/** One finished edge collection: what it yielded. */
export interface JournalEntry {
  readonly key: string;
  /** Pages its final pass took. */
  readonly pages: number;
  readonly edges: readonly TenantEdge[];
  /** Objects of types with no list, known through this collection (`{id, type}` records). */
  readonly found: readonly TenantObject[];
  /** Items of types jcgraph does not model, by `sourceType>otherType`. */
  readonly unknown?: Readonly<Record<string, number>>;
}

export interface JournalContent {
  readonly header: JournalHeader;
  /** The edge steps, once the fetch had planned them. */
  readonly plan: readonly PlanStepFigures[] | undefined;
  readonly entries: ReadonlyMap<string, JournalEntry>;
}

const FLUSH_BYTES = 1 << 20;
const FLUSH_MS = 500;

/** Reads a journal; JournalError when it is missing, foreign, of another version, or unreadable. */
export async function readJournal(path: string): Promise<JournalContent> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const why = unreadable(error, 'does not exist: there is no interrupted fetch to resume there');
    throw new JournalError(`The fetch journal ${path} ${why}.`, { path, cause: error });
  }
  // A last line cut short by a crash is dropped (that collection is read again).
  const read = parseJournalLines(text);
  if (!read.ok)
    throw new JournalError(`The fetch journal ${path} is corrupt at line ${read.line}; delete it and fetch afresh.`, {
      path,
      cause: read.cause,
    });
  const parsed = read.values;
  const head = parsed[0];
  if (!isJsonObject(head) || head['format'] !== JOURNAL_FORMAT)
    throw new JournalError(`The file ${path} is not a jcgraph fetch journal.`, { path });
  if (head['version'] !== JOURNAL_VERSION) {
    throw new JournalError(
      `The fetch journal ${path} has format version ${JSON.stringify(head['version'])}; this jcgraph resumes version ${JOURNAL_VERSION}: delete it and fetch afresh.`,
      { path },
    );
  }
  if (typeof head['orgId'] !== 'string' || typeof head['apiHost'] !== 'string' || typeof head['startedAt'] !== 'string') {
    throw new JournalError(`The fetch journal ${path} has an invalid header; delete it and fetch afresh.`, { path });
  }
  let plan: PlanStepFigures[] | undefined;
  const entries = new Map<string, JournalEntry>();
  for (const [i, item] of parsed.slice(1).entries()) {
    if (isJsonObject(item) && Array.isArray(item['plan'])) plan = item['plan'] as unknown as PlanStepFigures[];
    else if (isJsonObject(item) && typeof item['key'] === 'string' && Array.isArray(item['edges']) && Array.isArray(item['found'])) {
      entries.set(item['key'], item as unknown as JournalEntry);
    } else throw new JournalError(`The fetch journal ${path} has an invalid entry at line ${i + 2}; delete it and fetch afresh.`, { path });
  }
  return { header: head as unknown as JournalHeader, plan, entries };
}

/** Deletes a journal (after its snapshot is written); no error when there is none. */
export async function removeJournal(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** A journal being written. Appends are batched; `close()` writes what is pending. */
export class JournalWriter {
  readonly path: string;
  #handle: FileHandle;
  #pending: string[] = [];
  #pendingBytes = 0;
  #writing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #failure: unknown;
  #entries: number;

  private constructor(path: string, handle: FileHandle, entries: number) {
    this.path = path;
    this.#handle = handle;
    this.#entries = entries;
  }

  /**
   * Starts a journal at `path` with `header`, then the plan and the entries of an earlier run when
   * resuming (written aside and renamed into place, so the old journal is never half-replaced).
   */
  static async create(
    path: string,
    header: JournalHeader,
    earlier?: { plan: readonly PlanStepFigures[] | undefined; entries: Iterable<JournalEntry> },
  ): Promise<JournalWriter> {
    const temp = `${path}.${process.pid}.tmp`;
    try {
      const handle = await open(temp, 'w', 0o600);
      let entries = 0;
      try {
        await chmod(temp, 0o600); // whatever the umask
        let text = `${JSON.stringify(header)}\n`;
        if (earlier?.plan) text += `${JSON.stringify({ plan: earlier.plan })}\n`;
        for (const entry of earlier?.entries ?? []) {
          text += `${JSON.stringify(entry)}\n`;
          entries += 1;
          if (text.length >= FLUSH_BYTES) {
            await handle.write(text);
            text = '';
          }
        }
        await handle.write(text);
        await handle.sync();
      } catch (error) {
        await handle.close();
        throw error;
      }
      await rename(temp, path);
      return new JournalWriter(path, handle, entries);
    } catch (error) {
      await rm(temp, { force: true });
      const code = (error as { code?: string }).code;
      throw new JournalError(`Could not write the fetch journal ${path}${code ? ` (${code})` : ''}.`, { path, cause: error });
    }
  }

  /** Finished collections in the journal (the earlier run's included). */
  get entries(): number {
    return this.#entries;
  }

  plan(steps: readonly PlanStepFigures[]): void {
    this.#push(`${JSON.stringify({ plan: steps })}\n`);
  }

  append(entry: JournalEntry): void {
    this.#entries += 1;
    this.#push(`${JSON.stringify(entry)}\n`);
  }

  #push(line: string): void {
    this.#pending.push(line);
    this.#pendingBytes += line.length;
    if (this.#pendingBytes >= FLUSH_BYTES) this.#flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.#flush(), FLUSH_MS);
      this.#timer.unref();
    }
  }

  #flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const text = this.#pending.join('');
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#writing = this.#writing.then(async () => {
      if (this.#failure) return;
      try {
        await this.#handle.write(text);
      } catch (error) {
        this.#failure = error;
      }
    });
  }

  /** Writes what is pending and closes the file. Throws JournalError when a write failed. */
  async close(): Promise<void> {
    this.#flush();
    await this.#writing;
    await this.#handle.close().catch(() => undefined);
    if (this.#failure) {
      const code = (this.#failure as { code?: string }).code;
      throw new JournalError(`Could not write the fetch journal ${this.path}${code ? ` (${code})` : ''}.`, {
        path: this.path,
        cause: this.#failure,
      });
    }
  }
}
