/**
 * Offboarding a user: everything the user can reach, the memberships and associations to remove (as
 * the exact API calls, printed, never sent), and a check that no access remains afterwards.
 *
 *   node --import tsx examples/offboard-user.ts                         # a suspended user of a simulated organization
 *   node --import tsx examples/offboard-user.ts user:jdoe --snapshot acme.json
 */
import { parseArgs } from 'node:util';
import { AccessGraph, describePath, findings, formatOperation, formatReference, planOffboard, resolveObject } from 'jcgraph';
import { TENANT_OPTIONS, openTenant } from './tenant.ts';

const { values, positionals } = parseArgs({ options: TENANT_OPTIONS, allowPositionals: true });
const { tenant, source } = await openTenant(values);
const graph = AccessGraph.fromTenant(tenant);

// The user named on the command line (id, name or type:name), else the first suspended user with access.
const named = positionals[0];
const userId = named ? resolveObject(graph, named).id : findings(graph).inactiveUsers.find((u) => u.reasons.includes('suspended'))?.user.id;
if (!userId) throw new Error(`No user named and no suspended user with access in ${source}.`);
const plan = planOffboard(graph, userId);

if (values.json) {
  console.log(JSON.stringify(plan, null, 2));
} else {
  console.log(`Offboarding ${formatReference(plan.user)} (${source}): ${plan.bindings.length} bindings, ${plan.steps.length} changes.`);
  console.log('Access today:');
  for (const b of plan.bindings) console.log(`  ${formatReference(b.target)} (${b.label}) via ${describePath(b.paths[0]!)}`);
  console.log('Changes (dry run, nothing is sent):');
  plan.steps.forEach((s, i) => console.log(`  ${i + 1}. ${formatOperation(s.operation)}  ends ${s.ends.length} bindings`));
  const lost = plan.collateral.lost.length;
  console.log(`Other users lose ${lost === 0 ? 'nothing' : `${lost} bindings`}.`);
  console.log(plan.remaining.length === 0 ? 'Checked: no access remains.' : `NOT COMPLETE: ${plan.remaining.length} bindings remain.`);
}
