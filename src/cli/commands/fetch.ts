/**
 * `jcgraph fetch`: reads a whole organization from the JumpCloud API into a snapshot file. The key comes
 * from the environment only (JC_API_KEY, else JUMPCLOUD_API_KEY), never from a flag that would land in
 * shell history. Progress is a live line on stderr when stderr is a terminal, nothing otherwise.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, UsageError } from '../../errors.ts';
import { fetchTenant, type FetchOptions, type FetchProgress } from '../../fetchers/index.ts';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, saveSnapshot, type SnapshotMeta } from '../../snapshot/index.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';

const OPTIONS = {
  'base-url': { type: 'string' },
  'org-id': { type: 'string', multiple: true },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  out: { type: 'string', short: 'o' },
  gzip: { type: 'boolean' },
  lenient: { type: 'boolean' },
} as const;

const HELP = `Usage: jcgraph fetch --out FILE [--base-url URL] [--org-id ID …] [--rate N] [--concurrency N]
                     [--timeout MS] [--gzip] [--lenient] [--json]

Reads every object and every direct edge (memberships and associations, with their attributes) of a
JumpCloud organization into a snapshot file, with the fewest requests the API permits: it lists every
type, then plans which side to read each kind of edge from, and says so before reading them.

The API key is read from JC_API_KEY (or JUMPCLOUD_API_KEY); there is no flag for it.

Options:
  --out FILE         Snapshot to write (mode 0600, written atomically; gzipped when FILE ends in .gz).
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
  --gzip             Gzip the snapshot whatever its name.
  --lenient          Keep going past anomalies (an inconsistent collection, an edge to an object its list
                     did not return) and list them as warnings in the snapshot; by default they fail the fetch.
  --json             Print the snapshot metadata of each org as JSON on stdout.

Exit codes: 0 complete snapshot written, 1 failure (nothing written), 2 usage error, 130 cancelled.
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

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
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
    ...plan.steps.map((s) => `  ${s.name.padEnd(26)} ${String(s.firstPageRequests).padStart(7)}  ${s.endpoint === 'associations' ? `targets=${s.targets.join(',')}` : s.targets.join(',')}`),
    `  first-page requests ${plan.firstPageRequests} (optimum ${plan.optimumFirstPageRequests})`,
  ];
}

function summary(path: string, meta: SnapshotMeta): string {
  const objects = Object.values(meta.counts.objects).reduce((s, n) => s + n, 0);
  const edges = meta.counts.edges.membership + meta.counts.edges.association;
  const plan = meta.plan;
  const unknown = Object.values(meta.unknown.objects).reduce((s, n) => s + n, 0) + Object.values(meta.unknown.edges).reduce((s, n) => s + n, 0);
  return [
    `Wrote ${path}: ${objects} objects, ${edges} edges${meta.orgId ? ` of org ${meta.orgId}` : ''}.`,
    `  ${meta.requests.total} requests (${meta.requests.retries} retries) in ${duration(meta.durationMs / 1000)}; plan ${plan.plannedRequests}, optimum ${plan.optimumRequests}, per-object traversal endpoints at least ${plan.traversalApproachRequests}.`,
    ...(unknown > 0 ? [`  ${unknown} objects or edges of types jcgraph does not model were counted and left out.`] : []),
    ...(meta.warnings.length > 0 ? [`  ${meta.warnings.length} warnings (see the snapshot's meta.warnings).`] : []),
    '',
  ].join('\n');
}

export const fetchCommand: Command = {
  name: 'fetch',
  summary: 'read a JumpCloud organization into a snapshot file',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('fetch', argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`jcgraph fetch: unexpected argument "${positionals[0]}" (see jcgraph fetch --help)`);
    if (!values.out) throw new UsageError('jcgraph fetch: --out FILE is required (see jcgraph fetch --help)');
    const apiKey = io.env['JC_API_KEY'] || io.env['JUMPCLOUD_API_KEY'];
    if (!apiKey) throw new ConfigError('No API key: set JC_API_KEY (or JUMPCLOUD_API_KEY) to a JumpCloud API key.');
    const orgIds = values['org-id'] ?? [];
    const gzip = values.gzip ?? false;
    const paths = outputPaths(values.out, orgIds, gzip, io.cwd);
    // A directory named with a trailing slash is created (private: snapshots describe who can reach what).
    if (orgIds.length > 1 && !values.out.includes('{org}')) mkdirSync(dirname(paths[0]!), { recursive: true, mode: 0o700 });
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
      ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
      ...(rate !== undefined ? { rate } : {}),
      concurrency: intOption('fetch', 'concurrency', values.concurrency, 8, 1),
      timeoutMs: intOption('fetch', 'timeout', values.timeout, 30_000, 1),
      strict: !values.lenient,
      signal: io.signal,
      onProgress,
    };
    const metas: SnapshotMeta[] = [];
    try {
      for (const [i, path] of paths.entries()) {
        const orgId = orgIds[i];
        const { tenant, meta } = await fetchTenant({ ...base, ...(orgId ? { orgId } : {}) });
        await saveSnapshot(path, { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, meta, tenant }, { gzip });
        metas.push(meta);
        if (tty) io.stderr.write('\r\x1b[K');
        if (!values.json) io.stdout.write(summary(path, meta));
      }
    } finally {
      if (tty) io.stderr.write('\r\x1b[K');
    }
    if (values.json) io.stdout.write(`${JSON.stringify(metas.length === 1 ? metas[0] : metas, null, 2)}\n`);
    return 0;
  },
};
