/**
 * Drift between two snapshots of one organization: objects and edges added, removed and changed, and
 * what that did to access: bindings gained and lost, bindings whose paths changed, compiledAttributes
 * changes. Sudo gained comes first, as the headline.
 *
 * Only the subjects the differences can touch are recomputed (as in what-if): the sources affected by
 * each removed edge (asked in the old graph), each added edge (in the new graph), each edge whose
 * attributes changed and each edge of a changed object (in both), plus the changed objects themselves.
 * A test compares the result with a comparison of every binding of both snapshots (test/helpers/full-recompute.ts).
 */
import type { JsonObject, TenantData, TenantEdge } from '../model/index.ts';
import { isJsonObject } from '../model/index.ts';
import { affectedSources, AccessGraph } from '../graph/index.ts';
import { isBindingSubject, type AccessPath, type Binding, type NamedRef } from './bindings.ts';
import { diffTenants, type TenantDiff } from './tenant-diff.ts';
import { subjectDelta, type SubjectDelta } from './delta.ts';
import { canonicalJson } from '../model/index.ts';

export interface SudoValue {
  readonly enabled: boolean;
  readonly withoutPassword: boolean;
}

/** A binding whose compiled sudo became more permissive (or that is new and has sudo). */
export interface SudoGain {
  readonly subject: NamedRef;
  readonly target: NamedRef;
  readonly before: SudoValue | null;
  readonly after: SudoValue;
  /** `sudo` (enabled now, not before) or `passwordless` (enabled before, without password now). */
  readonly gained: 'sudo' | 'passwordless';
  /** The binding's paths now. */
  readonly paths: readonly AccessPath[];
}

/** A user whose own record gained global sudo (`sudo` or `passwordless_sudo` turned true). */
export interface UserSudoGain {
  readonly user: NamedRef;
  readonly fields: readonly string[];
}

export interface PathChange {
  readonly subject: NamedRef;
  readonly target: NamedRef;
  readonly added: readonly AccessPath[];
  readonly removed: readonly AccessPath[];
}

export interface AttributeChange {
  readonly subject: NamedRef;
  readonly target: NamedRef;
  readonly before: JsonObject | null;
  readonly after: JsonObject | null;
  /** compiledAttributes keys whose values differ. */
  readonly keys: readonly string[];
}

export interface DriftReport {
  readonly headline: { readonly sudoGained: readonly SudoGain[]; readonly userSudoGained: readonly UserSudoGain[] };
  readonly structure: TenantDiff;
  readonly bindings: {
    readonly gained: readonly Binding[];
    readonly lost: readonly Binding[];
    readonly pathsChanged: readonly PathChange[];
    readonly attributesChanged: readonly AttributeChange[];
  };
  /** Subjects recomputed. */
  readonly recomputed: number;
}

/** The sudo setting in a binding's compiledAttributes, or null when they carry none. */
export function sudoOf(compiled: JsonObject | null | undefined): SudoValue | null {
  const sudo = compiled?.['sudo'];
  return isJsonObject(sudo)
    ? { enabled: sudo['enabled'] === true, withoutPassword: sudo['enabled'] === true && sudo['withoutPassword'] === true }
    : null;
}

function sudoGain(before: SudoValue | null, after: SudoValue | null): SudoGain['gained'] | undefined {
  if (!after?.enabled) return undefined;
  if (!before?.enabled) return 'sudo';
  return after.withoutPassword && !before.withoutPassword ? 'passwordless' : undefined;
}

const pathId = (p: AccessPath): string => p.edgeKeys.join(' ');

function changedKeys(before: JsonObject | null, after: JsonObject | null): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((k) => canonicalJson(before?.[k] ?? null) !== canonicalJson(after?.[k] ?? null)).sort();
}

/** The sources whose bindings the structural differences can change (what drift() recomputes; the watch scopes its rule check by them too). */
export function touchedSources(oldGraph: AccessGraph, newGraph: AccessGraph, diff: TenantDiff): Set<string> {
  const out = new Set<string>();
  const note = (g: AccessGraph, edge: TenantEdge): void => {
    for (const id of affectedSources(g, edge)) out.add(id);
  };
  for (const e of diff.edgesRemoved) note(oldGraph, e);
  for (const e of diff.edgesAdded) note(newGraph, e);
  for (const c of diff.edgesChanged) {
    note(oldGraph, c.edge);
    note(newGraph, c.edge);
  }
  for (const o of diff.objectsChanged) {
    out.add(o.id);
    for (const e of oldGraph.edgesOf(o.id)) note(oldGraph, e);
    for (const e of newGraph.edgesOf(o.id)) note(newGraph, e);
  }
  for (const o of [...diff.objectsAdded, ...diff.objectsRemoved]) out.add(o.id);
  return out;
}

function subjectType(oldGraph: AccessGraph, newGraph: AccessGraph, id: string): string | undefined {
  if (newGraph.hasObject(id)) return newGraph.object(id).type;
  if (oldGraph.hasObject(id)) return oldGraph.object(id).type;
  return undefined;
}

/** Drift report from the per-subject differences and the structural diff. */
function report(
  oldGraph: AccessGraph,
  newGraph: AccessGraph,
  structure: TenantDiff,
  deltas: readonly SubjectDelta[],
  recomputed: number,
): DriftReport {
  const gained = deltas.flatMap((d) => d.gained);
  const lost = deltas.flatMap((d) => d.lost);
  const changed = deltas.flatMap((d) => d.changed);
  const pathsChanged: PathChange[] = [];
  const attributesChanged: AttributeChange[] = [];
  const sudoGained: SudoGain[] = [];
  for (const b of gained) {
    const after = sudoOf(b.compiledAttributes);
    const gain = sudoGain(null, after);
    if (gain && after) sudoGained.push({ subject: b.subject, target: b.target, before: null, after, gained: gain, paths: b.paths });
  }
  for (const { before, after } of changed) {
    const old = new Set(before.paths.map(pathId));
    const now = new Set(after.paths.map(pathId));
    const added = after.paths.filter((p) => !old.has(pathId(p)));
    const removed = before.paths.filter((p) => !now.has(pathId(p)));
    if (added.length + removed.length > 0) pathsChanged.push({ subject: after.subject, target: after.target, added, removed });
    const b = before.compiledAttributes ?? null;
    const a = after.compiledAttributes ?? null;
    const keys = changedKeys(b, a);
    if (keys.length > 0) attributesChanged.push({ subject: after.subject, target: after.target, before: b, after: a, keys });
    const sudoBefore = sudoOf(b);
    const sudoAfter = sudoOf(a);
    const gain = sudoGain(sudoBefore, sudoAfter);
    if (gain && sudoAfter)
      sudoGained.push({
        subject: after.subject,
        target: after.target,
        before: sudoBefore,
        after: sudoAfter,
        gained: gain,
        paths: after.paths,
      });
  }
  const userSudoGained: UserSudoGain[] = [];
  for (const o of [...structure.objectsChanged, ...structure.objectsAdded]) {
    if (o.type !== 'user' || !newGraph.hasObject(o.id)) continue;
    const now = newGraph.object(o.id).record;
    const was = oldGraph.hasObject(o.id) ? oldGraph.object(o.id).record : {};
    const fields = ['sudo', 'passwordless_sudo'].filter((f) => now[f] === true && was[f] !== true);
    if (fields.length > 0) userSudoGained.push({ user: { type: o.type, id: o.id, name: o.name }, fields });
  }
  return { headline: { sudoGained, userSudoGained }, structure, bindings: { gained, lost, pathsChanged, attributesChanged }, recomputed };
}

/** What changed between two snapshots of a tenant, and what it did to access. */
export function drift(before: TenantData, after: TenantData): DriftReport {
  const oldGraph = AccessGraph.fromTenant(before);
  const newGraph = AccessGraph.fromTenant(after);
  const structure = diffTenants(before, after);
  return driftRecomputing(oldGraph, newGraph, structure, touchedSources(oldGraph, newGraph, structure));
}

/**
 * The drift report with the binding subjects among `candidates` recomputed, in id order: drift() passes
 * the sources the differences can touch; the tests' full comparison passes every subject of both graphs.
 */
export function driftRecomputing(
  oldGraph: AccessGraph,
  newGraph: AccessGraph,
  structure: TenantDiff,
  candidates: Iterable<string>,
): DriftReport {
  const subjects = [...candidates].filter((id) => {
    const type = subjectType(oldGraph, newGraph, id);
    return type !== undefined && isBindingSubject(type);
  });
  const deltas = subjects.sort().flatMap((id) => subjectDelta(oldGraph, newGraph, id) ?? []);
  return report(oldGraph, newGraph, structure, deltas, subjects.length);
}
