/** `jcgraph watch`: keep a snapshot current and say, as JSON lines, what changed that matters. */
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../usage-error.ts';
import { TOOL_VERSION } from '../../common/version.ts';
import { watch, type WatchLine } from '../../watch/index.ts';
import { requireApiKey } from '../api-key.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { safeText } from '../format.ts';
import { rulesOption } from './check.ts';

const OPTIONS = {
  snapshot: { type: 'string' },
  rules: { type: 'string' },
  every: { type: 'string' },
  events: { type: 'string' },
  'audit-per-cycle': { type: 'string' },
  'full-every': { type: 'string' },
  'event-lag': { type: 'string' },
  'base-url': { type: 'string' },
  'org-id': { type: 'string' },
  rate: { type: 'string' },
} as const;

const HELP = `Usage: jcgraph watch --snapshot FILE [--rules FILE] [--every 5m] [--events FILE|-]
                     [--audit-per-cycle K] [--full-every 24h] [--event-lag 15m]
                     [--base-url URL] [--org-id ID] [--rate N]

Keeps FILE (a snapshot written by jcgraph fetch) current, and writes one JSON line per thing that changed
that matters. Every cycle reads Directory Insights' events; new events mean an incremental refresh
(fetch --since) and the snapshot rewritten in place, atomically. Every cycle also reads the next K edge
collections of the snapshot (the rolling audit): a difference no event announced means a full re-read.
A full re-read happens at least every --full-every. A cycle with nothing new reads the events and K
collections, and writes nothing.

Lines: OCSF Compliance Findings (class 2003) when a violation of --rules opens (activity 1) or is resolved
(activity 3); OCSF Detection Findings (class 2004) for sudo gained, a suspended or locked user gaining a
binding, a new direct binding; each with the paths. Between them, {"jcgraph": "cycle", …} says what each
cycle did, {"jcgraph": "cycle-failed", …} why one failed (the snapshot is kept, the next waits longer),
and {"jcgraph": "stopped", …} why the loop ended.

The guarantee against a change that leaves no event: an edge change is found within ceil(C / K) cycles
(C, the snapshot's edge collections, is in the first line as auditRoundCycles), any change by the next
full re-read.

Options:
  --snapshot FILE        The snapshot kept current (required; the watch resumes from it after a restart).
  --rules FILE           A rule file (see jcgraph check): violations opened and resolved are said.
  --every D              Time from one cycle's start to the next's: 30s, 5m, 1h (default 5m).
  --events FILE|-        Where the lines go, appended (default -, standard output).
  --audit-per-cycle K    Edge collections the rolling audit reads per cycle (default 10).
  --full-every D         A full re-read at least this often (default 24h).
  --event-lag D          How far behind the snapshot's start events are read (default 15m).
  --base-url URL         The API host (default https://console.jumpcloud.com).
  --org-id ID            The organization, for a multi-tenant key.
  --rate N               At most N requests per second.
  --json                 (the lines are JSON already)

The API key is read from JC_API_KEY (or JUMPCLOUD_API_KEY).

Exit codes: 0 stopped by SIGTERM, 1 the key was refused (401) or a failure before the first cycle,
2 usage error, 130 stopped by Ctrl-C (both after the current write and a "stopped" line). A cycle that
fails is a line, never an exit.
`;

/** `30s`, `5m`, `1h`, `2d` (or milliseconds) as milliseconds. */
export function durationOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  const n = m ? Number(m[1]) * unit[(m[2] ?? 'ms') as keyof typeof unit] : NaN;
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`jcgraph watch: --${name} must be a duration such as 30s, 5m or 24h, not "${value}"`);
  return n;
}

export const watchCommand: Command = {
  name: 'watch',
  summary: 'keep a snapshot current and write JSON lines (OCSF) for what changed that matters',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('watch', argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`jcgraph watch: unexpected argument "${positionals[0]}"`);
    if (values.snapshot === undefined) throw new UsageError('jcgraph watch: give the snapshot to keep current with --snapshot FILE');
    const everyMs = durationOption('every', values.every, 300_000);
    const fullEveryMs = durationOption('full-every', values['full-every'], 86_400_000);
    const eventLagMs = durationOption('event-lag', values['event-lag'], 900_000);
    const auditPerCycle = intOption('watch', 'audit-per-cycle', values['audit-per-cycle'], 10, 0);
    const rate = values.rate === undefined ? undefined : intOption('watch', 'rate', values.rate, 0, 1);
    const rules = values.rules !== undefined ? await rulesOption('watch', values.rules, io, false) : undefined;
    const apiKey = requireApiKey(io.env, 'to watch the organization');
    const target = values.events ?? '-';
    const file = target === '-' ? undefined : createWriteStream(resolve(io.cwd, target), { flags: 'a', mode: 0o600 });
    const out = file ?? io.stdout;
    // SIGTERM (a service manager stopping it) ends the loop after the current write, exit 0; Ctrl-C, 130.
    const stop = new AbortController();
    const stopped = { byTerm: false };
    const onTerm = (): void => {
      stopped.byTerm = true;
      stop.abort();
    };
    const onInterrupt = (): void => stop.abort();
    process.once('SIGTERM', onTerm);
    io.signal.addEventListener('abort', onInterrupt, { once: true });
    try {
      const end = await watch({
        snapshot: resolve(io.cwd, values.snapshot),
        apiKey,
        ...(values['base-url'] !== undefined ? { baseUrl: values['base-url'] } : {}),
        ...(values['org-id'] !== undefined ? { orgId: values['org-id'] } : {}),
        ...(rate !== undefined ? { rate } : {}),
        ...(rules ? { rules } : {}),
        everyMs,
        fullEveryMs,
        eventLagMs,
        auditPerCycle,
        signal: stop.signal,
        productVersion: TOOL_VERSION,
        emit: (line: WatchLine) => out.write(`${safeText(JSON.stringify(line))}\n`),
      });
      if (end === 'unauthorized') return 1;
      return stopped.byTerm ? 0 : end === 'cancelled' ? 130 : 0;
    } finally {
      process.removeListener('SIGTERM', onTerm);
      io.signal.removeEventListener('abort', onInterrupt);
      if (file) await new Promise<void>((done) => file.end(done));
    }
  },
};
