/**
 * Who has sudo anywhere? Every user who is an administrator on at least one device, the devices, and
 * whether the user's own record makes it an administrator everywhere it logs in.
 *
 *   node --import tsx examples/sudo-anywhere.ts                       # a simulated organization
 *   node --import tsx examples/sudo-anywhere.ts --snapshot acme.json  # a snapshot from jcgraph fetch
 */
import { parseArgs } from 'node:util';
import { AccessGraph, access, formatReference, sudoOf } from 'jcgraph';
import { TENANT_OPTIONS, openTenant } from './tenant.ts';

const { values } = parseArgs({ options: TENANT_OPTIONS });
const { tenant, source } = await openTenant(values);
const graph = AccessGraph.fromTenant(tenant);

const admins = [];
for (const user of graph.objects('user')) {
  const global = user.record['passwordless_sudo'] === true ? 'passwordless_sudo' : user.record['sudo'] === true ? 'sudo' : null;
  const devices = access(graph, user.id, { types: ['system', 'system_group'] })
    .map((b) => ({ device: b.target, sudo: sudoOf(b.compiledAttributes) }))
    .filter((d) => d.sudo?.enabled);
  if (devices.length > 0 || global) admins.push({ user: formatReference(user), global, devices });
}
admins.sort((a, b) => b.devices.length - a.devices.length || (a.user < b.user ? -1 : 1));

if (values.json) {
  console.log(
    JSON.stringify(
      admins.map((a) => ({ ...a, devices: a.devices.map((d) => ({ ...d.device, withoutPassword: d.sudo?.withoutPassword })) })),
      null,
      2,
    ),
  );
} else {
  console.log(`Sudo anywhere (${source}): ${admins.length} users are administrators somewhere.`);
  for (const a of admins) {
    const nopasswd = a.devices.filter((d) => d.sudo?.withoutPassword).length;
    const list = a.devices
      .slice(0, 4)
      .map((d) => formatReference(d.device))
      .join(', ');
    const more = a.devices.length > 4 ? ` and ${a.devices.length - 4} more` : '';
    const global = a.global ? `; ${a.global} on the user: administrator on every device it reaches` : '';
    console.log(
      `${a.user}: sudo on ${a.devices.length} devices (${nopasswd} without password)${a.devices.length > 0 ? `: ${list}${more}` : ''}${global}`,
    );
  }
}
