/**
 * `jcgraph fetch`: reads a whole organization from the JumpCloud API into a snapshot file. The key comes
 * from the environment only (JC_API_KEY, else JUMPCLOUD_API_KEY), never from a flag that would land in
 * shell history. Progress is a live line on stderr when stderr is a terminal, nothing otherwise.
 *
 * What cannot be read (a scoped key's 403, a feature's 404 or 402, a broken object's 500) is recorded in
 * the snapshot's coverage and the fetch goes on: exit 3, with a summary of the gaps on stderr. A journal
 * beside the output (FILE.partial) keeps the collections finished, so an interrupted fetch resumes.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CancelledError, ConfigError, JcGraphError, JournalError } from '../../errors.ts';
import { UsageError } from '../usage-error.ts';
import {
  DEFAULT_AUDIT_SIZE,
  DEFAULT_EVENT_LAG_MS,
  checkApiKey,
  checkApiUrl,
  fetchTenant,
  journalPath,
  refreshTenant,
  removeJournal,
  type FetchOptions,
  type FetchProgress,
} from '../../fetchers/index.ts';
import { checkOutputPath } from '../../io/output.ts';
import { gapCauseLabel, type Coverage } from '../../model/index.ts';
import { loadSnapshot, saveSnapshot, snapshotBytes, type RefreshFigures, type Snapshot, type SnapshotMeta } from '../../snapshot/index.ts';
import { writeSnapshotIndex } from '../../snapshot-index/index.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import { requireApiKey } from '../api-key.ts';
import type { CliIo, Command } from '../command.ts';
import { safeText, withoutKey } from '../format.ts';

const OPTIONS = {
  'base-url': { type: 'string' },
  'org-id': { type: 'string', multiple: true },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  out: { type: 'string', short: 'o' },
  gzip: { type: 'boolean' },
  strict: { type: 'boolean' },
  resume: { type: 'boolean' },
  lenient: { type: 'boolean' },
  since: { type: 'string' },
  'event-lag': { type: 'string' },
  audit: { type: 'string' },
  'audit-seed': { type: 'string' },
  full: { type: 'boolean' },
} as const;

/** Exit code of a fetch that wrote a snapshot lacking what it could not read. */
export const EXIT_PARTIAL = 3;

const HELP = `Usage: jcgraph fetch --out FILE [--base-url URL] [--org-id ID …] [--rate N] [--concurrency N]
                     [--timeout MS] [--retries N] [--gzip] [--strict] [--resume] [--json]
       jcgraph fetch --since OLD --out NEW [--event-lag DURATION] [--audit N] [--audit-seed S] [--full] [options above]

Reads every object and every direct edge (memberships and associations, with their attributes) of a
JumpCloud organization into a snapshot file, with the fewest requests the API permits: it lists every
type, then plans which side to read each kind of edge from, and says so before reading them.

What cannot be read does not stop it: a list or an edge collection that answers 402, 403 or 404 (a key
without that scope, a feature not in the plan), or that still fails after the retries (a broken object's
500, timeouts, answers cut short), is recorded in the snapshot's coverage with the request, the cause,
the attempts and what it would have provided, and the fetch goes on. The snapshot is then partial:
every command that reads it says so, and whether its answer could be affected. A 401, every list
failing, or the API host answering nothing at all still stops the fetch.

The API key is read from JC_API_KEY (or JUMPCLOUD_API_KEY); there is no flag for it.

Options:
  --out FILE         Snapshot to write (mode 0600, written atomically; gzipped when FILE ends in .gz),
                     with its binary index beside it (FILE.index, not for gzipped snapshots): commands
                     read a snapshot through it, so one question does not wait for the whole organization.
                     - writes it to stdout (the summary then goes to stderr). A device or a pipe is
                     written to, never replaced (and gets no index).
                     With several --org-id, FILE must contain {org} (replaced by each org id) or be a
                     directory (existing, or ending in / and then created), which gets one
                     jcgraph-<org id>.json per org (.json.gz with --gzip).
  --base-url URL     API host: https://console.jumpcloud.com (default), https://console.eu.jumpcloud.com,
                     https://console.in.jumpcloud.com, or a loopback URL (a simulator). Plain http is
                     refused for anything but loopback.
  --org-id ID        Organization to read (x-org-id), for multi-tenant administrators. Repeatable: each
                     org goes into its own snapshot, one after the other.
  --rate N           Never more than N requests per second (default: no cap; 429s are honoured).
  --concurrency N    Most requests in flight (default 8); lowered on 429, raised again after successes.
  --timeout MS       Per-request timeout in milliseconds (default 30000).
  --retries N        Retries of a failed request (5xx, 429, timeout, reset, body cut short) before its
                     collection counts as not read (default 7, backing off from 250 ms to a minute).
  --gzip             Gzip the snapshot whatever its name.
  --strict           Any collection that cannot be read in full fails the fetch (exit 1, nothing written).
  --resume           Continue an interrupted fetch from its journal FILE.partial (same org and host):
                     the lists are read again, finished collections are not, collections of objects
                     gone are dropped and those of new objects read.
  --lenient          Accepted for older scripts: keeping going past what cannot be read is now the
                     default (see --strict).
  --json             Print the snapshot metadata of each org as JSON on stdout (its coverage included).

Incremental refresh (--since):
  --since OLD        Make OLD current again at the cost of what changed: read Directory Insights' directory
                     events since OLD's start (a read-only POST, the one request that is not a GET), every
                     list, the edge collections the events make stale and those of objects created since;
                     carry the rest over from OLD. --base-url and --org-id default to OLD's. Anything the
                     events cannot settle (401/402/403 from the events API, an unreadable page, events not
                     reaching back to OLD's start, an event that cannot be placed, OLD of another org or
                     host) makes it a full fetch, and the summary and meta.refresh say why.
  --event-lag D      Read events from this long before OLD's start, since events appear late (default 15m;
                     e.g. 90s, 30m, 1h).
  --audit N          Then read N carried-over collections again, chosen at random, and compare (default 50;
                     0 for none): any difference means a change left no event, and the refresh becomes a
                     full fetch. A larger N catches more such changes, at one request or so each.
  --audit-seed S     Seed of the audit's draw (default random; printed, and kept in meta.refresh.audit).
  --full             With --since: read everything (a full fetch), as if the events could not be used.

While it runs, a full fetch keeps a journal of the collections it has finished beside the output
(FILE.partial, mode 0600, no key in it; a --since refresh keeps none: it is run again instead). It is removed once the snapshot is written; after Ctrl-C or a
lost connection it stays, and --resume continues from it.

Exit codes: 0 complete snapshot written; 3 partial snapshot written (stderr says what is missing);
1 failure, nothing written; 2 usage error; 130 cancelled (the journal is kept for --resume).
`;

/** Where each org's snapshot goes. */
export function outputPaths(out: string, orgIds: readonly string[], gzip: boolean, cwd: string): string[] {
  if (orgIds.length <= 1) return [resolve(cwd, out.replaceAll('{org}', orgIds[0] ?? 'default'))];
  if (out.includes('{org}')) return orgIds.map((org) => resolve(cwd, out.replaceAll('{org}', org)));
  const dir = resolve(cwd, out);
  let isDir = out.endsWith('/');
  try {
    isDir ||= statSync(dir).isDirectory();
  } catch {
    // does not exist: a directory only when written with a trailing slash
  }
  if (!isDir) {
    throw new UsageError('jcgraph fetch: with several --org-id, --out must contain {org} or name a directory (see jcgraph fetch --help)');
  }
  return orgIds.map((org) => join(dir, `jcgraph-${org}.json${gzip ? '.gz' : ''}`));
}

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`jcgraph fetch: --${name} must be a positive number, not "${value}"`);
  return n;
}

/** `15m`, `90s`, `1h`, `0` → milliseconds. */
export function parseLag(value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new UsageError(`jcgraph fetch: --event-lag must be a duration such as 15m, 90s or 1h, not "${value}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  if (match[2] === undefined && Number(match[1]) !== 0)
    throw new UsageError(`jcgraph fetch: --event-lag needs a unit (15m, 90s, 1h), not "${value}"`);
  return Number(match[1]) * unit;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60
    ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The live progress line. */
export function progressLine(p: FetchProgress): string {
  const org = p.orgId ? `${p.orgId}: ` : '';
  const done = p.collectionsTotal !== undefined ? ` ${p.collectionsDone}/${p.collectionsTotal} objects` : '';
  const eta = p.etaSeconds !== undefined ? ` · ETA ${duration(p.etaSeconds)}` : '';
  return `${org}${p.phase}${done} · ${p.requests} requests · ${p.retries} retries · ${p.requestsPerSecond.toFixed(1)} req/s${eta}`;
}

/** The plan, as the planner states it before the edge steps run. */
export function planLines(p: FetchProgress): string[] {
  const plan = p.plan;
  if (!plan) return [];
  const org = p.orgId ? ` for ${p.orgId}` : '';
  return [
    `plan${org}: ${plan.listRequests} list requests, then one request per object (plus continuation pages) for:`,
    ...plan.steps.map(
      (s) =>
        `  ${s.name.padEnd(26)} ${String(s.firstPageRequests).padStart(7)}  ${s.endpoint === 'associations' ? `targets=${s.targets.join(',')}` : s.targets.join(',')}`,
    ),
    `  first-page requests ${plan.firstPageRequests} (optimum ${plan.optimumFirstPageRequests})`,
  ];
}

function summary(path: string, meta: SnapshotMeta): string {
  const objects = Object.values(meta.counts.objects).reduce((s, n) => s + n, 0);
  const edges = meta.counts.edges.membership + meta.counts.edges.association;
  const plan = meta.plan;
  const unknown =
    Object.values(meta.unknown.objects).reduce((s, n) => s + n, 0) + Object.values(meta.unknown.edges).reduce((s, n) => s + n, 0);
  const partial = meta.coverage !== undefined && !meta.coverage.complete;
  return [
    `Wrote ${safeText(path)}: ${partial ? 'PARTIAL, ' : ''}${objects} objects, ${edges} edges${meta.orgId ? ` of org ${safeText(meta.orgId)}` : ''}.`,
    `  ${meta.requests.total} requests (${meta.requests.retries} retries) in ${duration(meta.durationMs / 1000)}; plan ${plan.plannedRequests}${plan.optimumRequests !== undefined ? `, optimum ${plan.optimumRequests}` : ''}, per-object traversal endpoints at least ${plan.traversalApproachRequests}.`,
    ...(meta.resumed
      ? [`  Resumed: ${meta.resumed.collections} collections taken from the journal of the fetch started ${meta.resumed.startedAt}.`]
      : []),
    ...(meta.refresh ? refreshLines(meta.refresh) : []),
    ...(unknown > 0 ? [`  ${unknown} objects or edges of types jcgraph does not model were counted and left out.`] : []),
    ...(meta.warnings.length > 0 ? [`  ${meta.warnings.length} notes (see the snapshot's meta.warnings).`] : []),
    '',
  ].join('\n');
}

/** The refresh's part of the summary: how it went, what it read and carried, the audit, what a full fetch costs. */
export function refreshLines(r: RefreshFigures): string[] {
  const lines: string[] = [];
  if (r.mode === 'full') lines.push(`  Refresh: FULL fetch, because ${safeText(r.reason ?? 'it was asked for')}.`);
  else lines.push(`  Refresh: incremental, since the snapshot started ${r.since.startedAt}.`);
  if (r.window && r.events) {
    lines.push(
      `  Events from ${r.window.start} (${r.window.lagSeconds}s before its start) to ${r.window.end}: ${r.events.read} read, ${r.events.used} about the graph.`,
    );
  }
  if (r.collections) lines.push(`  Edge collections: ${r.collections.read} read, ${r.collections.carried} carried over; every list read.`);
  for (const note of r.notes ?? []) lines.push(`  Note: ${safeText(note)}`);
  if (r.audit) {
    const shown = r.audit.sample.slice(0, 3).join(', ');
    const sample =
      r.audit.sample.length === 0
        ? 'nothing to audit'
        : `${shown}${r.audit.sample.length > 3 ? `, and ${r.audit.sample.length - 3} more (meta.refresh.audit.sample)` : ''}`;
    lines.push(
      `  Audit of ${r.audit.sample.length} carried-over collections (--audit-seed ${r.audit.seed}): ${r.audit.result === 'same' ? 'all as carried' : 'DIFFERENT'}; ${sample}.`,
    );
  }
  const spent =
    r.mode === 'full' && r.requests.full > 0
      ? ` (${r.requests.events} for events, ${r.requests.incremental} incremental, ${r.requests.full} full)`
      : ` (${r.requests.events} for events)`;
  lines.push(`  Refresh requests: ${r.requests.total}${spent}; a full fetch would have needed ${r.fullFetchRequests}.`);
  return lines;
}

interface Since {
  readonly meta: Snapshot['meta'];
  readonly tenant: Snapshot['tenant'];
  readonly eventLagMs: number;
  readonly audit: number;
  readonly auditSeed?: number;
  readonly full: boolean;
}

/** OLD for `--since`, with the options that only go with it checked (before OLD is read). */
async function sinceSnapshot(
  values: {
    since?: string;
    'event-lag'?: string;
    audit?: string;
    'audit-seed'?: string;
    full?: boolean;
    resume?: boolean;
    'org-id'?: string[];
  },
  io: CliIo,
): Promise<Since | undefined> {
  if (values.since === undefined) {
    for (const name of ['event-lag', 'audit', 'audit-seed', 'full'] as const) {
      if (values[name] !== undefined) throw new UsageError(`jcgraph fetch: --${name} goes with --since OLD (see jcgraph fetch --help)`);
    }
    return undefined;
  }
  if (values.resume) throw new UsageError('jcgraph fetch: --resume continues an interrupted fetch; it cannot go with --since');
  if ((values['org-id']?.length ?? 0) > 1) throw new UsageError('jcgraph fetch: --since refreshes one snapshot: give at most one --org-id');
  const eventLagMs = parseLag(values['event-lag'], DEFAULT_EVENT_LAG_MS);
  const audit = intOption('fetch', 'audit', values.audit, DEFAULT_AUDIT_SIZE, 0);
  const auditSeed = values['audit-seed'] !== undefined ? intOption('fetch', 'audit-seed', values['audit-seed'], 0, 0) : undefined;
  const { meta, tenant } = await loadSnapshot(resolve(io.cwd, values.since));
  return { meta, tenant, eventLagMs, audit, ...(auditSeed !== undefined ? { auditSeed } : {}), full: values.full === true };
}

/** How many of each group's endpoints the partial summary names. */
const SHOWN_PER_GROUP = 3;

/**
 * The partial summary on stderr: how many collections are missing, grouped by cause, with the first
 * endpoints of each group, what types are missing altogether, and how to see every gap.
 */
export function partialSummary(path: string, coverage: Coverage): string {
  const groups = new Map<string, string[]>();
  for (const gap of coverage.gaps) {
    const label = `${gapCauseLabel(gap)}${gap.state === 'incomplete' ? ', read in part' : ''}`;
    groups.set(label, [...(groups.get(label) ?? []), gap.endpoint]);
  }
  const missingTypes = coverage.gaps.flatMap((g) => (g.provides.kind === 'objects' && g.state === 'unread' ? g.provides.types : []));
  const n = coverage.gaps.length;
  const lines = [
    `jcgraph fetch: ${safeText(path)} is PARTIAL: ${n} of ${coverage.planned} collections ${n === 1 ? 'was' : 'were'} not read in full.`,
  ];
  for (const [label, endpoints] of [...groups].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1))) {
    const shown = endpoints.slice(0, SHOWN_PER_GROUP).map(safeText).join(', ');
    lines.push(
      `  ${label} (${endpoints.length}): ${shown}${endpoints.length > SHOWN_PER_GROUP ? `, and ${endpoints.length - SHOWN_PER_GROUP} more` : ''}`,
    );
  }
  if (missingTypes.length > 0) lines.push(`  Missing altogether, with their edges: ${[...new Set(missingTypes)].join(', ')}.`);
  const where = path === '-' ? 'the snapshot' : safeText(path);
  lines.push(`  Every gap: jcgraph coverage --snapshot ${path === '-' ? 'FILE' : where} (or meta.coverage in the snapshot).`);
  return `${lines.join('\n')}\n`;
}

/** Finished collections in a journal (0 when there is none). */
function journalEntries(path: string): number {
  try {
    const lines = readFileSync(path, 'utf8').split('\n');
    return lines.filter((l) => l.startsWith('{"key"')).length;
  } catch {
    return 0;
  }
}

/** The command line that resumes this fetch: the same options, with --resume. */
function resumeCommand(argv: readonly string[]): string {
  const quoted = argv.filter((a) => a !== '--resume').map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`));
  return `jcgraph fetch --resume ${quoted.join(' ')}`;
}

/**
 * Writes the binary index beside a snapshot just saved (src/snapshot-index), so that the first question
 * asked of it reads only what it needs. A snapshot without one still works: the index is then built on
 * first use.
 */
async function indexSnapshot(path: string, io: CliIo): Promise<void> {
  if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true) return; // a device or a pipe
  try {
    await writeSnapshotIndex(path);
  } catch (error) {
    io.stderr.write(
      `jcgraph fetch: could not write the index of ${safeText(path)} (${safeText(error instanceof Error ? error.message : String(error))}); it will be built when the snapshot is first used.\n`,
    );
  }
}

export const fetchCommand: Command = {
  name: 'fetch',
  summary: 'read a JumpCloud organization into a snapshot file',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('fetch', argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`jcgraph fetch: unexpected argument "${positionals[0]}" (see jcgraph fetch --help)`);
    if (!values.out) throw new UsageError('jcgraph fetch: --out FILE is required (see jcgraph fetch --help)');
    const apiKey = requireApiKey(io.env);
    checkApiKey(apiKey);
    const baseUrl = values['base-url'];
    if (baseUrl !== undefined) {
      if (!URL.canParse(baseUrl))
        throw new UsageError(`jcgraph fetch: --base-url must be a URL such as https://console.eu.jumpcloud.com, not "${baseUrl}"`);
      checkApiUrl(baseUrl);
    }
    const since = await sinceSnapshot(values, io);
    const orgIds = values['org-id'] ?? (since?.meta.orgId ? [since.meta.orgId] : []);
    const gzip = values.gzip ?? false;
    const toStdout = values.out === '-';
    if (toStdout && orgIds.length > 1)
      throw new UsageError(
        'jcgraph fetch: --out - writes one snapshot to stdout; with several --org-id, give a directory or a {org} pattern',
      );
    if (toStdout && values.json)
      throw new UsageError('jcgraph fetch: --out - writes the snapshot to stdout, so --json cannot be used with it');
    if (toStdout && values.resume)
      throw new UsageError('jcgraph fetch: --resume needs the journal of a snapshot file; it cannot go with --out -');
    const paths = toStdout ? ['-'] : outputPaths(values.out, orgIds, gzip, io.cwd);
    // A directory named with a trailing slash is created (private: snapshots describe who can reach what).
    if (orgIds.length > 1 && !values.out.includes('{org}')) mkdirSync(dirname(paths[0]!), { recursive: true, mode: 0o700 });
    // Every output (and its journal) is checked before the first request, not after a long fetch.
    if (!toStdout) {
      for (const path of paths) {
        checkOutputPath(path, 'the snapshot');
        checkOutputPath(journalPath(path), 'the fetch journal');
      }
      if (values.resume && !paths.some((p) => existsSync(journalPath(p)))) {
        throw new ConfigError(
          `Nothing to resume: no fetch journal ${paths.map((p) => journalPath(p)).join(', ')} exists (a finished fetch removes it).`,
        );
      }
    }
    const rate = numberOption('rate', values.rate);
    const tty = io.stderr.isTTY === true;
    let lastDraw = 0;
    const onProgress = (p: FetchProgress): void => {
      if (!tty) return;
      if (p.event === 'plan') {
        io.stderr.write(`\r\x1b[K${planLines(p).join('\n')}\n`);
        return;
      }
      const now = performance.now();
      if (p.event === 'request' && now - lastDraw < 200) return;
      lastDraw = now;
      io.stderr.write(`\r\x1b[K${progressLine(p)}`);
    };
    const base: FetchOptions = {
      apiKey,
      // A refresh defaults to OLD's API host (docs/rules.md#defaults-from-the-old-snapshot).
      ...(baseUrl ? { baseUrl } : since ? { baseUrl: since.meta.apiHost } : {}),
      ...(rate !== undefined ? { rate } : {}),
      concurrency: intOption('fetch', 'concurrency', values.concurrency, 8, 1),
      timeoutMs: intOption('fetch', 'timeout', values.timeout, 30_000, 1),
      maxAttempts: intOption('fetch', 'retries', values.retries, 7, 0) + 1,
      strict: values.strict === true,
      signal: io.signal,
      onProgress,
    };
    const metas: SnapshotMeta[] = [];
    let partial = false;
    for (const [i, path] of paths.entries()) {
      const orgId = orgIds[i];
      // A refresh keeps no journal: it costs a fraction of a full fetch, and is simply run again.
      const journal = toStdout || since ? undefined : journalPath(path);
      const resume = values.resume === true && journal !== undefined && existsSync(journal);
      if (values.resume && !resume) io.stderr.write(`jcgraph fetch: no journal for ${safeText(path)}: fetching it in full.\n`);
      if (!resume && journal !== undefined && existsSync(journal)) {
        io.stderr.write(
          `jcgraph fetch: replacing the journal of an earlier interrupted fetch, ${safeText(journal)} (--resume would have continued it).\n`,
        );
      }
      let result;
      try {
        const options = { ...base, ...(orgId ? { orgId } : {}), ...(journal ? { journal, resume } : {}) };
        result = since
          ? await refreshTenant({
              ...options,
              since,
              eventLagMs: since.eventLagMs,
              audit: since.audit,
              full: since.full,
              ...(since.auditSeed !== undefined ? { auditSeed: since.auditSeed } : {}),
            })
          : await fetchTenant(options);
        if (tty) io.stderr.write('\r\x1b[K');
        const snapshot = { meta: result.meta, tenant: result.tenant };
        if (toStdout) io.stdout.write(snapshotBytes(snapshot, { gzip }));
        else {
          await saveSnapshot(path, snapshot, { gzip });
          await indexSnapshot(path, io);
        }
      } catch (error) {
        if (tty) io.stderr.write('\r\x1b[K');
        return await failed(io, error, journal, argv, path);
      }
      if (journal) await removeJournal(journal);
      const { meta } = result;
      metas.push(meta);
      if (!values.json) (toStdout ? io.stderr : io.stdout).write(summary(path === '-' ? 'the snapshot to stdout' : path, meta));
      if (meta.coverage && !meta.coverage.complete) {
        partial = true;
        io.stderr.write(partialSummary(path, meta.coverage));
      }
    }
    if (values.json) io.stdout.write(`${JSON.stringify(metas.length === 1 ? metas[0] : metas, null, 2)}\n`);
    return partial ? EXIT_PARTIAL : 0;
  },
};

/**
 * A fetch that wrote nothing: one line naming the failure (as main would), then whether the collections
 * read so far are kept for a resume. Exit 130 when cancelled, else 1.
 */
async function failed(io: CliIo, error: unknown, journal: string | undefined, argv: readonly string[], path: string): Promise<number> {
  const cancelled = error instanceof CancelledError || (error instanceof Error && error.name === 'AbortError');
  if (!cancelled && !(error instanceof JcGraphError)) throw error;
  const kept = journal ? journalEntries(journal) : 0;
  // A journal of nothing finished is no use; one that is not ours (JournalError) is left alone.
  if (journal && kept === 0 && !(error instanceof JournalError)) await removeJournal(journal);
  io.stderr.write(
    `jcgraph fetch: ${cancelled ? 'cancelled' : safeText(withoutKey(error instanceof Error ? error.message : String(error), io.env))}\n`,
  );
  if (journal && kept > 0 && !(error instanceof JournalError)) {
    io.stderr.write(
      `  Nothing was written to ${safeText(path)}; the ${kept} collections read so far are kept in ${safeText(journal)}.\n  Continue with: ${safeText(resumeCommand(argv))}\n`,
    );
  }
  return cancelled ? 130 : 1;
}
