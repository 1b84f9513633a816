/**
 * What changed since last week? Compare two snapshots: sudo gained first, then access gained and lost,
 * then the objects and edges that changed.
 *
 *   node --import tsx examples/drift-since-last-week.ts --before last-week.json --after today.json
 *   node --import tsx examples/drift-since-last-week.ts   # simulates a week: fetch, two admin changes, fetch again
 */
import { parseArgs } from 'node:util';
import { drift, formatReference, loadSnapshot, membershipEdge, type TenantData } from 'jcgraph';
import { simulatedTenant } from './tenant.ts';

const { values } = parseArgs({ options: { before: { type: 'string' }, after: { type: 'string' }, json: { type: 'boolean' } } });

/** Last week's organization and today's: two snapshots, or a simulated one before and after two changes. */
async function twoWeeks(): Promise<[TenantData, TenantData]> {
  if (values.before && values.after) return [(await loadSnapshot(values.before)).tenant, (await loadSnapshot(values.after)).tenant];
  const lastWeek = (await simulatedTenant('small', 1)).tenant;
  const named = (type: string, name: string) => lastWeek.objects.find((o) => o.type === type && o.record['name'] === name)!;
  const itAdmins = named('user_group', 'IT Admins');
  const members = new Set(lastWeek.edges.filter((e) => e.from.id === itAdmins.id).map((e) => e.to.id));
  const newAdmin = lastWeek.objects.find((o) => o.type === 'user' && !members.has(o.id) && o.record['state'] === 'ACTIVATED')!;
  const bound = new Set(lastWeek.edges.filter((e) => e.kind === 'association').map((e) => e.from.id));
  const leaving = lastWeek.edges.find((e) => e.kind === 'membership' && bound.has(e.from.id) && e.from.id !== itAdmins.id)!;
  // This week an admin added a user to IT Admins and took another out of a group.
  const thisWeek = { ...lastWeek, edges: [...lastWeek.edges.filter((e) => e !== leaving), membershipEdge(itAdmins, newAdmin)] };
  return [lastWeek, (await simulatedTenant('small', 1, thisWeek)).tenant];
}

const [before, after] = await twoWeeks();
const report = drift(before, after);

if (values.json) {
  console.log(
    JSON.stringify(
      {
        headline: report.headline,
        bindings: { gained: report.bindings.gained.length, lost: report.bindings.lost.length },
        structure: report.structure,
      },
      null,
      2,
    ),
  );
} else {
  const { sudoGained } = report.headline;
  const s = report.structure;
  console.log(
    `Drift: ${sudoGained.length} bindings gained sudo, ${report.bindings.gained.length} bindings gained, ${report.bindings.lost.length} lost.`,
  );
  const bySubject = new Map<string, string[]>();
  for (const g of sudoGained) {
    const key = formatReference(g.subject);
    bySubject.set(key, [...(bySubject.get(key) ?? []), `${formatReference(g.target)}${g.after.withoutPassword ? ' (no password)' : ''}`]);
  }
  for (const [subject, targets] of bySubject) {
    console.log(
      `  SUDO ${subject} on ${targets.length} devices: ${targets.slice(0, 4).join(', ')}${targets.length > 4 ? ` and ${targets.length - 4} more` : ''}`,
    );
  }
  for (const b of report.bindings.lost) console.log(`  lost ${formatReference(b.subject)} → ${formatReference(b.target)}`);
  console.log(
    `Structure: ${s.edgesAdded.length} edges added, ${s.edgesRemoved.length} removed, ${s.edgesChanged.length} changed; ${s.objectsAdded.length} objects added, ${s.objectsRemoved.length} removed, ${s.objectsChanged.length} changed.`,
  );
}
