/**
 * Where an analysis command reads its organization from: `--snapshot FILE` (written by `jcgraph fetch`)
 * or `--sim PRESET[:SEED]` (the simulator's seeded tenant, generated in-process; seed 1 by default).
 * Exactly one of them; a usage error otherwise.
 */
import { resolve } from 'node:path';
import { UsageError } from './usage-error.ts';
import type { Coverage, TenantData } from '../model/index.ts';
import { AccessGraph } from '../graph/index.ts';
import { loadSnapshot } from '../snapshot/index.ts';
import { planSnapshotOf, type PlanSnapshot } from '../plan/index.ts';
import { openSnapshotGraph } from '../snapshot-index/index.ts';
import { generateTenant, isPresetName, PRESETS } from '../simulator/index.ts';
import type { CliIo } from './command.ts';
import { safeText } from './format.ts';

export const SOURCE_OPTIONS = {
  snapshot: { type: 'string' },
  sim: { type: 'string' },
} as const;

/** Help lines for the source options, to paste into a command's help. */
export const SOURCE_HELP = `  --snapshot FILE      Read the organization from a snapshot written by jcgraph fetch.
  --sim PRESET[:SEED]  Use a simulated organization (${PRESETS.join(', ')}; seed 1 unless given), generated here.`;

export interface TenantSource {
  readonly tenant: TenantData;
  /** `snapshot acme.json` or `simulated small:1`, for headings. */
  readonly label: string;
  /** The snapshot file as given, when the organization came from one. */
  readonly path?: string;
  /** What the fetch could not read (a partial snapshot; see ./coverage-notice.ts). */
  readonly coverage?: Coverage;
}

/** Parses `PRESET[:SEED]`. */
export function parseSim(command: string, value: string): { preset: (typeof PRESETS)[number]; seed: number } {
  const [preset, seedText, ...rest] = value.split(':');
  if (!preset || !isPresetName(preset) || rest.length > 0) {
    throw new UsageError(
      `jcgraph ${command}: --sim must be PRESET or PRESET:SEED with PRESET one of ${PRESETS.join(', ')}, not "${value}"`,
    );
  }
  const seed = seedText === undefined ? 1 : Number(seedText);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new UsageError(`jcgraph ${command}: the seed in --sim ${value} must be a whole number of at least 0`);
  return { preset, seed };
}

/** The tenant named by --snapshot or --sim. */
export async function loadTenant(command: string, values: { snapshot?: string; sim?: string }, io: CliIo): Promise<TenantSource> {
  if (values.snapshot !== undefined && values.sim !== undefined) {
    throw new UsageError(`jcgraph ${command}: give --snapshot FILE or --sim PRESET[:SEED], not both`);
  }
  if (values.snapshot !== undefined) return loadSnapshotFile(values.snapshot, io);
  if (values.sim !== undefined) {
    const { preset, seed } = parseSim(command, values.sim);
    return { tenant: generateTenant({ preset, seed }), label: `simulated ${preset}:${seed}` };
  }
  throw new UsageError(
    `jcgraph ${command}: say which organization: --snapshot FILE or --sim PRESET[:SEED] (see jcgraph ${command} --help)`,
  );
}

export async function loadSnapshotFile(path: string, io: CliIo): Promise<TenantSource> {
  const snapshot = await loadSnapshot(resolve(io.cwd, path));
  return {
    tenant: snapshot.tenant,
    label: `snapshot ${path}`,
    path,
    ...(snapshot.meta.coverage ? { coverage: snapshot.meta.coverage } : {}),
  };
}

/** An organization's graph, where it came from, and what a plan made on it records as its origin (src/plan). */
export type LoadedGraph = Omit<TenantSource, 'tenant'> & { readonly graph: AccessGraph; readonly origin: PlanSnapshot };

/**
 * The access graph of the organization named by --snapshot or --sim, with where it came from. A snapshot
 * is read through its binary index (built beside it on first use; see src/snapshot-index), so a single
 * question does not wait for the whole organization to be parsed. A rebuilt index is said on stderr (and
 * a first one, on a terminal).
 */
export async function loadGraph(command: string, values: { snapshot?: string; sim?: string }, io: CliIo): Promise<LoadedGraph> {
  if (values.snapshot !== undefined && values.sim === undefined) {
    const path = values.snapshot;
    // Building an index for a snapshot that has none is said on a terminal only; a rebuild always.
    const notice = (message: string, kind: 'first' | 'problem'): void => {
      if (kind === 'problem' || io.stderr.isTTY === true) io.stderr.write(`jcgraph ${command}: ${safeText(message)}\n`);
    };
    const { graph, meta, sha256 } = await openSnapshotGraph(resolve(io.cwd, path), { notice });
    return {
      graph,
      label: `snapshot ${path}`,
      path,
      origin: planSnapshotOf(meta, sha256, path),
      ...(meta.coverage ? { coverage: meta.coverage } : {}),
    };
  }
  const { tenant, ...source } = await loadTenant(command, values, io);
  // loadTenant gave the simulated organization: --sim was checked there.
  const { preset, seed } = parseSim(command, values.sim ?? '');
  return {
    graph: AccessGraph.fromTenant(tenant),
    ...source,
    origin: { kind: 'simulated', preset: `${preset}:${seed}`, orgId: tenant.orgId },
  };
}
