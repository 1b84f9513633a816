/**
 * Full recomputation, the reference the incremental analyses are checked against (tests) and the baseline
 * they are measured against (bench/whatif.ts): a what-if answered by recomputing every binding of every
 * subject of the changed graph, and drift by comparing every binding subject of both snapshots. Not part
 * of the library: its answers are the library's, reached the slow way.
 */
import { createHash } from 'node:crypto';
import { RULE_GROUP_MEMBERS, groupRuleOf, membersByRule, membershipEdge, type TenantData } from '../../src/model/index.ts';
import { AccessGraph, inventory } from '../../src/graph/index.ts';
import {
  BINDING_SUBJECT_TYPES,
  BINDING_TARGETS,
  bindingKey,
  isBindingSubject,
  subjectBindings,
  type Binding,
} from '../../src/analysis/bindings.ts';
import { bindingSignature, subjectDelta, type SubjectDelta } from '../../src/analysis/delta.ts';
import { diffTenants } from '../../src/analysis/tenant-diff.ts';
import { driftRecomputing, type DriftReport } from '../../src/analysis/drift.ts';
import type { Change, WhatIfResult, WhatIfSession } from '../../src/analysis/whatif.ts';

/** Every binding of the universe in a graph, by key (`subject>target`), recomputed subject by subject. */
export function allBindings(g: AccessGraph): Map<string, Binding> {
  const out = new Map<string, Binding>();
  for (const type of BINDING_SUBJECT_TYPES) {
    for (const o of g.objects(type)) for (const b of subjectBindings(g, o.id)) out.set(bindingKey(b.subject.id, b.target.id), b);
  }
  return out;
}

/** Every dynamic group's rule run over the whole tenant, as JumpCloud does after a change (a group whose rule cannot be evaluated keeps its members). */
export function settleRules(tenant: TenantData): TenantData {
  let edges = tenant.edges;
  for (const group of tenant.objects) {
    const memberType = RULE_GROUP_MEMBERS[group.type];
    const rule = memberType ? groupRuleOf(group.type, group.record) : undefined;
    if (!rule?.dynamic) continue;
    const current = new Set(edges.filter((e) => e.kind === 'membership' && e.from.id === group.id).map((e) => e.to.id));
    const candidates = tenant.objects.filter((o) => o.type === memberType).map((o) => ({ id: o.id, record: o.record }));
    const after = membersByRule(rule, current, candidates);
    if (!after) continue;
    edges = [
      ...edges.filter((e) => !(e.kind === 'membership' && e.from.id === group.id)),
      ...candidates.filter((c) => after.has(c.id)).map((c) => membershipEdge(group, { type: memberType!, id: c.id })),
    ];
  }
  return { ...tenant, edges };
}

/** A what-if result from per-subject deltas (undefined: no difference), subjects in id order. */
function collectDeltas(deltas: (SubjectDelta | undefined)[], recomputed: number): WhatIfResult {
  const subjects = deltas
    .filter((d): d is SubjectDelta => d !== undefined)
    .sort((a, b) => (a.subject.id < b.subject.id ? -1 : a.subject.id > b.subject.id ? 1 : 0));
  const sum = (f: (d: SubjectDelta) => number) => subjects.reduce((n, d) => n + f(d), 0);
  return {
    recomputed,
    subjects,
    totals: { gained: sum((d) => d.gained.length), lost: sum((d) => d.lost.length), changed: sum((d) => d.changed.length) },
  };
}

/**
 * A graph's binding answers, held compactly: per binding subject (with at least one binding), one digest
 * of its every binding in target order (target id, paths with their edge attributes, compiled attributes:
 * what `bindingSignature` covers). Two graphs give a subject the same digest exactly when its answers agree (but
 * for a SHA-256 collision). About a hundred bytes per subject, where the signatures themselves take
 * gigabytes on a 100,000-user tenant.
 */
export interface BindingDigests {
  readonly bySubject: ReadonlyMap<string, string>;
  /** Bindings digested, over every subject. */
  readonly bindings: number;
}

/** Streams every binding subject of `g` with the digest of its bindings; one subject's answers held at a time. */
function forEachSubjectDigest(g: AccessGraph, visit: (subjectId: string, digest: string, bindings: number) => void): void {
  for (const type of BINDING_SUBJECT_TYPES) {
    let subject: string | undefined;
    let hash = createHash('sha256');
    let bindings = 0;
    const flush = (): void => {
      if (subject !== undefined) visit(subject, hash.digest('base64'), bindings);
    };
    for (const b of inventory(g, type, BINDING_TARGETS[type] ?? [])) {
      if (b.source.id !== subject) {
        flush();
        subject = b.source.id;
        hash = createHash('sha256');
        bindings = 0;
      }
      // JSON values one after another: no separator needed for the sequence to be unambiguous.
      hash.update(JSON.stringify(b.target.id));
      hash.update(bindingSignature(b.target));
      bindings += 1;
    }
    flush();
  }
}

/** Every binding subject's digest (see BindingDigests): the base a full recompute compares against. */
export function bindingDigests(g: AccessGraph): BindingDigests {
  const bySubject = new Map<string, string>();
  let total = 0;
  forEachSubjectDigest(g, (subject, digest, bindings) => {
    bySubject.set(subject, digest);
    total += bindings;
  });
  return { bySubject, bindings: total };
}

/**
 * The same answer as WhatIfSession.evaluate by recomputing every binding of every subject of the changed
 * graph and comparing each subject with `base` (bindingDigests of the base graph): the reference for tests
 * and the baseline of the bench. Streams one subject at a time, so its memory is the digests, not the
 * bindings; the subjects that differ are then compared binding by binding.
 */
export function whatIfFull(
  session: WhatIfSession,
  changes: readonly Change[],
  base: BindingDigests = bindingDigests(session.base),
): WhatIfResult {
  return session.withChanges(changes, (after) => {
    const differing: string[] = [];
    const seen = new Set<string>();
    forEachSubjectDigest(after, (subject, digest) => {
      seen.add(subject);
      if (base.bySubject.get(subject) !== digest) differing.push(subject);
    });
    for (const subject of base.bySubject.keys()) if (!seen.has(subject)) differing.push(subject);
    return collectDeltas(
      differing.map((id) => subjectDelta(session.base, after, id)),
      seen.size,
    );
  });
}

/** The same report as drift() by comparing every binding subject of both snapshots. */
export function driftFull(before: TenantData, after: TenantData): DriftReport {
  const oldGraph = AccessGraph.fromTenant(before);
  const newGraph = AccessGraph.fromTenant(after);
  const ids = new Set<string>();
  for (const g of [oldGraph, newGraph]) for (const o of g.objects()) if (isBindingSubject(o.type)) ids.add(o.id);
  return driftRecomputing(oldGraph, newGraph, diffTenants(before, after), ids);
}
