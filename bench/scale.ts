/**
 * Scale: load a snapshot and run every analysis command once, timing each and recording the process's
 * peak RSS after each, against the 2 GiB ceiling.
 *
 *   node --import tsx bench/scale.ts SNAPSHOT [--json]
 *
 * The commands run through the library calls the CLI commands are built on (the printing layer is left
 * out): traverse, why, access, who, revoke, offboard, whatif, findings, and a whole-tenant inventory:
 * every binding of every traversal endpoint, with paths, as integer arrays. The three heaviest commands
 * run in processes of their own, as their commands would (`runOwnProcessCommand`): `report` (the HTML
 * access review), `export` (GraphML) and `diff` (two snapshots).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { access, whoCanAccess } from '../src/analysis/access.ts';
import { drift } from '../src/analysis/drift.ts';
import { hopEdge } from '../src/analysis/edges.ts';
import { findings } from '../src/analysis/findings/index.ts';
import { planOffboard, planRevoke } from '../src/analysis/revoke.ts';
import { whatIf, whatIfEach } from '../src/analysis/whatif.ts';
import { why } from '../src/analysis/why.ts';
import { AccessGraph, inventoryBindings, traverse } from '../src/graph/index.ts';
import { TRAVERSAL_ENDPOINTS, findEndpoint, type GraphObjectWithPaths, type TenantData } from '../src/model/index.ts';
import { writeExport } from '../src/report/export/index.ts';
import { writeReport } from '../src/report/write.ts';
import { loadSnapshot } from '../src/snapshot/index.ts';
import { emitResult, peakRssMiB, timed, timedAsync } from './harness.ts';

export const RSS_CEILING_MIB = 2048;

export interface CommandFigures {
  readonly command: string;
  readonly ms: number;
  /** What the command produced, in its own unit (bindings, paths, bytes, …). */
  readonly output: string;
  /** Peak RSS of the process once the command is done (it only grows). */
  readonly peakRssMiB: number;
}

export interface ScaleFigures {
  readonly snapshotBytes: number;
  readonly loadMs: number;
  readonly buildMs: number;
  readonly objects: number;
  readonly edges: number;
  /** The subject and resource the commands were asked about. */
  readonly subject: string;
  readonly resource: string;
  readonly commands: CommandFigures[];
  readonly inventory: {
    readonly endpoints: number;
    readonly sources: number;
    readonly bindings: number;
    readonly paths: number;
    readonly ms: number;
    readonly pathsPerSecond: number;
  };
  readonly peakRssMiB: number;
  readonly ceilingMiB: number;
  readonly withinCeiling: boolean;
}

const USER_SYSTEMS = findEndpoint('user', 'traverse', ['system'])!;

/** The first user (by id) with a system bound through more than one path: a question worth asking. */
function pickSubject(g: AccessGraph): { user: string; answer: GraphObjectWithPaths[]; system: GraphObjectWithPaths } {
  const users = [...g.objects('user')].map((o) => o.id).sort();
  let fallback: { user: string; answer: GraphObjectWithPaths[]; system: GraphObjectWithPaths } | undefined;
  for (const user of users) {
    const answer = traverse(g, user, USER_SYSTEMS);
    const multi = answer.find((t) => t.paths.length > 1);
    if (multi) return { user, answer, system: multi };
    if (!fallback && answer[0]) fallback = { user, answer, system: answer[0] };
  }
  if (!fallback) throw new Error('scale bench: no user reaches any system');
  return fallback;
}

/** The user group with the most members. */
export function largestUserGroup(g: AccessGraph): string {
  let best: { id: string; members: number } | undefined;
  for (const o of g.objects('user_group')) {
    const members = g.edgesOf(o.id).filter((e) => e.kind === 'membership' && e.from.id === o.id).length;
    if (!best || members > best.members) best = { id: o.id, members };
  }
  if (!best) throw new Error('scale bench: the tenant has no user group');
  return best.id;
}

async function fileBytes(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const p of paths) total += (await stat(p)).size;
  return total;
}

/** Every binding of every traversal endpoint, with paths, as integer arrays. */
export function wholeInventory(g: AccessGraph): ScaleFigures['inventory'] {
  let sources = 0;
  let bindings = 0;
  let paths = 0;
  const { ms } = timed(() => {
    for (const endpoint of TRAVERSAL_ENDPOINTS) {
      for (const b of inventoryBindings(g, endpoint.source, endpoint.targets)) {
        sources++;
        bindings += b.size;
        paths += b.pathTotal;
      }
    }
  });
  return { endpoints: TRAVERSAL_ENDPOINTS.length, sources, bindings, paths, ms, pathsPerSecond: paths / (ms / 1000) };
}

/** The commands that run in a process of their own, as their own command would. */
export const OWN_PROCESS_COMMANDS = ['report', 'export', 'diff'] as const;
export type OwnProcessCommand = (typeof OWN_PROCESS_COMMANDS)[number];

/** The report command on its own: load, build, write the HTML access review. */
async function runReport(snapshotPath: string, out: string): Promise<string> {
  const g = AccessGraph.fromTenant((await loadSnapshot(snapshotPath)).tenant);
  return `${await fileBytes((await writeReport(g, { format: 'html', out: join(out, 'review.html') })).files)} bytes of HTML`;
}

/** The export command on its own: load, write GraphML (streamed to the file as it is produced). */
async function runExport(snapshotPath: string, out: string): Promise<string> {
  const tenant = (await loadSnapshot(snapshotPath)).tenant;
  return `${await fileBytes(await writeExport(tenant, 'graphml', join(out, 'graph.graphml')))} bytes of GraphML`;
}

/** One of the own-process commands, timed from the snapshot on disk to its output written. */
export async function runOwnProcessCommand(command: OwnProcessCommand, snapshotPath: string): Promise<CommandFigures> {
  const out = await mkdtemp(join(tmpdir(), `jcgraph-${command}-`));
  try {
    const { ms, value } = await timedAsync(() =>
      command === 'report' ? runReport(snapshotPath, out) : command === 'export' ? runExport(snapshotPath, out) : runDiff(snapshotPath),
    );
    return { command, ms, output: value, peakRssMiB: peakRssMiB() };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/**
 * The diff command on its own: the snapshot loaded twice (the second
 * time with one user's membership in a group removed), then the structural diff
 * and the drift of every binding (which builds a graph of each).
 */
async function runDiff(snapshotPath: string): Promise<string> {
  const before = (await loadSnapshot(snapshotPath)).tenant;
  const after = (await loadSnapshot(snapshotPath)).tenant;
  const at = after.edges.findIndex((e) => e.kind === 'membership' && e.to.type === 'user');
  after.edges.splice(at, 1);
  const report = drift(before, after);
  const b = report.bindings;
  return `${report.structure.edgesRemoved.length} edge removed; bindings ${b.lost.length} lost, ${b.pathsChanged.length} with paths changed; ${report.recomputed} subjects recomputed`;
}

export async function runScale(snapshotPath: string): Promise<ScaleFigures> {
  const snapshotBytes = (await stat(snapshotPath)).size;
  const loaded = await timedAsync(() => loadSnapshot(snapshotPath));
  const tenant: TenantData = loaded.value.tenant;
  const built = timed(() => AccessGraph.fromTenant(tenant));
  const g = built.value;
  const out = await mkdtemp(join(tmpdir(), 'jcgraph-scale-'));
  const commands: CommandFigures[] = [];
  const run = async (command: string, fn: () => string | Promise<string>): Promise<void> => {
    const { ms, value } = await timedAsync(async () => fn());
    commands.push({ command, ms, output: value, peakRssMiB: peakRssMiB() });
    process.stderr.write(`  scale: ${command} ${ms.toFixed(0)} ms, peak RSS ${peakRssMiB().toFixed(0)} MiB\n`);
  };
  try {
    const picked = timed(() => pickSubject(g));
    const { user, system } = picked.value;
    const edge = hopEdge({ type: 'user', id: user }, system.paths[0]![0]!.to);
    await run('traverse', () => `${traverse(g, user, USER_SYSTEMS).length} systems`);
    await run('why', () => `${why(g, user, system.id) ? system.paths.length : 0} paths explained`);
    await run('access', () => `${access(g, user).length} bindings`);
    await run('who', () => `${whoCanAccess(g, system.id).length} bindings`);
    await run('revoke', () => `${planRevoke(g, user, system.id).steps.length} steps`);
    await run('offboard', () => `${planOffboard(g, user).steps.length} steps`);
    await run('whatif', () => `${whatIf(g, [{ op: 'remove-edge', edge }]).subjects.length} subjects changed`);
    // The widest what-if there is: the user group with the most members removed, every subject streamed.
    const largest = largestUserGroup(g);
    await run('whatif, largest group removed', () => {
      let lost = 0;
      const summary = whatIfEach(g, [{ op: 'remove-object', id: largest }], (d) => (lost += d.lost.length));
      return `${summary.subjects} subjects lose ${lost} bindings`;
    });
    await run('findings', () => `${findings(g).totals.bindings} bindings reviewed`);
    const inventory = wholeInventory(g);
    commands.push({ command: 'inventory', ms: inventory.ms, output: `${inventory.paths} paths`, peakRssMiB: peakRssMiB() });
    const peak = peakRssMiB();
    return {
      snapshotBytes,
      loadMs: loaded.ms,
      buildMs: built.ms,
      objects: tenant.objects.length,
      edges: tenant.edges.length,
      subject: `user ${user}`,
      resource: `system ${system.id}`,
      commands,
      inventory,
      peakRssMiB: peak,
      ceilingMiB: RSS_CEILING_MIB,
      withinCeiling: peak <= RSS_CEILING_MIB,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [snapshot] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (!snapshot) throw new Error('usage: node --import tsx bench/scale.ts SNAPSHOT [--report | --export | --diff] [--json]');
  const own = OWN_PROCESS_COMMANDS.find((c) => process.argv.includes(`--${c}`));
  if (own) {
    process.stdout.write(`${JSON.stringify(await runOwnProcessCommand(own, snapshot))}\n`);
    process.exit(0);
  }
  const figures = await runScale(snapshot);
  if (process.argv.includes('--emit')) emitResult(figures);
  else if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  else {
    process.stdout.write(
      `loaded ${figures.objects} objects, ${figures.edges} edges in ${figures.loadMs.toFixed(0)} ms, built in ${figures.buildMs.toFixed(0)} ms\n`,
    );
    for (const c of figures.commands)
      process.stdout.write(
        `  ${c.command.padEnd(10)} ${c.ms.toFixed(1).padStart(10)} ms  peak RSS ${c.peakRssMiB.toFixed(0)} MiB  ${c.output}\n`,
      );
    process.stdout.write(`peak RSS ${figures.peakRssMiB.toFixed(0)} MiB of ${figures.ceilingMiB} MiB\n`);
  }
}
