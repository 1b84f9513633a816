/**
 * `--live` for the commands that lead to action (why, access, revoke, offboard): before answering on a
 * snapshot, read from the live tenant just the collections the answer depends on (confirmLive), answer on
 * the snapshot patched with them, and say what had changed since the snapshot, or that nothing had.
 * The key comes from the environment; `--base-url` and `--org-id` default to the snapshot's own.
 */
import { resolve as resolvePath } from 'node:path';
import { UsageError } from './usage-error.ts';
import { checkApiUrl } from '../fetchers/client.ts';
import { confirmLive, type LiveConfirmation, type LiveScope } from '../fetchers/live/confirm.ts';
import { AccessGraph } from '../graph/index.ts';
import { formatEdgeSpec, resolveObject } from '../analysis/resolve.ts';
import { readSnapshotFile } from '../snapshot/index.ts';
import { planSnapshotOf, type PlanSnapshot } from '../plan/index.ts';
import { requireApiKey } from './api-key.ts';
import type { CliIo } from './command.ts';
import type { CoverageSource } from './coverage-notice.ts';
import { loadGraph, SOURCE_HELP, SOURCE_OPTIONS } from './load-graph.ts';
import { capped, plural, safeText } from './format.ts';

export const LIVE_OPTIONS = {
  ...SOURCE_OPTIONS,
  live: { type: 'boolean' },
  'base-url': { type: 'string' },
  'org-id': { type: 'string' },
} as const;

export const LIVE_HELP = `${SOURCE_HELP}
  --live               With --snapshot: first read from the live tenant the memberships and
                       associations the answer depends on (tens of requests, never a crawl), answer on
                       the snapshot patched with them, and say what had changed since the snapshot.
                       The key is read from JC_API_KEY (or JUMPCLOUD_API_KEY).
  --base-url URL       With --live: the API host (default: the snapshot's).
  --org-id ID          With --live: the organization (default: the snapshot's).`;

/** What --live did, as the commands print it and put in their JSON (`live`). */
export interface LiveReport {
  readonly apiHost: string;
  readonly orgId: string;
  readonly snapshotFetchedAt: string;
  readonly requests: number;
  readonly collections: readonly string[];
  readonly changes: readonly {
    readonly change: 'added' | 'removed' | 'changed';
    readonly edge: string;
    readonly kind: string;
    readonly before?: unknown;
    readonly after?: unknown;
  }[];
  readonly created: readonly { readonly type: string; readonly id: string }[];
  readonly gone: readonly { readonly type: string; readonly id: string }[];
}

export interface LiveValues {
  snapshot?: string;
  sim?: string;
  live?: boolean;
  'base-url'?: string;
  'org-id'?: string;
}

/** The graph to answer on, where it came from (for the coverage notice) and, with --live, what the live check did. */
export interface Answerable extends CoverageSource {
  readonly graph: AccessGraph;
  readonly live?: LiveReport;
  /** What a plan made on this graph records as its origin (the snapshot, read live or not, or the simulator). */
  readonly origin: PlanSnapshot;
}

/** `2026-11-30 14:02` (UTC). */
function minute(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

/**
 * The graph to answer on: the organization named by --snapshot or --sim or, with --live, the snapshot
 * patched with what the live tenant shows around the objects named in `references` (the subject, and
 * the resource for `pair`), as they are named in the snapshot.
 */
export async function answerable(
  command: string,
  values: LiveValues,
  io: CliIo,
  references: readonly string[],
  scope: LiveScope,
): Promise<Answerable> {
  if (!values.live) {
    if (values['base-url'] !== undefined || values['org-id'] !== undefined)
      throw new UsageError(`jcgraph ${command}: --base-url and --org-id go with --live`);
    return loadGraph(command, values, io);
  }
  if (values.snapshot === undefined || values.sim !== undefined)
    throw new UsageError(`jcgraph ${command}: --live checks a snapshot against its live tenant: give --snapshot FILE`);
  const apiKey = requireApiKey(io.env, 'for --live');
  const { snapshot, sha256 } = await readSnapshotFile(resolvePath(io.cwd, values.snapshot));
  const before = AccessGraph.fromTenant(snapshot.tenant);
  const objects = references.map((r) => resolveObject(before, r));
  const baseUrl = values['base-url'] ?? snapshot.meta.apiHost;
  const orgId = values['org-id'] ?? snapshot.meta.orgId;
  const origin = checkApiUrl(baseUrl).origin;
  if (origin !== snapshot.meta.apiHost) {
    throw new UsageError(`jcgraph ${command}: the snapshot ${values.snapshot} was fetched from ${snapshot.meta.apiHost}, not ${origin}`);
  }
  if (orgId !== snapshot.meta.orgId) {
    throw new UsageError(
      `jcgraph ${command}: the snapshot ${values.snapshot} is of organization ${snapshot.meta.orgId || "(the key's own)"}, not ${orgId}`,
    );
  }
  const [subject, resource] = objects;
  const confirmation = await confirmLive({
    apiKey,
    baseUrl,
    ...(orgId ? { orgId } : {}),
    signal: io.signal,
    tenant: snapshot.tenant,
    subject: subject!,
    ...(resource ? { resource } : {}),
    scope,
  });
  const graph = AccessGraph.fromTenant(confirmation.tenant);
  // A partial snapshot stays partial: the live check re-reads the answer's own collections, not the gaps.
  return {
    graph,
    label: `snapshot ${values.snapshot}`,
    path: values.snapshot,
    origin: planSnapshotOf(snapshot.meta, sha256, values.snapshot, true),
    ...(snapshot.meta.coverage ? { coverage: snapshot.meta.coverage } : {}),
    live: report(graph, confirmation, snapshot.meta.apiHost, orgId, snapshot.meta.fetchedAt),
  };
}

function report(graph: AccessGraph, c: LiveConfirmation, apiHost: string, orgId: string, fetchedAt: string): LiveReport {
  return {
    apiHost,
    orgId,
    snapshotFetchedAt: fetchedAt,
    requests: c.requests,
    collections: c.views,
    changes: c.changes.map((x) => ({
      change: x.change,
      kind: x.edge.kind,
      edge: formatEdgeSpec(graph, x.edge),
      ...(x.change === 'changed'
        ? { before: x.before ?? null, after: x.edge.attributes }
        : x.edge.attributes !== null
          ? { after: x.edge.attributes }
          : {}),
    })),
    created: c.newObjects.map((o) => ({ type: o.type, id: o.id })),
    gone: c.gone.map((o) => ({ type: o.type, id: o.id })),
  };
}

/** The live check in a few lines, printed before the answer. */
export function liveText(live: LiveReport, limit = 20): string {
  const where = `Live check of ${live.orgId ? `organization ${live.orgId}` : 'the organization'} at ${live.apiHost}: ${plural(live.requests, 'request')}, ${plural(live.collections.length, 'collection')} read`;
  const since = `since the snapshot of ${minute(live.snapshotFetchedAt)} UTC`;
  if (live.changes.length === 0 && live.gone.length === 0) return `${where}; nothing had changed ${since}.\n`;
  const mark = { added: '+', removed: '-', changed: '~' } as const;
  const lines = live.changes.map((x) => {
    const attributes =
      x.change === 'changed'
        ? `   ${JSON.stringify(x.before)} → ${JSON.stringify(x.after)}`
        : x.after !== undefined
          ? `   ${JSON.stringify(x.after)}`
          : '';
    return safeText(`${mark[x.change]} ${x.kind} ${x.edge}${attributes}`);
  });
  let out = `${where}; ${plural(live.changes.length, 'edge')} changed ${since}:\n${capped(lines, limit)}`;
  if (live.created.length > 0)
    out += `  (${plural(live.created.length, 'object')} created since the snapshot, known here by id only: ${live.created.map((o) => `${o.type}:${o.id}`).join(', ')})\n`;
  if (live.gone.length > 0)
    out += `  (${plural(live.gone.length, 'object')} no longer exist: ${live.gone.map((o) => `${o.type}:${o.id}`).join(', ')})\n`;
  return out;
}
